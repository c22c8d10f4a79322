// Who is calling: set on the request by the global auth guard from a JWT or an API key (a key acts as its owner).
import type { ApiKeyLimits } from './api-key-scopes';

export const USER_ROLES = ['admin', 'user'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export interface AuthUser {
  id: string;
  username: string;
  role: UserRole;
  /** How the caller authenticated. */
  via: 'jwt' | 'api-key';
  /** Set when the caller used an API key: which key, and what it may do. */
  apiKey?: ApiKeyLimits & { id: string };
}

export function isAdmin(user: AuthUser): boolean {
  return user.role === 'admin';
}

export function toAuthUser(user: Pick<AuthUser, 'id' | 'username' | 'role'>, via: AuthUser['via']): AuthUser {
  return { id: user.id, username: user.username, role: user.role, via };
}

/**
 * What authenticated a caller, beyond who they are: long-lived connections keep it to notice when it ends (the
 * token expires or is revoked by a PIN change, the key is revoked, the user is deleted).
 */
export type CredentialSource =
  { kind: 'jwt'; userId: string; tokenVersion: number; expiresAt: Date } | { kind: 'api-key'; apiKeyId: string };

/** A caller and the credential they authenticated with. */
export interface Identified {
  user: AuthUser;
  source: CredentialSource;
}
