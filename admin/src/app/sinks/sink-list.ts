// The message brokers of one session: where its events are published besides webhooks, adding one, quick actions.
import { ChangeDetectionStrategy, Component, effect, inject, input, signal, untracked } from '@angular/core';
import { RouterLink } from '@angular/router';
import { Api } from '../core/api';
import type { NewSink, Session, Sink } from '../core/api-types';
import { Badge } from '../core/badge';
import { errorMessage } from '../core/errors';
import { LoadError } from '../core/load-error';
import { Notifier } from '../core/notifier';
import { TestButton } from '../webhooks/test-button';
import { ENABLED_LABELS, GROUP_POLICY_LABELS } from '../webhooks/webhook-events';
import { SinkDeletion } from './sink-deletion';
import { SinkForm } from './sink-form';
import { SINK_KIND_LABELS } from './sink-settings';

/** The server's largest page: a session has a handful of sinks, so one page holds them all. */
const MAX_SINKS_SHOWN = 200;

@Component({
  selector: 'wago-sink-list',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, Badge, LoadError, SinkForm, TestButton],
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
      <span aria-current="page" i18n>Message brokers</span>
    </nav>
    <header class="page-header">
      <h1 i18n>Message brokers</h1>
      @if (!adding()) {
        <button type="button" class="button button--primary" (click)="adding.set(true)" i18n>Add message broker</button>
      }
    </header>
    <p class="muted" i18n>
      WAGO publishes this session's events to each enabled RabbitMQ exchange or NATS JetStream stream, with the same
      envelope, retries and delivery log as webhooks.
    </p>

    @if (adding()) {
      <section class="card" aria-labelledby="add-sink-title">
        <h2 id="add-sink-title" i18n>Add a message broker</h2>
        <wago-sink-form
          submitLabel="Add message broker"
          i18n-submitLabel
          [busy]="saving()"
          (save)="create($event)"
          (cancel)="adding.set(false)"
        />
      </section>
    }

    @if (loading()) {
      <p class="loading" role="status" i18n>Loading message brokers…</p>
    } @else if (loadError(); as loadError) {
      <wago-load-error subject="The message brokers" i18n-subject [error]="loadError" (retry)="load()" />
    } @else if (sinks().length === 0) {
      <div class="empty">
        <p class="empty__title" i18n>No message brokers yet</p>
        <p i18n>Add one to publish this session's messages and status changes to RabbitMQ or NATS.</p>
      </div>
    } @else {
      <ul class="stack" aria-label="Message brokers" i18n-aria-label>
        @for (sink of sinks(); track sink.id) {
          <li class="card webhook">
            <div class="webhook__head">
              <a class="webhook__url mono" [routerLink]="[sink.id]">{{ sink.url }}</a>
              <wago-badge [label]="kindLabels[sink.kind]" tone="info" />
              <wago-badge
                [label]="sink.enabled ? enabledLabels.enabled : enabledLabels.disabled"
                [tone]="sink.enabled ? 'success' : 'neutral'"
              />
            </div>
            <p class="muted">
              @if (sink.kind === 'rabbitmq') {
                <ng-container i18n>Exchange: {{ sink.exchange }}</ng-container>
              } @else {
                <ng-container i18n>Stream: {{ sink.stream }}</ng-container>
              }
              ·
              @if (sink.hasCredentials) {
                <ng-container i18n>credentials stored</ng-container>
              } @else {
                <ng-container i18n>no credentials</ng-container>
              }
            </p>
            <p class="muted" i18n>
              Events: {{ sink.events.join(', ') }} · Group messages: {{ groupPolicyLabels[sink.groupPolicy] }}
            </p>
            @if (!sink.enabled && sink.disabledReason) {
              <p class="alert alert--warning" i18n>WAGO disabled this message broker: {{ sink.disabledReason }}</p>
            }
            <div class="actions">
              <wago-test-button [target]="{ kind: 'sink', id: sink.id }" />
              <button type="button" class="button" [disabled]="toggling() === sink.id" (click)="toggle(sink)">
                @if (sink.enabled) {
                  <ng-container i18n>Disable</ng-container>
                } @else {
                  <ng-container i18n>Enable</ng-container>
                }
              </button>
              <a class="button" [routerLink]="[sink.id]" i18n>Edit and deliveries</a>
              <button type="button" class="button button--danger" (click)="delete(sink)" i18n>Delete</button>
            </div>
          </li>
        }
      </ul>
    }
  `,
})
export class SinkList {
  private readonly api = inject(Api);
  private readonly deletion = inject(SinkDeletion);
  private readonly notifier = inject(Notifier);

  readonly sessionId = input.required<string>();

  protected readonly kindLabels = SINK_KIND_LABELS;
  protected readonly groupPolicyLabels = GROUP_POLICY_LABELS;
  protected readonly enabledLabels = ENABLED_LABELS;
  protected readonly session = signal<Session | null>(null);
  protected readonly sinks = signal<Sink[]>([]);
  protected readonly loading = signal(true);
  protected readonly loadError = signal<string | null>(null);
  protected readonly adding = signal(false);
  protected readonly saving = signal(false);
  protected readonly toggling = signal<string | null>(null);

  constructor() {
    effect(() => {
      this.sessionId();
      untracked(() => void this.load());
    });
  }

  protected async load(): Promise<void> {
    this.loading.set(true);
    this.loadError.set(null);
    try {
      const [session, page] = await Promise.all([
        this.api.sessions.get(this.sessionId()),
        this.api.sinks.list(this.sessionId(), { limit: MAX_SINKS_SHOWN }),
      ]);
      this.session.set(session);
      this.sinks.set(page.items);
    } catch (error) {
      this.loadError.set(errorMessage(error));
    } finally {
      this.loading.set(false);
    }
  }

  protected async create(sink: NewSink): Promise<void> {
    this.saving.set(true);
    try {
      const created = await this.api.sinks.create(this.sessionId(), sink);
      this.sinks.update((sinks) => [...sinks, created]);
      this.adding.set(false);
      this.notifier.success($localize`Message broker added.`);
    } catch {
      // The error interceptor shows the server's message; the form keeps what was typed but the credentials.
    } finally {
      this.saving.set(false);
    }
  }

  protected async toggle(sink: Sink): Promise<void> {
    this.toggling.set(sink.id);
    try {
      const updated = await this.api.sinks.update(sink.id, { enabled: !sink.enabled });
      this.sinks.update((sinks) => sinks.map((item) => (item.id === updated.id ? updated : item)));
      this.notifier.success(
        updated.enabled
          ? $localize`Message broker enabled.`
          : $localize`Message broker disabled: no events are published to it.`,
      );
    } catch {
      // Shown by the error interceptor.
    } finally {
      this.toggling.set(null);
    }
  }

  protected async delete(sink: Sink): Promise<void> {
    if (await this.deletion.delete(sink)) {
      this.sinks.update((sinks) => sinks.filter((item) => item.id !== sink.id));
    }
  }
}
