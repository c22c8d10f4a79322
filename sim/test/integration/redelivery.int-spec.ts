// WhatsApp keeps a message for a device until the device acknowledges it: one it never acknowledged comes again.
import { startSim, type CreatedAccount, type SimHandle } from '../../src/index';
import { createLinkedClient, type TestClient } from '../support/baileys-client';
import { socketOf, UpsertRecorder } from './messaging-support';

/** Makes the client's current socket ignore incoming messages: they arrive, but Baileys never handles or acks them. */
function deafen(client: TestClient): { swallowed: number } {
  const ws = socketOf(client).ws;
  const emit = ws.emit.bind(ws);
  const counter = { swallowed: 0 };
  ws.emit = (event: string | symbol, ...args: unknown[]): boolean => {
    if (event === 'CB:message') {
      counter.swallowed += 1;
      return true;
    }
    return emit(event, ...args);
  };
  return counter;
}

async function reconnect(client: TestClient): Promise<UpsertRecorder> {
  await client.stop();
  const socket = await client.connect();
  const recorder = new UpsertRecorder(socket);
  await client.waitForPendingNotifications();
  return recorder;
}

describe('redelivery of unacknowledged messages', () => {
  let sim: SimHandle;
  let client: TestClient;
  let alice: CreatedAccount;

  beforeAll(async () => {
    sim = await startSim();
    alice = sim.createAccount({ phoneNumber: '5511900000101', pushName: 'Alice' });
    client = await createLinkedClient(sim, { phoneNumber: '5511900000102', pushName: 'Bob' });
    await client.waitForPendingNotifications();
  }, 30_000);

  afterAll(async () => {
    await client?.stop();
    await sim?.stop();
  });

  it('delivers a message the device received but never acknowledged again at its next login, once', async () => {
    const deaf = deafen(client);
    const { id } = await sim.sendMessage(alice.phoneNumber, { to: '5511900000102', text: 'are you there?' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(deaf.swallowed).toBe(1);

    const afterFirstLogin = await reconnect(client);
    const { message, type } = await afterFirstLogin.byId(id);
    expect(type).toBe('append');
    expect(message.message?.conversation).toBe('are you there?');

    const afterSecondLogin = await reconnect(client);
    const next = await sim.sendMessage(alice.phoneNumber, { to: '5511900000102', text: 'still there?' });
    await afterSecondLogin.byId(next.id);
    expect(afterSecondLogin.upserts.map((upsert) => upsert.message.key.id)).toEqual([next.id]);
  });
});
