import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
  StreamableFile,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import QRCode from 'qrcode';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { ErrorDto } from '../core/http/error.dto';
import { SessionDto, SessionListDto } from './dto/session.dto';
import { CreateSessionDto, ListSessionsQueryDto, UpdateSessionDto } from './dto/session-requests.dto';
import { PairingCodeDto, PairingCodeRequestDto, SessionQrDto } from './dto/session-lifecycle.dto';
import { SessionLifecycleService } from './session-lifecycle.service';
import { SessionsService } from './sessions.service';
import { RequiresScope } from '../auth/api-key-scopes';

export const SessionIdParam = (): ParameterDecorator => Param('id', new ParseUUIDPipe({ version: '4' }));

@ApiTags('sessions')
@ApiUnauthorizedResponse({ type: ErrorDto })
@ApiBadRequestResponse({ type: ErrorDto })
@Controller('sessions')
export class SessionsController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly lifecycle: SessionLifecycleService,
  ) {}

  @Post()
  @RequiresScope('sessions:write')
  @ApiCreatedResponse({ type: SessionDto })
  @ApiConflictResponse({ type: ErrorDto, description: 'You already have a session with this name' })
  async create(@CurrentUser() user: AuthUser, @Body() body: CreateSessionDto): Promise<SessionDto> {
    return SessionDto.from(await this.sessions.create(user, body.name));
  }

  @Get()
  @RequiresScope('sessions:read')
  @ApiOkResponse({ type: SessionListDto, description: 'Your sessions (an admin sees everyone’s)' })
  async list(@CurrentUser() user: AuthUser, @Query() query: ListSessionsQueryDto): Promise<SessionListDto> {
    const { items, total } = await this.sessions.list(user, query);
    return { items: items.map((session) => SessionDto.from(session)), total };
  }

  @Get(':id')
  @RequiresScope('sessions:read')
  @ApiOkResponse({ type: SessionDto })
  @ApiNotFoundResponse({ type: ErrorDto })
  async get(@CurrentUser() user: AuthUser, @SessionIdParam() id: string): Promise<SessionDto> {
    return SessionDto.from(await this.sessions.get(user, id));
  }

  @Patch(':id')
  @RequiresScope('sessions:write')
  @ApiOperation({ summary: 'Rename the session or change its settings (at least one; settings left out stay)' })
  @ApiOkResponse({ type: SessionDto })
  @ApiNotFoundResponse({ type: ErrorDto })
  @ApiConflictResponse({ type: ErrorDto, description: 'You already have a session with this name' })
  async update(
    @CurrentUser() user: AuthUser,
    @SessionIdParam() id: string,
    @Body() body: UpdateSessionDto,
  ): Promise<SessionDto> {
    return SessionDto.from(await this.sessions.update(user, id, body));
  }

  @Delete(':id')
  @RequiresScope('sessions:write')
  @HttpCode(204)
  @ApiOperation({ summary: 'Log the device out (if linked), then delete the session and its credentials' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorDto })
  @ApiConflictResponse({ type: ErrorDto, description: 'The session runs on another WAGO node' })
  async delete(@CurrentUser() user: AuthUser, @SessionIdParam() id: string): Promise<void> {
    await this.lifecycle.delete(user, id);
  }

  @Post(':id/start')
  @RequiresScope('sessions:write')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Connect to WhatsApp',
    description: 'starting → qr (or pairing_code) → connected; a linked session logs in again without a QR.',
  })
  @ApiAcceptedResponse({ type: SessionDto })
  @ApiNotFoundResponse({ type: ErrorDto })
  async start(@CurrentUser() user: AuthUser, @SessionIdParam() id: string): Promise<SessionDto> {
    return SessionDto.from(await this.lifecycle.start(user, id));
  }

  @Get(':id/qr')
  @RequiresScope('sessions:write')
  @ApiOperation({ summary: 'The QR to scan now (rotates); JSON, or a PNG with Accept: image/png' })
  @ApiProduces('application/json', 'image/png')
  @ApiOkResponse({
    type: SessionQrDto,
    content: {
      'application/json': { schema: { $ref: '#/components/schemas/SessionQrDto' } },
      'image/png': { schema: { type: 'string', format: 'binary' } },
    },
  })
  @ApiNotFoundResponse({ type: ErrorDto })
  @ApiConflictResponse({ type: ErrorDto, description: 'No QR right now; the message says the status' })
  async qr(
    @CurrentUser() user: AuthUser,
    @SessionIdParam() id: string,
    @Headers('accept') accept: string | undefined,
  ): Promise<SessionQrDto | StreamableFile> {
    const { qr, expiresAt } = await this.lifecycle.currentQr(user, id);
    if (prefersPng(accept)) {
      return new StreamableFile(await QRCode.toBuffer(qr, { type: 'png', margin: 2, width: 320 }), {
        type: 'image/png',
      });
    }
    return { qr, expiresAt: expiresAt.toISOString() };
  }

  @Post(':id/pairing-code')
  @RequiresScope('sessions:write')
  @HttpCode(200)
  @ApiOperation({ summary: 'Link with a code typed on the phone instead of scanning the QR' })
  @ApiOkResponse({ type: PairingCodeDto })
  @ApiNotFoundResponse({ type: ErrorDto })
  @ApiConflictResponse({ type: ErrorDto, description: 'Already linked or connected' })
  @ApiServiceUnavailableResponse({ type: ErrorDto, description: 'WhatsApp did not give a code' })
  async pairingCode(
    @CurrentUser() user: AuthUser,
    @SessionIdParam() id: string,
    @Body() body: PairingCodeRequestDto,
  ): Promise<PairingCodeDto> {
    return { code: await this.lifecycle.requestPairingCode(user, id, body.phoneNumber) };
  }

  @Post(':id/stop')
  @RequiresScope('sessions:write')
  @HttpCode(200)
  @ApiOperation({ summary: 'Close the connection and keep the credentials (stopped)' })
  @ApiOkResponse({ type: SessionDto })
  @ApiNotFoundResponse({ type: ErrorDto })
  async stop(@CurrentUser() user: AuthUser, @SessionIdParam() id: string): Promise<SessionDto> {
    return SessionDto.from(await this.lifecycle.stop(user, id));
  }

  @Post(':id/logout')
  @RequiresScope('sessions:write')
  @HttpCode(200)
  @ApiOperation({ summary: 'Log the device out at WhatsApp and wipe the credentials (logged_out)' })
  @ApiOkResponse({ type: SessionDto })
  @ApiNotFoundResponse({ type: ErrorDto })
  @ApiConflictResponse({ type: ErrorDto, description: 'Not linked, or running on another WAGO node' })
  async logout(@CurrentUser() user: AuthUser, @SessionIdParam() id: string): Promise<SessionDto> {
    return SessionDto.from(await this.lifecycle.logout(user, id));
  }
}

/** True when the client asks for the PNG rather than JSON (an explicit image/png that JSON does not outrank). */
function prefersPng(accept: string | undefined): boolean {
  if (!accept) return false;
  const weights = new Map(
    accept.split(',').map((part) => {
      const [type, ...parameters] = part.trim().toLowerCase().split(';');
      const q = parameters.map((parameter) => parameter.trim()).find((parameter) => parameter.startsWith('q='));
      return [type.trim(), q ? Number(q.slice(2)) : 1] as const;
    }),
  );
  const png = weights.get('image/png') ?? 0;
  return png > 0 && png >= (weights.get('application/json') ?? 0);
}
