// The stanzas of the messaging protocol as WhatsApp's server sends them: incoming messages with their alternate
// addressing attributes, receipts, key bundles (encrypt), group metadata and group notifications.
import type { BinaryNode } from '../core/binary-node';
import { encodeUInt } from '../core/binary-node';
import type { PreKeyBundle } from './account-signal';

export type Addressing = 'pn' | 'lid';
export type EncType = 'pkmsg' | 'msg' | 'skmsg';

export interface Encrypted {
  type: EncType;
  ciphertext: Uint8Array;
  /** Set on a copy sent again after a retry receipt: the receipt's count, as `<enc count>`. */
  retryCount?: number;
}

/** A person (or one of their devices) as both of their addresses: primary in the chat's addressing, alt the other. */
export interface Addresses {
  pn: string;
  lid: string;
}

/** Baileys' KEY_BUNDLE_TYPE: Curve25519 keys. */
const KEY_TYPE_DJB = Buffer.from([5]);

interface Envelope {
  id: string;
  /** Unix seconds. */
  t: number;
  pushName: string;
  encrypted: Encrypted[];
  /** The sender's `<device-identity>`, forwarded as received when a linked device is the sender. */
  deviceIdentity?: BinaryNode;
  /** The stanza's `type`, as WhatsApp sets it by content: `text` (the default), `media` or `reaction`. */
  stanzaType?: StanzaType;
}

export type StanzaType = 'text' | 'media' | 'reaction';

function primary(addresses: Addresses, addressing: Addressing): string {
  return addressing === 'lid' ? addresses.lid : addresses.pn;
}

function alternate(addresses: Addresses, addressing: Addressing): string {
  return addressing === 'lid' ? addresses.pn : addresses.lid;
}

function messageNode(envelope: Envelope, attrs: Record<string, string>): BinaryNode {
  const content: BinaryNode[] = envelope.encrypted.map(({ type, ciphertext, retryCount }) => ({
    tag: 'enc',
    attrs: { v: '2', type, ...(retryCount === undefined ? {} : { count: String(retryCount) }) },
    content: ciphertext,
  }));
  if (envelope.deviceIdentity) content.push(envelope.deviceIdentity);
  return {
    tag: 'message',
    attrs: {
      ...attrs,
      id: envelope.id,
      type: envelope.stanzaType ?? 'text',
      t: String(envelope.t),
      notify: envelope.pushName,
    },
    content,
  };
}

/** A 1:1 message as the recipient's devices get it: `from` in the sender's addressing, the other id in `sender_pn`/`sender_lid`. */
export function directMessage(envelope: Envelope & { sender: Addresses; addressing: Addressing }): BinaryNode {
  const { sender, addressing } = envelope;
  return messageNode(envelope, {
    from: primary(sender, addressing),
    addressing_mode: addressing,
    [addressing === 'lid' ? 'sender_pn' : 'sender_lid']: alternate(sender, addressing),
  });
}

/**
 * A 1:1 message the account's phone sent, as its linked devices get it: `from` is their own account and `recipient`
 * the chat, with the chat's other id in `peer_recipient_pn`/`peer_recipient_lid`.
 */
export function ownDirectMessage(
  envelope: Envelope & { sender: Addresses; recipient: Addresses; addressing: Addressing },
): BinaryNode {
  const { sender, recipient, addressing } = envelope;
  return messageNode(envelope, {
    from: primary(sender, addressing),
    recipient: primary(recipient, addressing),
    addressing_mode: addressing,
    [addressing === 'lid' ? 'peer_recipient_pn' : 'peer_recipient_lid']: alternate(recipient, addressing),
  });
}

/** A group message: `participant` in the group's addressing mode, the other id in `participant_pn`/`participant_lid`. */
export function groupMessage(
  envelope: Envelope & { groupJid: string; sender: Addresses; addressing: Addressing },
): BinaryNode {
  const { groupJid, sender, addressing } = envelope;
  return messageNode(envelope, {
    from: groupJid,
    participant: primary(sender, addressing),
    addressing_mode: addressing,
    [addressing === 'lid' ? 'participant_pn' : 'participant_lid']: alternate(sender, addressing),
  });
}

/** A delivery receipt from a recipient (no type: delivered), `participant` naming the member in a group. */
export function deliveryReceipt(id: string, from: string, t: number, participant?: string): BinaryNode {
  return {
    tag: 'receipt',
    attrs: { id, from, t: String(t), ...(participant ? { participant } : {}) },
  };
}

/** The answer to an `encrypt` key fetch: one pre-key bundle per device the client will start a session with. */
export function keyBundleList(bundles: { jid: string; bundle: PreKeyBundle }[]): BinaryNode {
  return {
    tag: 'list',
    attrs: {},
    content: bundles.map(({ jid, bundle }) => ({
      tag: 'user',
      attrs: { jid },
      content: [
        { tag: 'registration', attrs: {}, content: encodeUInt(bundle.registrationId, 4) },
        { tag: 'type', attrs: {}, content: KEY_TYPE_DJB },
        { tag: 'identity', attrs: {}, content: bundle.identityKey },
        {
          tag: 'skey',
          attrs: {},
          content: [
            { tag: 'id', attrs: {}, content: encodeUInt(bundle.signedPreKey.keyId, 3) },
            { tag: 'value', attrs: {}, content: bundle.signedPreKey.publicKey },
            { tag: 'signature', attrs: {}, content: bundle.signedPreKey.signature },
          ],
        },
        ...(bundle.preKey
          ? [
              {
                tag: 'key',
                attrs: {},
                content: [
                  { tag: 'id', attrs: {}, content: encodeUInt(bundle.preKey.keyId, 3) },
                  { tag: 'value', attrs: {}, content: bundle.preKey.publicKey },
                ],
              },
            ]
          : []),
      ],
    })),
  };
}

export interface GroupParticipant extends Addresses {
  admin?: 'admin' | 'superadmin';
}

export interface GroupInfo {
  jid: string;
  subject: string;
  addressing: Addressing;
  creator: Addresses;
  /** Unix seconds. */
  creation: number;
  participants: GroupParticipant[];
}

/**
 * `<group>` as w:g2 describes it: participants by LID with `phone_number` in a LID group, by PN with `lid` in a PN
 * group, so a client learns both ids of every member.
 */
export function groupNode(group: GroupInfo): BinaryNode {
  const { addressing } = group;
  const creator = primary(group.creator, addressing);
  return {
    tag: 'group',
    attrs: {
      id: group.jid.split('@')[0],
      addressing_mode: addressing,
      creator,
      ...(addressing === 'lid' ? { creator_pn: group.creator.pn } : {}),
      creation: String(group.creation),
      subject: group.subject,
      s_t: String(group.creation),
      s_o: creator,
      ...(addressing === 'lid' ? { s_o_pn: group.creator.pn } : {}),
      size: String(group.participants.length),
    },
    content: group.participants.map((participant) => ({
      tag: 'participant',
      attrs: {
        jid: primary(participant, addressing),
        [addressing === 'lid' ? 'phone_number' : 'lid']: alternate(participant, addressing),
        ...(participant.admin ? { type: participant.admin } : {}),
      },
    })),
  };
}

/** The w:gp2 notification members' devices get when a group is created with them in it. */
export function groupCreatedNotification(group: GroupInfo, id: string): BinaryNode {
  const { addressing } = group;
  return {
    tag: 'notification',
    attrs: {
      from: group.jid,
      type: 'w:gp2',
      id,
      t: String(group.creation),
      participant: primary(group.creator, addressing),
      ...(addressing === 'lid' ? { participant_pn: group.creator.pn } : { participant_lid: group.creator.lid }),
    },
    content: [{ tag: 'create', attrs: { reason: 'create' }, content: [groupNode(group)] }],
  };
}
