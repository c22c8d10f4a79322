import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, Matches } from 'class-validator';
import type { IssuedToken, PinChange } from '../auth.service';
import { USER_ROLES, UserRole } from '../auth-user';
import { PIN_PATTERN, PIN_RULE, USERNAME_PATTERN, USERNAME_RULE } from '../credentials';
import type { UserEntity } from '../user.entity';
import { UserDto } from './user.dto';

const IsUsername = (): PropertyDecorator => Matches(USERNAME_PATTERN, { message: USERNAME_RULE });
const IsPin = (): PropertyDecorator => Matches(PIN_PATTERN, { message: `$property ${PIN_RULE}` });

export class LoginDto {
  @ApiProperty({ example: 'alice', pattern: USERNAME_PATTERN.source })
  @IsString()
  @IsUsername()
  username!: string;

  @ApiProperty({ example: '482913', pattern: PIN_PATTERN.source, description: '6 to 12 digits, as a string' })
  @IsString()
  @IsPin()
  pin!: string;
}

export class RegisterDto extends LoginDto {
  @ApiPropertyOptional({
    enum: USER_ROLES,
    default: 'user',
    description: 'Only an admin may choose; the first user is always an admin',
  })
  @IsOptional()
  @IsIn(USER_ROLES)
  role?: UserRole;
}

export class ChangePinDto implements PinChange {
  @ApiProperty({ pattern: PIN_PATTERN.source })
  @IsString()
  @IsPin()
  currentPin!: string;

  @ApiProperty({ pattern: PIN_PATTERN.source })
  @IsString()
  @IsPin()
  newPin!: string;

  @ApiPropertyOptional({ default: false, description: 'Revoke every API key of yours too' })
  @IsOptional()
  @IsBoolean()
  revokeApiKeys?: boolean;
}

export class LoginResponseDto {
  @ApiProperty({ description: 'Send as `Authorization: Bearer <accessToken>`' })
  accessToken!: string;

  @ApiProperty({ description: 'Seconds until the token expires', example: 43200 })
  expiresIn!: number;

  @ApiProperty({ type: UserDto })
  user!: UserDto;

  static from(user: UserEntity, token: IssuedToken): LoginResponseDto {
    return { accessToken: token.accessToken, expiresIn: token.expiresIn, user: UserDto.from(user) };
  }
}

/** What an admin gets back for a user they created: not signed in as them. */
export class CreatedUserDto {
  @ApiProperty({ type: UserDto })
  user!: UserDto;
}

export class SetupStatusDto {
  @ApiProperty({ description: 'True while no user exists: the first registration creates the admin' })
  needsSetup!: boolean;
}
