import { Controller, Get, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiSecurity,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { AnyScope } from '../auth/api-key-scopes';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { ErrorDto } from '../core/http/error.dto';
import { API_KEY_AUTH, BEARER_AUTH } from '../core/http/swagger';
import { AuditService } from './audit.service';
import { AuditEntryDto, AuditEntryListDto, ListAuditQueryDto } from './dto/audit.dto';

@ApiTags('audit')
@ApiBearerAuth(BEARER_AUTH)
@ApiSecurity(API_KEY_AUTH)
@ApiUnauthorizedResponse({ type: ErrorDto })
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  // No published scope covers it: a key acts for its user, so any key reads that user's own entries (AuditService).
  @AnyScope()
  @ApiOperation({
    summary: 'The audit log, newest first',
    description:
      'Admins signed in with their PIN see every entry; everyone else sees the changes they made. An API key sees ' +
      "its user's entries (an admin's key included), and a key limited to some sessions only entries about them.",
  })
  @ApiOkResponse({ type: AuditEntryListDto })
  @ApiBadRequestResponse({ type: ErrorDto, description: 'A filter is malformed' })
  async list(@CurrentUser() caller: AuthUser, @Query() query: ListAuditQueryDto): Promise<AuditEntryListDto> {
    const { items, total } = await this.audit.list(caller, query);
    return { items: items.map((entry) => AuditEntryDto.from(entry)), total };
  }
}
