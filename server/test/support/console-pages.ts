// What a person does in the console, step by step, for the browser tests: sign in and out, wait for a screen.
import type { Locator, Page } from 'playwright-core';

/** The sign-in form: fills it and waits for the page it leads to. */
export async function signIn(page: Page, username: string, pin: string): Promise<void> {
  await page.getByLabel('Username', { exact: true }).fill(username);
  await page.getByLabel('PIN', { exact: true }).fill(pin);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.pathname !== '/login');
}

export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL((url) => url.pathname === '/login');
  await page.getByRole('heading', { name: 'Sign in to WAGO' }).waitFor();
}

/** A session's status badge showing exactly this word. */
export function statusBadge(scope: Page | Locator, status: string): Locator {
  return scope.locator('wago-session-status-badge').filter({ hasText: new RegExp(`^\\s*${status}\\s*$`) });
}

/** Marks the page's window, so a test can tell later whether the page was reloaded in between. */
export async function markWindow(page: Page): Promise<void> {
  await page.evaluate(() => {
    (globalThis as unknown as { wagoTestMark?: boolean }).wagoTestMark = true;
  });
}

export async function isSameWindow(page: Page): Promise<boolean> {
  return page.evaluate(() => (globalThis as unknown as { wagoTestMark?: boolean }).wagoTestMark === true);
}

/** Runs `action` (a refresh click) until `locator` shows up; for screens that update only when asked. */
export async function refreshUntilVisible(
  locator: Locator,
  action: () => Promise<void>,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await action();
    try {
      await locator.first().waitFor({ timeout: 1_000 });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`, { cause: error });
    }
  }
}

/**
 * How far `locator` reaches past the right edge of the card it sits in, in CSS pixels: 0 or less when it fits. A
 * card that scrolls or clips its content still counts what is out of sight.
 */
export async function overhangPastCard(locator: Locator): Promise<number> {
  return locator.evaluate((element) => {
    const card = element.closest('.card');
    if (!card) throw new Error('The element is not inside a card');
    return element.getBoundingClientRect().right - card.getBoundingClientRect().right;
  });
}
