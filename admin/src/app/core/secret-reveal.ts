// A secret the server shows once (an API key, a webhook signing secret): displayed with a copy button and a warning.
import { ChangeDetectionStrategy, Component, ElementRef, input, output, signal, viewChild } from '@angular/core';

let nextId = 0;

@Component({
  selector: 'wago-secret-reveal',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <section class="secret" [attr.aria-labelledby]="id + '-title'">
      <h3 [id]="id + '-title'">{{ title() }}</h3>
      <p>{{ hint() }} <ng-container i18n>It is shown only now: copy it and keep it somewhere safe.</ng-container></p>
      <label class="field__label" [for]="id">{{ label() }}</label>
      <div class="secret__row">
        <input #field class="input input--mono" [id]="id" readonly [value]="secret()" (focus)="field.select()" />
        <button type="button" class="button button--primary" (click)="copy()">
          @if (copied()) {
            <ng-container i18n>Copied</ng-container>
          } @else {
            <ng-container i18n>Copy</ng-container>
          }
        </button>
      </div>
      <p class="secret__status" role="status">{{ copyStatus() }}</p>
      <button type="button" class="button" (click)="dismissed.emit()" i18n>Done</button>
    </section>
  `,
})
export class SecretReveal {
  readonly title = input.required<string>();
  readonly label = input.required<string>();
  readonly hint = input('');
  readonly secret = input.required<string>();
  readonly dismissed = output();

  protected readonly id = `secret-${nextId++}`;
  protected readonly copied = signal(false);
  protected readonly copyStatus = signal('');
  private readonly field = viewChild.required<ElementRef<HTMLInputElement>>('field');

  protected async copy(): Promise<void> {
    try {
      // navigator.clipboard only exists on secure origins (https or localhost).
      if (!navigator.clipboard) throw new Error('Clipboard unavailable');
      await navigator.clipboard.writeText(this.secret());
      this.copied.set(true);
      this.copyStatus.set($localize`Copied to the clipboard.`);
    } catch {
      this.field().nativeElement.select();
      this.copyStatus.set(
        $localize`Copying is not available here: the text is selected, press Ctrl+C (or ⌘C) to copy it.`,
      );
    }
  }
}
