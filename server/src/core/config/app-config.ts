// Typed configuration, built once from the validated environment and injected everywhere as AppConfig.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, EnvironmentVariables, validateEnvironment } from './environment';

export interface JwtSecretSource {
  secret: string;
  /** Set when the secret was generated or read from DATA_DIR instead of JWT_SECRET: the boot logs a warning. */
  generatedAt?: string;
}

export class AppConfig {
  readonly nodeEnv: 'development' | 'production' | 'test';
  readonly port: number;
  readonly databaseUrl: string | undefined;
  readonly jwtSecret: string;
  readonly jwtSecretFile: string | undefined;
  readonly jwtTtlSeconds: number;
  readonly logLevel: string;
  readonly corsOrigins: string[];
  readonly dataDir: string;
  readonly registrationOpen: boolean;
  readonly rateLimitPerMinute: number;

  constructor(env: EnvironmentVariables, jwt: JwtSecretSource) {
    this.nodeEnv = env.NODE_ENV ?? 'development';
    this.port = env.APP_PORT ?? 3000;
    this.databaseUrl = env.DATABASE_URL;
    this.jwtSecret = jwt.secret;
    this.jwtSecretFile = jwt.generatedAt;
    this.jwtTtlSeconds = parseDuration(env.JWT_TTL ?? '12h');
    this.logLevel = env.LOG_LEVEL ?? 'info';
    this.corsOrigins = (env.CORS_ORIGINS ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean);
    this.dataDir = path.resolve(env.DATA_DIR ?? './data');
    this.registrationOpen = env.REGISTRATION_OPEN ?? false;
    this.rateLimitPerMinute = env.RATE_LIMIT_PER_MINUTE ?? 1000;
  }

  /** The same configuration pointing at another database (the embedded one when DATABASE_URL is unset). */
  withDatabaseUrl(databaseUrl: string): AppConfig {
    return Object.assign(Object.create(AppConfig.prototype) as AppConfig, this, { databaseUrl });
  }
}

export function parseDuration(value: string): number {
  const match = /^(\d+)([smhd]?)$/.exec(value);
  if (!match) throw new ConfigError(`Invalid duration: ${value}`);
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[match[2] as '' | 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

/** JWT_SECRET, or outside production a strong secret generated once and kept in DATA_DIR so tokens survive restarts. */
function resolveJwtSecret(env: EnvironmentVariables, dataDir: string): JwtSecretSource {
  if (env.JWT_SECRET) return { secret: env.JWT_SECRET };
  if (env.NODE_ENV === 'production')
    throw new ConfigError('Invalid environment: JWT_SECRET is required when NODE_ENV=production');
  const file = path.join(dataDir, 'jwt-secret');
  if (existsSync(file)) return { secret: readFileSync(file, 'utf8').trim(), generatedAt: file };
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return { secret, generatedAt: file };
}

export function loadAppConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const variables = validateEnvironment(env);
  const dataDir = path.resolve(variables.DATA_DIR ?? './data');
  return new AppConfig(variables, resolveJwtSecret(variables, dataDir));
}
