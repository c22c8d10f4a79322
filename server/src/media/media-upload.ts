// Reads an upload off the request as a stream: the `file` field of a multipart form (busboy), or the raw body.
import busboy from 'busboy';
import type { Request } from 'express';
import type { Readable } from 'node:stream';
import { BadRequestError } from '../core/errors/domain-errors';
import { MediaTooLargeError } from './media.errors';

export interface Upload {
  mimetype: string;
  fileName: string | null;
  source: Readable;
}

const DEFAULT_MIMETYPE = 'application/octet-stream';

/** The file name of a `Content-Disposition` header, `filename*` (RFC 5987) first. */
export function fileNameOf(disposition: string | undefined): string | null {
  if (!disposition) return null;
  const extended = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(disposition);
  if (extended) {
    try {
      return decodeURIComponent(extended[1].trim());
    } catch {
      return null;
    }
  }
  const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/i.exec(disposition);
  return plain ? (plain[1] ?? plain[2]).replace(/\\(.)/g, '$1') : null;
}

/** Browsers (the WHATWG form encoding) escape only `"`, CR and LF in a form's file name, as %22, %0D and %0A. */
function formFileName(name: string | undefined): string | null {
  if (!name) return null;
  return name.replace(/%22|%0D|%0A/gi, (escape) => decodeURIComponent(escape));
}

/**
 * Resolves once the file's bytes start: the caller streams them on. Bodies announced larger than `maxBytes` are
 * refused before a byte is read; a multipart file is cut one byte past it, so the storage sees it is too large.
 */
export function readUpload(request: Request, maxBytes: number): Promise<Upload> {
  const type = request.headers['content-type'];
  if (Number(request.headers['content-length'] ?? 0) > maxBytes + 64 * 1024) {
    return Promise.reject(new MediaTooLargeError(maxBytes));
  }
  if (!type || !/^multipart\/form-data\b/i.test(type)) {
    if (Number(request.headers['content-length'] ?? 0) > maxBytes)
      return Promise.reject(new MediaTooLargeError(maxBytes));
    return Promise.resolve({
      mimetype: type || DEFAULT_MIMETYPE,
      fileName: fileNameOf(request.headers['content-disposition']),
      source: request,
    });
  }
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: request.headers,
        defParamCharset: 'utf8',
        limits: { files: 1, fileSize: maxBytes + 1 },
      });
    } catch {
      reject(new BadRequestError('Malformed multipart body'));
      return;
    }
    let found = false;
    parser.on('file', (field, stream, info) => {
      if (field !== 'file' || found) {
        stream.resume();
        return;
      }
      found = true;
      resolve({ mimetype: info.mimeType || DEFAULT_MIMETYPE, fileName: formFileName(info.filename), source: stream });
    });
    parser.on('error', () => reject(new BadRequestError('Malformed multipart body')));
    parser.on('close', () => {
      if (!found) reject(new BadRequestError('The multipart body has no "file" field'));
    });
    request.pipe(parser);
  });
}
