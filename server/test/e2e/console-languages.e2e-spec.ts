// The console in English, Portuguese (Brazil) and Spanish in real Chromium: it follows the browser's language, the
// switch in the header changes it for good, and every language is as accessible as the English one.
import { ApiClient } from '../support/api-client';
import { checkScreen, openBrowser, type ConsoleBrowser } from '../support/browser';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startServerProcess, type ServerProcess } from '../support/server-process';

const ADMIN = { username: 'admin', pin: '135792468' };

interface LanguageTexts {
  /** What Chromium is told the user reads (Playwright's `locale`). */
  browserLocale: string;
  /** The console's language, as `<html lang>` says it. */
  lang: string;
  signInHeading: string;
  usernameLabel: string;
  pinLabel: string;
  signInButton: string;
  /** The home page's heading, where signing in lands. */
  dashboardHeading: string;
  /** One of the dashboard's charts, by its title. */
  messagesChartTitle: string;
  sessionsHeading: string;
  createSessionHeading: string;
  apiKeysLink: string;
  signOutButton: string;
  /** A session that was never started, as its status badge reads. */
  createdStatus: string;
  neverConnected: string;
  languageLabel: string;
}

const ENGLISH: LanguageTexts = {
  browserLocale: 'en-US',
  lang: 'en',
  signInHeading: 'Sign in to WAGO',
  usernameLabel: 'Username',
  pinLabel: 'PIN',
  signInButton: 'Sign in',
  dashboardHeading: 'Dashboard',
  messagesChartTitle: 'Messages per minute, last hour',
  sessionsHeading: 'Sessions',
  createSessionHeading: 'Create a session',
  apiKeysLink: 'API keys',
  signOutButton: 'Sign out',
  createdStatus: 'created',
  neverConnected: 'Never',
  languageLabel: 'Language',
};

const PORTUGUESE: LanguageTexts = {
  browserLocale: 'pt-BR',
  lang: 'pt-BR',
  signInHeading: 'Entrar no WAGO',
  usernameLabel: 'Nome de usuário',
  pinLabel: 'PIN',
  signInButton: 'Entrar',
  dashboardHeading: 'Painel',
  messagesChartTitle: 'Mensagens por minuto, última hora',
  sessionsHeading: 'Sessões',
  createSessionHeading: 'Criar uma sessão',
  apiKeysLink: 'Chaves de API',
  signOutButton: 'Sair',
  createdStatus: 'criada',
  neverConnected: 'Nunca',
  languageLabel: 'Idioma',
};

const SPANISH: LanguageTexts = {
  browserLocale: 'es',
  lang: 'es',
  signInHeading: 'Iniciar sesión en WAGO',
  usernameLabel: 'Nombre de usuario',
  pinLabel: 'PIN',
  signInButton: 'Iniciar sesión',
  dashboardHeading: 'Panel',
  messagesChartTitle: 'Mensajes por minuto, última hora',
  sessionsHeading: 'Sesiones',
  createSessionHeading: 'Crear una sesión',
  apiKeysLink: 'Claves de API',
  signOutButton: 'Cerrar sesión',
  createdStatus: 'creada',
  neverConnected: 'Nunca',
  languageLabel: 'Idioma',
};

describe('the console in three languages', () => {
  let database: TestDatabase;
  let server: ServerProcess;
  let browser: ConsoleBrowser | undefined;

  const page = () => {
    if (!browser) throw new Error('No browser open');
    return browser.page;
  };
  const url = (path: string) => `${server.baseUrl}${path}`;

  async function signInAs(texts: LanguageTexts): Promise<void> {
    await page().getByLabel(texts.usernameLabel, { exact: true }).fill(ADMIN.username);
    await page().getByLabel(texts.pinLabel, { exact: true }).fill(ADMIN.pin);
    await page().getByRole('button', { name: texts.signInButton, exact: true }).click();
    await page().waitForURL((address) => address.pathname === '/');
  }

  async function expectDashboard(texts: LanguageTexts): Promise<void> {
    await page().getByRole('heading', { level: 1, name: texts.dashboardHeading, exact: true }).waitFor();
    await page().getByText(texts.messagesChartTitle, { exact: true }).waitFor();
    await expectLanguage(texts);
  }

  async function openSessions(texts: LanguageTexts): Promise<void> {
    await page().getByRole('link', { name: texts.sessionsHeading, exact: true }).click();
    await expectSessionsPage(texts);
  }

  async function expectLanguage(texts: LanguageTexts): Promise<void> {
    await expect(page().locator('html').getAttribute('lang')).resolves.toBe(texts.lang);
  }

  async function expectSessionsPage(texts: LanguageTexts): Promise<void> {
    await page().getByRole('heading', { level: 1, name: texts.sessionsHeading, exact: true }).waitFor();
    await page().getByRole('heading', { name: texts.createSessionHeading, exact: true }).waitFor();
    await page().getByRole('link', { name: texts.apiKeysLink, exact: true }).waitFor();
    await page().getByRole('button', { name: texts.signOutButton, exact: true }).waitFor();
    const row = page().getByRole('row').filter({ hasText: 'support' });
    await row.locator('wago-session-status-badge').filter({ hasText: texts.createdStatus }).waitFor();
    await row.getByText(texts.neverConnected, { exact: true }).waitFor();
    await expectLanguage(texts);
  }

  beforeAll(async () => {
    database = await createTestDatabase({ migrate: false });
    server = await startServerProcess({ databaseUrl: database.url, env: { AUTH_RATE_LIMIT_PER_MINUTE: '1000' } });
    const api = new ApiClient(server.baseUrl);
    const admin = await api.setupAdmin(ADMIN.username, ADMIN.pin);
    await api.call('POST', '/sessions', { token: admin.accessToken, body: { name: 'support' } });
  });

  afterEach(async () => {
    await browser?.close();
    browser = undefined;
  });

  afterAll(async () => {
    await server?.stop();
    await database?.drop();
  });

  it.each([
    ['Portuguese (Brazil)', PORTUGUESE],
    ['Spanish', SPANISH],
    ['English', ENGLISH],
  ])(
    'speaks %s to a browser that reads it, on the sign-in, dashboard and sessions pages, accessibly',
    async (_name, texts) => {
      browser = await openBrowser({ locale: texts.browserLocale });
      await page().goto(url('/login'));
      await page().getByRole('heading', { level: 1, name: texts.signInHeading, exact: true }).waitFor();
      await expectLanguage(texts);
      await expect(page().title()).resolves.toContain('WAGO');
      await checkScreen(browser, `login-${texts.lang}`);

      await signInAs(texts);
      await expectDashboard(texts);
      await checkScreen(browser, `dashboard-${texts.lang}`);
      await openSessions(texts);
      await checkScreen(browser, `sessions-${texts.lang}`);
    },
  );

  it('follows the browser to Portuguese for any Portuguese, and to English for a language it does not speak', async () => {
    browser = await openBrowser({ locale: 'pt-PT' });
    await page().goto(url('/login'));
    await page().getByRole('heading', { level: 1, name: PORTUGUESE.signInHeading, exact: true }).waitFor();
    await expectLanguage(PORTUGUESE);
    await browser.close();

    browser = await openBrowser({ locale: 'fr-FR' });
    await page().goto(url('/login'));
    await page().getByRole('heading', { level: 1, name: ENGLISH.signInHeading, exact: true }).waitFor();
    await expectLanguage(ENGLISH);
  });

  it('switches language from the header, and the choice outlasts a reload and a new sign-in', async () => {
    browser = await openBrowser({ locale: 'pt-BR' });
    await page().goto(url('/login'));
    await signInAs(PORTUGUESE);
    await expectDashboard(PORTUGUESE);
    await openSessions(PORTUGUESE);

    await page().getByLabel(PORTUGUESE.languageLabel, { exact: true }).selectOption({ label: 'Español' });
    await expectSessionsPage(SPANISH);
    await expect(page().getByLabel(SPANISH.languageLabel, { exact: true }).inputValue()).resolves.toBe('es');

    await page().reload();
    await expectSessionsPage(SPANISH);

    await page().getByRole('button', { name: SPANISH.signOutButton, exact: true }).click();
    await page().getByRole('heading', { level: 1, name: SPANISH.signInHeading, exact: true }).waitFor();
    await signInAs(SPANISH);
    await expectDashboard(SPANISH);
    await openSessions(SPANISH);

    await page().getByLabel(SPANISH.languageLabel, { exact: true }).selectOption({ label: 'English' });
    await expectSessionsPage(ENGLISH);
  });

  it('switches language on the sign-in page too, before anyone signs in', async () => {
    browser = await openBrowser({ locale: 'es-MX' });
    await page().goto(url('/login'));
    await page().getByRole('heading', { level: 1, name: SPANISH.signInHeading, exact: true }).waitFor();

    await page().getByLabel(SPANISH.languageLabel, { exact: true }).selectOption({ label: 'Português (Brasil)' });
    await page().getByRole('heading', { level: 1, name: PORTUGUESE.signInHeading, exact: true }).waitFor();
    await expectLanguage(PORTUGUESE);
    await page().reload();
    await page().getByRole('heading', { level: 1, name: PORTUGUESE.signInHeading, exact: true }).waitFor();
    await expectLanguage(PORTUGUESE);
  });
});
