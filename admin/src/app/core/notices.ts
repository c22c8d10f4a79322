import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { Notifier } from './notifier';

@Component({
  selector: 'wago-notices',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <div class="notices" role="status" aria-live="polite">
      @for (notice of notifier.notices(); track notice.id) {
        <div class="notice notice--{{ notice.kind }}" [attr.role]="notice.kind === 'error' ? 'alert' : null">
          <p class="notice__text">{{ notice.text }}</p>
          <button
            type="button"
            class="notice__close"
            aria-label="Dismiss"
            i18n-aria-label
            (click)="notifier.dismiss(notice.id)"
          >
            ×
          </button>
        </div>
      }
    </div>
  `,
})
export class Notices {
  protected readonly notifier = inject(Notifier);
}
