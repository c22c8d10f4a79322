// Messaging between sim accounts (simulated phones) and linked devices: end-to-end encrypted 1:1 and group
// messages in both directions, the directory IQs a client needs before it can send (usync, key bundles; groups in
// group-operations.ts), and the inboxes tests read.
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { proto } from '@whiskeysockets/baileys' with { 'resolution-mode': 'import' };
import type { Logger } from 'pino';
import { notFound, ControlError } from '../control/control-error';
import type { Account, LinkedDevice } from '../core/accounts';
import { childNode, childrenByTag, contentBuffer, type BinaryNode } from '../core/binary-node';
import { decodeJid, GROUP_SERVER, LID_SERVER, normalizePhoneNumber } from '../core/jid';
import { decryptMedia, type MediaHost, type MediaKind } from '../media';
import type { DeviceStanza, SimCore, StanzaResult } from '../core/sim-core';
import type { EncryptedType, PreKeyBundle } from './account-signal';
import { DeviceReports, type PresenceReport, type ReceiptReport } from './device-reports';
import { GroupControl } from './group-control';
import { GroupOperations } from './group-operations';
import { GroupDirectory, type Group } from './groups';
import { History, type InboxMessage } from './history';
import {
  outgoingMessage,
  quotable,
  readContent,
  type ContactContent,
  type LocationContent,
  type MediaDetails,
  type OutgoingContent,
  type QuotedMessage,
} from './message-content';
import { peerMessage } from './peer-messages';
import { Phones } from './phones';
import { corrupted, RetryReceipts } from './retry-receipts';
import {
  deliveryReceipt,
  directMessage,
  groupMessage,
  keyBundleList,
  ownDirectMessage,
  type Addresses,
  type Addressing,
  type Encrypted,
  type StanzaType,
} from './stanzas';

interface SendOptions {
  /** A phone number, a PN or LID JID, or a group JID. */
  to: string;
  /** Phone numbers of sim accounts to mention (in a text or a caption). */
  mentions?: string[];
  /** How mentions name people; defaults to the group's addressing mode, or to `senderAddressing` in a 1:1 chat. */
  mentionBy?: Addressing;
  /** The id of a message (from a sim account or a linked device) this one replies to. */
  quotedId?: string;
  /** `lid` makes a 1:1 message arrive from the sender's LID, with its PN only in `sender_pn`. Default `pn`. */
  senderAddressing?: Addressing;
  /**
   * A test hook: the recipients' linked devices get a first copy they cannot decrypt, and read the message only once
   * their retry receipt made the phone send it again.
   */
  corruptFirstCopy?: boolean;
}

/** A file to send: `data` is base64 (or, in process, the bytes). */
export interface MediaInput {
  data: string | Buffer;
  mimetype: string;
}

/** What a sim phone sends: `to` and exactly one kind of content. */
export type SendMessageRequest = SendOptions &
  (
    | { text: string }
    | { image: MediaInput & { caption?: string } }
    | { video: MediaInput & { caption?: string } }
    | { audio: MediaInput & { ptt?: boolean } }
    | { document: MediaInput & { fileName: string; caption?: string } }
    | { sticker: MediaInput }
    | { location: LocationContent }
    | { contact: ContactContent }
    /** An empty emoji removes the phone's reaction. */
    | { reaction: { messageId: string; emoji: string } }
    | { edit: { messageId: string; text: string } }
    | { revoke: { messageId: string } }
  );

/** The content of a checked request, before its media is uploaded or the message it refers to is looked up. */
export type RequestedContent =
  | { type: 'text'; text: string }
  | { type: MediaKind; data: Buffer; media: MediaDetails }
  | { type: 'location'; location: LocationContent }
  | { type: 'contact'; contact: ContactContent }
  | { type: 'reaction'; messageId: string; emoji: string }
  | { type: 'edit'; messageId: string; text: string }
  | { type: 'revoke'; messageId: string };

export type ParsedSendMessage = SendOptions & { content: RequestedContent };

const addressesOf = (account: Account): Addresses => ({ pn: account.jid, lid: account.lid });

/**
 * A linked device as the sender of a relayed message: device-qualified in the chat's addressing (sessions are per
 * device), its account's other id as the alternate, which WhatsApp sends without a device part.
 */
const deviceAddresses = (device: LinkedDevice, addressing: Addressing): Addresses =>
  addressing === 'lid' ? { pn: device.account.jid, lid: device.lidJid } : { pn: device.jid, lid: device.account.lid };

const addressIn = (account: Account, addressing: Addressing): string =>
  addressing === 'lid' ? account.lid : account.jid;

const refersToMessage = (content: { type: string }): boolean =>
  content.type === 'reaction' || content.type === 'edit' || content.type === 'revoke';

/** WhatsApp's stanza type by content: receivers treat media and reactions apart (e.g. no notification for the latter). */
function stanzaTypeOf(content: OutgoingContent): StanzaType {
  if (content.type === 'reaction') return 'reaction';
  return 'upload' in content ? 'media' : 'text';
}

/** Message ids as an iPhone makes them (`3A` and 18 hex digits); Baileys' getDevice() reports them as `ios`. */
export const newMessageId = (): string => `3A${randomBytes(9).toString('hex').toUpperCase()}`;

export class Messaging {
  private readonly groups = new GroupDirectory();
  readonly groupOperations: GroupOperations;
  /** What sim phones do to groups (control API). */
  readonly groupControl: GroupControl;
  private readonly history = new History();
  private readonly phones: Phones;
  private readonly logger: Logger;
  private readonly retries: RetryReceipts;
  private readonly reports: DeviceReports;
  /** Which devices already hold a sim phone's sender key for a group (`<group>|<phone>`): they get skmsg alone. */
  private readonly senderKeyHolders = new Map<string, Set<LinkedDevice>>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly core: SimCore,
    private readonly media: MediaHost,
  ) {
    this.logger = core.logger.child({ module: 'messaging' });
    this.phones = new Phones(core.lib, this.logger);
    this.retries = new RetryReceipts({
      core,
      phones: this.phones,
      logger: this.logger,
      senderKeyHolders: (group, sender) => this.holders(group, sender),
    });
    this.reports = new DeviceReports(core);
    core.onStanza('message', (stanza) => this.exclusive(() => this.receive(stanza)));
    core.onStanza('receipt', async (stanza) => {
      // Behind the messages being encrypted, so the copy sent again uses the phone's ratchets in order.
      if (stanza.node.attrs.type === 'retry') await this.exclusive(() => this.retries.answer(stanza));
      return {};
    });
    this.groupOperations = new GroupOperations({
      core,
      groups: this.groups,
      exclusive: (work) => this.exclusive(work),
    });
    this.groupControl = new GroupControl(core, this.groupOperations);
    core.onIq('w:g2', (iq) => this.groupOperations.answerIq(iq));
    core.onIq('encrypt', ({ node }) => this.keyBundles(node), 'key');
  }

  // ---- what sim accounts do (control API) ----

  async sendMessage(phoneNumber: string, request: ParsedSendMessage): Promise<{ id: string }> {
    const sender = this.account(phoneNumber);
    const destination: { group: Group } | { recipient: Account } =
      decodeJid(request.to)?.server === GROUP_SERVER
        ? { group: this.group(request.to) }
        : { recipient: this.recipient(request.to) };
    const group = 'group' in destination ? destination.group : undefined;
    if (group && !group.has(sender)) throw new ControlError(403, `${sender.phoneNumber} is not in ${group.jid}`);
    if (group?.announce && !group.isAdmin(sender)) {
      throw new ControlError(403, `only admins send to ${group.jid}, ${sender.phoneNumber} is not one`);
    }
    const addressing = group?.addressing ?? request.senderAddressing ?? 'pn';
    const mentionBy = request.mentionBy ?? addressing;
    const mentionedJids = (request.mentions ?? []).map((mention) => addressIn(this.account(mention), mentionBy));
    const quoted = request.quotedId === undefined ? undefined : this.quote(request.quotedId, addressing);
    const chat = group ? group.jid : addressIn((destination as { recipient: Account }).recipient, addressing);
    const content = await this.prepare(request.content, sender, { chat, group });
    const message = outgoingMessage(content, { mentionedJids, quoted }, this.core.clock.now());
    const corrupt = request.corruptFirstCopy === true;
    const stanzaType = stanzaTypeOf(content);

    return this.exclusive(async () => {
      const id = newMessageId();
      if ('group' in destination) await this.sendToGroup(sender, destination.group, id, message, corrupt, stanzaType);
      else await this.sendDirect(sender, destination.recipient, addressing, id, message, corrupt, stanzaType);
      if (!refersToMessage(content)) this.history.remember({ id, author: sender, message: quotable(message) });
      return { id };
    });
  }

  /**
   * Uploads media to the sim's media host (the phone encrypts it as it goes) and turns a referenced message id into
   * the key WhatsApp puts in reactions, edits and revokes: the chat as the sender sees it, `fromMe` from the
   * sender's side, the author as `participant` in a group.
   */
  private async prepare(
    content: RequestedContent,
    sender: Account,
    { chat, group }: { chat: string; group: Group | undefined },
  ): Promise<OutgoingContent> {
    switch (content.type) {
      case 'text':
      case 'location':
      case 'contact':
        return content;
      case 'reaction':
      case 'edit':
      case 'revoke': {
        const target = this.history.find(content.messageId);
        if (!target) throw notFound(`no message ${content.messageId}`);
        if (content.type !== 'reaction' && target.author !== sender) {
          throw new ControlError(403, `${sender.phoneNumber} can only ${content.type} its own messages`);
        }
        const key = {
          remoteJid: chat,
          fromMe: target.author === sender,
          id: content.messageId,
          ...(group ? { participant: group.addressOf(target.author) } : {}),
        };
        if (content.type === 'reaction') return { type: 'reaction', key, emoji: content.emoji };
        if (content.type === 'edit') return { type: 'edit', key, text: content.text };
        return { type: 'revoke', key };
      }
      default: {
        const upload = await this.media.storeEncrypted(Readable.from([content.data]), content.type);
        return { type: content.type, media: content.media, upload };
      }
    }
  }

  /**
   * The account's phone sends one of its own linked devices a peer message (`category="peer"`), e.g. a history sync
   * notification; behind any message being encrypted, so the phone's ratchet with the device advances in order.
   */
  async sendPeerMessage(device: LinkedDevice, message: proto.IMessage): Promise<{ id: string }> {
    return this.exclusive(async () => {
      const id = newMessageId();
      const encrypted = await this.phones.encryptFor(device.account, device, message);
      this.core.sendNode(device, peerMessage({ id, t: this.now(), from: device.account.jid, encrypted }));
      return { id };
    });
  }

  inbox(phoneNumber: string): InboxMessage[] {
    return this.history.inbox(this.account(phoneNumber));
  }

  receipts(phoneNumber: string): ReceiptReport[] {
    return this.reports.receipts(this.account(phoneNumber));
  }

  presence(phoneNumber: string): PresenceReport[] {
    return this.reports.presence(this.account(phoneNumber));
  }

  /** Answers an `encrypt` key fetch: bundles for sim phones (device 0) and for linked devices, as asked for. */
  private keyBundles(node: BinaryNode): BinaryNode[] {
    const bundles: { jid: string; bundle: PreKeyBundle }[] = [];
    for (const user of childrenByTag(childNode(node, 'key'), 'user')) {
      const jid = user.attrs.jid;
      const decoded = jid ? decodeJid(jid) : undefined;
      const account = jid ? this.core.findAccount(jid) : undefined;
      if (!decoded || !account) continue;
      if (decoded.device === 0) {
        bundles.push({ jid, bundle: this.phones.of(account).nextPreKeyBundle() });
        continue;
      }
      const device = account.devices.get(decoded.device);
      if (!device) continue;
      bundles.push({
        jid,
        bundle: {
          registrationId: device.registrationId,
          identityKey: device.identityKey,
          signedPreKey: device.signedPreKey,
          preKey: device.preKeys.take(),
        },
      });
    }
    return [keyBundleList(bundles)];
  }

  private async sendDirect(
    sender: Account,
    recipient: Account,
    addressing: Addressing,
    id: string,
    message: proto.IMessage,
    corrupt: boolean,
    stanzaType: StanzaType,
  ): Promise<void> {
    const envelope = {
      id,
      t: this.now(),
      pushName: sender.pushName,
      sender: addressesOf(sender),
      addressing,
      stanzaType,
    };
    this.retries.remember({ sender, recipient, message, envelope });
    // Someone who blocked the sender gets nothing; the sender's phone shows a single tick, as on WhatsApp.
    const recipientDevices = recipient.blocked.has(sender) ? [] : recipient.devices.values();
    for (const device of recipientDevices) {
      const encrypted = await this.phones.encryptFor(sender, device, message);
      this.core.sendNode(
        device,
        directMessage({ ...envelope, encrypted: [corrupt ? corrupted(encrypted) : encrypted] }),
      );
    }
    if (recipient === sender) return;
    // The sender's own linked devices see what its phone sent, as WhatsApp syncs it to companions.
    const sentCopy = { deviceSentMessage: { destinationJid: addressIn(recipient, addressing), message } };
    for (const device of sender.devices.values()) {
      const encrypted = await this.phones.encryptFor(sender, device, sentCopy);
      this.core.sendNode(
        device,
        ownDirectMessage({ ...envelope, recipient: addressesOf(recipient), encrypted: [encrypted] }),
      );
    }
  }

  /**
   * One skmsg for everyone, preceded for each device that lacks the phone's sender key by a pairwise message
   * carrying the sender-key distribution message (what a phone's first message to a group looks like).
   */
  private async sendToGroup(
    sender: Account,
    group: Group,
    id: string,
    message: proto.IMessage,
    corrupt: boolean,
    stanzaType: StanzaType,
  ): Promise<void> {
    const { ciphertext, senderKeyDistributionMessage } = await this.phones
      .of(sender)
      .encryptGroup(group.jid, group.addressOf(sender), message);
    const distribution = {
      senderKeyDistributionMessage: {
        groupId: group.jid,
        axolotlSenderKeyDistributionMessage: senderKeyDistributionMessage,
      },
    };
    const holders = this.holders(group, sender);
    const envelope = {
      id,
      t: this.now(),
      pushName: sender.pushName,
      groupJid: group.jid,
      sender: addressesOf(sender),
      addressing: group.addressing,
      stanzaType,
    };
    this.retries.remember({ sender, group, message, envelope });
    for (const member of group.members) {
      for (const device of member.devices.values()) {
        const encrypted: Encrypted[] = [];
        if (!holders.has(device)) {
          encrypted.push(await this.phones.encryptFor(sender, device, distribution));
          holders.add(device);
        }
        const groupCopy: Encrypted = { type: 'skmsg', ciphertext };
        encrypted.push(corrupt && member !== sender ? corrupted(groupCopy) : groupCopy);
        this.core.sendNode(device, groupMessage({ ...envelope, encrypted }));
      }
    }
  }

  // ---- what linked devices send ----

  /**
   * A `<message>` from a linked device: the sim phones it is addressed to decrypt it into their inboxes, other
   * linked devices get their share relayed, and recipients' phones report delivery.
   */
  private async receive({ device, node }: DeviceStanza): Promise<StanzaResult> {
    const to = node.attrs.to;
    // Peer messages go between a user's own devices (app state keys, history requests): the phone ignores them.
    if (!to || node.attrs.category === 'peer') return {};
    const pairwise = childrenByTag(childNode(node, 'participants'), 'to');
    if (decodeJid(to)?.server === GROUP_SERVER) {
      const group = this.groups.get(to);
      if (!group?.has(device.account)) return { ackError: 404 };
      await this.receiveGroupMessage(device, node, group, pairwise);
      return {};
    }
    const chat = this.core.findAccount(to);
    if (!chat) return { ackError: 404 };
    await this.receiveDirectMessage(device, node, chat, pairwise);
    return {};
  }

  private async receiveDirectMessage(
    device: LinkedDevice,
    node: BinaryNode,
    chat: Account,
    pairwise: BinaryNode[],
  ): Promise<void> {
    const id = node.attrs.id;
    const to = node.attrs.to;
    const addressing: Addressing = decodeJid(to)?.server === LID_SERVER ? 'lid' : 'pn';
    const envelope = {
      id,
      t: this.now(),
      pushName: device.account.pushName,
      sender: deviceAddresses(device, addressing),
      addressing,
      deviceIdentity: childNode(node, 'device-identity'),
    };
    let delivered = false;
    for (const target of pairwise) {
      const encrypted = this.encryptedChild(target);
      const address = decodeJid(target.attrs.jid ?? '');
      const account = target.attrs.jid ? this.core.findAccount(target.attrs.jid) : undefined;
      if (!encrypted || !address || !account || account.blocked.has(device.account)) continue;
      if (address.device === 0) {
        const message = await this.decrypt(account, device, encrypted);
        // A copy for the sender's own phone (deviceSentMessage): the phone has nothing to do with it.
        if (!message || account === device.account) continue;
        await this.deliver(account, id, device, device.account.jid, message);
        delivered = true;
        continue;
      }
      const peer = account.devices.get(address.device);
      if (!peer || peer === device) continue;
      this.core.sendNode(
        peer,
        peer.account === device.account
          ? ownDirectMessage({ ...envelope, recipient: addressesOf(chat), encrypted: [encrypted] })
          : directMessage({ ...envelope, encrypted: [encrypted] }),
      );
    }
    if (delivered) this.reportDelivery(device, deliveryReceipt(id, to, this.now()));
  }

  private async receiveGroupMessage(
    device: LinkedDevice,
    node: BinaryNode,
    group: Group,
    pairwise: BinaryNode[],
  ): Promise<void> {
    const id = node.attrs.id;
    const relayed = new Map<LinkedDevice, Encrypted>();
    for (const target of pairwise) {
      const encrypted = this.encryptedChild(target);
      const address = decodeJid(target.attrs.jid ?? '');
      const account = target.attrs.jid ? this.core.findAccount(target.attrs.jid) : undefined;
      if (!encrypted || !address || !account) continue;
      if (address.device !== 0) {
        const peer = account.devices.get(address.device);
        if (peer) relayed.set(peer, encrypted);
        continue;
      }
      const distribution = (await this.decrypt(account, device, encrypted))?.senderKeyDistributionMessage;
      if (distribution) await this.phones.of(account).processSenderKeyDistribution(device.jid, distribution);
    }

    const groupCipher = childrenByTag(node, 'enc').find((enc) => enc.attrs.type === 'skmsg');
    const ciphertext = contentBuffer(groupCipher);
    if (!ciphertext) return;
    const envelope = {
      id,
      t: this.now(),
      pushName: device.account.pushName,
      groupJid: group.jid,
      sender: deviceAddresses(device, group.addressing),
      addressing: group.addressing,
      deviceIdentity: childNode(node, 'device-identity'),
    };
    for (const member of group.members) {
      for (const peer of member.devices.values()) {
        if (peer === device) continue;
        const pairwiseShare = relayed.get(peer);
        const encrypted: Encrypted[] = [
          ...(pairwiseShare ? [pairwiseShare] : []),
          { type: 'skmsg' as const, ciphertext },
        ];
        this.core.sendNode(peer, groupMessage({ ...envelope, encrypted }));
      }
      if (member === device.account) continue;
      try {
        const message = await this.phones.of(member).decryptGroup(group.jid, device.jid, ciphertext);
        await this.deliver(member, id, device, group.jid, message);
        this.reportDelivery(device, deliveryReceipt(id, group.jid, this.now(), group.addressOf(member)));
      } catch (error) {
        this.logger.warn({ err: error, id, group: group.jid, phone: member.phoneNumber }, 'phone could not decrypt');
      }
    }
  }

  /** Receipts follow the server's ack of the message (sent once the stanza handlers are done), as on WhatsApp. */
  private reportDelivery(device: LinkedDevice, receipt: BinaryNode): void {
    this.core.clock.setTimeout(() => this.core.sendNode(device, receipt), 0);
  }

  private async decrypt(
    phone: Account,
    device: LinkedDevice,
    encrypted: Encrypted,
  ): Promise<proto.Message | undefined> {
    if (encrypted.type === 'skmsg') return undefined;
    try {
      return await this.phones.of(phone).decrypt(device.jid, encrypted.type, encrypted.ciphertext);
    } catch (error) {
      this.logger.warn({ err: error, from: device.jid, phone: phone.phoneNumber }, 'phone could not decrypt');
      return undefined;
    }
  }

  /**
   * Puts what a device sent into the phone's inbox. Media is fetched from the sim's host as a phone would, checked
   * (fileEncSha256, MAC) and decrypted, so the inbox reports the hash of the bytes that really arrived.
   */
  private async deliver(
    account: Account,
    id: string,
    device: LinkedDevice,
    chat: string,
    message: proto.IMessage,
  ): Promise<void> {
    const read = readContent(message);
    if (!read) return;
    const { mediaReference, ...content } = read;
    if (content.media && mediaReference) {
      const received = await this.download(mediaReference, { id, phone: account.phoneNumber });
      if (received) content.media = { ...content.media, size: received.size, sha256: received.sha256 };
    }
    this.history.deliver(account, {
      id,
      chat,
      from: device.account.jid,
      ...content,
      at: new Date(this.core.clock.now()).toISOString(),
    });
    if (!refersToMessage(content)) this.history.remember({ id, author: device.account, message: quotable(message) });
  }

  private async download(
    reference: { kind: MediaKind; mediaKey: Buffer; location: string; fileEncSha256: Buffer | undefined },
    context: { id: string; phone: string },
  ): Promise<{ size: number; sha256: string } | undefined> {
    const stream = this.media.open(reference.location);
    if (!stream) {
      this.logger.warn({ ...context, location: reference.location }, 'media is not on the sim host');
      return undefined;
    }
    try {
      const decrypted = await decryptMedia(stream, reference);
      return { size: decrypted.fileLength, sha256: decrypted.fileSha256.toString('hex') };
    } catch (error) {
      this.logger.warn({ ...context, err: error }, 'phone could not decrypt the media');
      return undefined;
    } finally {
      stream.destroy();
    }
  }

  private encryptedChild(target: BinaryNode): Encrypted | undefined {
    const enc = childNode(target, 'enc');
    const ciphertext = contentBuffer(enc);
    const type = enc?.attrs.type;
    if (!ciphertext || (type !== 'pkmsg' && type !== 'msg')) return undefined;
    return { type: type satisfies EncryptedType, ciphertext };
  }

  // ---- lookups ----

  private account(phoneNumber: string): Account {
    const normalized = normalizePhoneNumber(phoneNumber);
    const account = normalized ? this.core.accounts.byPhone(normalized) : undefined;
    if (!account) throw notFound(`no account ${phoneNumber}`);
    return account;
  }

  private recipient(to: string): Account {
    if (!to.includes('@')) return this.account(to);
    const account = this.core.findAccount(to);
    if (!account) throw notFound(`no account ${to}`);
    return account;
  }

  private group(jid: string): Group {
    const group = this.groups.get(jid);
    if (!group) throw notFound(`no group ${jid}`);
    return group;
  }

  private quote(id: string, addressing: Addressing): QuotedMessage {
    const quoted = this.history.find(id);
    if (!quoted) throw notFound(`no message ${id} to quote`);
    return { id, author: addressIn(quoted.author, addressing), message: quoted.message };
  }

  private holders(group: Group, sender: Account): Set<LinkedDevice> {
    const key = `${group.jid}|${sender.phoneNumber}`;
    let holders = this.senderKeyHolders.get(key);
    if (!holders) {
      holders = new Set();
      this.senderKeyHolders.set(key, holders);
    }
    return holders;
  }

  private now(): number {
    return Math.floor(this.core.clock.now() / 1000);
  }

  /** One messaging operation at a time: ratchets and sender-key holders change in the order stanzas are queued. */
  private exclusive<T>(work: () => T | Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
