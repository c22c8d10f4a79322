// Presence as WhatsApp relays it: a device subscribes to a person (`<presence type="subscribe" to>`), is told their
// state at once and at every change, while it is connected and itself available; chat states (typing, recording,
// paused) go to the chat partner's connected devices. Nothing is queued: a device that is away misses them.
import type { Account, LinkedDevice } from '../core/accounts';
import type { BinaryNode } from '../core/binary-node';
import type { DeviceStanza, SimCore } from '../core/sim-core';
import type { Addressing } from '../messaging';

export type AccountPresenceState = 'available' | 'unavailable';
export type ChatState = 'composing' | 'recording' | 'paused';

interface AccountPresence {
  available: boolean;
  /** Unix seconds the account was last available; unset until it has been. */
  lastSeen: number | undefined;
}

export class PresenceRelay {
  private readonly states = new Map<Account, AccountPresence>();
  /** Per watched account, the devices subscribed to it and the JID each subscribed with (PN or LID). */
  private readonly watchers = new Map<Account, Map<LinkedDevice, string>>();
  /** Devices whose last own `<presence>` said available: WhatsApp sends presence only to clients that are online. */
  private readonly availableDevices = new Set<LinkedDevice>();

  constructor(private readonly core: SimCore) {
    core.onStanza('presence', (stanza) => this.onPresence(stanza));
    // Subscriptions and a device's own availability belong to its connection: a new login starts without them.
    core.onDeviceLogin((device) => this.forget(device));
  }

  /** The account's phone goes online or offline (a linked device's own `<presence>` does the same). */
  setAvailability(account: Account, state: AccountPresenceState): void {
    const now = Math.floor(this.core.clock.now() / 1000);
    const current = this.stateOf(account);
    const available = state === 'available';
    // Last seen is when the account stopped being available (or still is, as long as it is).
    const lastSeen = available || current.available ? now : current.lastSeen;
    this.states.set(account, { available, lastSeen });
    for (const [device, jid] of this.watchers.get(account) ?? []) this.tell(device, account, jid);
  }

  /** `<chatstate from><composing/></chatstate>` to the partner's connected devices (`media="audio"` for recording). */
  sendChatState(sender: Account, partner: Account, state: ChatState, addressing: Addressing): void {
    if (partner.blocked.has(sender)) return;
    const node: BinaryNode = {
      tag: 'chatstate',
      attrs: { from: addressing === 'lid' ? sender.lid : sender.jid },
      content: [
        {
          tag: state === 'paused' ? 'paused' : 'composing',
          attrs: state === 'recording' ? { media: 'audio' } : {},
        },
      ],
    };
    for (const device of partner.devices.values()) {
      if (this.core.isOnline(device)) this.core.sendNode(device, node);
    }
  }

  private onPresence({ device, node }: DeviceStanza): undefined {
    const type = node.attrs.type ?? 'available';
    if (type === 'subscribe' || type === 'unsubscribe') {
      const target = node.attrs.to ? this.core.findAccount(node.attrs.to) : undefined;
      if (!target) return;
      if (type === 'unsubscribe') {
        this.watchers.get(target)?.delete(device);
        return;
      }
      this.watchersOf(target).set(device, node.attrs.to);
      this.tell(device, target, node.attrs.to);
      return;
    }
    if (type !== 'available' && type !== 'unavailable') return;
    if (type === 'available') this.availableDevices.add(device);
    else this.availableDevices.delete(device);
    this.setAvailability(device.account, type);
    // A device coming online learns where everyone it watches stands.
    if (type === 'available') {
      for (const [account, watchers] of this.watchers) {
        const jid = watchers.get(device);
        if (jid) this.tell(device, account, jid);
      }
    }
  }

  /** `<presence from>` when available, `<presence from type="unavailable" last>` otherwise. */
  private tell(device: LinkedDevice, account: Account, jid: string): void {
    if (!this.availableDevices.has(device) || !this.core.isOnline(device)) return;
    // Someone you blocked does not see whether you are online.
    if (account.blocked.has(device.account)) return;
    const { available, lastSeen } = this.stateOf(account);
    const attrs: Record<string, string> = { from: jid };
    if (!available) {
      attrs.type = 'unavailable';
      if (lastSeen !== undefined) attrs.last = String(lastSeen);
    }
    this.core.sendNode(device, { tag: 'presence', attrs });
  }

  private forget(device: LinkedDevice): void {
    this.availableDevices.delete(device);
    for (const watchers of this.watchers.values()) watchers.delete(device);
  }

  private stateOf(account: Account): AccountPresence {
    return this.states.get(account) ?? { available: false, lastSeen: undefined };
  }

  private watchersOf(account: Account): Map<LinkedDevice, string> {
    let watchers = this.watchers.get(account);
    if (!watchers) {
      watchers = new Map();
      this.watchers.set(account, watchers);
    }
    return watchers;
  }
}
