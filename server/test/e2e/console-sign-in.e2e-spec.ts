// Signing in to the console in real Chromium when it does not simply work: a locked account, a sign-in that expired.
import { createHmac } from 'node:crypto';
import { ApiClient, type SignedIn } from '../support/api-client';
import { checkScreen, openBrowser, type ConsoleBrowser } from '../support/browser';
import { signIn } from '../support/console-pages';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startServerProcess, TEST_JWT_SECRET, type ServerProcess } from '../support/server-process';

const ADMIN = { username: 'admin', pin: '135792468' };
const MEMBER = { username: 'lee', pin: '246813579' };
/** The console's own storage key and shape for the signed-in user. */
const AUTH_STORAGE_KEY = 'wago.auth';

/** An HS256 token for the same claims, signed with the server's secret, that expired a minute ago. */
function expiredToken(accessToken: string): string {
  const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const claims = JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url({ ...claims, iat: now - 3600, exp: now - 60 })}`;
  return `${unsigned}.${createHmac('sha256', TEST_JWT_SECRET).update(unsigned).digest('base64url')}`;
}

describe('signing in to the console when it does not simply work', () => {
  let database: TestDatabase;
  let server: ServerProcess;
  let browser: ConsoleBrowser;
  let admin: SignedIn;
  let sessionId: string;

  const page = () => browser.page;
  const url = (path: string) => `${server.baseUrl}${path}`;

  /**
   * Plants a stored sign-in from a page of the same origin that runs no console code (/health): a console still open
   * from the previous test could otherwise save its own sign-in over it before the next page loads.
   */
  async function storeSignIn(accessToken: string, expiresAt: number): Promise<void> {
    await page().goto(url('/health'));
    await page().evaluate(([key, value]) => localStorage.setItem(key, value), [
      AUTH_STORAGE_KEY,
      JSON.stringify({ accessToken, expiresAt, user: admin.user }),
    ] as const);
  }

  beforeAll(async () => {
    database = await createTestDatabase({ migrate: false });
    server = await startServerProcess({ databaseUrl: database.url, env: { AUTH_RATE_LIMIT_PER_MINUTE: '1000' } });
    const api = new ApiClient(server.baseUrl);
    admin = await api.setupAdmin(ADMIN.username, ADMIN.pin);
    await api.createUser(admin, MEMBER.username, MEMBER.pin);
    const session = await api.call<{ id: string }>('POST', '/sessions', {
      token: admin.accessToken,
      body: { name: 'sales' },
    });
    sessionId = session.body.id;
    browser = await openBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await database?.drop();
  });

  beforeEach(async () => {
    await page().goto(url('/login'));
    await page().evaluate(() => localStorage.clear());
  });

  it('lands on the dashboard after signing in from the login page', async () => {
    await signIn(page(), ADMIN.username, ADMIN.pin);
    expect(new URL(page().url()).pathname).toBe('/');
    await page().getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    await page().getByRole('button', { name: 'Sign out' }).click();
    await page().waitForURL(url('/login'));
  });

  it('shows a locked account when it can try again, and keeps the form from being sent until then', async () => {
    // The fifth failure in a row locks the account (429); a locked form's button is disabled, so stop there.
    let status = 0;
    let retryAfterSeconds = NaN;
    for (let attempt = 1; attempt <= 6 && status !== 429; attempt++) {
      await page().getByLabel('Username', { exact: true }).fill(MEMBER.username);
      await page().getByLabel('PIN', { exact: true }).fill('000000');
      const answered = page().waitForResponse((response) => response.url().endsWith('/api/v1/auth/login'));
      await page().getByRole('button', { name: 'Sign in' }).click();
      const response = await answered;
      status = response.status();
      retryAfterSeconds = Number(response.headers()['retry-after']);
      expect([401, 429]).toContain(status);
      if (status === 401) {
        // Only the server's answer: no "Enter your PIN." for the field emptied for the next try.
        await page().getByRole('alert').filter({ hasText: 'Invalid username or PIN' }).waitFor();
        expect(await page().getByText('Enter your PIN.').count()).toBe(0);
      }
    }
    expect(status).toBe(429);

    const locked = page().getByRole('alert').filter({ hasText: 'You can try again at' });
    await locked.waitFor();
    expect(await locked.textContent()).toMatch(/Too many failed logins: try again in \d+ seconds/);
    const retryAt = Date.parse((await locked.locator('time').getAttribute('datetime')) ?? '');
    expect(retryAt - Date.now()).toBeGreaterThan(30_000);
    expect(retryAt - Date.now()).toBeLessThanOrEqual(61_000);
    // The countdown never promises a longer wait than the server said.
    const wait = /\(in (?:(\d+) min)? ?(?:(\d+) s)?\)/.exec((await locked.textContent()) ?? '');
    expect(wait).not.toBeNull();
    const waitSeconds = Number(wait?.[1] ?? 0) * 60 + Number(wait?.[2] ?? 0);
    expect(waitSeconds).toBeGreaterThan(0);
    expect(waitSeconds).toBeLessThanOrEqual(retryAfterSeconds);
    expect(await page().getByRole('button', { name: 'Sign in' }).isDisabled()).toBe(true);
    await checkScreen(browser, 'login-locked');
  });

  it('sends an expired sign-in to the login page, then back to the page that was asked for', async () => {
    await storeSignIn(admin.accessToken, Date.now() - 1000);
    const asked = `/sessions/${sessionId}/webhooks`;
    await page().goto(url(asked));

    await page().waitForURL(url(`/login?returnUrl=${encodeURIComponent(asked)}`));
    await signIn(page(), ADMIN.username, ADMIN.pin);
    expect(new URL(page().url()).pathname).toBe(asked);
    await page().getByRole('heading', { name: 'Webhooks', exact: true }).waitFor();
    await page().getByRole('link', { name: 'sales' }).waitFor();
  });

  it('sends a token the server refuses as expired to the login page with a notice, then back where it was', async () => {
    await storeSignIn(expiredToken(admin.accessToken), Date.now() + 60 * 60 * 1000);
    await page().goto(url('/api-keys'));

    await page().waitForURL(url('/login?returnUrl=%2Fapi-keys'));
    await page().getByText('Your sign-in has expired. Sign in again to continue.').waitFor();
    await checkScreen(browser, 'login-expired');
    await signIn(page(), ADMIN.username, ADMIN.pin);
    expect(new URL(page().url()).pathname).toBe('/api-keys');
    await page().getByRole('heading', { name: 'API keys', exact: true }).waitFor();
  });
});
