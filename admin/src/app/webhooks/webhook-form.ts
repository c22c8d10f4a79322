// The settings of a webhook, to create one or edit one: URL, events, group messages, enabled.
import { ChangeDetectionStrategy, Component, effect, inject, input, output, untracked } from '@angular/core';
import {
  AbstractControl,
  NonNullableFormBuilder,
  ReactiveFormsModule,
  ValidationErrors,
  Validators,
} from '@angular/forms';
import { GROUP_POLICIES, WEBHOOK_EVENTS, type WebhookSettings } from '../core/api-types';
import { injectFormSubmission } from '../core/forms';
import { EVENT_DESCRIPTIONS, GROUP_POLICY_LABELS } from './webhook-events';

let nextId = 0;

const atLeastOneEvent = (events: AbstractControl<boolean[]>): ValidationErrors | null =>
  events.value.some(Boolean) ? null : { noEvent: true };

@Component({
  selector: 'wago-webhook-form',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ReactiveFormsModule],
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

      <fieldset class="field fieldset" formArrayName="events">
        <legend class="field__label" i18n>Events</legend>
        @for (event of events; track event; let index = $index) {
          <label class="check">
            <input type="checkbox" [formControlName]="index" />
            <span
              ><code>{{ event }}</code> — {{ eventDescriptions[event] }}</span
            >
          </label>
        }
        @if (submission.submitted() && form.controls.events.invalid) {
          <p class="field__error" role="alert" i18n>Choose at least one event.</p>
        }
      </fieldset>

      <div class="field">
        <label class="field__label" [for]="id + '-group-policy'" i18n>Group messages</label>
        <select class="input" [id]="id + '-group-policy'" formControlName="groupPolicy">
          @for (policy of groupPolicies; track policy) {
            <option [value]="policy">{{ groupPolicyLabels[policy] }}</option>
          }
        </select>
      </div>

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
  protected readonly events = WEBHOOK_EVENTS;
  protected readonly eventDescriptions = EVENT_DESCRIPTIONS;
  protected readonly groupPolicies = GROUP_POLICIES;
  protected readonly groupPolicyLabels = GROUP_POLICY_LABELS;

  private readonly formBuilder = inject(NonNullableFormBuilder);
  protected readonly form = this.formBuilder.group({
    url: ['', [Validators.required, Validators.pattern(/^https?:\/\/\S+$/i)]],
    events: this.formBuilder.array(
      // The server's default: every event.
      WEBHOOK_EVENTS.map((event) => event === '*'),
      atLeastOneEvent,
    ),
    groupPolicy: this.formBuilder.control<WebhookSettings['groupPolicy']>('mentions'),
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
    const { url, events, groupPolicy, enabled } = this.form.getRawValue();
    this.save.emit({
      url: url.trim(),
      events: WEBHOOK_EVENTS.filter((_event, index) => events[index]),
      groupPolicy,
      enabled,
    });
  }

  private fill(initial: WebhookSettings | undefined): void {
    if (!initial) return;
    this.form.setValue({
      url: initial.url,
      events: WEBHOOK_EVENTS.map((event) => initial.events.includes(event)),
      groupPolicy: initial.groupPolicy,
      enabled: initial.enabled,
    });
  }
}
