import { describe, expect, it } from 'vitest';
import { chooseLanguage } from './language';

describe('chooseLanguage', () => {
  it('keeps a saved choice whatever the browser prefers', () => {
    expect(chooseLanguage('es', ['pt-BR', 'en'])).toBe('es');
  });

  it('ignores a saved value that is not one of the console’s languages', () => {
    expect(chooseLanguage('fr', ['es-MX'])).toBe('es');
  });

  it.each([
    [['pt-BR'], 'pt-BR'],
    [['pt'], 'pt-BR'],
    [['pt-PT'], 'pt-BR'],
    [['es-AR'], 'es'],
    [['es'], 'es'],
    [['en-GB'], 'en'],
  ])('reads the browser’s %j as %s', (browserLanguages, expected) => {
    expect(chooseLanguage(null, browserLanguages)).toBe(expected);
  });

  it('takes the first of the browser’s languages the console speaks', () => {
    expect(chooseLanguage(null, ['fr-FR', 'de', 'es-ES', 'pt-BR'])).toBe('es');
    expect(chooseLanguage(null, ['en-US', 'pt-BR'])).toBe('en');
  });

  it('falls back to English when the browser speaks none of them', () => {
    expect(chooseLanguage(null, ['fr-FR', 'de'])).toBe('en');
    expect(chooseLanguage(null, [])).toBe('en');
  });
});
