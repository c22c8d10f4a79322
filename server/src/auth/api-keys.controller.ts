import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorDto } from '../core/http/error.dto';
import { PaginationQueryDto } from '../core/http/pagination';
import { BEARER_AUTH } from '../core/http/swagger';
import { PersonOnly } from './access.decorators';
import { ApiKeysService } from './api-keys.service';
import type { AuthUser } from './auth-user';
import { CurrentUser } from './current-user.decorator';
import { ApiKeyDto, ApiKeyListDto, CreateApiKeyDto, CreatedApiKeyDto } from './dto/api-key.dto';

@ApiTags('auth')
// Bearer JWT only: an API key gets 403 here (@PersonOnly), so the document does not offer it.
@ApiBearerAuth(BEARER_AUTH)
@ApiBadRequestResponse({ type: ErrorDto })
@ApiUnauthorizedResponse({ type: ErrorDto })
@PersonOnly()
@Controller('auth/api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  @ApiOperation({
    summary: 'Create an API key for a service acting as you',
    description:
      'The key is in this answer only; it is stored as a hash and cannot be shown again. It may do what its scopes ' +
      'allow (all of them unless named), in the sessions named (all yours unless named), until expiresAt (if given).',
  })
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  async create(@CurrentUser() caller: AuthUser, @Body() body: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    const { name, scopes, sessionIds, expiresAt } = body;
    const expiry = expiresAt === undefined ? undefined : new Date(expiresAt);
    return CreatedApiKeyDto.from(await this.apiKeys.create(caller, { name, scopes, sessionIds, expiresAt: expiry }));
  }

  @Get()
  @ApiOperation({ summary: 'Your API keys (without the keys themselves)' })
  @ApiOkResponse({ type: ApiKeyListDto })
  async list(@CurrentUser() caller: AuthUser, @Query() query: PaginationQueryDto): Promise<ApiKeyListDto> {
    const { items, total } = await this.apiKeys.list(caller, query);
    return { items: items.map((key) => ApiKeyDto.from(key)), total };
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Revoke one of your API keys, at once' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorDto, description: 'No such key of yours' })
  async revoke(@CurrentUser() caller: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.apiKeys.revoke(caller, id);
  }
}
