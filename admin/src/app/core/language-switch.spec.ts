import { LOCALE_ID } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { element, fieldLabelled } from '../../testing/console-testing';
import { LanguageSwitch, RELOAD_PAGE } from './language-switch';
import { savedLanguage } from './language';

describe('LanguageSwitch', () => {
  let reloads: number;

  function render(locale: string) {
    TestBed.configureTestingModule({
      providers: [
        { provide: LOCALE_ID, useValue: locale },
        { provide: RELOAD_PAGE, useValue: () => reloads++ },
      ],
    });
    const fixture = TestBed.createComponent(LanguageSwitch);
    fixture.detectChanges();
    return fixture;
  }

  beforeEach(() => {
    localStorage.clear();
    reloads = 0;
  });

  afterEach(() => TestBed.resetTestingModule());

  it('offers each language by its own name, the current one selected', () => {
    const fixture = render('pt-BR');
    const select = fieldLabelled<HTMLSelectElement>(fixture, 'Language');
    expect(Array.from(select.options).map((option) => option.text.trim())).toEqual([
      'English',
      'Português (Brasil)',
      'Español',
    ]);
    expect(Array.from(select.options).map((option) => option.lang)).toEqual(['en', 'pt-BR', 'es']);
    expect(select.value).toBe('pt-BR');
  });

  it('saves the chosen language and reloads the page in it', () => {
    const fixture = render('en');
    const select = fieldLabelled<HTMLSelectElement>(fixture, 'Language');
    select.value = 'es';
    select.dispatchEvent(new Event('change'));
    expect(savedLanguage()).toBe('es');
    expect(reloads).toBe(1);
  });

  it('does nothing when the current language is chosen again', () => {
    const fixture = render('es');
    const select = fieldLabelled<HTMLSelectElement>(fixture, 'Language');
    select.dispatchEvent(new Event('change'));
    expect(savedLanguage()).toBeNull();
    expect(reloads).toBe(0);
    expect(element(fixture).querySelector('select')?.value).toBe('es');
  });
});
