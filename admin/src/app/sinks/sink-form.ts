// The settings of a message-broker sink, to add one or edit one: kind, URL, credentials (write-only), exchange or
// stream, events, group messages, enabled.
import { ChangeDetectionStrategy, Component, effect, inject, input, output, untracked } from '@angular/core';
import {
  AbstractControl,
  NonNullableFormBuilder,
  ReactiveFormsModule,
  ValidationErrors,
  Validators,
} from '@angular/forms';
import { SINK_KINDS, type NewSink, type Sink, type SinkKind } from '../core/api-types';
import { injectFormSubmission } from '../core/forms';
import { EventSelection, eventSelectionGroup, selectEvents, selectedEvents } from '../webhooks/event-selection';
import {
  SINK_DESTINATION_DEFAULTS,
  SINK_KIND_LABELS,
  SINK_URL_EXAMPLES,
  hasSchemeOf,
  urlWithCredentials,
} from './sink-settings';

let nextId = 0;

/** The URL's scheme must be one of the chosen kind's. */
const urlMatchesKind = (form: AbstractControl<{ kind: SinkKind; url: string }>): ValidationErrors | null => {
  const { kind, url } = form.value;
  return !kind || !url || hasSchemeOf(kind, url) ? null : { scheme: true };
};

@Component({
  selector: 'wago-sink-form',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ReactiveFormsModule, EventSelection],
  template: `
    <form [formGroup]="form" (ngSubmit)="submit()" novalidate>
      @if (initial(); as sink) {
        <p class="field" i18n>Broker: {{ kindLabels[sink.kind] }}</p>
      } @else {
        <div class="field">
          <label class="field__label" [for]="id + '-kind'" i18n>Broker</label>
          <select class="input" [id]="id + '-kind'" formControlName="kind">
            @for (kind of kinds; track kind) {
              <option [value]="kind">{{ kindLabels[kind] }}</option>
            }
          </select>
        </div>
      }

      <div class="field">
        <label class="field__label" [for]="id + '-url'" i18n>URL</label>
        <input
          class="input mono"
          [id]="id + '-url'"
          type="url"
          inputmode="url"
          formControlName="url"
          autocomplete="off"
          spellcheck="false"
          [placeholder]="urlExamples[kind()]"
          required
          [attr.aria-invalid]="submission.submitted() && urlInvalid()"
          [attr.aria-describedby]="id + '-url-hint ' + id + '-url-error'"
        />
        <p class="field__hint" [id]="id + '-url-hint'">
          @if (kind() === 'rabbitmq') {
            <ng-container i18n
              >amqp:// or amqps://, with a virtual host in the path if it is not the default.</ng-container
            >
          } @else {
            <ng-container i18n>nats:// or tls://.</ng-container>
          }
        </p>
        @if (submission.submitted() && urlInvalid()) {
          <p class="field__error" [id]="id + '-url-error'">
            @if (kind() === 'rabbitmq') {
              <ng-container i18n>Enter a URL starting with amqp:// or amqps://.</ng-container>
            } @else {
              <ng-container i18n>Enter a URL starting with nats:// or tls://.</ng-container>
            }
          </p>
        }
      </div>

      <fieldset class="field fieldset" [attr.aria-describedby]="id + '-credentials-hint'">
        <legend class="field__label" i18n>Credentials (optional)</legend>
        <div class="form-grid">
          <div class="field">
            <label class="field__label" [for]="id + '-user'" i18n>User</label>
            <input class="input" [id]="id + '-user'" formControlName="user" autocomplete="off" spellcheck="false" />
          </div>
          <div class="field">
            <label class="field__label" [for]="id + '-password'">
              @if (kind() === 'nats') {
                <ng-container i18n>Password or token</ng-container>
              } @else {
                <ng-container i18n>Password</ng-container>
              }
            </label>
            <input
              class="input"
              [id]="id + '-password'"
              type="password"
              formControlName="password"
              autocomplete="new-password"
            />
          </div>
        </div>
        <p class="field__hint" [id]="id + '-credentials-hint'">
          @if (initial()?.hasCredentials) {
            <ng-container i18n
              >Credentials are stored for this broker, encrypted; they are never shown. Leave both fields empty to keep
              them, or enter new ones to replace them.</ng-container
            >
          } @else {
            <ng-container i18n
              >Stored encrypted and never shown again. For a NATS token, leave the user empty.</ng-container
            >
          }
        </p>
      </fieldset>

      <div class="field">
        <label class="field__label" [for]="id + '-destination'">
          @if (kind() === 'rabbitmq') {
            <ng-container i18n>Exchange</ng-container>
          } @else {
            <ng-container i18n>Stream</ng-container>
          }
        </label>
        <input
          class="input mono"
          [id]="id + '-destination'"
          formControlName="destination"
          autocomplete="off"
          spellcheck="false"
          [placeholder]="destinationDefaults[kind()]"
          [attr.aria-describedby]="id + '-destination-hint'"
        />
        <p class="field__hint" [id]="id + '-destination-hint'">
          @if (kind() === 'rabbitmq') {
            <ng-container i18n
              >A durable topic exchange, declared if missing; empty means {{ destinationDefaults.rabbitmq }}. Routing
              key: the session id, a dot, the event type.</ng-container
            >
          } @else {
            <ng-container i18n
              >A JetStream stream, created or extended for this session; empty means {{ destinationDefaults.nats }}.
              Subject: wago, the session id and the event type, with dots.</ng-container
            >
          }
        </p>
      </div>

      <wago-event-selection [group]="form.controls.selection" [submitted]="submission.submitted()" />

      <label class="check">
        <input type="checkbox" formControlName="enabled" />
        <span i18n>Enabled: publish events to this broker</span>
      </label>

      <div class="actions">
        <button type="submit" class="button button--primary" [disabled]="busy()">{{ submitLabel() }}</button>
        <button type="button" class="button" (click)="discard()" i18n>Cancel</button>
      </div>
    </form>
  `,
})
export class SinkForm {
  /** The sink to edit (its kind cannot change); a new one starts from the server's defaults. */
  readonly initial = input<Sink>();
  readonly submitLabel = input($localize`Save`);
  readonly busy = input(false);
  readonly save = output<NewSink>();
  readonly cancel = output();

  protected readonly id = `sink-form-${nextId++}`;
  protected readonly kinds = SINK_KINDS;
  protected readonly kindLabels = SINK_KIND_LABELS;
  protected readonly urlExamples = SINK_URL_EXAMPLES;
  protected readonly destinationDefaults = SINK_DESTINATION_DEFAULTS;

  private readonly formBuilder = inject(NonNullableFormBuilder);
  protected readonly form = this.formBuilder.group(
    {
      kind: this.formBuilder.control<SinkKind>('nats'),
      url: ['', Validators.required],
      user: [''],
      password: [''],
      destination: [''],
      selection: eventSelectionGroup(this.formBuilder),
      enabled: [true],
    },
    { validators: urlMatchesKind },
  );
  protected readonly submission = injectFormSubmission(this.form);

  constructor() {
    effect(() => {
      const initial = this.initial();
      untracked(() => this.fill(initial));
    });
  }

  /** The kind the fields are for: the sink's, or the one chosen for a new sink. */
  protected kind(): SinkKind {
    return this.initial()?.kind ?? this.form.controls.kind.value;
  }

  protected urlInvalid(): boolean {
    return this.form.controls.url.invalid || this.form.hasError('scheme');
  }

  /** Cancel puts back the saved settings (editing) and tells the page (adding closes the form). */
  protected discard(): void {
    this.fill(this.initial());
    this.submission.submitted.set(false);
    this.cancel.emit();
  }

  protected submit(): void {
    if (!this.submission.accept()) return;
    const { kind, url, user, password, destination, enabled } = this.form.getRawValue();
    const named = destination.trim() || undefined;
    this.save.emit({
      kind,
      url: urlWithCredentials(kind, url.trim(), user, password),
      ...(kind === 'rabbitmq' ? { exchange: named } : { stream: named }),
      ...selectedEvents(this.form.controls.selection),
      enabled,
    });
    // The credentials went to the server: they are not kept in the page.
    this.form.patchValue({ user: '', password: '' });
  }

  private fill(initial: Sink | undefined): void {
    if (!initial) return;
    this.form.patchValue({
      kind: initial.kind,
      url: initial.url,
      user: '',
      password: '',
      destination: initial.exchange ?? initial.stream ?? '',
      enabled: initial.enabled,
    });
    selectEvents(this.form.controls.selection, initial);
  }
}
