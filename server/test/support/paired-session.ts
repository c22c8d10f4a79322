// A WAGO session paired with a simulated phone through the public API only: create, start, scan the QR, connected.
import type { SimHandle } from '../../../sim/src/index';
import type { ApiClient } from './api-client';

export interface PairedSession {
  id: string;
  /** The simulated phone's number (digits). */
  phoneNumber: string;
  /** Phone-number JID and LID of the account, as WAGO stored them. */
  jid: string;
  lid: string;
}

interface SessionBody {
  id: string;
  status: string;
  jid: string | null;
  lid: string | null;
}

export async function poll<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function waitForStatus(
  api: ApiClient,
  token: string,
  sessionId: string,
  status: string,
): Promise<SessionBody> {
  const answer = await poll(
    () => api.call<SessionBody>('GET', `/sessions/${sessionId}`, { token }),
    (current) => current.body.status === status,
    `session ${sessionId} to be ${status}`,
  );
  return answer.body;
}

/** Creates the simulated account when it does not exist yet, then pairs a new session with it. */
export async function pairSession(
  api: ApiClient,
  token: string,
  sim: SimHandle,
  account: { name: string; phoneNumber: string; pushName: string },
): Promise<PairedSession> {
  if (!sim.accounts().some((existing) => existing.phoneNumber === account.phoneNumber)) {
    sim.createAccount({ phoneNumber: account.phoneNumber, pushName: account.pushName });
  }
  const created = await api.call<SessionBody>('POST', '/sessions', { token, body: { name: account.name } });
  if (created.status !== 201) throw new Error(`Session not created: ${created.status} ${JSON.stringify(created.body)}`);
  const id = created.body.id;
  const started = await api.call('POST', `/sessions/${id}/start`, { token });
  if (started.status !== 202) throw new Error(`Session not started: ${started.status} ${JSON.stringify(started.body)}`);
  const qr = await poll(
    () => api.call<{ qr: string }>('GET', `/sessions/${id}/qr`, { token }),
    (answer) => answer.status === 200,
    `a QR for session ${id}`,
  );
  await sim.link(account.phoneNumber, { qr: qr.body.qr });
  const connected = await waitForStatus(api, token, id, 'connected');
  if (!connected.jid || !connected.lid)
    throw new Error(`Session connected without jid/lid: ${JSON.stringify(connected)}`);
  return { id, phoneNumber: account.phoneNumber, jid: connected.jid, lid: connected.lid };
}
