// The console in real Chromium against the real server and the simulator, as a newcomer uses it: one step per test.
import { randomUUID } from 'node:crypto';
import { connect as natsConnect } from 'nats';
import { Webhook } from 'standardwebhooks';
import { startSim, type SimHandle } from '../../../sim/src/index';
import { ApiClient } from '../support/api-client';
import { DESKTOP, PHONE, checkScreen, openBrowser, type ConsoleBrowser } from '../support/browser';
import {
  isSameWindow,
  markWindow,
  overhangPastCard,
  refreshUntilVisible,
  signIn,
  signOut,
  statusBadge,
} from '../support/console-pages';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { poll } from '../support/paired-session';
import { startServerProcess, type ServerProcess } from '../support/server-process';
import { FAST_WHATSAPP_ENV } from '../support/wago-with-sim';
import { startWebhookReceiver, type ReceivedRequest, type WebhookReceiver } from '../support/webhook-receiver';

const ADMIN = { username: 'ada', pin: '135792468' };
const MEMBER = { username: 'max', pin: '246813579' };
/** The phone the session links to, and a contact who writes to it. */
const LINE = { phoneNumber: '15550301000', pushName: 'Support line' };
const ANA = { phoneNumber: '15550301001', pushName: 'Ana' };
const SESSION_NAME = 'support-line';
const GREETING = 'Hello from the console tour';
const GROUP_SUBJECT = 'Tour helpers';
/** The machine's NATS with JetStream (README: how to start one); the tour's sink uses a stream of its own. */
const NATS_URL = 'nats://127.0.0.1:4222';
const NATS_STREAM = `WAGO_TOUR_${randomUUID().slice(0, 8)}`;

describe('the console, from first run to a delivered webhook', () => {
  let sim: SimHandle;
  let database: TestDatabase;
  let server: ServerProcess;
  let receiver: WebhookReceiver;
  let browser: ConsoleBrowser;
  let sessionId: string;
  let secret: string;

  const page = () => browser.page;
  const url = (path: string) => `${server.baseUrl}${path}`;

  beforeAll(async () => {
    sim = await startSim();
    database = await createTestDatabase({ migrate: false });
    server = await startServerProcess({
      databaseUrl: database.url,
      env: { ...FAST_WHATSAPP_ENV, WA_WS_URL: sim.wsUrl },
    });
    receiver = await startWebhookReceiver();
    browser = await openBrowser();
  });

  afterAll(async () => {
    const nats = await natsConnect({ servers: NATS_URL }).catch(() => undefined);
    await (await nats?.jetstreamManager())?.streams.delete(NATS_STREAM).catch(() => undefined);
    await nats?.close();
    await browser?.close();
    await receiver?.close();
    await server?.stop();
    await sim?.stop();
    await database?.drop();
  });

  it('opens the first-run screen on a fresh server and creates the administrator there', async () => {
    await page().goto(server.baseUrl);
    await page().waitForURL(url('/setup'));
    await page().getByRole('heading', { name: 'Set up WAGO' }).waitFor();
    await page().getByLabel('Username', { exact: true }).waitFor();
    await checkScreen(browser, 'setup');

    await page().getByLabel('Username', { exact: true }).fill(ADMIN.username);
    await page().getByLabel('PIN', { exact: true }).fill(ADMIN.pin);
    await page().getByLabel('Confirm PIN', { exact: true }).fill(ADMIN.pin);
    await page().getByRole('button', { name: 'Create account' }).click();

    await page().waitForURL(url('/'));
    await page().getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    await page().getByText('No sessions yet.').waitFor();
    await checkScreen(browser, 'dashboard-empty');
    await page().getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sessions' }).click();
    await page().getByRole('heading', { name: 'Sessions', level: 1 }).waitFor();
    await page().getByText('No sessions yet').waitFor();
    await checkScreen(browser, 'sessions-empty');
  });

  it('signs out, then signs in again with the PIN', async () => {
    await signOut(page());
    await checkScreen(browser, 'login');
    await signIn(page(), ADMIN.username, ADMIN.pin);
    expect(new URL(page().url()).pathname).toBe('/');
    await page().getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    expect(await page().locator('.topbar__name').textContent()).toBe(ADMIN.username);
  });

  it('creates a session by name and opens it', async () => {
    await page().getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sessions' }).click();
    await page().getByLabel('Session name', { exact: true }).fill(SESSION_NAME);
    await page().getByRole('button', { name: 'Create session' }).click();

    await page().waitForURL(/\/sessions\/[0-9a-f-]{36}$/);
    sessionId = new URL(page().url()).pathname.split('/')[2];
    await page().getByRole('heading', { name: SESSION_NAME }).waitFor();
    await statusBadge(page(), 'created').waitFor();
    await page().getByText(`Session “${SESSION_NAME}” created.`).waitFor();
    await page().getByRole('button', { name: 'Dismiss' }).click();
  });

  it('connects and shows the QR code as an image with a countdown', async () => {
    await markWindow(page());
    await page().getByRole('button', { name: 'Connect' }).click();

    const qrImage = page().getByRole('img', { name: /^QR code for linking WhatsApp/ });
    await qrImage.waitFor();
    expect(await qrImage.getAttribute('src')).toMatch(/^data:image\/svg\+xml/);
    await statusBadge(page(), 'qr').waitFor();
    expect(await page().getByRole('timer').textContent()).toMatch(/This code changes in \d+ s\./);
    await checkScreen(browser, 'session-qr');
  });

  it('turns connected without a reload once the phone scans the QR code', async () => {
    const api = new ApiClient(server.baseUrl);
    const token = (await api.call<{ accessToken: string }>('POST', '/auth/login', { body: ADMIN })).body.accessToken;
    const qr = await api.call<{ qr: string }>('GET', `/sessions/${sessionId}/qr`, { token });
    expect(qr.status).toBe(200);
    sim.createAccount(LINE);
    await sim.link(LINE.phoneNumber, { qr: qr.body.qr });

    await statusBadge(page(), 'connected').waitFor({ timeout: 30_000 });
    expect(await isSameWindow(page())).toBe(true);
    await page()
      .getByRole('img', { name: /^QR code/ })
      .waitFor({ state: 'detached' });
    const details = page().locator('dl.details');
    await details.getByText(`+${LINE.phoneNumber}`, { exact: true }).waitFor();
    await details.getByText(LINE.pushName, { exact: true }).waitFor();
    await details.getByText(`${LINE.phoneNumber}@s.whatsapp.net`).waitFor();
    await checkScreen(browser, 'session-connected');
  });

  it('asks before logging the session out, saying what it does', async () => {
    await page().getByRole('button', { name: 'Log out' }).click();
    const dialog = page().getByRole('dialog', { name: `Log out “${SESSION_NAME}”?` });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('unlinks WAGO from this WhatsApp account');
    await checkScreen(browser, 'confirm-logout');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await statusBadge(page(), 'connected').waitFor();
  });

  it('lists the session with its status, phone and push name', async () => {
    await page().getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sessions' }).click();
    const row = page()
      .getByRole('row')
      .filter({ has: page().getByRole('link', { name: SESSION_NAME }) });
    await statusBadge(row, 'connected').waitFor();
    await row.getByText(`+${LINE.phoneNumber}`, { exact: true }).waitFor();
    await row.getByText(LINE.pushName, { exact: true }).waitFor();
    await checkScreen(browser, 'sessions');
  });

  it('adds a webhook for a local receiver, shows its signing secret once and sends it a test', async () => {
    await page().getByRole('link', { name: SESSION_NAME }).click();
    await page().getByRole('link', { name: 'Webhooks' }).click();
    await page().getByText('No webhooks yet').waitFor();
    await checkScreen(browser, 'webhooks-empty');
    await page().getByRole('button', { name: 'Add webhook' }).click();
    await page().getByLabel('URL', { exact: true }).fill(receiver.url);
    await page().getByRole('button', { name: 'Add webhook' }).click();

    await page().getByRole('heading', { name: 'Webhook added' }).waitFor();
    secret = await page().getByLabel('Signing secret').inputValue();
    expect(secret).toMatch(/^whsec_/);
    await checkScreen(browser, 'webhook-added');
    await page().getByRole('button', { name: 'Done' }).click();
    await page().getByLabel('Signing secret').waitFor({ state: 'detached' });

    const webhook = page().getByRole('listitem').filter({ hasText: receiver.url });
    await webhook.getByRole('button', { name: 'Send test' }).click();
    await webhook.getByText('HTTP 200', { exact: false }).waitFor();
    expect(receiver.requests).toHaveLength(1);
  });

  it('shows the delivery of a message from a contact in the delivery log, with its attempt', async () => {
    sim.createAccount(ANA);
    await sim.sendMessage(ANA.phoneNumber, { to: LINE.phoneNumber, text: GREETING });
    const request = await poll(
      async () => receiver.requests.find((received) => received.body.includes(GREETING)),
      Boolean,
      'the message at the receiver',
    );
    const delivered = request as ReceivedRequest;
    const eventId = String(delivered.headers['webhook-id']);
    // The secret the console showed is the one WAGO signs with.
    expect(new Webhook(secret).verify(delivered.body, delivered.headers as Record<string, string>)).toMatchObject({
      type: 'message.received',
      data: { text: GREETING },
    });

    await page().getByRole('link', { name: 'Edit and deliveries' }).click();
    await page().getByRole('heading', { name: 'Deliveries' }).waitFor();
    const row = page().getByRole('row').filter({ hasText: eventId });
    await refreshUntilVisible(
      row.filter({ hasText: 'delivered' }),
      () => page().getByRole('button', { name: 'Refresh' }).click(),
      `delivery ${eventId} shown as delivered`,
    );
    // The type and the id read apart, not run together as `message.receivedevt_…`.
    expect((await row.getByRole('cell').first().innerText()).split(/\s+/)).toEqual(
      expect.arrayContaining(['message.received', eventId]),
    );
    for (const viewport of [DESKTOP, PHONE]) {
      await page().setViewportSize(viewport);
      expect(await overhangPastCard(row.getByRole('button', { name: 'Redeliver' }))).toBeLessThanOrEqual(0);
      expect(await overhangPastCard(page().getByRole('table').filter({ has: row }))).toBeLessThanOrEqual(0);
    }
    await page().setViewportSize(DESKTOP);
    await row.getByRole('button', { name: 'Attempts' }).click();
    await page()
      .getByText(/Attempt 1 · .* · HTTP 200 · \d+ ms/)
      .waitFor();
    await checkScreen(browser, 'webhook-deliveries');
  });

  it('adds a NATS message broker from the session’s page, lists it, and its test reaches the broker', async () => {
    await page().getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sessions' }).click();
    await page().getByRole('link', { name: SESSION_NAME }).click();
    await page().getByRole('link', { name: 'Message brokers' }).click();
    await page().getByText('No message brokers yet').waitFor();
    await page().getByRole('button', { name: 'Add message broker' }).click();
    await page().getByLabel('Broker', { exact: true }).selectOption({ label: 'NATS JetStream' });
    await page().getByLabel('URL', { exact: true }).fill(NATS_URL);
    await page().getByLabel('Stream', { exact: true }).fill(NATS_STREAM);
    expect(await page().getByLabel('Password or token', { exact: true }).getAttribute('type')).toBe('password');
    await checkScreen(browser, 'sink-form');
    await page().getByRole('button', { name: 'Add message broker' }).click();

    const sink = page()
      .getByRole('list', { name: 'Message brokers' })
      .getByRole('listitem')
      .filter({ hasText: NATS_URL });
    await sink.getByText(`Stream: ${NATS_STREAM}`).waitFor();
    await sink.getByRole('button', { name: 'Send test' }).click();
    await sink.getByText(/^Test published: the broker took it in \d+ ms\.$/).waitFor();
    await checkScreen(browser, 'sinks');
  });

  it('shows the contact’s message in the session’s Chats tab, finds it by search, and lists its groups', async () => {
    await sim.createGroup({ subject: GROUP_SUBJECT, participants: [ANA.phoneNumber, LINE.phoneNumber] });
    await page().getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sessions' }).click();
    await page().getByRole('link', { name: SESSION_NAME }).click();
    await page().getByRole('heading', { name: SESSION_NAME }).waitFor();

    await page().getByRole('tab', { name: 'Chats' }).click();
    const chatRow = page().getByRole('row').filter({ hasText: GREETING });
    await chatRow.waitFor();
    await chatRow.getByRole('button').first().click();
    const chat = page().getByRole('list', { name: 'Messages, newest first' });
    await chat.getByText(GREETING).waitFor();
    expect(await chat.getByRole('listitem').first().textContent()).toContain(ANA.pushName);
    await checkScreen(browser, 'session-chat');

    await page().getByRole('button', { name: 'Close chat' }).click();
    await page().getByLabel('Words to find').fill('console tour');
    await page().getByRole('button', { name: 'Search', exact: true }).click();
    const results = page().getByRole('list', { name: 'Messages found, newest first' });
    await results.getByText(GREETING).waitFor();
    await checkScreen(browser, 'session-chat-search');
    await results
      .getByRole('button', { name: /^Open chat/ })
      .first()
      .click();
    await chat.getByText(GREETING).waitFor();

    await page().getByRole('tab', { name: 'Groups' }).click();
    await page().getByRole('button', { name: GROUP_SUBJECT }).click();
    const members = page().getByRole('table', { name: `Members of ${GROUP_SUBJECT}` });
    await members
      .getByRole('row')
      .filter({ hasText: `${LINE.phoneNumber}@s.whatsapp.net` })
      .waitFor();
    expect(
      await members
        .getByRole('row')
        .filter({ hasText: `${ANA.phoneNumber}@s.whatsapp.net` })
        .count(),
    ).toBe(1);
    await checkScreen(browser, 'session-groups');
  });

  it('creates a second user, who sees none of the administrator’s sessions', async () => {
    const navigation = page().getByRole('navigation', { name: 'Main' });
    await navigation.getByRole('link', { name: 'Users' }).click();
    await page().getByLabel('Username', { exact: true }).fill(MEMBER.username);
    await page().getByLabel('PIN', { exact: true }).fill(MEMBER.pin);
    await page().getByLabel('Confirm PIN', { exact: true }).fill(MEMBER.pin);
    await page().getByRole('button', { name: 'Create user' }).click();
    await page().getByRole('row').filter({ hasText: MEMBER.username }).waitFor();
    await checkScreen(browser, 'users');
    await navigation.getByRole('link', { name: 'API keys' }).click();
    await page().getByLabel('Key name').fill('billing-service');
    await page().getByRole('button', { name: 'Create key' }).click();
    const apiKey = await page().getByLabel('API key', { exact: true }).inputValue();
    const withKey = await new ApiClient(server.baseUrl).call<{ total: number }>('GET', '/sessions', { apiKey });
    expect(withKey).toMatchObject({ status: 200, body: { total: 1 } });
    await checkScreen(browser, 'api-keys');
    await navigation.getByRole('link', { name: 'Account' }).click();
    await page().getByRole('heading', { name: 'Account', exact: true }).waitFor();
    await checkScreen(browser, 'account');
    await navigation.getByRole('link', { name: 'Audit log' }).click();
    await page().getByRole('row').filter({ hasText: 'user.created' }).filter({ hasText: MEMBER.username }).waitFor();
    await checkScreen(browser, 'audit-log');

    await signOut(page());
    await signIn(page(), MEMBER.username, MEMBER.pin);
    await page().getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    await navigation.getByRole('link', { name: 'Sessions' }).click();
    await page().getByRole('heading', { name: 'Sessions', level: 1 }).waitFor();
    await page().getByText('No sessions yet').waitFor();
    expect(await page().getByRole('link', { name: SESSION_NAME }).count()).toBe(0);
    expect(await navigation.getByRole('link', { name: 'Users' }).count()).toBe(0);

    await page().goto(url(`/sessions/${sessionId}`));
    await page().getByText('This session does not exist (any more).').waitFor();
    await page().goto(url(`/sessions/${sessionId}/webhooks`));
    await page().getByRole('alert').filter({ hasText: 'could not be loaded' }).waitFor();
    expect(await page().getByText(receiver.url).count()).toBe(0);
  });

  it('signs out, after which the console asks to sign in again', async () => {
    await signOut(page());
    await page().goto(url('/sessions'));
    await page().waitForURL(url('/login?returnUrl=%2Fsessions'));
    expect(await page().evaluate(() => localStorage.getItem('wago.auth'))).toBeNull();
  });
});
