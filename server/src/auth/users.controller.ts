import { Controller, Delete, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
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
import { AdminOnly, PersonOnly } from './access.decorators';
import type { AuthUser } from './auth-user';
import { CurrentUser } from './current-user.decorator';
import { UserDto, UserListDto } from './dto/user.dto';
import { UsersService } from './users.service';

@ApiTags('users')
// Bearer JWT only: an API key gets 403 here (@PersonOnly), so the document does not offer it.
@ApiBearerAuth(BEARER_AUTH)
@ApiBadRequestResponse({ type: ErrorDto })
@ApiUnauthorizedResponse({ type: ErrorDto })
@AdminOnly()
@PersonOnly()
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOperation({ summary: 'All users (admin)' })
  @ApiOkResponse({ type: UserListDto })
  async list(@Query() query: PaginationQueryDto): Promise<UserListDto> {
    const { items, total } = await this.users.list(query);
    return { items: items.map((user) => UserDto.from(user)), total };
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Delete a user (admin)',
    description: 'Their API keys and sessions go with them and their tokens stop working. You cannot delete yourself.',
  })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorDto })
  async delete(@CurrentUser() caller: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.users.delete(caller, id);
  }

  @Post(':id/unlock')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Lift the login locks of a user (admin)',
    description: 'Forgets the failed logins counted against the user from every address, so they can sign in at once.',
  })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ErrorDto })
  async unlock(@CurrentUser() caller: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    await this.users.unlock(caller, id);
  }
}
