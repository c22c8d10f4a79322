// Lets a reader pick the console's language; the choice is saved and the page reloads in it.
import { DOCUMENT } from '@angular/common';
import { ChangeDetectionStrategy, Component, InjectionToken, LOCALE_ID, inject } from '@angular/core';
import { LANGUAGES, SOURCE_LANGUAGE, saveLanguage } from './language';

/** Reloads the page: translations are loaded once, before the app starts. Tests replace it. */
export const RELOAD_PAGE = new InjectionToken<() => void>('RELOAD_PAGE', {
  providedIn: 'root',
  factory: () => {
    const location = inject(DOCUMENT).location;
    return () => location.reload();
  },
});

let nextId = 0;

@Component({
  selector: 'wago-language-switch',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <label class="language-switch__label" [for]="id" i18n>Language</label>
    <select class="input language-switch__select" [id]="id" (change)="choose($event)">
      @for (language of languages; track language.code) {
        <option [value]="language.code" [attr.lang]="language.code" [selected]="language.code === current">
          {{ language.name }}
        </option>
      }
    </select>
  `,
  host: { class: 'language-switch' },
})
export class LanguageSwitch {
  private readonly reloadPage = inject(RELOAD_PAGE);
  protected readonly id = `language-${nextId++}`;
  protected readonly languages = LANGUAGES;
  /** LOCALE_ID is the console's language once bootstrapped; Angular's own default (`en-US`) means the source. */
  protected readonly current =
    LANGUAGES.find((language) => language.code === inject(LOCALE_ID))?.code ?? SOURCE_LANGUAGE;

  protected choose(event: Event): void {
    const chosen = LANGUAGES.find((language) => language.code === (event.target as HTMLSelectElement).value);
    if (!chosen || chosen.code === this.current) return;
    saveLanguage(chosen.code);
    this.reloadPage();
  }
}
