import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { ErrorDto } from '../core/http/error.dto';
import { PERSON_PATTERN } from '../messages/recipient';
import { SessionIdParam } from '../sessions/sessions.controller';
import { ContactsService } from './contacts.service';
import {
  CheckContactsDto,
  ContactDto,
  ContactListDto,
  ListContactsQueryDto,
  NumberCheckDto,
  NumberCheckListDto,
} from './dto/contact.dto';
import { RequiresScope } from '../auth/api-key-scopes';

const CONTACT_PARAM = {
  name: 'jid',
  description: 'Either identity: a PN JID (…@s.whatsapp.net), a LID (…@lid) or a phone number',
  schema: { type: 'string', pattern: PERSON_PATTERN, example: '104615571985825@lid' },
} as const;

/** Who a session's account knows on WhatsApp: number checks, the PN↔LID map, blocking. */
@ApiTags('contacts')
@ApiUnauthorizedResponse({ type: ErrorDto })
@ApiBadRequestResponse({ type: ErrorDto })
@ApiNotFoundResponse({ type: ErrorDto, description: 'No such session (or not yours), or no such contact' })
@Controller('sessions/:id/contacts')
export class ContactsController {
  constructor(private readonly contacts: ContactsService) {}

  @Post('check')
  @RequiresScope('sessions:read')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Which phone numbers are on WhatsApp, with their JID and LID',
    description:
      'Answers within CONTACT_CHECK_TTL come from the cache; the rest are asked of WhatsApp in one query, at most ' +
      'one query per second and session (a burst of checks waits its turn).',
  })
  @ApiOkResponse({ type: NumberCheckListDto })
  @ApiConflictResponse({ type: ErrorDto, description: 'The session is not connected (and a number is not cached)' })
  @ApiResponse({ status: 429, type: ErrorDto, description: 'WhatsApp rate-limited the query (see Retry-After)' })
  @ApiResponse({ status: 502, type: ErrorDto, description: 'WhatsApp did not answer the query' })
  async check(
    @CurrentUser() user: AuthUser,
    @SessionIdParam() sessionId: string,
    @Body() body: CheckContactsDto,
  ): Promise<NumberCheckListDto> {
    const lookups = await this.contacts.check(user, sessionId, body.phoneNumbers);
    return { items: lookups.map((lookup) => NumberCheckDto.from(lookup)) };
  }

  @Get()
  @RequiresScope('sessions:read')
  @ApiOperation({ summary: 'The session’s contacts, most recently updated first; q searches names and numbers' })
  @ApiOkResponse({ type: ContactListDto })
  async list(
    @CurrentUser() user: AuthUser,
    @SessionIdParam() sessionId: string,
    @Query() query: ListContactsQueryDto,
  ): Promise<ContactListDto> {
    const { items, total } = await this.contacts.list(user, sessionId, query);
    return { items: items.map((contact) => ContactDto.from(contact)), total };
  }

  @Get(':jid')
  @RequiresScope('sessions:read')
  @ApiOperation({
    summary: 'A contact by either identity: its phone-number JID and LID, names, picture and block',
    description: 'The picture is asked of WhatsApp again when the stored one is a day old and the session connected.',
  })
  @ApiParam(CONTACT_PARAM)
  @ApiOkResponse({ type: ContactDto })
  async get(
    @CurrentUser() user: AuthUser,
    @SessionIdParam() sessionId: string,
    @Param('jid') jid: string,
  ): Promise<ContactDto> {
    return ContactDto.from(await this.contacts.get(user, sessionId, jid));
  }

  @Post(':jid/block')
  @RequiresScope('sessions:write')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Block a person (their messages and calls no longer reach the account)' })
  @ApiParam(CONTACT_PARAM)
  @ApiNoContentResponse({ description: 'Blocked' })
  @ApiConflictResponse({ type: ErrorDto, description: 'The session is not connected' })
  @ApiResponse({ status: 502, type: ErrorDto, description: 'WhatsApp did not take it' })
  async block(
    @CurrentUser() user: AuthUser,
    @SessionIdParam() sessionId: string,
    @Param('jid') jid: string,
  ): Promise<void> {
    await this.contacts.setBlocked(user, sessionId, jid, true);
  }

  @Post(':jid/unblock')
  @RequiresScope('sessions:write')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Unblock a person' })
  @ApiParam(CONTACT_PARAM)
  @ApiNoContentResponse({ description: 'Unblocked' })
  @ApiConflictResponse({ type: ErrorDto, description: 'The session is not connected' })
  @ApiResponse({ status: 502, type: ErrorDto, description: 'WhatsApp did not take it' })
  async unblock(
    @CurrentUser() user: AuthUser,
    @SessionIdParam() sessionId: string,
    @Param('jid') jid: string,
  ): Promise<void> {
    await this.contacts.setBlocked(user, sessionId, jid, false);
  }
}
