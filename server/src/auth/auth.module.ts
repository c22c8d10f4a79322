import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { ThrottlerModule } from '@nestjs/throttler';
import { DataSource } from 'typeorm';
import { AppConfig } from '../core/config/app-config';
import { SessionsModule } from '../sessions/sessions.module';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysRepository } from './api-keys.repository';
import { ApiKeysService } from './api-keys.service';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { PostgresThrottlerStorage } from './postgres-throttler-storage';
import { LoginFailuresRepository } from './login-failures.repository';
import { PinHasher } from './pin-hasher';
import { RateLimitGuard, rateLimitOptions } from './rate-limit';
import { UsersController } from './users.controller';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

/**
 * Users, PINs, JWTs and API keys, and the two global guards: the rate limit first, then authentication (every
 * route needs a token or API key unless @Public). Exports AuthService for gateways to authenticate handshakes.
 */
@Module({
  imports: [
    SessionsModule,
    AuditModule,
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        secret: config.jwtSecret,
        signOptions: { algorithm: 'HS256', expiresIn: config.jwtTtlSeconds },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
    ThrottlerModule.forRootAsync({
      inject: [AppConfig, DataSource],
      useFactory: (config: AppConfig, dataSource: DataSource) => ({
        ...rateLimitOptions(config),
        storage: new PostgresThrottlerStorage(dataSource),
      }),
    }),
  ],
  controllers: [AuthController, ApiKeysController, UsersController],
  providers: [
    AuthService,
    ApiKeysService,
    UsersService,
    UsersRepository,
    ApiKeysRepository,
    LoginFailuresRepository,
    { provide: PinHasher, useFactory: () => new PinHasher() },
    { provide: APP_GUARD, useClass: RateLimitGuard },
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [AuthService],
})
export class AuthModule {}
