import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Headers, Param, Patch, Post, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
  getSchemaPath,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { ErrorDto } from '../core/http/error.dto';
import { SessionIdParam } from '../sessions/sessions.controller';
import {
  EditMessageDto,
  MessageDetailDto,
  SEND_MESSAGE_MODELS,
  SendMessageDto,
  SentMessageDto,
} from './dto/message.dto';
import { MessageActionsService } from './message-actions.service';
import { MessagesService } from './messages.service';
import { RequiresScope } from '../auth/api-key-scopes';

@ApiTags('messages')
@ApiUnauthorizedResponse({ type: ErrorDto })
@ApiBadRequestResponse({ type: ErrorDto })
@ApiNotFoundResponse({ type: ErrorDto })
@ApiExtraModels(...SEND_MESSAGE_MODELS)
@Controller('sessions/:id/messages')
export class MessagesController {
  constructor(
    private readonly messages: MessagesService,
    private readonly actions: MessageActionsService,
  ) {}

  @Post()
  @RequiresScope('messages:send')
  @ApiOperation({
    summary: 'Send a message of any kind through the session’s pacing queue',
    description:
      '`to` and exactly one of text, image, video, audio, document, sticker, location, contact, reaction. A media ' +
      'file is exactly one of `mediaId` (uploaded with POST /media), `url` (fetched once) or `data` (base64, 5 MB).',
  })
  @ApiBody({ schema: { oneOf: SEND_MESSAGE_MODELS.map((model) => ({ $ref: getSchemaPath(model) })) } })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Any unique string (up to 255 printable characters): a retried request with it never sends twice',
  })
  @ApiCreatedResponse({ type: SentMessageDto, description: 'WhatsApp took the message' })
  @ApiAcceptedResponse({
    type: SentMessageDto,
    description: 'Queued by pacing for longer than a few seconds; message.sent follows',
  })
  @ApiConflictResponse({ type: ErrorDto, description: 'The session is not connected' })
  @ApiUnprocessableEntityResponse({
    type: ErrorDto,
    description: 'Unknown recipient, an Idempotency-Key reused for a different message, or a media url not fetched',
  })
  @ApiResponse({ status: 413, type: ErrorDto, description: 'The media file is larger than MEDIA_MAX_BYTES' })
  @ApiResponse({ status: 502, type: ErrorDto, description: 'WhatsApp did not take the message' })
  async send(
    @CurrentUser() user: AuthUser,
    @SessionIdParam() sessionId: string,
    @Body() body: SendMessageDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SentMessageDto> {
    const result = await this.messages.send(user, sessionId, body, idempotencyKey);
    response.status(result.queued ? 202 : 201);
    return SentMessageDto.sent(result.message, result.to);
  }

  @Get(':messageId')
  @RequiresScope('messages:read')
  @ApiOperation({ summary: 'A message sent through the API, by its id: follow a 202 or its receipts' })
  @ApiOkResponse({ type: MessageDetailDto })
  async get(
    @CurrentUser() user: AuthUser,
    @SessionIdParam() sessionId: string,
    @Param('messageId') messageId: string,
  ): Promise<MessageDetailDto> {
    return MessageDetailDto.detail(await this.messages.get(user, sessionId, messageId));
  }

  @Patch(':messageId')
  @RequiresScope('messages:send')
  @ApiOperation({ summary: 'Edit the text or caption of a message the session sent (WhatsApp: within 15 minutes)' })
  @ApiOkResponse({ type: MessageDetailDto })
  @ApiConflictResponse({
    type: ErrorDto,
    description: 'Not sent (yet), not a text or caption, deleted, older than 15 minutes, or the session not connected',
  })
  @ApiResponse({ status: 502, type: ErrorDto, description: 'WhatsApp did not take the edit' })
  async edit(
    @CurrentUser() user: AuthUser,
    @SessionIdParam() sessionId: string,
    @Param('messageId') messageId: string,
    @Body() body: EditMessageDto,
  ): Promise<MessageDetailDto> {
    return MessageDetailDto.detail(await this.actions.edit(user, sessionId, messageId, body.text));
  }

  @Delete(':messageId')
  @RequiresScope('messages:send')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Delete a message the session sent for everyone (WhatsApp: within 60 hours)' })
  @ApiAcceptedResponse({ type: MessageDetailDto, description: 'WhatsApp took the deletion; deletedAt is set' })
  @ApiConflictResponse({
    type: ErrorDto,
    description: 'Not sent (yet), a reaction, older than 60 hours, or the session not connected',
  })
  @ApiResponse({ status: 502, type: ErrorDto, description: 'WhatsApp did not take the deletion' })
  async delete(
    @CurrentUser() user: AuthUser,
    @SessionIdParam() sessionId: string,
    @Param('messageId') messageId: string,
  ): Promise<MessageDetailDto> {
    return MessageDetailDto.detail(await this.actions.delete(user, sessionId, messageId));
  }
}
