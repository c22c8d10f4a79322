// The IQs a logged-in client sends on its own (pre-keys, device lists, keepalive, settings), answered as WhatsApp does.
import type { Account, LinkedDevice } from '../core/accounts';
import {
  childBuffer,
  childNode,
  childNodes,
  childrenByTag,
  childUInt,
  contentBuffer,
  encodeUInt,
  type BinaryNode,
} from '../core/binary-node';
import { verify, signalPublicKey } from '../core/crypto';
import { decodeJid, encodeJid, normalizePhoneNumber, PN_SERVER } from '../core/jid';
import { IqError, type DeviceStanza, type SimCore } from '../core/sim-core';

const KEY_BUNDLE_TYPE = Buffer.from([5]);

export function registerServerIqs(core: SimCore): void {
  core.onIq('w:p', () => []);
  core.onIq('passive', () => []);
  core.onIq('encrypt', (iq) => answerEncrypt(iq));
  core.onIq('usync', (iq) => answerUsync(core, iq));
  core.onIq('md', (iq) => answerMd(core, iq));
  core.onIq('privacy', ({ node }) => (node.attrs.type === 'get' ? [privacySettings()] : []));
  core.onIq('abt', () => [{ tag: 'props', attrs: { protocol: '1', hash: 'sim' }, content: [] }]);
  core.onIq('w:sync:app:state', ({ node }) => answerAppStateSync(node));
  core.onIq('w:stats', () => []);
  core.onIq('urn:xmpp:whatsapp:dirty', () => []);
}

function answerEncrypt({ device, node }: DeviceStanza): BinaryNode[] {
  const [request] = childNodes(node);
  switch (request?.tag) {
    case 'count':
      return [{ tag: 'count', attrs: { value: String(device.preKeys.count) } }];
    case 'digest':
      return [digest(device)];
    case 'rotate':
      device.signedPreKey = readSignedPreKey(device, childNode(request, 'skey'));
      return [];
    case 'registration':
    case 'identity':
    case 'list':
      storeUploadedKeys(device, node);
      return [];
    default:
      throw new IqError(501, 'feature-not-implemented');
  }
}

/** A pre-key upload: registration id, identity (must be the one that paired), one-time keys, signed pre-key. */
function storeUploadedKeys(device: LinkedDevice, node: BinaryNode): void {
  const identity = childBuffer(node, 'identity');
  if (identity && !identity.equals(device.identityKey)) throw new IqError(409, 'conflict');
  const registrationId = childUInt(node, 'registration');
  if (registrationId !== undefined) device.registrationId = registrationId;
  const skey = childNode(node, 'skey');
  if (skey) device.signedPreKey = readSignedPreKey(device, skey);
  device.preKeys.add(
    childrenByTag(childNode(node, 'list'), 'key').flatMap((key) => {
      const keyId = childUInt(key, 'id');
      const publicKey = childBuffer(key, 'value');
      return keyId !== undefined && publicKey ? [{ keyId, publicKey: Buffer.from(publicKey) }] : [];
    }),
  );
}

function readSignedPreKey(device: LinkedDevice, skey: BinaryNode | undefined): LinkedDevice['signedPreKey'] {
  const keyId = childUInt(skey, 'id');
  const publicKey = childBuffer(skey, 'value');
  const signature = childBuffer(skey, 'signature');
  if (keyId === undefined || !publicKey || !signature) throw new IqError(400, 'bad-request');
  if (!verify(device.identityKey, signalPublicKey(publicKey), signature)) throw new IqError(406, 'not-acceptable');
  return { keyId, publicKey: Buffer.from(publicKey), signature: Buffer.from(signature) };
}

/** What the server holds for the device; Baileys only checks it is there, a stricter client compares it. */
function digest(device: LinkedDevice): BinaryNode {
  return {
    tag: 'digest',
    attrs: {},
    content: [
      { tag: 'registration', attrs: {}, content: encodeUInt(device.registrationId, 4) },
      { tag: 'type', attrs: {}, content: KEY_BUNDLE_TYPE },
      { tag: 'identity', attrs: {}, content: device.identityKey },
      {
        tag: 'skey',
        attrs: {},
        content: [
          { tag: 'id', attrs: {}, content: encodeUInt(device.signedPreKey.keyId, 3) },
          { tag: 'value', attrs: {}, content: device.signedPreKey.publicKey },
          { tag: 'signature', attrs: {}, content: device.signedPreKey.signature },
        ],
      },
      {
        tag: 'list',
        attrs: {},
        content: device.preKeys.list().map(({ keyId }) => ({ tag: 'id', attrs: {}, content: encodeUInt(keyId, 3) })),
      },
    ],
  };
}

/** `<remove-companion-device>`: the client logged out; the device is unlinked like on a phone. */
function answerMd(core: SimCore, { device, node }: DeviceStanza): BinaryNode[] {
  const removal = childNode(node, 'remove-companion-device');
  if (!removal) throw new IqError(501, 'feature-not-implemented');
  const target = removal.attrs.jid ? core.findDevice(removal.attrs.jid) : device;
  if (target && target.account === device.account) core.unlink(target);
  return [];
}

/**
 * App state sync. The sim keeps no app state (contacts, archive, mute, pins), so each collection a client pulls is
 * answered as it stands: at the client's version, no patches, nothing more to come. Pushing patches is refused: they
 * are encrypted with app-state keys the phone never shared.
 */
function answerAppStateSync(node: BinaryNode): BinaryNode[] {
  const collections = childrenByTag(childNode(node, 'sync'), 'collection');
  if (collections.length === 0) throw new IqError(400, 'bad-request');
  if (collections.some((collection) => childNode(collection, 'patch'))) {
    throw new IqError(501, 'feature-not-implemented');
  }
  return [
    {
      tag: 'sync',
      attrs: {},
      content: collections.map(({ attrs }) => ({
        tag: 'collection',
        attrs: { name: attrs.name ?? '', version: attrs.version ?? '0' },
      })),
    },
  ];
}

function privacySettings(): BinaryNode {
  const categories: [string, string][] = [
    ['last', 'all'],
    ['online', 'all'],
    ['profile', 'all'],
    ['status', 'contacts'],
    ['readreceipts', 'all'],
    ['groupadd', 'all'],
    ['calladd', 'all'],
    ['messages', 'all'],
  ];
  return {
    tag: 'privacy',
    attrs: {},
    content: categories.map(([name, value]) => ({ tag: 'category', attrs: { name, value } })),
  };
}

/** Device lists, LIDs and "is on WhatsApp" for each user asked about, by PN JID, LID or `+phone` contact. */
function answerUsync(core: SimCore, { device, node }: DeviceStanza): BinaryNode[] {
  const usync = childNode(node, 'usync');
  if (!usync) throw new IqError(400, 'bad-request');
  const protocols = childNodes(childNode(usync, 'query')).map((protocol) => protocol.tag);
  const listed = childrenByTag(childNode(usync, 'list'), 'user');
  if (protocols.includes('contact')) noteNumberCheck(core, device.account, listed);
  const users = listed.map((user) => {
    const { jid, account } = resolveUsyncUser(core, user);
    return {
      tag: 'user',
      attrs: { jid },
      content: protocols.flatMap((protocol) => usyncProtocolAnswer(core, protocol, jid, account)),
    };
  });
  return [
    {
      tag: 'usync',
      attrs: { ...usync.attrs, last: 'true', index: '0' },
      content: [
        { tag: 'result', attrs: {}, content: protocols.map((protocol) => ({ tag: protocol, attrs: {} })) },
        { tag: 'list', attrs: {}, content: users },
      ],
    },
  ];
}

const NUMBER_CHECKS_KEPT = 1_000;

/** Remembered so tests can tell whether a client asked WhatsApp again or answered from its own cache. */
function noteNumberCheck(core: SimCore, account: Account, users: BinaryNode[]): void {
  const phoneNumbers = users.flatMap((user) => {
    const phone = contentBuffer(childNode(user, 'contact'))?.toString('utf8');
    return phone ? [phone.replace(/\D/g, '')] : [];
  });
  account.numberChecks.push({ phoneNumbers, at: core.clock.now() });
  account.numberChecks.splice(0, account.numberChecks.length - NUMBER_CHECKS_KEPT);
}

function resolveUsyncUser(core: SimCore, user: BinaryNode): { jid: string; account: Account | undefined } {
  if (user.attrs.jid) {
    const decoded = decodeJid(user.attrs.jid);
    const jid = decoded ? encodeJid(decoded.user, decoded.server) : user.attrs.jid;
    return { jid, account: core.findAccount(jid) };
  }
  const phone = contentBuffer(childNode(user, 'contact'))?.toString('utf8') ?? '';
  const phoneNumber = normalizePhoneNumber(phone) ?? phone.replace(/\D/g, '');
  return { jid: encodeJid(phoneNumber, PN_SERVER), account: core.accounts.byPhone(phoneNumber) };
}

function usyncProtocolAnswer(core: SimCore, protocol: string, jid: string, account: Account | undefined): BinaryNode[] {
  switch (protocol) {
    case 'devices':
      return [devicesNode(account)];
    case 'lid':
      return account && jid.endsWith(`@${PN_SERVER}`) ? [{ tag: 'lid', attrs: { val: account.lid } }] : [];
    case 'contact':
      return [{ tag: 'contact', attrs: { type: account ? 'in' : 'out' } }];
    case 'status':
      return account ? [{ tag: 'status', attrs: { t: String(Math.floor(core.clock.now() / 1000)) } }] : [];
    case 'disappearing_mode':
      return account ? [{ tag: 'disappearing_mode', attrs: { duration: '0', t: '0' } }] : [];
    default:
      return [];
  }
}

/** The phone is device 0; linked devices carry the key index their device identity was signed with. */
function devicesNode(account: Account | undefined): BinaryNode {
  const devices: BinaryNode[] = account
    ? [
        { tag: 'device', attrs: { id: '0' } },
        ...[...account.devices.values()].map((device) => ({
          tag: 'device',
          attrs: { id: String(device.deviceId), 'key-index': String(device.keyIndex) },
        })),
      ]
    : [];
  return {
    tag: 'devices',
    attrs: {},
    content: [
      { tag: 'device-list', attrs: {}, content: devices },
      ...(account ? [{ tag: 'key-index-list', attrs: { ts: String(Math.floor(account.createdAt / 1000)) } }] : []),
    ],
  };
}
