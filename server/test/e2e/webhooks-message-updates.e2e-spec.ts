// Reactions, edits and deletions phones send, through the real server to webhook receivers: always in direct chats,
// and in groups as each subscription's groupPolicy says.
import { pairSession, PairedSession, poll } from '../support/paired-session';
import { startWagoWithSim, WagoWithSim } from '../support/wago-with-sim';
import { startWebhookReceiver, WebhookReceiver } from '../support/webhook-receiver';

jest.setTimeout(120_000);

interface Envelope {
  type: string;
  data: { id: string; messageId?: string; text?: string | null } & Record<string, unknown>;
}

const ANA = { phoneNumber: '15550501001', pushName: 'Ana' };
const BEN = { phoneNumber: '15550501002', pushName: 'Ben' };
const POLICIES = ['mentions', 'all', 'none'] as const;
type Policy = (typeof POLICIES)[number];

describe('reactions, edits and deletions, against the simulator', () => {
  let wago: WagoWithSim;
  let token: string;
  let bot: PairedSession;
  let group: string;
  let ana: { jid: string; lid: string };
  const receivers = {} as Record<Policy, WebhookReceiver>;

  const events = (policy: Policy, type: string): Envelope[] =>
    receivers[policy].events<Envelope>().filter((event) => event.type === type);

  /** The update of `type` about message `messageId` (a reaction names it in messageId, the others in id). */
  const updateAbout = (policy: Policy, type: string, messageId: string): Envelope | undefined =>
    events(policy, type).find((event) => (event.data.messageId ?? event.data.id) === messageId);

  async function arrives(policy: Policy, type: string, messageId: string): Promise<Envelope> {
    return (await poll(
      async () => updateAbout(policy, type, messageId),
      Boolean,
      `${type} about ${messageId} at the ${policy} webhook`,
    )) as Envelope;
  }

  /** A DM every webhook gets, sent after what came before it: once all have it, whatever came before had its chance. */
  async function settle(): Promise<void> {
    const { id } = await wago.sim.sendMessage(ANA.phoneNumber, { to: bot.phoneNumber, text: `marker ${Date.now()}` });
    for (const policy of POLICIES) {
      await poll(
        async () => events(policy, 'message.received').some((event) => event.data.id === id),
        Boolean,
        `the marker at the ${policy} webhook`,
      );
    }
  }

  /** Which webhooks got each of the updates about `messageId`. */
  function reachedBy(messageId: string, types: string[]): Record<string, Policy[]> {
    return Object.fromEntries(
      types.map((type) => [type, POLICIES.filter((policy) => updateAbout(policy, type, messageId))]),
    );
  }

  beforeAll(async () => {
    wago = await startWagoWithSim({ env: { MESSAGE_MIN_INTERVAL_MS: '0', MESSAGE_JITTER_MS: '0' } });
    token = wago.admin.accessToken;
    bot = await pairSession(wago.api, token, wago.sim, {
      name: 'updates',
      phoneNumber: '15550501000',
      pushName: 'Bot',
    });
    ana = wago.sim.createAccount(ANA);
    wago.sim.createAccount(BEN);
    group = (
      await wago.sim.createGroup({
        subject: 'Updates',
        participants: [ANA.phoneNumber, bot.phoneNumber, BEN.phoneNumber],
        addressingMode: 'lid',
      })
    ).jid;
    for (const groupPolicy of POLICIES) {
      receivers[groupPolicy] = await startWebhookReceiver();
      const created = await wago.api.call('POST', `/sessions/${bot.id}/webhooks`, {
        token,
        body: { url: receivers[groupPolicy].url, groupPolicy },
      });
      expect(created.status).toBe(201);
    }
  });

  afterAll(async () => {
    for (const receiver of Object.values(receivers)) await receiver.close();
    await wago?.stop();
  });

  it('forwards a reaction, an edit and a deletion in a direct chat to every webhook', async () => {
    const { id } = await wago.sim.sendMessage(ANA.phoneNumber, { to: bot.phoneNumber, text: 'see you at 5' });
    const reaction = await wago.sim.sendMessage(ANA.phoneNumber, {
      to: bot.phoneNumber,
      reaction: { messageId: id, emoji: '👍' },
    });
    await wago.sim.sendMessage(ANA.phoneNumber, { to: bot.phoneNumber, edit: { messageId: id, text: 'see you at 6' } });
    await wago.sim.sendMessage(ANA.phoneNumber, { to: bot.phoneNumber, revoke: { messageId: id } });
    const chat = { jid: ana.jid, type: 'direct' };
    const sender = { pn: ana.jid, lid: ana.lid, pushName: 'Ana' };
    for (const policy of POLICIES) {
      expect((await arrives(policy, 'message.reaction', id)).data).toEqual({
        id: reaction.id,
        chat,
        sender,
        messageId: id,
        emoji: '👍',
        fromMe: false,
      });
      expect((await arrives(policy, 'message.edited', id)).data).toEqual({
        id,
        chat,
        sender,
        text: 'see you at 6',
        editedAt: expect.any(String),
        fromMe: false,
      });
      expect((await arrives(policy, 'message.revoked', id)).data).toEqual({ id, chat, sender, fromMe: false });
    }
  });

  it('forwards a reaction to the account’s own group message under mentions and all, not none', async () => {
    const sent = await wago.api.call<{ id: string }>('POST', `/sessions/${bot.id}/messages`, {
      token,
      body: { to: group, text: 'Lunch at noon?' },
    });
    expect(sent.status).toBe(201);
    await poll(
      async () => wago.sim.inbox(ANA.phoneNumber).some((message) => message.id === sent.body.id),
      Boolean,
      'the account’s message at Ana’s phone',
    );
    await wago.sim.sendMessage(ANA.phoneNumber, { to: group, reaction: { messageId: sent.body.id, emoji: '❤️' } });
    const reaction = await arrives('all', 'message.reaction', sent.body.id);
    expect(reaction.data).toMatchObject({ chat: { jid: group, type: 'group' }, emoji: '❤️', fromMe: false });
    await settle();
    expect(reachedBy(sent.body.id, ['message.reaction'])).toEqual({ 'message.reaction': ['mentions', 'all'] });
  });

  it('forwards a reaction to a group message the account sent from its phone under mentions and all, not none', async () => {
    const { id } = await wago.sim.sendMessage(bot.phoneNumber, { to: group, text: 'sent from my phone' });
    await wago.sim.sendMessage(ANA.phoneNumber, { to: group, reaction: { messageId: id, emoji: '👀' } });
    await arrives('all', 'message.reaction', id);
    await settle();
    expect(reachedBy(id, ['message.reaction'])).toEqual({ 'message.reaction': ['mentions', 'all'] });
  });

  it('forwards updates of a group message that mentioned the account under mentions and all, not none', async () => {
    const { id } = await wago.sim.sendMessage(ANA.phoneNumber, {
      to: group,
      text: `@${bot.phoneNumber} can you book a room?`,
      mentions: [bot.phoneNumber],
    });
    await poll(
      async () => events('mentions', 'message.received').some((event) => event.data.id === id),
      Boolean,
      'the mention at the mentions webhook',
    );
    await wago.sim.sendMessage(BEN.phoneNumber, { to: group, reaction: { messageId: id, emoji: '🙏' } });
    await wago.sim.sendMessage(ANA.phoneNumber, {
      to: group,
      edit: { messageId: id, text: `@${bot.phoneNumber} can you book a big room?` },
    });
    await wago.sim.sendMessage(ANA.phoneNumber, { to: group, revoke: { messageId: id } });
    await arrives('all', 'message.revoked', id);
    await settle();
    const types = ['message.reaction', 'message.edited', 'message.revoked'];
    expect(reachedBy(id, types)).toEqual(Object.fromEntries(types.map((type) => [type, ['mentions', 'all']])));
    expect(updateAbout('mentions', 'message.edited', id)?.data.text).toBe(
      `@${bot.phoneNumber} can you book a big room?`,
    );
  });

  it('forwards updates of a group message that did not address the account under all only', async () => {
    const { id } = await wago.sim.sendMessage(BEN.phoneNumber, { to: group, text: 'anyone seen my keys?' });
    await wago.sim.sendMessage(ANA.phoneNumber, { to: group, reaction: { messageId: id, emoji: '😂' } });
    await wago.sim.sendMessage(BEN.phoneNumber, { to: group, edit: { messageId: id, text: 'found them' } });
    await wago.sim.sendMessage(BEN.phoneNumber, { to: group, revoke: { messageId: id } });
    await arrives('all', 'message.revoked', id);
    await settle();
    const types = ['message.reaction', 'message.edited', 'message.revoked'];
    expect(reachedBy(id, types)).toEqual(Object.fromEntries(types.map((type) => [type, ['all']])));
  });
});
