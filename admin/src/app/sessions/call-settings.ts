// A session's call settings: decline incoming calls, with an optional message to the caller.
import { ChangeDetectionStrategy, Component, effect, inject, input, output, signal, untracked } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { Api } from '../core/api';
import type { Session, SessionSettings } from '../core/api-types';
import { injectFormSubmission } from '../core/forms';
import { Notifier } from '../core/notifier';

/** The server's limit on the message. */
const MAX_MESSAGE_LENGTH = 1000;

@Component({
  selector: 'wago-call-settings',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ReactiveFormsModule],
  template: `
    <section class="card" aria-labelledby="call-settings-title">
      <h2 id="call-settings-title" i18n>Calls</h2>
      <form class="form-narrow" [formGroup]="form" (ngSubmit)="save()" novalidate>
        <label class="check">
          <input type="checkbox" formControlName="rejectCalls" />
          <span i18n>Reject calls: decline every incoming call as it rings</span>
        </label>
        <div class="field">
          <label class="field__label" for="reject-calls-message" i18n>Message to the caller</label>
          <textarea
            id="reject-calls-message"
            class="input"
            rows="3"
            formControlName="rejectCallsMessage"
            [attr.maxlength]="maxMessageLength"
            [attr.aria-invalid]="submission.submitted() && form.controls.rejectCallsMessage.invalid"
            aria-describedby="reject-calls-message-hint reject-calls-message-error"
          ></textarea>
          <p id="reject-calls-message-hint" class="field__hint" i18n>
            Optional: sent as a text to whoever called, each time a call is declined. Leave it empty to send nothing.
          </p>
          @if (submission.submitted() && form.controls.rejectCallsMessage.invalid) {
            <p id="reject-calls-message-error" class="field__error" i18n>
              Keep the message to {{ maxMessageLength }} characters.
            </p>
          }
        </div>
        <button type="submit" class="button button--primary" [disabled]="saving()">
          @if (saving()) {
            <ng-container i18n>Saving…</ng-container>
          } @else {
            <ng-container i18n>Save call settings</ng-container>
          }
        </button>
      </form>
    </section>
  `,
})
export class CallSettings {
  private readonly api = inject(Api);
  private readonly notifier = inject(Notifier);

  readonly sessionId = input.required<string>();
  /** The saved settings the form starts from. */
  readonly settings = input.required<SessionSettings>();
  /** The session as the server answered the change. */
  readonly saved = output<Session>();

  protected readonly maxMessageLength = MAX_MESSAGE_LENGTH;
  protected readonly form = inject(NonNullableFormBuilder).group({
    rejectCalls: [false],
    rejectCallsMessage: ['', Validators.maxLength(MAX_MESSAGE_LENGTH)],
  });
  protected readonly submission = injectFormSubmission(this.form);
  protected readonly saving = signal(false);

  /** What the form was last filled with: a reloaded session with the same settings leaves the user's edits alone. */
  private filledWith: SessionSettings | null = null;

  constructor() {
    effect(() => {
      const settings = this.settings();
      untracked(() => this.fill(settings));
    });
  }

  protected async save(): Promise<void> {
    if (!this.submission.accept()) return;
    const { rejectCalls, rejectCallsMessage } = this.form.getRawValue();
    this.saving.set(true);
    try {
      const session = await this.api.sessions.update(this.sessionId(), {
        // A blank message is no message: the server takes null for none.
        settings: { rejectCalls, rejectCallsMessage: rejectCallsMessage.trim() || null },
      });
      this.submission.submitted.set(false);
      this.saved.emit(session);
      this.notifier.success(
        rejectCalls ? $localize`Calls are now declined.` : $localize`Calls are no longer declined.`,
      );
    } catch {
      // The error interceptor shows the server's message; the form keeps what was typed.
    } finally {
      this.saving.set(false);
    }
  }

  private fill(settings: SessionSettings): void {
    const filled = this.filledWith;
    if (filled?.rejectCalls === settings.rejectCalls && filled.rejectCallsMessage === settings.rejectCallsMessage) {
      return;
    }
    this.filledWith = settings;
    this.form.setValue({ rejectCalls: settings.rejectCalls, rejectCallsMessage: settings.rejectCallsMessage ?? '' });
  }
}
