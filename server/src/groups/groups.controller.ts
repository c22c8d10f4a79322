import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Patch,
  PipeTransform,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiBody,
  ApiParam,
  ApiResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { ErrorDto } from '../core/http/error.dto';
import { SessionIdParam } from '../sessions/sessions.controller';
import {
  CHANGE_PARTICIPANTS_SCHEMA,
  ChangeParticipantsDto,
  CreateGroupDto,
  GROUP_JID_PATTERN,
  GroupDetailDto,
  GroupDto,
  GroupInviteDto,
  GroupListDto,
  GroupListQueryDto,
  JoinGroupDto,
  ParticipantResultsDto,
  UpdateGroupDto,
} from './dto/group.dto';
import { GroupsService } from './groups.service';
import { RequiresScope } from '../auth/api-key-scopes';

const GROUP_JID = new RegExp(GROUP_JID_PATTERN);

/** A malformed group JID is the client's mistake (400), not a group WhatsApp does not know. */
class ParseGroupJidPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!GROUP_JID.test(value)) throw new BadRequestException('groupJid must be a group JID (…@g.us)');
    return value;
  }
}

const GroupJidParam = (): ParameterDecorator => Param('groupJid', new ParseGroupJidPipe());

const GroupJidDoc = (): MethodDecorator =>
  ApiParam({
    name: 'groupJid',
    schema: { type: 'string', pattern: GROUP_JID_PATTERN, example: '120363025246125486@g.us' },
  });

@ApiTags('groups')
@ApiUnauthorizedResponse({ type: ErrorDto })
@ApiBadRequestResponse({ type: ErrorDto })
@ApiNotFoundResponse({ type: ErrorDto, description: 'No such session, or a group WhatsApp does not know' })
@ApiConflictResponse({ type: ErrorDto, description: 'The session is not connected (and has no groups cached)' })
@ApiTooManyRequestsResponse({ type: ErrorDto, description: 'WhatsApp’s rate-overlimit (Retry-After says when)' })
@ApiResponse({ status: 502, type: ErrorDto, description: 'WhatsApp refused' })
@ApiResponse({ status: 503, type: ErrorDto, description: 'WhatsApp did not answer' })
@Controller('sessions/:id/groups')
export class GroupsController {
  constructor(private readonly groups: GroupsService) {}

  @Get()
  @RequiresScope('sessions:read')
  @ApiOperation({
    summary: 'The groups the session is in',
    description:
      'From WAGO’s cache, read from WhatsApp in one query when never read or older than an hour, and kept true by ' +
      'the group notifications meanwhile: listing never asks WhatsApp per group. Sorted by subject.',
  })
  @ApiOkResponse({ type: GroupListDto })
  async list(
    @CurrentUser() user: AuthUser,
    @SessionIdParam() sessionId: string,
    @Query() query: GroupListQueryDto,
  ): Promise<GroupListDto> {
    const { items, total } = await this.groups.list(user, sessionId, query);
    return { items: items.map((group) => GroupDto.from(group)), total };
  }

  @Post()
  @RequiresScope('sessions:write')
  @ApiOperation({ summary: 'Create a group with the session’s account as its superadmin' })
  @ApiCreatedResponse({ type: GroupDetailDto, description: 'Numbers not on WhatsApp are left out' })
  async create(
    @CurrentUser() user: AuthUser,
    @SessionIdParam() sessionId: string,
    @Body() body: CreateGroupDto,
  ): Promise<GroupDetailDto> {
    return GroupDetailDto.fromGroup(await this.groups.create(user, sessionId, body.subject, body.participants));
  }

  @Post('join')
  @RequiresScope('sessions:write')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Join a group by its invite link or code' })
  @ApiOkResponse({ type: GroupDetailDto })
  @ApiResponse({ status: 410, type: ErrorDto, description: 'The invite link was reset' })
  async join(
    @CurrentUser() user: AuthUser,
    @SessionIdParam() sessionId: string,
    @Body() body: JoinGroupDto,
  ): Promise<GroupDetailDto> {
    return GroupDetailDto.fromGroup(await this.groups.join(user, sessionId, body.invite));
  }

  @Get(':groupJid')
  @RequiresScope('sessions:read')
  @GroupJidDoc()
  @ApiOperation({ summary: 'A group with its members' })
  @ApiOkResponse({ type: GroupDetailDto })
  @ApiForbiddenResponse({ type: ErrorDto, description: 'The account is not in the group' })
  async get(
    @CurrentUser() user: AuthUser,
    @SessionIdParam() sessionId: string,
    @GroupJidParam() groupJid: string,
  ): Promise<GroupDetailDto> {
    return GroupDetailDto.fromGroup(await this.groups.get(user, sessionId, groupJid));
  }

  @Patch(':groupJid')
  @RequiresScope('sessions:write')
  @GroupJidDoc()
  @ApiOperation({ summary: 'Change the subject, description or settings (at least one)' })
  @ApiOkResponse({ type: GroupDetailDto })
  @ApiForbiddenResponse({ type: ErrorDto, description: 'Not an admin (or not in the group)' })
  async update(
    @CurrentUser() user: AuthUser,
    @SessionIdParam() sessionId: string,
    @GroupJidParam() groupJid: string,
    @Body() body: UpdateGroupDto,
  ): Promise<GroupDetailDto> {
    return GroupDetailDto.fromGroup(await this.groups.update(user, sessionId, groupJid, body));
  }

  @Post(':groupJid/participants')
  @RequiresScope('sessions:write')
  @HttpCode(HttpStatus.OK)
  @GroupJidDoc()
  @ApiOperation({
    summary: 'Add, remove, promote or demote members (exactly one action)',
    description: 'WhatsApp answers for each person: `status` 200 when done, else its refusal code.',
  })
  @ApiBody({ schema: CHANGE_PARTICIPANTS_SCHEMA })
  @ApiOkResponse({ type: ParticipantResultsDto })
  @ApiForbiddenResponse({ type: ErrorDto, description: 'Not an admin (or not in the group)' })
  async participants(
    @CurrentUser() user: AuthUser,
    @SessionIdParam() sessionId: string,
    @GroupJidParam() groupJid: string,
    @Body() body: ChangeParticipantsDto,
  ): Promise<ParticipantResultsDto> {
    const results = await this.groups.changeParticipants(user, sessionId, groupJid, body);
    return { items: results.map(({ pn, lid, status }) => ({ pn, lid, status })) };
  }

  @Get(':groupJid/invite')
  @RequiresScope('sessions:read')
  @GroupJidDoc()
  @ApiOperation({ summary: 'The group’s invite link' })
  @ApiOkResponse({ type: GroupInviteDto })
  @ApiForbiddenResponse({ type: ErrorDto, description: 'Not allowed to see it (admins only, unless all may add)' })
  invite(
    @CurrentUser() user: AuthUser,
    @SessionIdParam() sessionId: string,
    @GroupJidParam() groupJid: string,
  ): Promise<GroupInviteDto> {
    return this.groups.invite(user, sessionId, groupJid, false);
  }

  @Post(':groupJid/invite/revoke')
  @RequiresScope('sessions:write')
  @HttpCode(HttpStatus.OK)
  @GroupJidDoc()
  @ApiOperation({ summary: 'Reset the invite link: the old one stops working' })
  @ApiOkResponse({ type: GroupInviteDto, description: 'The new link' })
  @ApiForbiddenResponse({ type: ErrorDto, description: 'Not an admin (or not in the group)' })
  revokeInvite(
    @CurrentUser() user: AuthUser,
    @SessionIdParam() sessionId: string,
    @GroupJidParam() groupJid: string,
  ): Promise<GroupInviteDto> {
    return this.groups.invite(user, sessionId, groupJid, true);
  }

  @Post(':groupJid/leave')
  @RequiresScope('sessions:write')
  @HttpCode(HttpStatus.NO_CONTENT)
  @GroupJidDoc()
  @ApiOperation({ summary: 'Leave the group' })
  @ApiNoContentResponse({ description: 'Left' })
  async leave(
    @CurrentUser() user: AuthUser,
    @SessionIdParam() sessionId: string,
    @GroupJidParam() groupJid: string,
  ): Promise<void> {
    await this.groups.leave(user, sessionId, groupJid);
  }
}
