// Retry receipts, as a phone answers them on WhatsApp: a linked device that could not decrypt a message a sim phone
// sent it sends `<receipt type="retry">`, and the phone encrypts the same message for that device alone and sends it
// again, on a fresh Signal session when the receipt carries the device's keys, and with a fresh sender-key
// distribution when it was a group message. Also the test hook that makes a first copy undecryptable.
import type { proto } from '@whiskeysockets/baileys' with { 'resolution-mode': 'import' };
import type { Logger } from 'pino';
import type { Account, LinkedDevice } from '../core/accounts';
import { childBuffer, childNode, childUInt, type BinaryNode } from '../core/binary-node';
import type { DeviceStanza, SimCore } from '../core/sim-core';
import type { PreKeyBundle } from './account-signal';
import type { Group } from './groups';
import type { Phones } from './phones';
import { directMessage, groupMessage, type Addresses, type Addressing, type Encrypted } from './stanzas';

/** A phone answers this many retry receipts for one message and device, then gives up (whatsmeow's limit too). */
const RETRY_LIMIT = 5;
/** Sent messages a phone can still send again; older ones are answered as unknown, as a phone's store forgets. */
const SENT_MESSAGES_KEPT = 1_000;

interface EnvelopeParts {
  id: string;
  /** Unix seconds of the first copy: a copy sent again keeps it. */
  t: number;
  pushName: string;
  sender: Addresses;
  addressing: Addressing;
}

/** A message a sim phone sent, as it needs it to send it again. */
export type SentMessage = {
  sender: Account;
  message: proto.IMessage;
  envelope: EnvelopeParts;
} & ({ recipient: Account } | { group: Group });

export interface RetryReceipt {
  /** The message id the device could not decrypt. */
  id: string;
  /** 1 for the first retry; Baileys and WhatsApp add the device's keys from the second on. */
  count: number;
  /** The device's keys, to build a fresh session from instead of the one that failed. */
  keys: PreKeyBundle | undefined;
}

/** Reads a `<receipt type="retry">`, or undefined for any other receipt. */
export function parseRetryReceipt(node: BinaryNode): RetryReceipt | undefined {
  const retry = childNode(node, 'retry');
  if (node.attrs.type !== 'retry' || !retry || !node.attrs.id) return undefined;
  const count = Number(retry.attrs.count);
  return {
    id: node.attrs.id,
    count: Number.isInteger(count) && count > 0 ? count : 1,
    keys: keysBundle(childNode(node, 'keys'), childUInt(node, 'registration')),
  };
}

function keysBundle(keys: BinaryNode | undefined, registrationId: number | undefined): PreKeyBundle | undefined {
  const identityKey = childBuffer(keys, 'identity');
  const signed = childNode(keys, 'skey');
  const signedKeyId = childUInt(signed, 'id');
  const signedPublicKey = childBuffer(signed, 'value');
  const signature = childBuffer(signed, 'signature');
  if (!identityKey || registrationId === undefined || signedKeyId === undefined || !signedPublicKey || !signature) {
    return undefined;
  }
  const oneTime = childNode(keys, 'key');
  const preKeyId = childUInt(oneTime, 'id');
  const preKeyPublic = childBuffer(oneTime, 'value');
  return {
    registrationId,
    identityKey,
    signedPreKey: { keyId: signedKeyId, publicKey: signedPublicKey, signature },
    preKey: preKeyId !== undefined && preKeyPublic ? { keyId: preKeyId, publicKey: preKeyPublic } : undefined,
  };
}

/**
 * A copy no device can decrypt: the real ciphertext with its last byte flipped, which breaks the MAC of a `msg`,
 * the signature of an `skmsg` and the framing of a `pkmsg`, so the receiving client fails exactly as it would on a
 * corrupted delivery, with its own state untouched.
 */
export function corrupted(encrypted: Encrypted): Encrypted {
  const ciphertext = Buffer.from(encrypted.ciphertext);
  ciphertext[ciphertext.length - 1] ^= 0xff;
  return { ...encrypted, ciphertext };
}

export interface RetryDependencies {
  core: SimCore;
  phones: Phones;
  logger: Logger;
  /** The devices holding the phone's current sender key for a group: a device sent a fresh one joins them. */
  senderKeyHolders(group: Group, sender: Account): Set<LinkedDevice>;
}

export class RetryReceipts {
  private readonly sent = new Map<string, SentMessage>();

  constructor(private readonly deps: RetryDependencies) {}

  /** Keeps a message a sim phone sent, so that a device can ask for it again. */
  remember(sent: SentMessage): void {
    this.sent.set(sent.envelope.id, sent);
    if (this.sent.size > SENT_MESSAGES_KEPT) {
      const oldest = this.sent.keys().next().value;
      if (oldest !== undefined) this.sent.delete(oldest);
    }
  }

  /** Answers a retry receipt from a linked device by sending that device the message again; other receipts pass. */
  async answer({ device, node }: DeviceStanza): Promise<void> {
    const receipt = parseRetryReceipt(node);
    if (!receipt) return;
    const { logger } = this.deps;
    const sent = this.sent.get(receipt.id);
    const context = { id: receipt.id, device: device.jid, count: receipt.count };
    if (!sent || !this.isRecipient(sent, device, node)) {
      logger.info(context, 'retry receipt for a message no sim phone sent this device; ignored');
      return;
    }
    if (receipt.count > RETRY_LIMIT) {
      logger.warn(context, 'retry limit reached; the message is not sent again');
      return;
    }
    const { phones } = this.deps;
    if (receipt.keys) await phones.of(sent.sender).startSession(device.jid, receipt.keys);
    logger.info(
      { ...context, freshSession: receipt.keys !== undefined },
      'sending a message again after a retry receipt',
    );
    this.deps.core.sendNode(device, await this.copyFor(sent, device, receipt.count));
  }

  private isRecipient(sent: SentMessage, device: LinkedDevice, node: BinaryNode): boolean {
    // A retry for the copy a phone syncs to its own companions names a recipient; the sim does not resend those.
    if (node.attrs.recipient) return false;
    return 'group' in sent ? sent.group.has(device.account) : sent.recipient === device.account;
  }

  /**
   * The message for this device alone, pairwise encrypted (`<enc count>`): a group message carries the phone's
   * sender-key distribution along with the content, so the device can read the group's next skmsg too.
   */
  private async copyFor(sent: SentMessage, device: LinkedDevice, count: number): Promise<BinaryNode> {
    const { phones } = this.deps;
    if (!('group' in sent)) {
      const encrypted = await phones.encryptFor(sent.sender, device, sent.message);
      return directMessage({ ...sent.envelope, encrypted: [{ ...encrypted, retryCount: count }] });
    }
    const { group, sender } = sent;
    const senderKeyDistributionMessage = {
      groupId: group.jid,
      axolotlSenderKeyDistributionMessage: await phones
        .of(sender)
        .senderKeyDistribution(group.jid, group.addressOf(sender)),
    };
    const encrypted = await phones.encryptFor(sender, device, { ...sent.message, senderKeyDistributionMessage });
    this.deps.senderKeyHolders(group, sender).add(device);
    return groupMessage({
      ...sent.envelope,
      groupJid: group.jid,
      encrypted: [{ ...encrypted, retryCount: count }],
    });
  }
}
