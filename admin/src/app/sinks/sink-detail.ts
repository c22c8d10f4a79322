// One message-broker sink: edit its settings and credentials, test it, delete it, and follow its deliveries.
import { ChangeDetectionStrategy, Component, effect, inject, input, signal, untracked } from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import { Api } from '../core/api';
import type { NewSink, Session, Sink } from '../core/api-types';
import { Badge } from '../core/badge';
import { errorMessage, hasStatus } from '../core/errors';
import { Notifier } from '../core/notifier';
import { DeliveryLog } from '../webhooks/delivery-log';
import { TestButton } from '../webhooks/test-button';
import { ENABLED_LABELS } from '../webhooks/webhook-events';
import { SinkDeletion } from './sink-deletion';
import { SinkForm } from './sink-form';
import { SINK_KIND_LABELS } from './sink-settings';

@Component({
  selector: 'wago-sink-detail',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, Badge, DeliveryLog, SinkForm, TestButton],
  template: `
    <nav class="breadcrumb" aria-label="Breadcrumb" i18n-aria-label>
      <a routerLink="/sessions" i18n>Sessions</a>
      <span aria-hidden="true">/</span>
      <a [routerLink]="['/sessions', sessionId()]">
        @if (session(); as session) {
          {{ session.name }}
        } @else {
          <ng-container i18n>Session</ng-container>
        }
      </a>
      <span aria-hidden="true">/</span>
      <a [routerLink]="['/sessions', sessionId(), 'sinks']" i18n>Message brokers</a>
      <span aria-hidden="true">/</span>
      <span aria-current="page" i18n>Message broker</span>
    </nav>

    @if (loadError(); as loadError) {
      <div class="alert alert--error" role="alert">
        <p>{{ loadError }}</p>
        <a class="button" [routerLink]="['/sessions', sessionId(), 'sinks']" i18n>Back to message brokers</a>
      </div>
    } @else if (sink(); as sink) {
      <header class="page-header">
        <h1 class="mono break">{{ sink.url }}</h1>
        <wago-badge [label]="kindLabels[sink.kind]" tone="info" />
        <wago-badge
          [label]="sink.enabled ? enabledLabels.enabled : enabledLabels.disabled"
          [tone]="sink.enabled ? 'success' : 'neutral'"
        />
      </header>

      @if (!sink.enabled && sink.disabledReason) {
        <p class="alert alert--warning" i18n>
          WAGO disabled this message broker: {{ sink.disabledReason }}. Fix it, then enable it again below.
        </p>
      }
      <div class="actions page-actions">
        <wago-test-button [target]="{ kind: 'sink', id: sink.id }" />
        <button type="button" class="button button--danger" (click)="delete(sink)" i18n>Delete</button>
      </div>

      <section class="card" aria-labelledby="settings-title">
        <h2 id="settings-title" i18n>Settings</h2>
        <wago-sink-form
          submitLabel="Save changes"
          i18n-submitLabel
          [initial]="sink"
          [busy]="saving()"
          (save)="save($event)"
        />
      </section>

      <wago-delivery-log [target]="{ kind: 'sink', id: sink.id }" />
    } @else {
      <p class="loading" role="status" i18n>Loading the message broker…</p>
    }
  `,
})
export class SinkDetail {
  private readonly api = inject(Api);
  private readonly notifier = inject(Notifier);
  private readonly router = inject(Router);
  private readonly deletion = inject(SinkDeletion);

  readonly sessionId = input.required<string>();
  readonly sinkId = input.required<string>();

  protected readonly kindLabels = SINK_KIND_LABELS;
  protected readonly enabledLabels = ENABLED_LABELS;
  protected readonly session = signal<Session | null>(null);
  protected readonly sink = signal<Sink | null>(null);
  protected readonly loadError = signal<string | null>(null);
  protected readonly saving = signal(false);

  constructor() {
    effect(() => {
      const sessionId = this.sessionId();
      const sinkId = this.sinkId();
      untracked(() => void this.load(sessionId, sinkId));
    });
  }

  protected async save({ kind: _kind, ...settings }: NewSink): Promise<void> {
    this.saving.set(true);
    try {
      this.sink.set(await this.api.sinks.update(this.sinkId(), settings));
      this.notifier.success($localize`Message broker saved.`);
    } catch {
      // Shown by the error interceptor; the form keeps the edits but the credentials.
    } finally {
      this.saving.set(false);
    }
  }

  protected async delete(sink: Sink): Promise<void> {
    if (await this.deletion.delete(sink)) await this.router.navigate(['/sessions', this.sessionId(), 'sinks']);
  }

  private async load(sessionId: string, sinkId: string): Promise<void> {
    this.sink.set(null);
    this.loadError.set(null);
    try {
      const [session, sink] = await Promise.all([this.api.sessions.get(sessionId), this.api.sinks.get(sinkId)]);
      this.session.set(session);
      this.sink.set(sink);
    } catch (error) {
      this.loadError.set(
        hasStatus(error, 404)
          ? $localize`This message broker does not exist (any more).`
          : $localize`The message broker could not be loaded: ${errorMessage(error)}:error:`,
      );
    }
  }
}
