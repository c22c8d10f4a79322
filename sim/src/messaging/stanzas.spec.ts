import type { BinaryNode } from '../core/binary-node';
import {
  createdChange,
  descriptionChange,
  directMessage,
  groupMessage,
  groupNode,
  groupNotification,
  keyBundleList,
  ownDirectMessage,
  participantsChange,
  participantsResult,
  subjectChange,
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
    subjectOwner: bob,
    subjectTime: 1_700_000_100,
    addressing: 'lid',
    creator: alice,
    creation: 1_700_000_000,
    announce: false,
    locked: false,
    memberAddMode: 'admin_add',
    participants: [{ ...alice, admin: 'superadmin' }, bob],
  };

  it('lists LID-group participants by LID with their phone_number, then the settings', () => {
    const node = groupNode(group);

    expect(node.attrs).toMatchObject({
      id: '120363000000000001',
      addressing_mode: 'lid',
      creator: alice.lid,
      creator_pn: alice.pn,
      subject: 'Team',
      s_o: bob.lid,
      s_o_pn: bob.pn,
      s_t: '1700000100',
      size: '2',
    });
    expect(node.content).toEqual([
      { tag: 'participant', attrs: { jid: alice.lid, phone_number: alice.pn, type: 'superadmin' } },
      { tag: 'participant', attrs: { jid: bob.lid, phone_number: bob.pn } },
      { tag: 'member_add_mode', attrs: {}, content: Buffer.from('admin_add') },
    ]);
  });

  it('lists PN-group participants by PN with their lid', () => {
    const node = groupNode({ ...group, addressing: 'pn' });

    expect(node.attrs.creator).toBe(alice.pn);
    expect(node.attrs).not.toHaveProperty('creator_pn');
    expect(node.content).toContainEqual({ tag: 'participant', attrs: { jid: bob.pn, lid: bob.lid } });
  });

  it('carries the description with its author and the announcement and lock settings', () => {
    const node = groupNode({
      ...group,
      description: { id: 'D1', body: 'Rules', author: bob, time: 1_700_000_200 },
      announce: true,
      locked: true,
    });

    expect(node.content).toContainEqual({
      tag: 'description',
      attrs: { id: 'D1', participant: bob.lid, participant_pn: bob.pn, t: '1700000200' },
      content: [{ tag: 'body', attrs: {}, content: Buffer.from('Rules') }],
    });
    expect(node.content).toContainEqual({ tag: 'announcement', attrs: {} });
    expect(node.content).toContainEqual({ tag: 'locked', attrs: {} });
  });

  it('leaves the participants out of an invite-link preview', () => {
    const node = groupNode(group, { participants: false });

    expect((node.content as BinaryNode[]).map((child) => child.tag)).toEqual(['member_add_mode']);
    expect(node.attrs.size).toBe('2');
  });

  it('announces a new group with a w:gp2 create notification from its creator', () => {
    const node = groupNotification({
      groupJid: group.jid,
      addressing: 'lid',
      id: 'N1',
      t: 1_700_000_000,
      actor: alice,
      change: createdChange(group, 'create', 'KEY1'),
    });

    expect(node.attrs).toEqual({
      from: group.jid,
      type: 'w:gp2',
      id: 'N1',
      t: '1700000000',
      participant: alice.lid,
      participant_pn: alice.pn,
    });
    expect(node.content).toEqual([
      { tag: 'create', attrs: { reason: 'create', key: 'KEY1' }, content: [groupNode(group)] },
    ]);
  });

  it('names the actor by PN with participant_lid in a PN group, and nobody for a change WhatsApp made', () => {
    const change = participantsChange('promote', [bob], 'pn');
    const byAlice = groupNotification({ groupJid: group.jid, addressing: 'pn', id: 'N2', t: 1, actor: alice, change });
    const bySystem = groupNotification({ groupJid: group.jid, addressing: 'pn', id: 'N3', t: 1, change });

    expect(byAlice.attrs).toMatchObject({ participant: alice.pn, participant_lid: alice.lid });
    expect(bySystem.attrs).not.toHaveProperty('participant');
    expect(change).toEqual({
      tag: 'promote',
      attrs: {},
      content: [{ tag: 'participant', attrs: { jid: bob.pn, lid: bob.lid } }],
    });
  });

  it('marks a join by invite link on the add, and names no admin role in a participants change', () => {
    const change = participantsChange('add', [{ ...bob, admin: 'admin' }], 'lid', 'invite');

    expect(change).toEqual({
      tag: 'add',
      attrs: { reason: 'invite' },
      content: [{ tag: 'participant', attrs: { jid: bob.lid, phone_number: bob.pn } }],
    });
  });

  it('describes subject and description changes as Baileys and whatsmeow read them', () => {
    expect(subjectChange({ ...group, subject: 'New' })).toEqual({
      tag: 'subject',
      attrs: { subject: 'New', s_o: bob.lid, s_o_pn: bob.pn, s_t: '1700000100' },
    });
    expect(descriptionChange('D2', 'Text')).toEqual({
      tag: 'description',
      attrs: { id: 'D2' },
      content: [{ tag: 'body', attrs: {}, content: Buffer.from('Text') }],
    });
    expect(descriptionChange('D3', undefined).content).toEqual([{ tag: 'delete', attrs: {} }]);
  });

  it('answers a participants change per person, with the error code of those it failed for', () => {
    const node = participantsResult(
      'add',
      [
        { participant: bob },
        { participant: alice, error: 409 },
        { participant: { jid: '1555@s.whatsapp.net' }, error: 404 },
      ],
      'lid',
    );

    expect(node).toEqual({
      tag: 'add',
      attrs: {},
      content: [
        { tag: 'participant', attrs: { jid: bob.lid, phone_number: bob.pn } },
        { tag: 'participant', attrs: { jid: alice.lid, phone_number: alice.pn, error: '409' } },
        { tag: 'participant', attrs: { jid: '1555@s.whatsapp.net', error: '404' } },
      ],
    });
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
