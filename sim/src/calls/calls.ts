// Voice and video calls from a sim account's phone to a person with linked devices, as far as WhatsApp's signalling
// goes for companions: the offer rings on every device of the callee, a device may reject (or accept) it, and an
// unanswered call stops ringing after 45 s with a `timeout` terminate. No media flows.
import { randomBytes } from 'node:crypto';
import type { Account, LinkedDevice } from '../core/accounts';
import { childNodes, type BinaryNode } from '../core/binary-node';
import { SERVER_JID, type DeviceStanza, type SimCore } from '../core/sim-core';
import type { Addressing } from '../messaging';

/** How long a phone lets a call ring before giving up, as WhatsApp's. */
export const CALL_RING_TIMEOUT_MS = 45_000;

export type CallStatus = 'offered' | 'rejected' | 'accepted' | 'timeout';

/** `GET /control/accounts/:phone/calls`: the calls the account made or received, oldest first. */
export interface CallView {
  callId: string;
  /** The caller's PN JID. */
  from: string;
  /** The callee's PN JID. */
  to: string;
  video: boolean;
  status: CallStatus;
  /** ISO 8601. */
  offeredAt: string;
  endedAt: string | null;
  /** The device that rejected or accepted it. */
  endedBy: string | null;
}

export interface CallRequest {
  to: Account;
  video: boolean;
  /** How the callee's devices see the caller: by LID with `caller_pn` (WhatsApp's default today) or by PN. */
  addressing: Addressing;
}

interface Call {
  id: string;
  caller: Account;
  callee: Account;
  video: boolean;
  /** The caller as the callee's devices know it (`from` and `call-creator`). */
  creator: string;
  status: CallStatus;
  offeredAt: number;
  endedAt: number | undefined;
  endedBy: LinkedDevice | undefined;
  ringing: NodeJS.Timeout | undefined;
}

/** Calls kept for the control API; the oldest are forgotten beyond this. */
const CALL_LIMIT = 1_000;
/** What WhatsApp's phones announce about themselves on a call stanza. */
const CALLER_PLATFORM = 'android';
const CALLER_VERSION = '2.25.1.75';

export class Calls {
  private readonly calls = new Map<string, Call>();

  constructor(
    private readonly core: SimCore,
    private readonly ringTimeoutMs = CALL_RING_TIMEOUT_MS,
  ) {
    core.onStanza('call', (stanza) => this.onCall(stanza));
  }

  /** The caller's phone rings every device of the callee (devices that are away get the offer when they return). */
  offer(caller: Account, request: CallRequest): { callId: string } {
    const call: Call = {
      // Call ids are 32 hex digits, as WhatsApp's.
      id: randomBytes(16).toString('hex').toUpperCase(),
      caller,
      callee: request.to,
      video: request.video,
      creator: request.addressing === 'lid' ? caller.lid : caller.jid,
      status: 'offered',
      offeredAt: this.core.clock.now(),
      endedAt: undefined,
      endedBy: undefined,
      ringing: undefined,
    };
    this.remember(call);
    // Someone who blocked the caller never hears it ring; the caller's phone rings on until it gives up.
    if (!call.callee.blocked.has(caller)) {
      const offer = this.callNode(call, {
        tag: 'offer',
        attrs: this.callAttrs(call),
        content: [
          { tag: 'audio', attrs: { enc: 'opus', rate: '16000' } },
          { tag: 'audio', attrs: { enc: 'opus', rate: '8000' } },
          ...(call.video ? [{ tag: 'video', attrs: { enc: 'vp8', dec: 'vp8' } }] : []),
          { tag: 'net', attrs: { medium: '3' } },
          { tag: 'encopt', attrs: { keygen: '2' } },
        ],
      });
      for (const device of call.callee.devices.values()) this.core.sendNode(device, offer);
    }
    call.ringing = this.core.clock.setTimeout(() => this.timeOut(call), this.ringTimeoutMs);
    return { callId: call.id };
  }

  list(account: Account): CallView[] {
    return [...this.calls.values()]
      .filter((call) => call.caller === account || call.callee === account)
      .map((call) => ({
        callId: call.id,
        from: call.caller.jid,
        to: call.callee.jid,
        video: call.video,
        status: call.status,
        offeredAt: new Date(call.offeredAt).toISOString(),
        endedAt: call.endedAt === undefined ? null : new Date(call.endedAt).toISOString(),
        endedBy: call.endedBy?.jid ?? null,
      }));
  }

  /**
   * A device answers a ringing call: `<call to><reject call-id call-creator/></call>` (Baileys' rejectCall) or
   * `<accept>`. The server acks it (Baileys waits for that ack) and the callee's other devices stop ringing.
   */
  private onCall({ device, node, reply }: DeviceStanza): undefined {
    const [action] = childNodes(node);
    reply({
      tag: 'ack',
      attrs: {
        class: 'call',
        id: node.attrs.id,
        from: node.attrs.to ?? SERVER_JID,
        ...(action ? { type: action.tag } : {}),
      },
    });
    const call = action ? this.calls.get(action.attrs['call-id'] ?? '') : undefined;
    if (!action || !call || call.callee !== device.account || call.status !== 'offered') {
      this.core.logger.debug({ device: device.jid, action: action?.tag }, 'call stanza for no ringing call, ignored');
      return;
    }
    if (action.tag !== 'reject' && action.tag !== 'accept') return;
    this.end(call, action.tag === 'reject' ? 'rejected' : 'accepted', device);
    const terminate = this.callNode(call, { tag: 'terminate', attrs: this.callAttrs(call) });
    for (const other of call.callee.devices.values()) {
      if (other !== device) this.core.sendNode(other, terminate);
    }
  }

  /** Nobody answered: the phone stops ringing, and the devices learn it with `<terminate reason="timeout">`. */
  private timeOut(call: Call): void {
    call.ringing = undefined;
    if (call.status !== 'offered') return;
    this.end(call, 'timeout');
    if (call.callee.blocked.has(call.caller)) return;
    const terminate = this.callNode(call, {
      tag: 'terminate',
      attrs: { ...this.callAttrs(call), reason: 'timeout' },
    });
    for (const device of call.callee.devices.values()) this.core.sendNode(device, terminate);
  }

  private end(call: Call, status: CallStatus, by?: LinkedDevice): void {
    this.core.clock.clearTimeout(call.ringing);
    call.ringing = undefined;
    call.status = status;
    call.endedAt = this.core.clock.now();
    call.endedBy = by;
  }

  /** The attributes every child of a call stanza carries; a LID caller names its PN as `caller_pn`. */
  private callAttrs(call: Call): Record<string, string> {
    return {
      'call-id': call.id,
      'call-creator': call.creator,
      ...(call.creator === call.caller.lid ? { caller_pn: call.caller.jid } : {}),
    };
  }

  private callNode(call: Call, child: BinaryNode): BinaryNode {
    return {
      tag: 'call',
      attrs: {
        from: call.creator,
        id: this.core.nextStanzaId(),
        t: String(Math.floor(this.core.clock.now() / 1000)),
        notify: call.caller.pushName,
        platform: CALLER_PLATFORM,
        version: CALLER_VERSION,
      },
      content: [child],
    };
  }

  private remember(call: Call): void {
    this.calls.set(call.id, call);
    if (this.calls.size <= CALL_LIMIT) return;
    const [oldest] = this.calls.values();
    this.core.clock.clearTimeout(oldest.ringing);
    this.calls.delete(oldest.id);
  }
}
