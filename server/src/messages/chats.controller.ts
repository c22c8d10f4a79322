import { Body, Controller, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import {
  ApiParam,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { ErrorDto } from '../core/http/error.dto';
import { SessionIdParam } from '../sessions/sessions.controller';
import { MarkReadDto, PresenceDto, PresenceSubscriptionDto } from './dto/chat.dto';
import { MessageActionsService } from './message-actions.service';
import { RECIPIENT_PATTERN } from './recipient';
import { RequiresScope } from '../auth/api-key-scopes';

/** Read receipts and presence: what a session tells its chats without a message, and whose presence it follows. */
@ApiTags('messages')
@ApiUnauthorizedResponse({ type: ErrorDto })
@ApiBadRequestResponse({ type: ErrorDto })
@ApiNotFoundResponse({ type: ErrorDto })
@ApiConflictResponse({ type: ErrorDto, description: 'The session is not connected' })
@ApiResponse({ status: 502, type: ErrorDto, description: 'WhatsApp did not take it' })
@Controller('sessions/:id')
export class ChatsController {
  constructor(private readonly actions: MessageActionsService) {}

  @Post('chats/:chatJid/read')
  @RequiresScope('messages:send')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Mark messages of a chat read (blue ticks)',
    description:
      'Without messageIds: every message received in the chat since the session connected on this server and not ' +
      'marked read yet (WAGO keeps no message history). In groups, messageIds must be messages received lately.',
  })
  @ApiNoContentResponse({ description: 'Read receipts sent' })
  @ApiParam({
    name: 'chatJid',
    description: 'The chat, as `to` of a message: a phone number, a PN JID, a LID or a group JID',
    schema: { type: 'string', pattern: RECIPIENT_PATTERN, example: '15551234567@s.whatsapp.net' },
  })
  async read(
    @CurrentUser() user: AuthUser,
    @SessionIdParam() sessionId: string,
    @Param('chatJid') chatJid: string,
    @Body() body: MarkReadDto,
  ): Promise<void> {
    await this.actions.markRead(user, sessionId, chatJid, body.messageIds);
  }

  @Post('presence')
  @RequiresScope('messages:send')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Announce the session online or offline, or typing, recording or paused in a chat' })
  @ApiNoContentResponse({ description: 'Presence sent' })
  @ApiConflictResponse({
    type: ErrorDto,
    description: 'The session is not connected, or (online/offline only) does not know its WhatsApp profile name yet',
  })
  async presence(
    @CurrentUser() user: AuthUser,
    @SessionIdParam() sessionId: string,
    @Body() body: PresenceDto,
  ): Promise<void> {
    await this.actions.presence(user, sessionId, body.state, body.chat);
  }

  @Post('presence/subscribe')
  @RequiresScope('messages:read')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Follow a person’s presence (online, last seen, typing): presence.update events follow',
    description:
      'WhatsApp tells a session presences only while the session is itself online: announce it with POST ' +
      '…/presence {state: "available"} (subscribing does not, since a session online for everyone keeps the phone ' +
      'from notifying). The subscription lasts as long as the connection; subscribe again after a reconnect.',
  })
  @ApiNoContentResponse({ description: 'Subscribed' })
  async subscribePresence(
    @CurrentUser() user: AuthUser,
    @SessionIdParam() sessionId: string,
    @Body() body: PresenceSubscriptionDto,
  ): Promise<void> {
    await this.actions.subscribePresence(user, sessionId, body.jid);
  }
}
