// The process environment as WAGO reads it: validated once at boot, so a bad value names its variable and stops the start.
import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';

const toBoolean = ({ value }: { value: unknown }): unknown =>
  value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value;
const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;

export class EnvironmentVariables {
  @IsOptional()
  @IsIn(['development', 'production', 'test'])
  NODE_ENV?: 'development' | 'production' | 'test';

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  APP_PORT?: number;

  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;

  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET?: string;

  @IsOptional()
  @Matches(/^\d+[smhd]?$/, { message: 'JWT_TTL must be a number of seconds or a duration like 15m, 12h, 7d' })
  JWT_TTL?: string;

  @IsOptional()
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL?: string;

  @IsOptional()
  @IsString()
  CORS_ORIGINS?: string;

  @IsOptional()
  @IsString()
  DATA_DIR?: string;

  /** Express' `trust proxy`: `true`, a hop count, or addresses/subnets (comma-separated) of the proxies in front. */
  @IsOptional()
  @Matches(/^(true|false|\d+|[\w.:/,\s-]+)$/, { message: 'TRUST_PROXY must be true, false, a hop count or addresses' })
  TRUST_PROXY?: string;

  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  REGISTRATION_OPEN?: boolean;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  RATE_LIMIT_PER_MINUTE?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  AUTH_RATE_LIMIT_PER_MINUTE?: number;

  @IsOptional()
  @Matches(/^\s*\d+(\.\d+)?\s*(,\s*\d+(\.\d+)?\s*)*$/, {
    message: 'WEBHOOK_RETRY_SCHEDULE must be comma-separated seconds between attempts, e.g. 5,300,1800',
  })
  WEBHOOK_RETRY_SCHEDULE?: string;

  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  WEBHOOK_DENY_PRIVATE?: boolean;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(120)
  WEBHOOK_TIMEOUT_SECONDS?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  WEBHOOK_CONCURRENCY_PER_RECEIVER?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10000)
  WEBHOOK_MAX_IN_FLIGHT?: number;

  @IsOptional()
  @Matches(/^\d+[smhd]?$/, { message: 'WEBHOOK_SECRET_GRACE must be a number of seconds or a duration like 30m, 24h' })
  WEBHOOK_SECRET_GRACE?: string;

  @IsOptional()
  @Matches(/^\d+[smhd]?$/, { message: 'WEBHOOK_RETENTION must be a number of seconds or a duration like 12h, 30d' })
  WEBHOOK_RETENTION?: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  MESSAGE_MIN_INTERVAL_MS?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  MESSAGE_JITTER_MS?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  MESSAGE_PER_CHAT_PER_MINUTE?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(60000)
  MESSAGE_WAIT_FOR_SEND_MS?: number;

  @IsOptional()
  @Matches(/^\d+[smhd]?$/, { message: 'MESSAGE_RETENTION must be a number of seconds or a duration like 12h, 30d' })
  MESSAGE_RETENTION?: string;

  @IsOptional()
  @Matches(/^\d+[smhd]?$/, {
    message: 'MESSAGE_HISTORY_RETENTION must be a number of seconds or a duration like 12h, 30d (0 keeps no history)',
  })
  MESSAGE_HISTORY_RETENTION?: string;

  @IsOptional()
  @Matches(/^\d+[smhd]?$/, { message: 'AUDIT_RETENTION must be a number of seconds or a duration like 12h, 365d' })
  AUDIT_RETENTION?: string;

  @IsOptional()
  @Matches(/^wss?:\/\/.+/, { message: 'WA_WS_URL must be a ws:// or wss:// URL' })
  WA_WS_URL?: string;

  @IsOptional()
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  WA_LOG_LEVEL?: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  WA_RECONNECT_RATE?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(100)
  WA_RECONNECT_MIN_DELAY_MS?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(100)
  WA_RECONNECT_MAX_DELAY_MS?: number;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60000)
  WA_OWNER_SCAN_INTERVAL_MS?: number;

  /** How long a stopping node waits for the other nodes to have taken its sessions over before it exits. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(600)
  SHUTDOWN_HANDOFF_SECONDS?: number;

  /** Lets a production node talk to WhatsApp over plain ws://, e.g. to a simulator; TLS is what proves it is WhatsApp. */
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  WA_ALLOW_INSECURE_WS?: boolean;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  REALTIME_CONNECTIONS_PER_USER?: number;

  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'METRICS_TOKEN must be at least 16 characters' })
  METRICS_TOKEN?: string;

  /** The address clients reach this server at, for links it hands out (signed media URLs). */
  @IsOptional()
  @Matches(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, { message: 'PUBLIC_URL must be an http:// or https:// URL' })
  PUBLIC_URL?: string;

  @IsOptional()
  @IsIn(['postgres', 'filesystem'])
  MEDIA_STORAGE?: 'postgres' | 'filesystem';

  @IsOptional()
  @IsString()
  MEDIA_DIR?: string;

  @IsOptional()
  @IsIn(['eager', 'lazy', 'off'])
  MEDIA_DOWNLOAD?: 'eager' | 'lazy' | 'off';

  @IsOptional()
  @Matches(/^\d+[smhd]?$/, { message: 'MEDIA_DOWNLOAD_TIMEOUT must be a number of seconds or a duration like 30s, 2m' })
  MEDIA_DOWNLOAD_TIMEOUT?: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  MEDIA_MAX_BYTES?: number;

  @IsOptional()
  @Matches(/^\d+[smhd]?$/, { message: 'MEDIA_URL_TTL must be a number of seconds or a duration like 30m, 1h' })
  MEDIA_URL_TTL?: string;

  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'MEDIA_URL_SECRET must be at least 32 characters' })
  MEDIA_URL_SECRET?: string;

  /** Encrypts secrets kept in the database (message-broker credentials); any string of 32+ characters. */
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'SECRETS_KEY must be at least 32 characters' })
  SECRETS_KEY?: string;

  @IsOptional()
  @Matches(/^\d+[smhd]?$/, { message: 'MEDIA_RETENTION must be a number of seconds or a duration like 12h, 7d' })
  MEDIA_RETENTION?: string;

  @IsOptional()
  @Matches(/^\d+[smhd]?$/, { message: 'CONTACT_CHECK_TTL must be a number of seconds or a duration like 12h, 1d' })
  CONTACT_CHECK_TTL?: string;
}

export class ConfigError extends Error {}

export function validateEnvironment(env: NodeJS.ProcessEnv): EnvironmentVariables {
  const defined = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = plainToInstance(EnvironmentVariables, defined);
  const errors = validateSync(parsed, { skipMissingProperties: false });
  if (errors.length > 0) {
    const details = errors.map((error) => `${error.property}: ${Object.values(error.constraints ?? {}).join(', ')}`);
    throw new ConfigError(`Invalid environment: ${details.join('; ')}`);
  }
  return parsed;
}
