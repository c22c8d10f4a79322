import { ApiProperty } from '@nestjs/swagger';
import { PageDto } from '../../core/http/pagination';
import { USER_ROLES, UserRole } from '../auth-user';
import type { UserEntity } from '../user.entity';

/** A user as the API shows it: never the PIN hash. */
export class UserDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'alice' })
  username!: string;

  @ApiProperty({ enum: USER_ROLES })
  role!: UserRole;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: string;

  static from(user: UserEntity): UserDto {
    return { id: user.id, username: user.username, role: user.role, createdAt: user.createdAt.toISOString() };
  }
}

export class UserListDto extends PageDto(UserDto) {}
