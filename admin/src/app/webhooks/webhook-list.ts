// The webhooks of one session: where its events go, adding one (its secret shown once), and quick actions.
import { ChangeDetectionStrategy, Component, effect, inject, input, signal, untracked } from '@angular/core';
import { RouterLink } from '@angular/router';
import { Api } from '../core/api';
import type { CreatedWebhook, Session, Webhook, WebhookSettings } from '../core/api-types';
import { Badge } from '../core/badge';
import { errorMessage } from '../core/errors';
import { LoadError } from '../core/load-error';
import { Notifier } from '../core/notifier';
import { SecretReveal } from '../core/secret-reveal';
import { WebhookDeletion } from './webhook-deletion';
import { ENABLED_LABELS, GROUP_POLICY_LABELS } from './webhook-events';
import { WebhookForm } from './webhook-form';
import { TestButton } from './test-button';

/** The server's largest page: a session has a handful of webhooks, so one page holds them all. */
const MAX_WEBHOOKS_SHOWN = 200;

@Component({
  selector: 'wago-webhook-list',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, Badge, LoadError, SecretReveal, WebhookForm, TestButton],
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
      <span aria-current="page" i18n>Webhooks</span>
    </nav>
    <header class="page-header">
      <h1 i18n>Webhooks</h1>
      @if (!adding() && !created()) {
        <button type="button" class="button button--primary" (click)="adding.set(true)" i18n>Add webhook</button>
      }
    </header>
    <p class="muted" i18n>
      WAGO POSTs this session's events to each enabled webhook, signed with the webhook's secret.
    </p>

    @if (adding()) {
      <section class="card" aria-labelledby="add-webhook-title">
        <h2 id="add-webhook-title" i18n>Add a webhook</h2>
        <wago-webhook-form
          submitLabel="Add webhook"
          i18n-submitLabel
          [busy]="saving()"
          (save)="create($event)"
          (cancel)="adding.set(false)"
        />
      </section>
    }

    @if (created(); as newWebhook) {
      <wago-secret-reveal
        title="Webhook added"
        i18n-title
        label="Signing secret"
        i18n-label
        hint="Receivers use this secret to check that a request really comes from WAGO."
        i18n-hint
        [secret]="newWebhook.secret"
        (dismissed)="created.set(null)"
      />
    }

    @if (loading()) {
      <p class="loading" role="status" i18n>Loading webhooks…</p>
    } @else if (loadError(); as loadError) {
      <wago-load-error subject="The webhooks" i18n-subject [error]="loadError" (retry)="load()" />
    } @else if (webhooks().length === 0) {
      <div class="empty">
        <p class="empty__title" i18n>No webhooks yet</p>
        <p i18n>Add one to receive this session's messages and status changes at your own URL.</p>
      </div>
    } @else {
      <ul class="stack" aria-label="Webhooks" i18n-aria-label>
        @for (webhook of webhooks(); track webhook.id) {
          <li class="card webhook">
            <div class="webhook__head">
              <a class="webhook__url mono" [routerLink]="[webhook.id]">{{ webhook.url }}</a>
              <wago-badge
                [label]="webhook.enabled ? enabledLabels.enabled : enabledLabels.disabled"
                [tone]="webhook.enabled ? 'success' : 'neutral'"
              />
            </div>
            <p class="muted" i18n>
              Events: {{ webhook.events.join(', ') }} · Group messages: {{ groupPolicyLabels[webhook.groupPolicy] }}
            </p>
            @if (!webhook.enabled && webhook.disabledReason) {
              <p class="alert alert--warning" i18n>WAGO disabled this webhook: {{ webhook.disabledReason }}</p>
            }
            <div class="actions">
              <wago-test-button [target]="{ kind: 'webhook', id: webhook.id }" />
              <button type="button" class="button" [disabled]="toggling() === webhook.id" (click)="toggle(webhook)">
                @if (webhook.enabled) {
                  <ng-container i18n>Disable</ng-container>
                } @else {
                  <ng-container i18n>Enable</ng-container>
                }
              </button>
              <a class="button" [routerLink]="[webhook.id]" i18n>Edit and deliveries</a>
              <button type="button" class="button button--danger" (click)="delete(webhook)" i18n>Delete</button>
            </div>
          </li>
        }
      </ul>
    }
  `,
})
export class WebhookList {
  private readonly api = inject(Api);
  private readonly deletion = inject(WebhookDeletion);
  private readonly notifier = inject(Notifier);

  readonly sessionId = input.required<string>();

  protected readonly groupPolicyLabels = GROUP_POLICY_LABELS;
  protected readonly enabledLabels = ENABLED_LABELS;
  protected readonly session = signal<Session | null>(null);
  protected readonly webhooks = signal<Webhook[]>([]);
  protected readonly loading = signal(true);
  protected readonly loadError = signal<string | null>(null);
  protected readonly adding = signal(false);
  protected readonly saving = signal(false);
  protected readonly toggling = signal<string | null>(null);
  protected readonly created = signal<CreatedWebhook | null>(null);

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
        this.api.webhooks.list(this.sessionId(), { limit: MAX_WEBHOOKS_SHOWN }),
      ]);
      this.session.set(session);
      this.webhooks.set(page.items);
    } catch (error) {
      this.loadError.set(errorMessage(error));
    } finally {
      this.loading.set(false);
    }
  }

  protected async create(settings: WebhookSettings): Promise<void> {
    this.saving.set(true);
    try {
      const created = await this.api.webhooks.create(this.sessionId(), settings);
      const { secret: _secret, ...webhook } = created;
      this.webhooks.update((webhooks) => [...webhooks, webhook]);
      this.created.set(created);
      this.adding.set(false);
    } catch {
      // The error interceptor shows the server's message; the form keeps what was typed.
    } finally {
      this.saving.set(false);
    }
  }

  protected async toggle(webhook: Webhook): Promise<void> {
    this.toggling.set(webhook.id);
    try {
      const updated = await this.api.webhooks.update(webhook.id, { enabled: !webhook.enabled });
      this.webhooks.update((webhooks) => webhooks.map((item) => (item.id === updated.id ? updated : item)));
      this.notifier.success(
        updated.enabled ? $localize`Webhook enabled.` : $localize`Webhook disabled: no events are sent to it.`,
      );
    } catch {
      // Shown by the error interceptor.
    } finally {
      this.toggling.set(null);
    }
  }

  protected async delete(webhook: Webhook): Promise<void> {
    if (await this.deletion.delete(webhook)) {
      this.webhooks.update((webhooks) => webhooks.filter((item) => item.id !== webhook.id));
    }
  }
}
