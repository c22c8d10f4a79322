// The operations tests and demos drive the sim with: the HTTP control routes and the startSim() handle both call these.
import { randomInt } from 'node:crypto';
import type { Account, LinkedDevice } from '../core/accounts';
import { normalizePhoneNumber } from '../core/jid';
import type { SimCore } from '../core/sim-core';
import { parseHistory, type HistorySeeds } from '../history-sync';
import type { PairingService } from '../pairing/pairing-service';
import type { ConnectionTracker } from '../transport/connection-tracker';
import type { OutageMode, TrafficGate } from '../transport/traffic-gate';
import { badRequest, conflict, notFound } from './control-error';

export const DISCONNECT_REASONS = [401, 403, 440, 500, 503, 515, 'drop'] as const;
export type DisconnectReasonCode = (typeof DISCONNECT_REASONS)[number];

/** What `POST /control/accounts` answers. */
export interface CreatedAccount {
  phoneNumber: string;
  jid: string;
  lid: string;
}

export interface AccountView extends CreatedAccount {
  pushName: string;
}

export interface DeviceView {
  deviceJid: string;
  lid: string;
  platform: string;
  online: boolean;
  preKeys: number;
  pairedAt: string;
}

export interface HealthView {
  status: 'ok';
  accounts: number;
  devices: number;
  onlineDevices: number;
  connections: number;
  outage: OutageMode | null;
  /** The sim process's resident set and V8 heap in use, in bytes. */
  memory: { rss: number; heapUsed: number };
}

export type LinkRequest = { qr: string } | { pairingCode: string };

export class SimControl {
  constructor(
    private readonly core: SimCore,
    private readonly pairing: PairingService,
    private readonly connections: ConnectionTracker,
    private readonly gate: TrafficGate,
    private readonly histories: HistorySeeds,
  ) {}

  /** `history` (checked here, see parseHistory) is what the account's phone syncs to each device linked later. */
  createAccount(phoneNumber: string, pushName: string, history?: unknown): CreatedAccount {
    const chats =
      history === undefined
        ? undefined
        : parseHistory(history, { phoneNumber, now: Math.floor(this.core.clock.now() / 1000) });
    if (this.core.accounts.byPhone(phoneNumber)) throw conflict(`account ${phoneNumber} already exists`);
    const account = this.core.accounts.create(phoneNumber, pushName);
    if (chats) this.histories.set(account, chats);
    return { phoneNumber, jid: account.jid, lid: account.lid };
  }

  accounts(): AccountView[] {
    return this.core.accounts.all().map(accountView);
  }

  devices(phoneNumber: string): DeviceView[] {
    return [...this.requireAccount(phoneNumber).devices.values()].map((device) => this.deviceView(device));
  }

  async link(phoneNumber: string, request: LinkRequest): Promise<{ deviceJid: string }> {
    const account = this.requireAccount(phoneNumber);
    const device =
      'qr' in request
        ? await this.pairing.linkWithQr(account, request.qr)
        : await this.pairing.linkWithPairingCode(account, request.pairingCode);
    return { deviceJid: device.jid };
  }

  /** A phone nobody set up scans the QR: a fresh account with a generated number, linked at once. */
  async scan(qr: string, pushName?: string): Promise<AccountView & { deviceJid: string }> {
    const account = this.core.accounts.create(this.unusedPhoneNumber(), pushName ?? 'Sim User');
    try {
      const device = await this.pairing.linkWithQr(account, qr);
      return { ...accountView(account), deviceJid: device.jid };
    } catch (error) {
      this.core.accounts.remove(account);
      throw error;
    }
  }

  /**
   * Every linked device of the account that is connected gets the disconnect. 401 also unlinks all of them, so a
   * device that was away learns it at its next login, like a real logout from the phone.
   */
  disconnect(phoneNumber: string, reason: DisconnectReasonCode): void {
    const account = this.requireAccount(phoneNumber);
    for (const device of [...account.devices.values()]) {
      const connection = this.core.connectionOf(device);
      if (reason === 401) this.core.unlink(device);
      if (!connection) continue;
      switch (reason) {
        case 'drop':
          connection.drop();
          break;
        case 401:
          void connection.streamError({ code: '401' }, { tag: 'conflict', attrs: { type: 'device_removed' } });
          break;
        case 440:
          void connection.streamError({}, { tag: 'conflict', attrs: { type: 'replaced' } });
          break;
        default:
          void connection.streamError({ code: String(reason) });
      }
    }
  }

  /** "refuse": drop every connection and refuse new ones; "delay": hold all traffic. Both end after `seconds`. */
  outage(seconds: number, mode: OutageMode): void {
    this.gate.start(mode, seconds);
    if (mode === 'refuse') this.connections.dropAll();
  }

  health(): HealthView {
    const devices = this.core.accounts.all().flatMap((account) => [...account.devices.values()]);
    return {
      status: 'ok',
      accounts: this.core.accounts.all().length,
      devices: devices.length,
      onlineDevices: devices.filter((device) => this.core.isOnline(device)).length,
      connections: this.connections.size,
      outage: this.gate.refusing ? 'refuse' : this.gate.delaying ? 'delay' : null,
      memory: { rss: process.memoryUsage.rss(), heapUsed: process.memoryUsage().heapUsed },
    };
  }

  requireAccount(phoneNumber: string): Account {
    return requireAccount(this.core, phoneNumber);
  }

  private deviceView(device: LinkedDevice): DeviceView {
    return {
      deviceJid: device.jid,
      lid: device.lidJid,
      platform: device.platform,
      online: this.core.isOnline(device),
      preKeys: device.preKeys.count,
      pairedAt: device.pairedAt.toISOString(),
    };
  }

  private unusedPhoneNumber(): string {
    for (let attempt = 0; attempt < 100; attempt++) {
      const candidate = `1555${String(randomInt(0, 1e7)).padStart(7, '0')}`;
      if (!this.core.accounts.byPhone(candidate)) return candidate;
    }
    throw badRequest('no free phone number left for a fresh account');
  }
}

/** The account with this (normalized) phone number, or a 404 for the control API. */
export function requireAccount(core: SimCore, phoneNumber: string): Account {
  const account = core.accounts.byPhone(phoneNumber);
  if (!account) throw notFound(`no account ${phoneNumber}`);
  return account;
}

/** The account a control body names by phone number or by PN or LID JID, or a 404. */
export function requireAccountAt(core: SimCore, address: string): Account {
  const account = address.includes('@')
    ? core.findAccount(address)
    : core.accounts.byPhone(normalizePhoneNumber(address) ?? '');
  if (!account) throw notFound(`no account ${address}`);
  return account;
}

function accountView(account: Account): AccountView {
  return { phoneNumber: account.phoneNumber, pushName: account.pushName, jid: account.jid, lid: account.lid };
}
