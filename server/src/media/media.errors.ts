// Why a media request fails, each with its own status, for the global filter.
import { DomainError } from '../core/errors/domain-errors';
import type { MediaUnavailableReason } from './media.entity';

/** Larger than MEDIA_MAX_BYTES. */
export class MediaTooLargeError extends DomainError {
  readonly status = 413;
  constructor(maxBytes: number) {
    super(`The file is larger than ${maxBytes} bytes (MEDIA_MAX_BYTES)`);
  }
}

/** The file's bytes are not here and will not be: too large, downloads off, or WhatsApp did not hand it over. */
export class MediaUnavailableError extends DomainError {
  readonly status = 410;
  constructor(readonly reason: MediaUnavailableReason) {
    super(`The file is not available: ${reason}`);
  }
}

/** A media link whose signature does not match, or that has expired. */
export class InvalidMediaLinkError extends DomainError {
  readonly status = 403;
  constructor() {
    super('The media link is invalid or has expired');
  }
}

/** A `Range` none of whose bytes are in the file. */
export class RangeNotSatisfiableError extends DomainError {
  readonly status = 416;
  constructor(readonly size: number) {
    super('The requested range is outside the file');
  }
}
