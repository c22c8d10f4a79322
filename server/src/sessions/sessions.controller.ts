import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { ErrorDto } from '../core/http/error.dto';
import { SessionDto, SessionListDto } from './dto/session.dto';
import { CreateSessionDto, ListSessionsQueryDto, UpdateSessionDto } from './dto/session-requests.dto';
import { SessionsService } from './sessions.service';

export const SessionIdParam = (): ParameterDecorator => Param('id', new ParseUUIDPipe({ version: '4' }));

@ApiTags('sessions')
@ApiUnauthorizedResponse({ type: ErrorDto })
@ApiBadRequestResponse({ type: ErrorDto })
@Controller('sessions')
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Post()
  @ApiCreatedResponse({ type: SessionDto })
  @ApiConflictResponse({ type: ErrorDto, description: 'You already have a session with this name' })
  async create(@CurrentUser() user: AuthUser, @Body() body: CreateSessionDto): Promise<SessionDto> {
    return SessionDto.from(await this.sessions.create(user, body.name));
  }

  @Get()
  @ApiOkResponse({ type: SessionListDto, description: 'Your sessions (an admin sees everyone’s)' })
  async list(@CurrentUser() user: AuthUser, @Query() query: ListSessionsQueryDto): Promise<SessionListDto> {
    const { items, total } = await this.sessions.list(user, query);
    return { items: items.map((session) => SessionDto.from(session)), total };
  }

  @Get(':id')
  @ApiOkResponse({ type: SessionDto })
  @ApiNotFoundResponse({ type: ErrorDto })
  async get(@CurrentUser() user: AuthUser, @SessionIdParam() id: string): Promise<SessionDto> {
    return SessionDto.from(await this.sessions.get(user, id));
  }

  @Patch(':id')
  @ApiOkResponse({ type: SessionDto })
  @ApiNotFoundResponse({ type: ErrorDto })
  @ApiConflictResponse({ type: ErrorDto })
  async rename(
    @CurrentUser() user: AuthUser,
    @SessionIdParam() id: string,
    @Body() body: UpdateSessionDto,
  ): Promise<SessionDto> {
    return SessionDto.from(await this.sessions.rename(user, id, body.name));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorDto })
  async delete(@CurrentUser() user: AuthUser, @SessionIdParam() id: string): Promise<void> {
    await this.sessions.delete(user, id);
  }
}
