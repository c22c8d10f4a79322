import { ChangeDetectionStrategy, Component, ElementRef, effect, inject, viewChild } from '@angular/core';
import { Confirm } from './confirm';

@Component({
  selector: 'wago-confirm-dialog',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <dialog
      #dialog
      class="dialog"
      aria-labelledby="confirm-title"
      aria-describedby="confirm-message"
      (cancel)="answer(false)"
    >
      @if (request(); as request) {
        <h2 id="confirm-title">{{ request.title }}</h2>
        <p id="confirm-message">{{ request.message }}</p>
        <div class="actions">
          <button type="button" class="button" autofocus (click)="answer(false)" i18n>Cancel</button>
          <button
            type="button"
            class="button"
            [class.button--danger]="request.destructive"
            [class.button--primary]="!request.destructive"
            (click)="answer(true)"
          >
            {{ request.confirmLabel }}
          </button>
        </div>
      }
    </dialog>
  `,
})
export class ConfirmDialog {
  private readonly confirm = inject(Confirm);
  private readonly dialog = viewChild.required<ElementRef<HTMLDialogElement>>('dialog');
  protected readonly request = this.confirm.pending;

  constructor() {
    effect(() => {
      const dialog = this.dialog().nativeElement;
      if (this.request() && !dialog.open) dialog.showModal();
      else if (!this.request() && dialog.open) dialog.close();
    });
  }

  protected answer(confirmed: boolean): void {
    this.request()?.answer(confirmed);
  }
}
