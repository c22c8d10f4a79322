import { SimHandle } from '../../../sim/src/index';
import { MessageReceived } from '../../src/whatsapp/events';
import { ProviderOnSim, startProviderOnSim } from '../support/provider-on-sim';
import { eventually } from '../support/realtime';

/**
 * A message whose first copy the gateway cannot decrypt heals as on WhatsApp: Baileys sends a retry receipt, the
 * sender's phone (the sim) sends the message again, and WAGO forwards it once and counts the failure.
 */
describe('Messages whose first copy cannot be decrypted', () => {
  const GATEWAY = '15550610000';
  const ALICE = '15550610001';
  const BOB = '15550610002';
  let providerOnSim: ProviderOnSim;
  let sim: SimHandle;
  let received: MessageReceived[];

  async function send(from: string, body: Record<string, unknown>): Promise<string> {
    const answer = await sim.control('POST', `/control/accounts/${from}/messages`, body);
    return (answer.body as { id: string }).id;
  }

  async function createGroup(addressingMode: 'pn' | 'lid'): Promise<string> {
    const group = await sim.control('POST', '/control/groups', {
      subject: `Retry ${addressingMode}`,
      participants: [ALICE, GATEWAY, BOB],
      addressingMode,
    });
    return (group.body as { jid: string }).jid;
  }

  function receivedWithId(messageId: string): Promise<MessageReceived[]> {
    return eventually(
      () => received.some((message) => message.messageId === messageId),
      `message.received ${messageId}`,
    ).then(() => received.filter((message) => message.messageId === messageId));
  }

  beforeAll(async () => {
    providerOnSim = await startProviderOnSim();
    ({ sim } = providerOnSim);
    received = [];
    providerOnSim.events.on('message.received', (message) => void received.push(message));
    for (const [phoneNumber, pushName] of [
      [GATEWAY, 'Gateway'],
      [ALICE, 'Alice'],
      [BOB, 'Bob'],
    ]) {
      sim.createAccount({ phoneNumber, pushName });
    }
    await providerOnSim.linkSession(GATEWAY);
  });

  afterAll(async () => {
    await providerOnSim?.stop();
  });

  it('forwards a direct message once after the phone sent it again, and counts the decryption failure', async () => {
    const failuresBefore = await providerOnSim.decryptionFailures();
    const id = await send(ALICE, { to: GATEWAY, text: 'first copy garbled', corruptFirstCopy: true });
    const copies = await receivedWithId(id);
    expect(copies).toHaveLength(1);
    expect(copies[0]).toMatchObject({ text: 'first copy garbled', senderPn: `${ALICE}@s.whatsapp.net` });
    expect(await providerOnSim.decryptionFailures()).toBe(failuresBefore + 1);
  });

  it('keeps reading a direct chat after a healed message', async () => {
    await receivedWithId(await send(BOB, { to: GATEWAY, text: 'hello' }));
    await receivedWithId(await send(BOB, { to: GATEWAY, text: 'garbled', corruptFirstCopy: true }));
    const next = await receivedWithId(await send(BOB, { to: GATEWAY, text: 'and then' }));
    expect(next).toEqual([expect.objectContaining({ text: 'and then' })]);
  });

  it.each(['lid', 'pn'] as const)(
    'forwards a %s group message once after the phone sent it again with its sender key',
    async (addressingMode) => {
      const groupJid = await createGroup(addressingMode);
      const failuresBefore = await providerOnSim.decryptionFailures();
      const id = await send(ALICE, { to: groupJid, text: 'group, garbled', corruptFirstCopy: true });
      const copies = await receivedWithId(id);
      expect(copies).toEqual([
        expect.objectContaining({ chatJid: groupJid, text: 'group, garbled', senderPn: `${ALICE}@s.whatsapp.net` }),
      ]);
      expect(await providerOnSim.decryptionFailures()).toBe(failuresBefore + 1);
      // The next skmsg is read with the sender key that came with the copy sent again.
      const next = await receivedWithId(await send(ALICE, { to: groupJid, text: 'group, readable' }));
      expect(next).toEqual([expect.objectContaining({ text: 'group, readable' })]);
      expect(await providerOnSim.decryptionFailures()).toBe(failuresBefore + 1);
    },
  );

  it('forwards a group message once when its garbled copy came after the sender key', async () => {
    const groupJid = await createGroup('pn');
    await receivedWithId(await send(BOB, { to: groupJid, text: 'sender key first' }));
    const failuresBefore = await providerOnSim.decryptionFailures();
    const id = await send(BOB, { to: groupJid, text: 'then garbled', corruptFirstCopy: true });
    expect(await receivedWithId(id)).toEqual([expect.objectContaining({ text: 'then garbled' })]);
    expect(await providerOnSim.decryptionFailures()).toBe(failuresBefore + 1);
  });
});
