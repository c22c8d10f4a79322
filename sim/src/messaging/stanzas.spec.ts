import type { BinaryNode } from '../core/binary-node';
import {
  directMessage,
  groupCreatedNotification,
  groupMessage,
  groupNode,
  keyBundleList,
  ownDirectMessage,
  type GroupInfo,
} from './stanzas';

const alice = { pn: '5511900000001@s.whatsapp.net', lid: '123456789012345@lid' };
const bob = { pn: '5511900000002@s.whatsapp.net', lid: '223456789012345@lid' };
const ciphertext = Buffer.from([1, 2, 3]);
const envelope = { id: '3AABCDEF0123456789AB', t: 1_700_000_000, pushName: 'Alice' };

describe('message stanzas', () => {
  it('sends a PN-addressed 1:1 message from the PN with the LID in sender_lid', () => {
    const node = directMessage({
      ...envelope,
      sender: alice,
      addressing: 'pn',
      encrypted: [{ type: 'pkmsg', ciphertext }],
    });

    expect(node.attrs).toEqual({
      from: alice.pn,
      addressing_mode: 'pn',
      sender_lid: alice.lid,
      id: envelope.id,
      type: 'text',
      t: '1700000000',
      notify: 'Alice',
    });
    expect(node.content).toEqual([{ tag: 'enc', attrs: { v: '2', type: 'pkmsg' }, content: ciphertext }]);
  });

  it('sends a LID-addressed 1:1 message from the LID with the PN in sender_pn', () => {
    const node = directMessage({
      ...envelope,
      sender: alice,
      addressing: 'lid',
      encrypted: [{ type: 'msg', ciphertext }],
    });

    expect(node.attrs.from).toBe(alice.lid);
    expect(node.attrs.sender_pn).toBe(alice.pn);
    expect(node.attrs.sender_lid).toBeUndefined();
  });

  it('syncs a message the phone sent to its companions with recipient and peer_recipient attributes', () => {
    const node = ownDirectMessage({
      ...envelope,
      sender: alice,
      recipient: bob,
      addressing: 'lid',
      encrypted: [{ type: 'msg', ciphertext }],
    });

    expect(node.attrs).toMatchObject({ from: alice.lid, recipient: bob.lid, peer_recipient_pn: bob.pn });
  });

  it('addresses a group sender by participant in the group mode, the other id in participant_pn or participant_lid', () => {
    const encrypted = [
      { type: 'pkmsg' as const, ciphertext },
      { type: 'skmsg' as const, ciphertext },
    ];
    const lidGroup = groupMessage({
      ...envelope,
      groupJid: '120363000000000001@g.us',
      sender: alice,
      addressing: 'lid',
      encrypted,
    });
    const pnGroup = groupMessage({
      ...envelope,
      groupJid: '120363000000000001@g.us',
      sender: alice,
      addressing: 'pn',
      encrypted,
    });

    expect(lidGroup.attrs).toMatchObject({
      from: '120363000000000001@g.us',
      participant: alice.lid,
      participant_pn: alice.pn,
      addressing_mode: 'lid',
    });
    expect(pnGroup.attrs).toMatchObject({ participant: alice.pn, participant_lid: alice.lid, addressing_mode: 'pn' });
    expect((lidGroup.content as BinaryNode[]).map((enc) => enc.attrs.type)).toEqual(['pkmsg', 'skmsg']);
  });
});

describe('group stanzas', () => {
  const group: GroupInfo = {
    jid: '120363000000000001@g.us',
    subject: 'Team',
    addressing: 'lid',
    creator: alice,
    creation: 1_700_000_000,
    participants: [{ ...alice, admin: 'superadmin' }, bob],
  };

  it('lists LID-group participants by LID with their phone_number', () => {
    const node = groupNode(group);

    expect(node.attrs).toMatchObject({
      id: '120363000000000001',
      addressing_mode: 'lid',
      creator: alice.lid,
      creator_pn: alice.pn,
      subject: 'Team',
      size: '2',
    });
    expect(node.content).toEqual([
      { tag: 'participant', attrs: { jid: alice.lid, phone_number: alice.pn, type: 'superadmin' } },
      { tag: 'participant', attrs: { jid: bob.lid, phone_number: bob.pn } },
    ]);
  });

  it('lists PN-group participants by PN with their lid', () => {
    const node = groupNode({ ...group, addressing: 'pn' });

    expect(node.attrs.creator).toBe(alice.pn);
    expect(node.content).toContainEqual({ tag: 'participant', attrs: { jid: bob.pn, lid: bob.lid } });
  });

  it('announces a new group with a w:gp2 create notification from its creator', () => {
    const node = groupCreatedNotification(group, 'N1');

    expect(node.attrs).toMatchObject({
      from: group.jid,
      type: 'w:gp2',
      participant: alice.lid,
      participant_pn: alice.pn,
    });
    expect(node.content).toEqual([{ tag: 'create', attrs: { reason: 'create' }, content: [groupNode(group)] }]);
  });
});

describe('key bundles', () => {
  it('encodes ids big-endian (registration 4 bytes, keys 3) and omits the one-time key when there is none', () => {
    const bundle = {
      registrationId: 0x01020304,
      identityKey: Buffer.alloc(32, 1),
      signedPreKey: { keyId: 5, publicKey: Buffer.alloc(32, 2), signature: Buffer.alloc(64, 3) },
    };
    const list = keyBundleList([
      { jid: bob.lid, bundle: { ...bundle, preKey: { keyId: 0x0a0b0c, publicKey: Buffer.alloc(32, 4) } } },
      { jid: alice.lid, bundle },
    ]);
    const [withPreKey, withoutPreKey] = list.content as (BinaryNode & { content: BinaryNode[] })[];

    expect(withPreKey.attrs.jid).toBe(bob.lid);
    expect(withPreKey.content.map((child) => child.tag)).toEqual(['registration', 'type', 'identity', 'skey', 'key']);
    expect(withPreKey.content[0].content).toEqual(Buffer.from([1, 2, 3, 4]));
    expect(withPreKey.content[1].content).toEqual(Buffer.from([5]));
    expect((withPreKey.content[4].content as BinaryNode[])[0].content).toEqual(Buffer.from([10, 11, 12]));
    expect(withoutPreKey.content.map((child) => child.tag)).toEqual(['registration', 'type', 'identity', 'skey']);
  });
});
