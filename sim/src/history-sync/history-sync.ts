// A newly linked device's history sync: its account's phone uploads each chunk of the seeded chats to the media host
// (zlib-deflated HistorySync, encrypted with `WhatsApp History Keys`) and sends the device a HISTORY_SYNC_NOTIFICATION
// peer message for it, one chunk after another, paced.
import { Readable } from 'node:stream';
import { deflateSync } from 'node:zlib';
import type { proto } from '@whiskeysockets/baileys' with { 'resolution-mode': 'import' };
import type { Logger } from 'pino';
import type { LinkedDevice } from '../core/accounts';
import type { SimCore } from '../core/sim-core';
import type { MediaHost } from '../media';
import type { Messaging } from '../messaging';
import type { HistorySeeds, SeededChat } from './history-seed';
import { historyChunks, type HistoryChunk } from './history-payloads';

/** The pause between two notifications, so a long history reaches a client paced rather than in one burst. */
const HISTORY_CHUNK_INTERVAL_MS = 250;
/** How long the sync waits for the device to finish logging in (its offline queue flushed) before it starts. */
const LOGIN_WAIT_MS = 10_000;
const LOGIN_POLL_MS = 20;

export class HistorySync {
  /** Devices whose sync has started: a device gets it once, after the login that follows its pairing. */
  private readonly started = new WeakSet<LinkedDevice>();
  private readonly logger: Logger;

  constructor(
    private readonly core: SimCore,
    private readonly media: MediaHost,
    private readonly messaging: Messaging,
    private readonly seeds: HistorySeeds,
  ) {
    this.logger = core.logger.child({ module: 'history-sync' });
    core.onDeviceLogin((device) => {
      const history = this.seeds.get(device.account);
      if (!history || this.started.has(device)) return;
      this.started.add(device);
      void this.sync(device, history);
    });
  }

  private async sync(device: LinkedDevice, history: SeededChat[]): Promise<void> {
    const { account } = device;
    const chunks = historyChunks(history, {
      owner: account,
      accountByPhone: (phoneNumber) => this.core.accounts.byPhone(phoneNumber),
    });
    try {
      // A client waits for its history sync only once past `<ib><offline/>`: the sync must come live, after it.
      for (let waited = 0; !this.core.isOnline(device) && waited < LOGIN_WAIT_MS; waited += LOGIN_POLL_MS) {
        await this.core.clock.sleep(LOGIN_POLL_MS);
      }
      for (const [index, chunk] of chunks.entries()) {
        if (index > 0) await this.core.clock.sleep(HISTORY_CHUNK_INTERVAL_MS);
        if (account.devices.get(device.deviceId) !== device) return;
        await this.messaging.sendPeerMessage(device, await this.notification(chunk));
      }
      this.logger.info({ device: device.jid, chunks: chunks.length }, 'history synced');
    } catch (error) {
      this.logger.warn({ err: error, device: device.jid }, 'history sync stopped');
    }
  }

  /**
   * The chunk is uploaded and its location, key and hashes go in the notification. The deflated payload also rides
   * inline (`initialHistBootstrapInlinePayload`, which WhatsApp uses for the bootstrap of clients that ask for it):
   * the notification has no URL, so a client downloads from `mmg.whatsapp.net`, which the sim cannot be.
   */
  private async notification(chunk: HistoryChunk): Promise<proto.IMessage> {
    const { proto: wa } = this.core.lib;
    const deflated = deflateSync(
      wa.HistorySync.encode({ ...chunk.payload, syncType: wa.HistorySync.HistorySyncType[chunk.kind] }).finish(),
    );
    const upload = await this.media.storeEncrypted(Readable.from([deflated]), 'history');
    return {
      protocolMessage: {
        type: wa.Message.ProtocolMessage.Type.HISTORY_SYNC_NOTIFICATION,
        historySyncNotification: {
          fileSha256: upload.fileSha256,
          fileLength: upload.fileLength,
          mediaKey: upload.mediaKey,
          fileEncSha256: upload.fileEncSha256,
          directPath: upload.directPath,
          syncType: wa.Message.HistorySyncType[chunk.kind],
          chunkOrder: chunk.payload.chunkOrder,
          progress: chunk.payload.progress,
          oldestMsgInChunkTimestampSec: chunk.oldestTimestamp,
          initialHistBootstrapInlinePayload: deflated,
        },
      },
    };
  }
}
