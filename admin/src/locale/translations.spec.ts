// Every text the console shows has a translation in each language, and no translation is left over from a text
// that is gone. messages.json is the extracted source (`npm run i18n:extract`; `npm run i18n:check` proves it current).
import { describe, expect, it } from 'vitest';
import { LANGUAGES, SOURCE_LANGUAGE } from '../app/core/language';
import extracted from './messages.json';
import spanish from './messages.es.json';
import portuguese from './messages.pt-BR.json';

const TRANSLATIONS: Record<string, { locale: string; translations: Record<string, string> }> = {
  'pt-BR': portuguese,
  es: spanish,
};

/** Interpolations, tags and ICU variables, as `$localize` names them: a translation must keep every one. */
function placeholders(message: string): string[] {
  return [...message.matchAll(/\{\$?[A-Za-z0-9_]+\}|\{VAR_[A-Z]+/g)].map((match) => match[0]).sort();
}

/** The source messages, by id. */
const source: { locale: string; translations: Record<string, string> } = extracted;

describe('console translations', () => {
  const sourceIds = Object.keys(source.translations).sort();

  it('has a translation file for every language but the source', () => {
    const translated = LANGUAGES.map((language) => language.code).filter((code) => code !== SOURCE_LANGUAGE);
    expect(Object.keys(TRANSLATIONS).sort()).toEqual([...translated].sort());
    for (const code of translated) expect(TRANSLATIONS[code].locale).toBe(code);
  });

  it('extracted some messages to translate', () => {
    expect(source.locale).toBe(SOURCE_LANGUAGE);
    expect(sourceIds.length).toBeGreaterThan(300);
  });

  it.each(Object.keys(TRANSLATIONS))('translates every source message into %s, and nothing else', (code) => {
    const ids = new Set(Object.keys(TRANSLATIONS[code].translations));
    const missing = sourceIds.filter((id) => !ids.has(id)).map((id) => `${id}: ${source.translations[id]}`);
    const stale = [...ids].filter((id) => !(id in source.translations));
    expect({ missing, stale }).toEqual({ missing: [], stale: [] });
  });

  it.each(Object.keys(TRANSLATIONS))('keeps every placeholder of the source in %s', (code) => {
    const translations = TRANSLATIONS[code].translations;
    const broken = sourceIds.filter(
      (id) =>
        id in translations && placeholders(translations[id]).join() !== placeholders(source.translations[id]).join(),
    );
    expect(broken.map((id) => `${id}: ${translations[id]}`)).toEqual([]);
  });

  it.each(Object.keys(TRANSLATIONS))('leaves no message in %s empty', (code) => {
    const empty = Object.entries(TRANSLATIONS[code].translations).filter(([, text]) => text.trim() === '');
    expect(empty).toEqual([]);
  });
});
