// The settings of a webhook, to create one or edit one: URL, events, group messages, enabled.
import { ChangeDetectionStrategy, Component, effect, inject, input, output, untracked } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import type { WebhookSettings } from '../core/api-types';
import { injectFormSubmission } from '../core/forms';
import { EventSelection, eventSelectionGroup, selectEvents, selectedEvents } from './event-selection';

let nextId = 0;

@Component({
  selector: 'wago-webhook-form',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ReactiveFormsModule, EventSelection],
  template: `
    <form [formGroup]="form" (ngSubmit)="submit()" novalidate>
      <div class="field">
        <label class="field__label" [for]="id + '-url'" i18n>URL</label>
        <input
          class="input"
          [id]="id + '-url'"
          type="url"
          inputmode="url"
          formControlName="url"
          placeholder="https://example.com/wago"
          required
          [attr.aria-invalid]="submission.submitted() && form.controls.url.invalid"
          [attr.aria-describedby]="id + '-url-hint ' + id + '-url-error'"
        />
        <p class="field__hint" [id]="id + '-url-hint'" i18n>
          WAGO POSTs each event there as JSON, signed with the secret.
        </p>
        @if (submission.submitted() && form.controls.url.invalid) {
          <p class="field__error" [id]="id + '-url-error'" i18n>Enter a URL starting with https:// or http://.</p>
        }
      </div>

      <wago-event-selection [group]="form.controls.selection" [submitted]="submission.submitted()" />

      <label class="check">
        <input type="checkbox" formControlName="enabled" />
        <span i18n>Enabled: deliver events to this URL</span>
      </label>

      <div class="actions">
        <button type="submit" class="button button--primary" [disabled]="busy()">{{ submitLabel() }}</button>
        <button type="button" class="button" (click)="discard()" i18n>Cancel</button>
      </div>
    </form>
  `,
})
export class WebhookForm {
  /** The settings to edit; a new webhook starts from sensible defaults. */
  readonly initial = input<WebhookSettings>();
  readonly submitLabel = input($localize`Save`);
  readonly busy = input(false);
  readonly save = output<WebhookSettings>();
  readonly cancel = output();

  protected readonly id = `webhook-form-${nextId++}`;

  private readonly formBuilder = inject(NonNullableFormBuilder);
  protected readonly form = this.formBuilder.group({
    url: ['', [Validators.required, Validators.pattern(/^https?:\/\/\S+$/i)]],
    selection: eventSelectionGroup(this.formBuilder),
    enabled: [true],
  });
  protected readonly submission = injectFormSubmission(this.form);

  constructor() {
    effect(() => {
      const initial = this.initial();
      untracked(() => this.fill(initial));
    });
  }

  /** Cancel puts back the saved settings (editing) and tells the page (adding closes the form). */
  protected discard(): void {
    this.fill(this.initial());
    this.submission.submitted.set(false);
    this.cancel.emit();
  }

  protected submit(): void {
    if (!this.submission.accept()) return;
    const { url, enabled } = this.form.getRawValue();
    this.save.emit({ url: url.trim(), ...selectedEvents(this.form.controls.selection), enabled });
  }

  private fill(initial: WebhookSettings | undefined): void {
    if (!initial) return;
    this.form.patchValue({ url: initial.url, enabled: initial.enabled });
    selectEvents(this.form.controls.selection, initial);
  }
}
