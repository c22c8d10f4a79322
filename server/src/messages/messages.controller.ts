import { Body, Controller, Get, Headers, Param, Post, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { ErrorDto } from '../core/http/error.dto';
import { SessionIdParam } from '../sessions/sessions.controller';
import { MessageDetailDto, MessageDto, SendMessageDto } from './dto/message.dto';
import { MessagesService } from './messages.service';

@ApiTags('messages')
@ApiUnauthorizedResponse({ type: ErrorDto })
@ApiBadRequestResponse({ type: ErrorDto })
@ApiNotFoundResponse({ type: ErrorDto })
@Controller('sessions/:id/messages')
export class MessagesController {
  constructor(private readonly messages: MessagesService) {}

  @Post()
  @ApiOperation({ summary: 'Send a text message through the session’s pacing queue' })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Any unique string (up to 255 printable characters): a retried request with it never sends twice',
  })
  @ApiCreatedResponse({ type: MessageDto, description: 'WhatsApp took the message' })
  @ApiAcceptedResponse({
    type: MessageDto,
    description: 'Queued by pacing for longer than a few seconds; message.sent follows',
  })
  @ApiConflictResponse({ type: ErrorDto, description: 'The session is not connected' })
  @ApiUnprocessableEntityResponse({
    type: ErrorDto,
    description: 'Unknown recipient, or an Idempotency-Key reused for a different message',
  })
  @ApiResponse({ status: 502, type: ErrorDto, description: 'WhatsApp did not take the message' })
  async send(
    @CurrentUser() user: AuthUser,
    @SessionIdParam() sessionId: string,
    @Body() body: SendMessageDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<MessageDto> {
    const result = await this.messages.send(user, sessionId, body, idempotencyKey);
    response.status(result.queued ? 202 : 201);
    return MessageDto.from(result.message);
  }

  @Get(':messageId')
  @ApiOperation({ summary: 'A message sent through the API, by its id: follow a 202 or its receipts' })
  @ApiOkResponse({ type: MessageDetailDto })
  async get(
    @CurrentUser() user: AuthUser,
    @SessionIdParam() sessionId: string,
    @Param('messageId') messageId: string,
  ): Promise<MessageDetailDto> {
    return MessageDetailDto.detail(await this.messages.get(user, sessionId, messageId));
  }
}
