// What an account's linked devices report on their own: receipts (delivered, read) for messages they got, their
// presence and their chat states (typing, recording), kept per account for tests to read.
import type { Account } from '../core/accounts';
import { childNode, childNodes, childrenByTag } from '../core/binary-node';
import type { DeviceStanza, SimCore } from '../core/sim-core';

/** `GET /control/accounts/:phone/receipts`: one entry per message id a receipt names. */
export interface ReceiptReport {
  messageId: string;
  /** The `to` of the receipt: the chat (a user or group JID, as the device addressed it). */
  chat: string;
  /** The device that sent it (device-qualified JID). */
  from: string;
  type: 'delivered' | 'read';
  at: string;
}

/** `GET /control/accounts/:phone/presence`: `<presence>` (chat null) and `<chatstate>` (chat = its `to`). */
export interface PresenceReport {
  from: string;
  chat: string | null;
  state: 'available' | 'unavailable' | 'composing' | 'recording' | 'paused';
  at: string;
}

const REPORT_LIMIT = 1_000;

/**
 * Receipt types as a phone shows them. Retries, sender receipts (between one's own devices), server-error (media
 * re-upload requests) and history-sync receipts say nothing about the recipient having the message, so they are left out.
 */
function receiptType(type: string | undefined): ReceiptReport['type'] | undefined {
  switch (type) {
    case undefined:
    case 'inactive':
      return 'delivered';
    case 'read':
    case 'read-self':
    case 'played':
    case 'played-self':
      return 'read';
    default:
      return undefined;
  }
}

export class DeviceReports {
  private readonly receiptsByAccount = new Map<Account, ReceiptReport[]>();
  private readonly presenceByAccount = new Map<Account, PresenceReport[]>();

  constructor(private readonly core: SimCore) {
    core.onStanza('receipt', (stanza) => this.noteReceipt(stanza));
    core.onStanza('presence', (stanza) => this.notePresence(stanza));
    core.onStanza('chatstate', (stanza) => this.noteChatState(stanza));
  }

  receipts(account: Account): ReceiptReport[] {
    return [...(this.receiptsByAccount.get(account) ?? [])];
  }

  presence(account: Account): PresenceReport[] {
    return [...(this.presenceByAccount.get(account) ?? [])];
  }

  private noteReceipt({ device, node }: DeviceStanza): undefined {
    const type = receiptType(node.attrs.type);
    const chat = node.attrs.to;
    if (!type || !chat) return;
    const ids = [node.attrs.id, ...childrenByTag(childNode(node, 'list'), 'item').map((item) => item.attrs.id)];
    for (const messageId of ids) {
      if (messageId)
        append(this.receiptsByAccount, device.account, { messageId, chat, from: device.jid, type, at: this.at() });
    }
  }

  /** `<presence type="available|unavailable" name>`; subscriptions to others' presence are not the device's own. */
  private notePresence({ device, node }: DeviceStanza): undefined {
    const state = node.attrs.type ?? 'available';
    if (state !== 'available' && state !== 'unavailable') return;
    append(this.presenceByAccount, device.account, { from: device.jid, chat: null, state, at: this.at() });
  }

  /** `<chatstate to><composing/></chatstate>`; recording is `<composing media="audio"/>`. */
  private noteChatState({ device, node }: DeviceStanza): undefined {
    const [child] = childNodes(node);
    const chat = node.attrs.to;
    if (!child || !chat) return;
    let state: PresenceReport['state'];
    if (child.tag === 'composing') state = child.attrs.media === 'audio' ? 'recording' : 'composing';
    else if (child.tag === 'paused') state = 'paused';
    else return;
    append(this.presenceByAccount, device.account, { from: device.jid, chat, state, at: this.at() });
  }

  private at(): string {
    return new Date(this.core.clock.now()).toISOString();
  }
}

function append<T>(lists: Map<Account, T[]>, account: Account, report: T): void {
  const list = lists.get(account) ?? [];
  list.push(report);
  if (list.length > REPORT_LIMIT) list.shift();
  lists.set(account, list);
}
