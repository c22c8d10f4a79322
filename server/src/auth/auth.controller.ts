import { Body, Controller, Get, HttpCode, HttpStatus, Ip, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiSecurity,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import { ErrorDto } from '../core/http/error.dto';
import { API_KEY_AUTH, BEARER_AUTH } from '../core/http/swagger';
import { OptionalAuth, OptionalUser } from './access.decorators';
import type { AuthUser } from './auth-user';
import { AuthService } from './auth.service';
import { CurrentUser } from './current-user.decorator';
import { ChangePinDto, CreatedUserDto, LoginDto, LoginResponseDto, RegisterDto, SetupStatusDto } from './dto/auth.dto';
import { UserDto } from './dto/user.dto';
import { Public } from './public.decorator';
import { AuthThrottle } from './rate-limit';
import { AnyScope } from './api-key-scopes';

const LOCKED =
  'The account is locked after repeated failures, or too many attempts came from this address: see Retry-After';

@ApiTags('auth')
@ApiBadRequestResponse({ type: ErrorDto, description: 'Invalid body' })
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('register')
  @OptionalAuth()
  // Scopes grant no part of this: AuthService refuses any API key (PERSON_ONLY_RULE) in the same words as before.
  @AnyScope()
  @AuthThrottle()
  @ApiOperation({
    summary: 'Create a user',
    description:
      'With no user yet, creates the first user as admin and signs them in. Afterwards an admin (signed in, not with an API key) ' +
      'creates users and may choose their role; with REGISTRATION_OPEN=true anyone may register a user and is signed in.',
  })
  @ApiBearerAuth(BEARER_AUTH)
  @ApiSecurity(API_KEY_AUTH)
  @ApiSecurity({})
  @ApiExtraModels(LoginResponseDto, CreatedUserDto)
  @ApiCreatedResponse({
    description: 'Signed in as the new user (first run, open registration), or the user an admin created',
    schema: { oneOf: [{ $ref: getSchemaPath(LoginResponseDto) }, { $ref: getSchemaPath(CreatedUserDto) }] },
  })
  @ApiUnauthorizedResponse({ type: ErrorDto, description: 'Registration is closed and the caller is not signed in' })
  @ApiForbiddenResponse({
    type: ErrorDto,
    description: 'Registration is closed and the caller is not an admin, or the caller used an API key',
  })
  @ApiConflictResponse({ type: ErrorDto, description: 'The username is taken (case-insensitively)' })
  async register(
    @OptionalUser() caller: AuthUser | undefined,
    @Body() body: RegisterDto,
  ): Promise<LoginResponseDto | CreatedUserDto> {
    const { user, token } = await this.auth.register(caller, body);
    return token ? LoginResponseDto.from(user, token) : { user: UserDto.from(user) };
  }

  @Post('login')
  @Public()
  @AuthThrottle()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Sign in with username and PIN' })
  @ApiSecurity({})
  @ApiOkResponse({ type: LoginResponseDto })
  @ApiUnauthorizedResponse({ type: ErrorDto, description: 'Unknown username or wrong PIN (the same answer)' })
  @ApiTooManyRequestsResponse({ type: ErrorDto, description: LOCKED })
  async login(@Body() body: LoginDto, @Ip() clientAddress: string | undefined): Promise<LoginResponseDto> {
    const { user, token } = await this.auth.login(body.username, body.pin, clientAddress);
    return LoginResponseDto.from(user, token);
  }

  @Get('setup')
  @Public()
  @ApiOperation({ summary: 'Whether first-run setup is still needed (no user exists yet)' })
  @ApiSecurity({})
  @ApiOkResponse({ type: SetupStatusDto })
  async setup(): Promise<SetupStatusDto> {
    return { needsSetup: await this.auth.needsSetup() };
  }

  @Get('me')
  // Any key may ask whose it is.
  @AnyScope()
  @ApiOperation({ summary: 'The signed-in user' })
  @ApiBearerAuth(BEARER_AUTH)
  @ApiSecurity(API_KEY_AUTH)
  @ApiOkResponse({ type: UserDto })
  @ApiUnauthorizedResponse({ type: ErrorDto })
  async me(@CurrentUser() caller: AuthUser): Promise<UserDto> {
    return UserDto.from(await this.auth.me(caller));
  }

  @Post('pin')
  // The current PIN is the credential that matters here, not what the key may do.
  @AnyScope()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Change your PIN',
    description:
      'Needs the current PIN. Every token issued before stops working, and realtime connections opened with them ' +
      'close; with revokeApiKeys your API keys are revoked too. The answer signs you in again.',
  })
  @ApiBearerAuth(BEARER_AUTH)
  @ApiSecurity(API_KEY_AUTH)
  @ApiOkResponse({ type: LoginResponseDto })
  @ApiUnauthorizedResponse({ type: ErrorDto })
  @ApiForbiddenResponse({ type: ErrorDto, description: 'The current PIN is wrong' })
  @ApiTooManyRequestsResponse({ type: ErrorDto, description: LOCKED })
  async changePin(
    @CurrentUser() caller: AuthUser,
    @Body() body: ChangePinDto,
    @Ip() clientAddress: string | undefined,
  ): Promise<LoginResponseDto> {
    const { user, token } = await this.auth.changePin(caller, body, clientAddress);
    return LoginResponseDto.from(user, token);
  }
}
