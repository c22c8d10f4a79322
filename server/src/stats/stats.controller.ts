import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { RequiresScope } from '../auth/api-key-scopes';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { ErrorDto } from '../core/http/error.dto';
import { StatsDto } from './dto/stats.dto';
import { StatsService } from './stats.service';

/** The dashboard's figures: counts, never content, so reading the sessions is enough. */
@ApiTags('stats')
@ApiUnauthorizedResponse({ type: ErrorDto })
@RequiresScope('sessions:read')
@Controller('stats')
export class StatsController {
  constructor(private readonly stats: StatsService) {}

  @Get()
  @ApiOperation({
    summary: 'How the gateway is doing: sessions, messages and deliveries',
    description:
      'An owner’s figures cover their own sessions (an API key limited to sessions: those), an admin’s everyone’s. ' +
      'Messages come from the message history (MESSAGE_HISTORY_RETENTION=0 keeps none, so they are 0): `in`/`out` ' +
      'over the last 24 h, and series per minute over the last hour and per hour over the last day. Deliveries ' +
      '(webhooks and sinks) made over the last 24 h by outcome, the latency of the attempts of the last hour, the ' +
      'backlog of pending ones, and the sessions with problems.',
  })
  @ApiOkResponse({ type: StatsDto })
  async get(@CurrentUser() user: AuthUser): Promise<StatsDto> {
    return this.stats.of(user);
  }
}
