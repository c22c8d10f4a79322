// The headers helmet would send, on the console, the API and Swagger UI, and the optional bearer token on /metrics.
import { createHash } from 'node:crypto';
import { openBrowser, type ConsoleBrowser } from '../support/browser';
import { createTestDatabase, TestDatabase } from '../support/database';
import { eventually } from '../support/realtime';
import { ServerProcess, startServerProcess } from '../support/server-process';

const METRICS_TOKEN = 'metrics-token-for-the-scraper';

function directives(policy: string | null): Map<string, string[]> {
  return new Map(
    (policy ?? '')
      .split(';')
      .map((directive) => directive.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name, ...values]) => [name, values]),
  );
}

describe('security headers and the metrics token', () => {
  let database: TestDatabase;
  let server: ServerProcess;

  beforeAll(async () => {
    database = await createTestDatabase({ migrate: false });
    server = await startServerProcess({ databaseUrl: database.url, env: { METRICS_TOKEN } });
  });

  afterAll(async () => {
    await server?.stop();
    await database?.drop();
  });

  it.each(['/', '/sessions', '/api/v1/sessions', '/health', '/api/docs'])(
    'sends the hardening headers with %s',
    async (path) => {
      const response = await fetch(`${server.baseUrl}${path}`, { headers: { accept: 'text/html' } });
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
      const policy = directives(response.headers.get('content-security-policy'));
      expect(policy.get('script-src')).toEqual(["'self'"]);
      expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
      expect(policy.get('object-src')).toEqual(["'none'"]);
    },
  );

  it('allows exactly the inline event handlers the console page carries', async () => {
    const response = await fetch(`${server.baseUrl}/`, { headers: { accept: 'text/html' } });
    const page = await response.text();
    const handlers = [...page.matchAll(/\son\w+="([^"]*)"/g)].map((match) => match[1]);
    expect(handlers.length).toBeGreaterThan(0);
    const allowed = directives(response.headers.get('content-security-policy')).get('script-src-attr') ?? [];
    for (const handler of handlers) {
      expect(allowed).toContain(`'sha256-${createHash('sha256').update(handler).digest('base64')}'`);
    }
    expect(page).not.toMatch(/<script>|<script(?![^>]*\bsrc=)[^>]*>/);
  });

  it('answers /metrics 401 with the error shape without the bearer token or with another one', async () => {
    for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: METRICS_TOKEN }]) {
      const response = await fetch(`${server.baseUrl}/metrics`, { headers });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    }
  });

  it('serves /metrics to the bearer of METRICS_TOKEN', async () => {
    const response = await fetch(`${server.baseUrl}/metrics`, {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('process_cpu_user_seconds_total');
  });

  describe('in a real browser', () => {
    let browser: ConsoleBrowser;
    const violations: string[] = [];

    beforeAll(async () => {
      browser = await openBrowser();
      browser.page.on('console', (message) => {
        if (message.text().includes('Content Security Policy')) violations.push(message.text());
      });
    });

    afterAll(async () => {
      await browser?.close();
    });

    beforeEach(() => violations.splice(0));

    it('loads the console, its full stylesheet included, without a policy violation', async () => {
      const { page } = browser;
      await page.goto(`${server.baseUrl}/`);
      await page.getByRole('button').first().waitFor();
      const stylesheet = page.locator('head link[rel=stylesheet]');
      await eventually(async () => (await stylesheet.getAttribute('media')) === 'all', 'the stylesheet to apply');
      expect(violations).toEqual([]);
      expect(browser.pageErrors).toEqual([]);
    });

    it('loads Swagger UI and opens an operation without a policy violation', async () => {
      const { page } = browser;
      await page.goto(`${server.baseUrl}/api/docs`);
      await page.locator('.opblock-summary').first().click();
      await page.locator('.opblock-body').first().waitFor();
      expect(violations).toEqual([]);
    });
  });
});
