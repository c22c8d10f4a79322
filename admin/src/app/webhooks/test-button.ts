// Sends a test event to a webhook or a message broker and says how it went.
import { ChangeDetectionStrategy, Component, inject, input, signal } from '@angular/core';
import { Api } from '../core/api';
import { type DeliveryTarget, type TargetTestResult, targetRoutes } from './delivery-target';

@Component({
  selector: 'wago-test-button',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <button type="button" class="button" [disabled]="testing()" (click)="test()">
      @if (testing()) {
        <ng-container i18n>Sending test…</ng-container>
      } @else {
        <ng-container i18n>Send test</ng-container>
      }
    </button>
    <span class="test-result" role="status">
      @if (result(); as result) {
        <span [class.text-success]="result.ok" [class.text-danger]="!result.ok">{{ describe(result) }}</span>
      }
    </span>
  `,
})
export class TestButton {
  private readonly api = inject(Api);
  readonly target = input.required<DeliveryTarget>();

  protected readonly testing = signal(false);
  protected readonly result = signal<TargetTestResult | null>(null);

  protected async test(): Promise<void> {
    this.testing.set(true);
    this.result.set(null);
    try {
      this.result.set(await targetRoutes(this.api, this.target()).test());
    } catch {
      // The error interceptor shows the server's message.
    } finally {
      this.testing.set(false);
    }
  }

  protected describe(result: TargetTestResult): string {
    const durationMs = result.durationMs;
    if (this.target().kind === 'sink') {
      if (result.ok) return $localize`Test published: the broker took it in ${durationMs}:durationMs: ms.`;
      return $localize`Test failed: ${result.error ?? ''}:error: (${durationMs}:durationMs: ms).`;
    }
    const answer = result.statusCode == null ? $localize`no answer` : `HTTP ${result.statusCode}`;
    if (result.ok)
      return $localize`Test delivered: the receiver answered ${answer}:answer: in ${durationMs}:durationMs: ms.`;
    if (result.error) return $localize`Test failed: ${result.error}:error: (${durationMs}:durationMs: ms).`;
    return $localize`Test failed: the receiver answered ${answer}:answer: (${durationMs}:durationMs: ms).`;
  }
}
