// Why a list or page could not be loaded, with a button that asks the server again.
import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';

@Component({
  selector: 'wago-load-error',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="alert alert--error" role="alert">
      <p i18n>{{ subject() }} could not be loaded: {{ error() }}</p>
      <button type="button" class="button" (click)="retry.emit()" i18n>Try again</button>
    </div>
  `,
})
export class LoadError {
  /** What failed to load, as the sentence starts: `The sessions`. */
  readonly subject = input.required<string>();
  readonly error = input.required<string>();
  readonly retry = output();
}
