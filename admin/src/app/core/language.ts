// The console's languages: which one a visitor gets (a saved choice, else the browser's), and loading its texts.
import { registerLocaleData } from '@angular/common';
import { loadTranslations } from '@angular/localize';

/** Each language by its own name, so a reader finds theirs whatever the console is showing. */
export const LANGUAGES = [
  { code: 'en', name: 'English' },
  { code: 'pt-BR', name: 'Português (Brasil)' },
  { code: 'es', name: 'Español' },
] as const;

export type Language = (typeof LANGUAGES)[number]['code'];

/** The language the templates are written in: it needs no translations. */
export const SOURCE_LANGUAGE = 'en' satisfies Language;

const STORAGE_KEY = 'wago.language';

/**
 * A saved choice wins; else the first of the browser's languages the console speaks (any Portuguese → pt-BR, any
 * Spanish → es, any English → en); else English.
 */
export function chooseLanguage(saved: string | null, browserLanguages: readonly string[]): Language {
  const savedLanguage = LANGUAGES.find((language) => language.code === saved);
  if (savedLanguage) return savedLanguage.code;
  for (const tag of browserLanguages) {
    const primary = tag.toLowerCase().split('-')[0];
    if (primary === 'pt') return 'pt-BR';
    if (primary === 'es') return 'es';
    if (primary === 'en') return 'en';
  }
  return SOURCE_LANGUAGE;
}

export function savedLanguage(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    // Storage can be switched off; the browser's languages decide then.
    return null;
  }
}

export function saveLanguage(language: Language): void {
  localStorage.setItem(STORAGE_KEY, language);
}

interface LanguageResources {
  translations: Record<string, string>;
  /** Angular's locale data, for dates, numbers and plural rules. */
  localeData: unknown;
}

/** Each translation is its own chunk: a visitor downloads only the language they read. */
const RESOURCES: Record<Exclude<Language, 'en'>, () => Promise<LanguageResources>> = {
  'pt-BR': async () => {
    const [messages, locale] = await Promise.all([
      import('../../locale/messages.pt-BR.json'),
      import('@angular/common/locales/pt'),
    ]);
    return { translations: messages.default.translations, localeData: locale.default };
  },
  es: async () => {
    const [messages, locale] = await Promise.all([
      import('../../locale/messages.es.json'),
      import('@angular/common/locales/es'),
    ]);
    return { translations: messages.default.translations, localeData: locale.default };
  },
};

/**
 * Makes `language` the one `$localize` and Angular's pipes use. Runs before any module holding a translated text is
 * imported: a `$localize` evaluated earlier stays in English.
 */
export async function useLanguage(language: Language): Promise<void> {
  document.documentElement.lang = language;
  if (language === SOURCE_LANGUAGE) return;
  const { translations, localeData } = await RESOURCES[language]();
  registerLocaleData(localeData, language);
  loadTranslations(translations);
}
