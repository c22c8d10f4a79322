// The stanzas of the messaging protocol as WhatsApp's server sends them: incoming messages with their alternate
// addressing attributes, receipts, key bundles (encrypt), group metadata, group IQ answers and w:gp2 notifications.
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

export type GroupRole = 'admin' | 'superadmin';
export type MemberAddMode = 'admin_add' | 'all_member_add';

export interface GroupParticipant extends Addresses {
  admin?: GroupRole;
}

export interface GroupDescriptionInfo {
  id: string;
  body: string;
  author: Addresses;
  /** Unix seconds. */
  time: number;
}

export interface GroupInfo {
  jid: string;
  subject: string;
  subjectOwner: Addresses;
  /** Unix seconds. */
  subjectTime: number;
  description?: GroupDescriptionInfo;
  addressing: Addressing;
  creator: Addresses;
  /** Unix seconds. */
  creation: number;
  announce: boolean;
  locked: boolean;
  memberAddMode: MemberAddMode;
  participants: GroupParticipant[];
}

/** A person in a group stanza: by LID with `phone_number` in a LID group, by PN with `lid` in a PN group. */
function participantNode(participant: GroupParticipant, addressing: Addressing, error?: number): BinaryNode {
  return {
    tag: 'participant',
    attrs: {
      jid: primary(participant, addressing),
      [addressing === 'lid' ? 'phone_number' : 'lid']: alternate(participant, addressing),
      ...(participant.admin ? { type: participant.admin } : {}),
      ...(error === undefined ? {} : { error: String(error) }),
    },
  };
}

/** Someone's primary address in the group's addressing, and in a LID group their PN under `<name>_pn`. */
function addressAttrs(name: string, addresses: Addresses, addressing: Addressing): Record<string, string> {
  return {
    [name]: primary(addresses, addressing),
    ...(addressing === 'lid' ? { [`${name}_pn`]: addresses.pn } : {}),
  };
}

const textContent = (text: string): Buffer => Buffer.from(text, 'utf8');

/**
 * `<group>` as w:g2 describes it: participants in the group's addressing with their other id (so a client learns
 * both ids of every member), then the description and settings. An invite-link preview leaves the participants out.
 */
export function groupNode(group: GroupInfo, options: { participants: boolean } = { participants: true }): BinaryNode {
  const { addressing, description } = group;
  const content: BinaryNode[] = options.participants
    ? group.participants.map((participant) => participantNode(participant, addressing))
    : [];
  if (description) {
    content.push({
      tag: 'description',
      attrs: {
        id: description.id,
        ...addressAttrs('participant', description.author, addressing),
        t: String(description.time),
      },
      content: [{ tag: 'body', attrs: {}, content: textContent(description.body) }],
    });
  }
  if (group.announce) content.push({ tag: 'announcement', attrs: {} });
  if (group.locked) content.push({ tag: 'locked', attrs: {} });
  content.push({ tag: 'member_add_mode', attrs: {}, content: textContent(group.memberAddMode) });
  return {
    tag: 'group',
    attrs: {
      id: group.jid.split('@')[0],
      addressing_mode: addressing,
      ...addressAttrs('creator', group.creator, addressing),
      creation: String(group.creation),
      subject: group.subject,
      s_t: String(group.subjectTime),
      ...addressAttrs('s_o', group.subjectOwner, addressing),
      size: String(group.participants.length),
    },
    content,
  };
}

/** The answer to add/remove/promote/demote: each person asked about, with `error` when it failed for them. */
export function participantsResult(
  action: ParticipantAction,
  results: { participant: GroupParticipant | { jid: string }; error?: number }[],
  addressing: Addressing,
): BinaryNode {
  return {
    tag: action,
    attrs: {},
    content: results.map(({ participant, error }) =>
      'jid' in participant
        ? {
            tag: 'participant',
            attrs: { jid: participant.jid, ...(error === undefined ? {} : { error: String(error) }) },
          }
        : participantNode(participant, addressing, error),
    ),
  };
}

export type ParticipantAction = 'add' | 'remove' | 'promote' | 'demote';

export interface GroupNotification {
  groupJid: string;
  addressing: Addressing;
  id: string;
  /** Unix seconds. */
  t: number;
  /** The member who made the change; none when WhatsApp made it (a successor promoted when the last admin left). */
  actor?: Addresses;
  change: BinaryNode;
}

/** A w:gp2 notification: `participant` the actor in the group's addressing, its other id beside it. */
export function groupNotification({ groupJid, addressing, id, t, actor, change }: GroupNotification): BinaryNode {
  return {
    tag: 'notification',
    attrs: {
      from: groupJid,
      type: 'w:gp2',
      id,
      t: String(t),
      ...(actor
        ? {
            participant: primary(actor, addressing),
            [addressing === 'lid' ? 'participant_pn' : 'participant_lid']: alternate(actor, addressing),
          }
        : {}),
    },
    content: [change],
  };
}

/**
 * `<create>` with the whole group: how a device learns of a group it is now in, created with it (`reason="create"`,
 * with the creator's `key`), joined by invite (`invite`) or added to (`add`).
 */
export function createdChange(group: GroupInfo, reason: 'create' | 'invite' | 'add', key?: string): BinaryNode {
  return { tag: 'create', attrs: { reason, ...(key ? { key } : {}) }, content: [groupNode(group)] };
}

/** `<add>`, `<remove>`, `<promote>` or `<demote>` naming who changed; `<add reason="invite">` for a join by link. */
export function participantsChange(
  action: ParticipantAction,
  participants: GroupParticipant[],
  addressing: Addressing,
  reason?: 'invite',
): BinaryNode {
  return {
    tag: action,
    attrs: reason ? { reason } : {},
    content: participants.map(({ pn, lid }) => participantNode({ pn, lid }, addressing)),
  };
}

export function subjectChange(group: GroupInfo): BinaryNode {
  return {
    tag: 'subject',
    attrs: {
      subject: group.subject,
      ...addressAttrs('s_o', group.subjectOwner, group.addressing),
      s_t: String(group.subjectTime),
    },
  };
}

/** The new description's id with its `<body>`, or `<delete/>` when it was cleared. */
export function descriptionChange(id: string, body: string | undefined): BinaryNode {
  return {
    tag: 'description',
    attrs: { id },
    content: [
      body === undefined ? { tag: 'delete', attrs: {} } : { tag: 'body', attrs: {}, content: textContent(body) },
    ],
  };
}

/** `<announcement>` and `<not_announcement>` carry the setting's version id (`v_id`), the lock has none. */
export function settingChange(
  setting: 'announcement' | 'not_announcement' | 'locked' | 'unlocked',
  versionId: string,
): BinaryNode {
  const versioned = setting === 'announcement' || setting === 'not_announcement';
  return { tag: setting, attrs: versioned ? { v_id: versionId } : {} };
}

export function memberAddModeChange(mode: MemberAddMode): BinaryNode {
  return { tag: 'member_add_mode', attrs: {}, content: textContent(mode) };
}

/** The group's new invite code, after an admin reset the link. */
export function inviteChange(code: string): BinaryNode {
  return { tag: 'invite', attrs: { code } };
}
