// The dashboard and a session's live event tail in real Chromium, against the real server and the simulator: figures
// and charts move when a message arrives, without a reload; the tail shows events as they come and pauses.
import { startSim, type SimHandle } from '../../../sim/src/index';
import { ApiClient } from '../support/api-client';
import { checkScreen, openBrowser, type ConsoleBrowser } from '../support/browser';
import { isSameWindow, markWindow, signIn } from '../support/console-pages';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { eventually } from '../support/realtime';
import { pairSession } from '../support/paired-session';
import { startServerProcess, type ServerProcess } from '../support/server-process';
import { FAST_WHATSAPP_ENV } from '../support/wago-with-sim';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

const ADMIN = { username: 'dana', pin: '135792468' };
const LINE = { name: 'front-desk', phoneNumber: '15550801000', pushName: 'Front desk' };
const ANA = { phoneNumber: '15550801001', pushName: 'Ana' };

describe('the dashboard and the live event tail', () => {
  let sim: SimHandle;
  let database: TestDatabase;
  let server: ServerProcess;
  let receiver: WebhookReceiver;
  let browser: ConsoleBrowser;
  let sessionId: string;

  const page = () => browser.page;
  const url = (target: string) => `${server.baseUrl}${target}`;
  const write = (text: string) => sim.sendMessage(ANA.phoneNumber, { to: LINE.phoneNumber, text });
  /** The figure card's value, as the page shows it. */
  const figure = (name: string) => page().locator(`[data-figure="${name}"] .figure__value`).innerText();
  const figureValue = (name: string, value: string) =>
    page()
      .locator(`[data-figure="${name}"] .figure__value`)
      .filter({ hasText: new RegExp(`^\\s*${value}\\s*$`) });
  /** What the messages-per-minute chart's text alternative counts in: the sum of its `In` column. */
  const chartedIn = async () => {
    const cells = await page().locator('[data-chart="messages-per-minute"] tbody tr td:first-of-type').allInnerTexts();
    return cells.reduce((sum, cell) => sum + Number(cell), 0);
  };

  beforeAll(async () => {
    sim = await startSim();
    database = await createTestDatabase({ migrate: false });
    server = await startServerProcess({
      databaseUrl: database.url,
      env: { ...FAST_WHATSAPP_ENV, WA_WS_URL: sim.wsUrl },
    });
    receiver = await startWebhookReceiver();
    const api = new ApiClient(server.baseUrl);
    const admin = await api.setupAdmin(ADMIN.username, ADMIN.pin);
    sim.createAccount(ANA);
    sessionId = (await pairSession(api, admin.accessToken, sim, LINE)).id;
    await api.call('POST', `/sessions/${sessionId}/webhooks`, {
      token: admin.accessToken,
      body: { url: receiver.url, events: ['message.received'] },
    });
    await api.call('POST', '/sessions', { token: admin.accessToken, body: { name: 'spare-line' } });
    browser = await openBrowser();
    await page().goto(url('/login'));
    await signIn(page(), ADMIN.username, ADMIN.pin);
  });

  afterAll(async () => {
    await browser?.close();
    await receiver?.close();
    await server?.stop();
    await sim?.stop();
    await database?.drop();
  });

  it('opens on the dashboard with the figures of the gateway', async () => {
    // Signing in (in beforeAll) lands here: the dashboard is the console's home.
    expect(new URL(page().url()).pathname).toBe('/');
    await page().getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    await page().locator('[data-figure="sessions"]').waitFor();
    expect(await figure('sessions')).toBe('2');
    expect(await page().locator('tr[data-status="connected"] td').last().innerText()).toBe('1');
    expect(await page().locator('tr[data-status="created"] td').last().innerText()).toBe('1');
    expect(await page().getByRole('link', { name: 'Sessions', exact: true }).count()).toBe(1);
  });

  it('updates the figures and the charts live when a message arrives', async () => {
    await markWindow(page());
    const before = Number(await figure('messages-in'));
    const chartedBefore = await chartedIn();
    await write('Is the shop open today?');
    await figureValue('messages-in', String(before + 1)).waitFor({ timeout: 15_000 });
    await eventually(async () => (await chartedIn()) === chartedBefore + 1, 'the chart to count the message', 10_000);
    expect(await page().locator('[data-chart="messages-per-minute"] canvas').getAttribute('aria-label')).toContain(
      `${chartedBefore + 1} in`,
    );
    // The webhook got it: the delivery shows up as delivered, live too.
    await eventually(async () => Number(await figure('deliveries')) >= 1, 'a delivered webhook delivery', 15_000);
    expect(await isSameWindow(page())).toBe(true);
    await checkScreen(browser, 'dashboard');
  });

  it('shows a session’s events live in its tail, and holds them while paused', async () => {
    await page().goto(url(`/sessions/${sessionId}`));
    await page().getByRole('tab', { name: 'Live events' }).click();
    await page().getByRole('heading', { name: 'Live events' }).waitFor();
    // The tail shows what comes once its subscription took effect, which the page does not announce: write until
    // one arrives.
    await eventually(
      async () => {
        await write('First in the tail');
        return page()
          .getByText('From Ana: First in the tail')
          .first()
          .waitFor({ timeout: 3_000 })
          .then(
            () => true,
            () => false,
          );
      },
      'an event in the tail',
      30_000,
    );

    await page().getByRole('button', { name: 'Pause' }).click();
    await write('Sent while paused');
    await page()
      .getByText(/Paused: \d+ new events? waiting\./)
      .waitFor({ timeout: 15_000 });
    expect(await page().getByText('From Ana: Sent while paused').count()).toBe(0);
    await page().getByRole('button', { name: 'Resume' }).click();
    await page().getByText('From Ana: Sent while paused').waitFor();

    await page().getByText('From Ana: Sent while paused').click();
    await page().locator('.event-tail__json').first().waitFor();
    expect(await page().locator('.event-tail__json').first().innerText()).toContain('"type": "message.received"');
    await checkScreen(browser, 'event-tail');
  });
});
