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
import { RequiresScope } from '../auth/api-key-scopes';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { ErrorDto } from '../core/http/error.dto';
import { PaginationQueryDto } from '../core/http/pagination';
import { SessionIdParam } from '../sessions/sessions.controller';
import { DeliveriesService } from '../webhooks/deliveries.service';
import { ListDeliveriesQueryDto, RedeliverFailedDto } from '../webhooks/dto/webhook-requests.dto';
import { DeliveryDto, DeliveryListDto, RedeliveriesDto } from '../webhooks/dto/webhook.dto';
import { CreateSinkDto, UpdateSinkDto } from './dto/sink-requests.dto';
import { SinkDto, SinkListDto, SinkTestResultDto } from './dto/sink.dto';
import { SinksService } from './sinks.service';

const SinkIdParam = (): ParameterDecorator => Param('sinkId', new ParseUUIDPipe({ version: '4' }));

/**
 * Message-broker sinks. Their deliveries share the webhooks' outbox and log: a delivery's detail and a single
 * redelivery are the `/deliveries/{deliveryId}` routes, for either kind.
 */
@ApiTags('sinks')
@ApiUnauthorizedResponse({ type: ErrorDto })
@ApiBadRequestResponse({ type: ErrorDto })
@ApiNotFoundResponse({ type: ErrorDto })
@Controller()
export class SinksController {
  constructor(
    private readonly sinks: SinksService,
    private readonly deliveries: DeliveriesService,
  ) {}

  @Post('sessions/:id/sinks')
  @RequiresScope('webhooks:write')
  @ApiOperation({
    summary: 'Publish the session’s events to RabbitMQ or NATS JetStream; credentials are never returned',
  })
  @ApiCreatedResponse({ type: SinkDto })
  async create(
    @CurrentUser() user: AuthUser,
    @SessionIdParam() sessionId: string,
    @Body() body: CreateSinkDto,
  ): Promise<SinkDto> {
    return SinkDto.from(await this.sinks.create(user, sessionId, body));
  }

  @Get('sessions/:id/sinks')
  @RequiresScope('webhooks:read')
  @ApiOkResponse({ type: SinkListDto })
  async list(
    @CurrentUser() user: AuthUser,
    @SessionIdParam() sessionId: string,
    @Query() query: PaginationQueryDto,
  ): Promise<SinkListDto> {
    const { items, total } = await this.sinks.list(user, sessionId, query);
    return { items: items.map((sink) => SinkDto.from(sink)), total };
  }

  @Get('sinks/:sinkId')
  @RequiresScope('webhooks:read')
  @ApiOkResponse({ type: SinkDto })
  async get(@CurrentUser() user: AuthUser, @SinkIdParam() sinkId: string): Promise<SinkDto> {
    return SinkDto.from(await this.sinks.get(user, sinkId));
  }

  @Patch('sinks/:sinkId')
  @RequiresScope('webhooks:write')
  @ApiOkResponse({ type: SinkDto })
  async update(
    @CurrentUser() user: AuthUser,
    @SinkIdParam() sinkId: string,
    @Body() body: UpdateSinkDto,
  ): Promise<SinkDto> {
    return SinkDto.from(await this.sinks.update(user, sinkId, body));
  }

  @Delete('sinks/:sinkId')
  @RequiresScope('webhooks:write')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted, with its delivery log' })
  async delete(@CurrentUser() user: AuthUser, @SinkIdParam() sinkId: string): Promise<void> {
    await this.sinks.delete(user, sinkId);
  }

  @Post('sinks/:sinkId/test')
  @RequiresScope('webhooks:write')
  @HttpCode(200)
  @ApiOperation({ summary: 'Publish a webhook.test event now and report whether the broker took it' })
  @ApiOkResponse({ type: SinkTestResultDto })
  test(@CurrentUser() user: AuthUser, @SinkIdParam() sinkId: string): Promise<SinkTestResultDto> {
    return this.sinks.test(user, sinkId);
  }

  @Get('sinks/:sinkId/deliveries')
  @RequiresScope('webhooks:read')
  @ApiOperation({ summary: 'The delivery log, newest first' })
  @ApiOkResponse({ type: DeliveryListDto })
  async deliveriesOf(
    @CurrentUser() user: AuthUser,
    @SinkIdParam() sinkId: string,
    @Query() query: ListDeliveriesQueryDto,
  ): Promise<DeliveryListDto> {
    const { items, total } = await this.deliveries.list(user, { kind: 'sink', id: sinkId }, query);
    return { items: items.map((delivery) => DeliveryDto.from(delivery)), total };
  }

  @Post('sinks/:sinkId/deliveries/redeliver')
  @RequiresScope('webhooks:write')
  @HttpCode(202)
  @ApiOperation({ summary: 'Redeliver every failed delivery created since a time' })
  @ApiAcceptedResponse({ type: RedeliveriesDto })
  @ApiConflictResponse({ type: ErrorDto, description: 'The sink is disabled' })
  async redeliverFailed(
    @CurrentUser() user: AuthUser,
    @SinkIdParam() sinkId: string,
    @Body() body: RedeliverFailedDto,
  ): Promise<RedeliveriesDto> {
    return { count: await this.deliveries.redeliverFailedSince(user, { kind: 'sink', id: sinkId }, body.since) };
  }
}
