// Signed media links: `{PUBLIC_URL}/api/v1/media/{id}?expires=<unix s>&signature=<HMAC-SHA256, base64url>`, which
// need no other credential until they expire.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Clock, systemClock } from '../core/runtime/clock';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../core/config/app-config';

export interface SignedMediaUrl {
  url: string;
  expiresAt: Date;
}

export function mediaSignature(key: Buffer, mediaId: string, expires: number): string {
  return createHmac('sha256', key).update(`${mediaId}\n${expires}`).digest('base64url');
}

/** True when `signature` signs this id and expiry with `key`, and `expires` (unix seconds) is not past `now`. */
export function verifyMediaSignature(
  key: Buffer,
  mediaId: string,
  expires: string,
  signature: string,
  now: Date,
): boolean {
  if (!/^\d{1,12}$/.test(expires) || Number(expires) * 1000 <= now.getTime()) return false;
  const expected = Buffer.from(mediaSignature(key, mediaId, Number(expires)));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

@Injectable()
export class MediaLinks {
  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock = systemClock,
  ) {}

  sign(mediaId: string, now: Date = this.clock.now()): SignedMediaUrl {
    const expires = Math.floor(now.getTime() / 1000) + this.config.media.urlTtlSeconds;
    const signature = mediaSignature(this.config.media.urlKey, mediaId, expires);
    return {
      url: `${this.config.publicUrl}/api/v1/media/${mediaId}?expires=${expires}&signature=${signature}`,
      expiresAt: new Date(expires * 1000),
    };
  }

  verify(mediaId: string, expires: string, signature: string, now: Date = this.clock.now()): boolean {
    return verifyMediaSignature(this.config.media.urlKey, mediaId, expires, signature, now);
  }
}
