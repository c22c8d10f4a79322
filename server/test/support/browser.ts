// Real Chromium for the console's end-to-end tests: Debian's chromium driven by playwright-core, checked with axe-core, with screenshots.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AxeResults } from 'axe-core';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';
const ROOT = path.resolve(__dirname, '../../..');
const AXE_SCRIPT = path.join(ROOT, 'node_modules/axe-core/axe.min.js');
/** Gitignored; the best shots are copied to docs/ by hand. */
export const SCREENSHOT_DIR = path.join(ROOT, 'test-results/screenshots');

export const DESKTOP = { width: 1280, height: 800 };
/** An everyday phone (CSS pixels). */
export const PHONE = { width: 390, height: 844 };

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * Installs Debian's chromium when it is missing (a fresh CI machine, as root). Runs from the e2e global setup, so the
 * download is outside any test's timeout; apt's own locks, waited for, keep two installs from colliding.
 */
export function ensureChromium(): void {
  if (existsSync(CHROMIUM_PATH)) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`Chromium is missing at ${CHROMIUM_PATH}: install Debian's chromium (apt-get install chromium)`);
  }
  const wait = '-o DPkg::Lock::Timeout=600';
  execFileSync('sh', ['-c', `apt-get update ${wait} && apt-get install -y ${wait} chromium`], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`apt-get installed chromium, but not at ${CHROMIUM_PATH}`);
}

export interface ConsoleBrowser {
  context: BrowserContext;
  page: Page;
  /** Uncaught exceptions thrown in the page so far: a screen check fails on any. */
  pageErrors: Error[];
  close(): Promise<void>;
}

/**
 * A headless Chromium on a fresh profile, with one page open at the desktop size. `locale` is the browser's language
 * (`navigator.languages`, Accept-Language), which the console's own language follows.
 */
export async function openBrowser(options: { locale?: string } = {}): Promise<ConsoleBrowser> {
  ensureChromium();
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'wago-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: DESKTOP,
    locale: options.locale ?? 'en-US',
    timezoneId: 'UTC',
  });
  context.setDefaultTimeout(15_000);
  const page = context.pages()[0] ?? (await context.newPage());
  const pageErrors: Error[] = [];
  page.on('pageerror', (error) => pageErrors.push(error));
  return {
    context,
    page,
    pageErrors,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Serious and critical axe-core violations on the page as it is now, one line each (empty when there are none). */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  // Evaluated over DevTools, not added as a <script>: the console's Content-Security-Policy refuses inline scripts.
  await page.evaluate(readFileSync(AXE_SCRIPT, 'utf8'));
  const results = await page.evaluate(() =>
    (globalThis as unknown as { axe: { run(): Promise<AxeResults> } }).axe.run(),
  );
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.impact} ${violation.id}: ${violation.help} (${violation.nodes
          .map((node) => node.target.join(' '))
          .join(', ')})`,
    );
}

/**
 * Checks a screen at the desktop and the phone size: no uncaught page errors, no serious or critical accessibility
 * violations; saves a screenshot of each into SCREENSHOT_DIR as `<name>-desktop.png` and `<name>-phone.png`.
 */
export async function checkScreen(browser: ConsoleBrowser, name: string): Promise<void> {
  const { page } = browser;
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const problems: string[] = browser.pageErrors.map((error) => `page error: ${error.message}`);
  for (const [size, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    await page.setViewportSize(viewport);
    problems.push(...(await accessibilityViolations(page)).map((violation) => `${size}: ${violation}`));
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}-${size}.png`), animations: 'disabled' });
  }
  await page.setViewportSize(DESKTOP);
  if (problems.length > 0) throw new Error(`The ${name} screen has problems:\n${problems.join('\n')}`);
}
