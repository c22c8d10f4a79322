import { Controller, Get, Param, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { ErrorDto } from '../core/http/error.dto';
import { RECIPIENT_PATTERN } from '../messages/recipient';
import { SessionIdParam } from '../sessions/sessions.controller';
import {
  ChatDto,
  ChatListDto,
  ChatListQueryDto,
  MessagePageDto,
  MessagePageQueryDto,
  MessageSearchQueryDto,
} from './dto/history.dto';
import { HistoryService } from './history.service';
import { RequiresScope } from '../auth/api-key-scopes';

/** The session's chats and its stored messages (MESSAGE_HISTORY_RETENTION): read-only. */
@ApiTags('history')
@ApiUnauthorizedResponse({ type: ErrorDto })
@ApiBadRequestResponse({ type: ErrorDto })
@ApiNotFoundResponse({ type: ErrorDto })
@RequiresScope('messages:read')
@Controller('sessions/:id')
export class HistoryController {
  constructor(private readonly history: HistoryService) {}

  @Get('chats')
  @ApiOperation({
    summary: 'The session’s chats by last activity, newest first',
    description: 'Chats with stored messages; each with its newest message and how many incoming ones are unread.',
  })
  @ApiOkResponse({ type: ChatListDto })
  async chats(
    @CurrentUser() user: AuthUser,
    @SessionIdParam() sessionId: string,
    @Query() query: ChatListQueryDto,
  ): Promise<ChatListDto> {
    const page = await this.history.chats(user, sessionId, query.limit, query.offset);
    return { items: page.items.map((summary) => ChatDto.from(summary)), total: page.total };
  }

  @Get('chats/:chatJid/messages')
  @ApiOperation({ summary: 'A chat’s stored messages, newest first, a page at a time' })
  @ApiParam({
    name: 'chatJid',
    description: 'The chat, as `to` of a message: a phone number, a PN JID, a LID or a group JID',
    schema: { type: 'string', pattern: RECIPIENT_PATTERN, example: '15551234567@s.whatsapp.net' },
  })
  @ApiOkResponse({ type: MessagePageDto })
  async chatMessages(
    @CurrentUser() user: AuthUser,
    @SessionIdParam() sessionId: string,
    @Param('chatJid') chatJid: string,
    @Query() query: MessagePageQueryDto,
  ): Promise<MessagePageDto> {
    return MessagePageDto.from(
      await this.history.chatMessages(user, sessionId, chatJid, { cursor: query.before, limit: query.limit }),
    );
  }

  @Get('messages')
  @ApiOperation({
    summary: 'Search the stored messages of every chat, newest first',
    description:
      '`q` finds words of texts and captions (Postgres full-text search, no stemming); `chat`, `from`, `type`, ' +
      '`since` and `until` narrow it. Without any, every stored message.',
  })
  @ApiOkResponse({ type: MessagePageDto })
  async search(
    @CurrentUser() user: AuthUser,
    @SessionIdParam() sessionId: string,
    @Query() query: MessageSearchQueryDto,
  ): Promise<MessagePageDto> {
    const { before, ...filters } = query;
    return MessagePageDto.from(await this.history.messages(user, sessionId, { ...filters, cursor: before }));
  }
}
