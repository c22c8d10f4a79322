import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { ErrorDto } from '../core/http/error.dto';
import { PaginationQueryDto } from '../core/http/pagination';
import { SessionIdParam } from '../sessions/sessions.controller';
import { DeliveriesService } from './deliveries.service';
import {
  CreateWebhookDto,
  ListDeliveriesQueryDto,
  RedeliverFailedDto,
  UpdateWebhookDto,
} from './dto/webhook-requests.dto';
import {
  CreatedWebhookDto,
  DeliveryDetailDto,
  DeliveryDto,
  DeliveryListDto,
  RedeliveriesDto,
  WebhookDto,
  WebhookListDto,
  WebhookSecretDto,
  WebhookTestResultDto,
} from './dto/webhook.dto';
import { WebhooksService } from './webhooks.service';
import { RequiresScope } from '../auth/api-key-scopes';

const WebhookIdParam = (): ParameterDecorator => Param('webhookId', new ParseUUIDPipe({ version: '4' }));
const DeliveryIdParam = (): ParameterDecorator => Param('deliveryId', new ParseUUIDPipe({ version: '4' }));

@ApiTags('webhooks')
@ApiUnauthorizedResponse({ type: ErrorDto })
@ApiBadRequestResponse({ type: ErrorDto })
@ApiNotFoundResponse({ type: ErrorDto })
@Controller()
export class WebhooksController {
  constructor(
    private readonly webhooks: WebhooksService,
    private readonly deliveries: DeliveriesService,
  ) {}

  @Post('sessions/:id/webhooks')
  @RequiresScope('webhooks:write')
  @ApiOperation({ summary: 'Subscribe a URL to the session’s events; the signing secret is shown only in this answer' })
  @ApiCreatedResponse({ type: CreatedWebhookDto })
  async create(
    @CurrentUser() user: AuthUser,
    @SessionIdParam() sessionId: string,
    @Body() body: CreateWebhookDto,
  ): Promise<CreatedWebhookDto> {
    return CreatedWebhookDto.withSecret(await this.webhooks.create(user, sessionId, body));
  }

  @Get('sessions/:id/webhooks')
  @RequiresScope('webhooks:read')
  @ApiOkResponse({ type: WebhookListDto })
  async list(
    @CurrentUser() user: AuthUser,
    @SessionIdParam() sessionId: string,
    @Query() query: PaginationQueryDto,
  ): Promise<WebhookListDto> {
    const { items, total } = await this.webhooks.list(user, sessionId, query);
    return { items: items.map((webhook) => WebhookDto.from(webhook)), total };
  }

  @Get('webhooks/:webhookId')
  @RequiresScope('webhooks:read')
  @ApiOkResponse({ type: WebhookDto })
  async get(@CurrentUser() user: AuthUser, @WebhookIdParam() webhookId: string): Promise<WebhookDto> {
    return WebhookDto.from(await this.webhooks.get(user, webhookId));
  }

  @Patch('webhooks/:webhookId')
  @RequiresScope('webhooks:write')
  @ApiOkResponse({ type: WebhookDto })
  async update(
    @CurrentUser() user: AuthUser,
    @WebhookIdParam() webhookId: string,
    @Body() body: UpdateWebhookDto,
  ): Promise<WebhookDto> {
    return WebhookDto.from(await this.webhooks.update(user, webhookId, body));
  }

  @Delete('webhooks/:webhookId')
  @RequiresScope('webhooks:write')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted, with its delivery log' })
  async delete(@CurrentUser() user: AuthUser, @WebhookIdParam() webhookId: string): Promise<void> {
    await this.webhooks.delete(user, webhookId);
  }

  @Post('webhooks/:webhookId/rotate-secret')
  @RequiresScope('webhooks:write')
  @HttpCode(200)
  @ApiOperation({ summary: 'New signing secret; the old one keeps signing alongside it for WEBHOOK_SECRET_GRACE' })
  @ApiOkResponse({ type: WebhookSecretDto })
  async rotateSecret(@CurrentUser() user: AuthUser, @WebhookIdParam() webhookId: string): Promise<WebhookSecretDto> {
    return { secret: await this.webhooks.rotateSecret(user, webhookId) };
  }

  @Post('webhooks/:webhookId/test')
  @RequiresScope('webhooks:write')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send a signed webhook.test ping now and report the receiver’s answer' })
  @ApiOkResponse({ type: WebhookTestResultDto })
  test(@CurrentUser() user: AuthUser, @WebhookIdParam() webhookId: string): Promise<WebhookTestResultDto> {
    return this.webhooks.test(user, webhookId);
  }

  @Get('webhooks/:webhookId/deliveries')
  @RequiresScope('webhooks:read')
  @ApiOperation({ summary: 'The delivery log, newest first' })
  @ApiOkResponse({ type: DeliveryListDto })
  async deliveriesOf(
    @CurrentUser() user: AuthUser,
    @WebhookIdParam() webhookId: string,
    @Query() query: ListDeliveriesQueryDto,
  ): Promise<DeliveryListDto> {
    const { items, total } = await this.deliveries.list(user, { kind: 'webhook', id: webhookId }, query);
    return { items: items.map((delivery) => DeliveryDto.from(delivery)), total };
  }

  @Post('webhooks/:webhookId/deliveries/redeliver')
  @RequiresScope('webhooks:write')
  @HttpCode(202)
  @ApiOperation({ summary: 'Redeliver every failed delivery created since a time' })
  @ApiAcceptedResponse({ type: RedeliveriesDto })
  @ApiConflictResponse({ type: ErrorDto, description: 'The webhook is disabled' })
  async redeliverFailed(
    @CurrentUser() user: AuthUser,
    @WebhookIdParam() webhookId: string,
    @Body() body: RedeliverFailedDto,
  ): Promise<RedeliveriesDto> {
    return { count: await this.deliveries.redeliverFailedSince(user, { kind: 'webhook', id: webhookId }, body.since) };
  }

  @Get('deliveries/:deliveryId')
  @RequiresScope('webhooks:read')
  @ApiOkResponse({ type: DeliveryDetailDto })
  async delivery(@CurrentUser() user: AuthUser, @DeliveryIdParam() deliveryId: string): Promise<DeliveryDetailDto> {
    return DeliveryDetailDto.fromDetail(await this.deliveries.get(user, deliveryId));
  }

  @Post('deliveries/:deliveryId/redeliver')
  @RequiresScope('webhooks:write')
  @HttpCode(202)
  @ApiOperation({ summary: 'A new attempt on the same delivery, with the same event id' })
  @ApiAcceptedResponse({ type: DeliveryDetailDto })
  @ApiConflictResponse({ type: ErrorDto, description: 'The webhook or sink is disabled' })
  async redeliver(@CurrentUser() user: AuthUser, @DeliveryIdParam() deliveryId: string): Promise<DeliveryDetailDto> {
    return DeliveryDetailDto.fromDetail(await this.deliveries.redeliver(user, deliveryId));
  }
}
