// Fetching a media `url` to send: the webhook URL policy on the very address connected to (WEBHOOK_DENY_PRIVATE
// applies), no redirects, a timeout, and the body handed on as a stream (MediaService.store enforces MEDIA_MAX_BYTES).
import http, { IncomingMessage } from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../core/config/app-config';
import { BadRequestError } from '../core/errors/domain-errors';
import { refusedUrl } from '../webhooks/url-policy';
import { guardedLookup } from '../webhooks/webhook-http.client';
import { MediaFetchFailedError } from './messages.errors';

/** The connection, the answer's headers and each pause in its body must come within this. */
const FETCH_TIMEOUT_MS = 30_000;
const USER_AGENT = 'WAGO-Media/1';

export interface DownloadedMedia {
  body: Readable;
  /** The answer's Content-Type, when it named one. */
  mimetype: string | null;
}

@Injectable()
export class MediaDownloader {
  private readonly denyPrivate: boolean;

  constructor(config: AppConfig) {
    this.denyPrivate = config.webhooks.denyPrivate;
  }

  /** Starts the download; rejects with a 400 for a URL the policy refuses, a 422 when no usable answer comes. */
  async open(value: string): Promise<DownloadedMedia> {
    const refused = refusedUrl(value, this.denyPrivate);
    if (refused) throw new BadRequestError(`url refused: ${refused}`);
    const url = new URL(value);
    const response = await this.get(url);
    const status = response.statusCode ?? 0;
    if (status < 200 || status >= 300) {
      response.destroy();
      const hint = status >= 300 && status < 400 ? ' (redirects are not followed: give the final URL)' : '';
      throw new MediaFetchFailedError(`url answered ${status}${hint}`);
    }
    const type = response.headers['content-type']?.trim();
    return { body: response, mimetype: type && type !== 'application/octet-stream' ? type : null };
  }

  private get(url: URL): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const request = (url.protocol === 'https:' ? https : http).get(
        url,
        { lookup: guardedLookup(this.denyPrivate), headers: { 'user-agent': USER_AGENT }, timeout: FETCH_TIMEOUT_MS },
        resolve,
      );
      request.on('timeout', () => request.destroy(new Error(`no answer within ${FETCH_TIMEOUT_MS / 1000} s`)));
      request.on('error', (error) => reject(new MediaFetchFailedError(`url could not be fetched: ${error.message}`)));
    });
  }
}
