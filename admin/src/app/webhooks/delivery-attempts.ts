// Every attempt to deliver one event: what the receiver (or broker) answered, how long it took, what went wrong.
import { ChangeDetectionStrategy, Component, effect, inject, input, signal, untracked } from '@angular/core';
import { DatePipe, JsonPipe } from '@angular/common';
import { Api } from '../core/api';
import type { DeliveryAttempt } from '../core/api-types';
import { errorMessage } from '../core/errors';

@Component({
  selector: 'wago-delivery-attempts',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe, JsonPipe],
  template: `
    @if (loading()) {
      <p class="loading" role="status" i18n>Loading attempts…</p>
    } @else if (loadError(); as loadError) {
      <p class="alert alert--error" role="alert" i18n>The attempts could not be loaded: {{ loadError }}</p>
    } @else {
      @if (event(); as event) {
        <details class="event-payload">
          <summary i18n>Event as sent</summary>
          <pre class="attempt__body" tabindex="0">{{ event | json }}</pre>
        </details>
      }
      @if (attempts().length === 0) {
        <p i18n>No attempt yet: the delivery is waiting for its first try.</p>
      } @else {
        <ol class="attempts">
          @for (attempt of attempts(); track attempt.attempt) {
            <li class="attempt">
              <p class="attempt__summary">
                <strong i18n>Attempt {{ attempt.attempt }}</strong>
                · {{ attempt.at | date: 'medium' }} ·
                {{ answerOf(attempt) }}
                · {{ attempt.durationMs }} ms
              </p>
              @if (attempt.error) {
                <p class="text-danger">{{ attempt.error }}</p>
              }
              @if (attempt.replyError) {
                <p class="text-danger" i18n>Bot reply not sent: {{ attempt.replyError }}</p>
              }
              @if (attempt.responseBody) {
                <pre class="attempt__body" tabindex="0" aria-label="Response body" i18n-aria-label>{{
                  attempt.responseBody
                }}</pre>
              }
            </li>
          }
        </ol>
      }
    }
  `,
})
export class DeliveryAttempts {
  private readonly api = inject(Api);

  readonly deliveryId = input.required<string>();

  protected readonly attempts = signal<DeliveryAttempt[]>([]);
  protected readonly event = signal<Record<string, unknown> | null>(null);
  /** A message broker's attempts have no HTTP answer: the broker took the event or not. */
  private readonly toBroker = signal(false);
  protected readonly loading = signal(true);
  protected readonly loadError = signal<string | null>(null);

  constructor() {
    effect(() => {
      const deliveryId = this.deliveryId();
      untracked(() => void this.load(deliveryId));
    });
  }

  protected answerOf(attempt: DeliveryAttempt): string {
    if (this.toBroker()) return attempt.error ? $localize`not taken by the broker` : $localize`taken by the broker`;
    return attempt.statusCode === null ? $localize`no HTTP answer` : `HTTP ${attempt.statusCode}`;
  }

  private async load(deliveryId: string): Promise<void> {
    this.loading.set(true);
    this.loadError.set(null);
    try {
      const delivery = await this.api.deliveries.get(deliveryId);
      this.attempts.set(delivery.attempts);
      this.event.set(delivery.event);
      this.toBroker.set(delivery.sinkId !== null);
    } catch (error) {
      this.loadError.set(errorMessage(error));
    } finally {
      this.loading.set(false);
    }
  }
}
