import { SimHandle } from '../../../sim/src/index';
import { BaileysProvider } from '../../src/whatsapp/baileys/baileys.provider';
import { MessageAck, MessageReceived } from '../../src/whatsapp/events';
import { ProviderOnSim, startProviderOnSim } from '../support/provider-on-sim';
import { eventually } from '../support/realtime';
import { RecordingListener } from '../support/recording-listener';
import { FRESH_LEASE_EPOCH } from '../support/session-rows';

/** Messages between a WAGO session (the provider, as in the server) and simulated phones. */
describe('WhatsApp messages through the Baileys provider', () => {
  const GATEWAY = '15550600000';
  const ALICE = '15550600001';
  const BOB = '15550600002';
  let providerOnSim: ProviderOnSim;
  let sim: SimHandle;
  let provider: BaileysProvider;
  let sessionId: string;
  let received: MessageReceived[];
  let acks: MessageAck[];
  let aliceLid: string;
  let bobLid: string;
  let gatewayLid: string;

  async function send(from: string, body: Record<string, unknown>): Promise<string> {
    const answer = await sim.control('POST', `/control/accounts/${from}/messages`, body);
    return (answer.body as { id: string }).id;
  }

  function receivedWithId(messageId: string): Promise<MessageReceived> {
    let found: MessageReceived | undefined;
    return eventually(() => {
      found = received.find((message) => message.messageId === messageId);
      return found !== undefined;
    }, `message.received ${messageId}`).then(() => found as MessageReceived);
  }

  beforeAll(async () => {
    providerOnSim = await startProviderOnSim();
    ({ sim, provider } = providerOnSim);
    received = [];
    acks = [];
    providerOnSim.events.on('message.received', (message) => void received.push(message));
    providerOnSim.events.on('message.ack', (ack) => void acks.push(ack));
    gatewayLid = sim.createAccount({ phoneNumber: GATEWAY, pushName: 'Gateway' }).lid;
    aliceLid = sim.createAccount({ phoneNumber: ALICE, pushName: 'Alice' }).lid;
    bobLid = sim.createAccount({ phoneNumber: BOB, pushName: 'Bob' }).lid;
    sessionId = await providerOnSim.linkSession(GATEWAY);
  });

  afterAll(async () => {
    await providerOnSim?.stop();
  });

  it('turns a live direct message into message.received with both of the sender’s JIDs', async () => {
    const id = await send(ALICE, { to: GATEWAY, text: 'hello gateway' });
    expect(await receivedWithId(id)).toEqual({
      sessionId,
      messageId: id,
      chatJid: `${ALICE}@s.whatsapp.net`,
      chatType: 'direct',
      senderPn: `${ALICE}@s.whatsapp.net`,
      senderLid: aliceLid,
      pushName: 'Alice',
      type: 'text',
      unsupported: null,
      text: 'hello gateway',
      media: null,
      location: null,
      contact: null,
      mentionedJids: [],
      quotedMessageId: null,
      quotedSender: null,
      timestamp: expect.any(String),
      fromMe: false,
      offline: false,
    });
  });

  it('resolves a sender that wrote from its LID only to its phone-number JID', async () => {
    const id = await send(BOB, { to: GATEWAY, text: 'from my LID', senderAddressing: 'lid' });
    expect(await receivedWithId(id)).toMatchObject({
      senderLid: bobLid,
      senderPn: `${BOB}@s.whatsapp.net`,
      chatJid: `${BOB}@s.whatsapp.net`,
      text: 'from my LID',
    });
  });

  it('reads a group message with a mention by LID and a quoted message', async () => {
    const group = await sim.control('POST', '/control/groups', {
      subject: 'Team',
      participants: [GATEWAY, ALICE, BOB],
      addressingMode: 'lid',
    });
    const groupJid = (group.body as { jid: string }).jid;
    const first = await send(ALICE, { to: groupJid, text: 'first' });
    await receivedWithId(first);
    const id = await send(BOB, {
      to: groupJid,
      text: `@${gatewayLid.split('@')[0]} see above`,
      mentions: [GATEWAY],
      mentionBy: 'lid',
      quotedId: first,
    });
    expect(await receivedWithId(id)).toMatchObject({
      chatJid: groupJid,
      chatType: 'group',
      senderPn: `${BOB}@s.whatsapp.net`,
      senderLid: bobLid,
      mentionedJids: [gatewayLid],
      quotedMessageId: first,
      quotedSender: expect.stringMatching(new RegExp(`^(${ALICE}@s\\.whatsapp\\.net|${aliceLid})$`)),
    });
  });

  it('sends a text the phone reads back, and reports its receipts as message.ack', async () => {
    const sent = await provider.send(sessionId, {
      to: ALICE,
      content: { type: 'text', text: 'hi Alice' },
      messageId: '3EB0AABBCCDDEEFF0011',
    });
    expect(sent).toMatchObject({ messageId: '3EB0AABBCCDDEEFF0011', chatJid: `${ALICE}@s.whatsapp.net` });
    await eventually(async () => {
      const inbox = await sim.control('GET', `/control/accounts/${ALICE}/inbox`);
      return (inbox.body as { id: string; text: string }[]).some(
        (message) => message.id === sent.messageId && message.text === 'hi Alice',
      );
    }, 'the text in Alice’s inbox');
    await eventually(
      () => acks.some((ack) => ack.messageId === sent.messageId && ack.status === 'delivered'),
      'a delivery receipt',
    );
  });

  it('delivers a message sent while the gateway was down as an offline message.received after the restart', async () => {
    await provider.disconnectAll();
    const id = await send(ALICE, { to: GATEWAY, text: 'while you were away' });
    provider = providerOnSim.newProvider();
    const listener = new RecordingListener(providerOnSim.events, sessionId);
    await provider.connect(sessionId, listener.connectionId, FRESH_LEASE_EPOCH);
    await listener.waitForOpen();
    expect(listener.qrs).toEqual([]);
    expect(await receivedWithId(id)).toMatchObject({
      text: 'while you were away',
      senderPn: `${ALICE}@s.whatsapp.net`,
      offline: true,
    });
    expect(received.filter((message) => message.messageId === id)).toHaveLength(1);
  });
});
