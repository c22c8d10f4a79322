// One webhook: edit its settings, test it, rotate its secret, delete it, and follow its deliveries.
import { ChangeDetectionStrategy, Component, effect, inject, input, signal, untracked } from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import { Api } from '../core/api';
import type { Session, Webhook, WebhookSettings } from '../core/api-types';
import { Badge } from '../core/badge';
import { Confirm } from '../core/confirm';
import { errorMessage, hasStatus } from '../core/errors';
import { Notifier } from '../core/notifier';
import { SecretReveal } from '../core/secret-reveal';
import { DeliveryLog } from './delivery-log';
import { WebhookDeletion } from './webhook-deletion';
import { ENABLED_LABELS } from './webhook-events';
import { WebhookForm } from './webhook-form';
import { TestButton } from './test-button';

@Component({
  selector: 'wago-webhook-detail',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, Badge, DeliveryLog, SecretReveal, WebhookForm, TestButton],
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
      <a [routerLink]="['/sessions', sessionId(), 'webhooks']" i18n>Webhooks</a>
      <span aria-hidden="true">/</span>
      <span aria-current="page" i18n>Webhook</span>
    </nav>

    @if (loadError(); as loadError) {
      <div class="alert alert--error" role="alert">
        <p>{{ loadError }}</p>
        <a class="button" [routerLink]="['/sessions', sessionId(), 'webhooks']" i18n>Back to webhooks</a>
      </div>
    } @else if (webhook(); as webhook) {
      <header class="page-header">
        <h1 class="mono break">{{ webhook.url }}</h1>
        <wago-badge
          [label]="webhook.enabled ? enabledLabels.enabled : enabledLabels.disabled"
          [tone]="webhook.enabled ? 'success' : 'neutral'"
        />
      </header>

      @if (!webhook.enabled && webhook.disabledReason) {
        <p class="alert alert--warning" i18n>
          WAGO disabled this webhook: {{ webhook.disabledReason }}. Fix the receiver, then enable it again below.
        </p>
      }
      <div class="actions page-actions">
        <wago-test-button [target]="{ kind: 'webhook', id: webhook.id }" />
        <button type="button" class="button" [disabled]="rotating()" (click)="rotateSecret()">
          @if (rotating()) {
            <ng-container i18n>Rotating…</ng-container>
          } @else {
            <ng-container i18n>Rotate secret</ng-container>
          }
        </button>
        <button type="button" class="button button--danger" (click)="delete(webhook)" i18n>Delete</button>
      </div>

      @if (secret(); as newSecret) {
        <wago-secret-reveal
          title="New signing secret"
          i18n-title
          label="Signing secret"
          i18n-label
          hint="The old secret no longer signs deliveries: give this one to the receiver."
          i18n-hint
          [secret]="newSecret"
          (dismissed)="secret.set(null)"
        />
      }

      <section class="card" aria-labelledby="settings-title">
        <h2 id="settings-title" i18n>Settings</h2>
        <wago-webhook-form
          submitLabel="Save changes"
          i18n-submitLabel
          [initial]="webhook"
          [busy]="saving()"
          (save)="save($event)"
        />
      </section>

      <wago-delivery-log [target]="{ kind: 'webhook', id: webhook.id }" />
    } @else {
      <p class="loading" role="status" i18n>Loading the webhook…</p>
    }
  `,
})
export class WebhookDetail {
  private readonly api = inject(Api);
  private readonly confirm = inject(Confirm);
  private readonly notifier = inject(Notifier);
  private readonly router = inject(Router);
  private readonly deletion = inject(WebhookDeletion);

  readonly sessionId = input.required<string>();
  readonly webhookId = input.required<string>();

  protected readonly enabledLabels = ENABLED_LABELS;
  protected readonly session = signal<Session | null>(null);
  protected readonly webhook = signal<Webhook | null>(null);
  protected readonly loadError = signal<string | null>(null);
  protected readonly saving = signal(false);
  protected readonly rotating = signal(false);
  protected readonly secret = signal<string | null>(null);

  constructor() {
    effect(() => {
      const sessionId = this.sessionId();
      const webhookId = this.webhookId();
      untracked(() => void this.load(sessionId, webhookId));
    });
  }

  protected async save(settings: WebhookSettings): Promise<void> {
    this.saving.set(true);
    try {
      this.webhook.set(await this.api.webhooks.update(this.webhookId(), settings));
      this.notifier.success($localize`Webhook saved.`);
    } catch {
      // Shown by the error interceptor; the form keeps the edits.
    } finally {
      this.saving.set(false);
    }
  }

  protected async rotateSecret(): Promise<void> {
    const confirmed = await this.confirm.ask({
      title: $localize`Rotate the signing secret?`,
      message: $localize`WAGO signs deliveries with a new secret from now on. The receiver rejects them until it is given the new secret, which is shown once.`,
      confirmLabel: $localize`Rotate secret`,
      destructive: true,
    });
    if (!confirmed) return;
    this.rotating.set(true);
    try {
      this.secret.set((await this.api.webhooks.rotateSecret(this.webhookId())).secret);
    } catch {
      // Shown by the error interceptor.
    } finally {
      this.rotating.set(false);
    }
  }

  protected async delete(webhook: Webhook): Promise<void> {
    if (await this.deletion.delete(webhook)) await this.router.navigate(['/sessions', this.sessionId(), 'webhooks']);
  }

  private async load(sessionId: string, webhookId: string): Promise<void> {
    this.webhook.set(null);
    this.loadError.set(null);
    this.secret.set(null);
    try {
      const [session, webhook] = await Promise.all([
        this.api.sessions.get(sessionId),
        this.api.webhooks.get(webhookId),
      ]);
      this.session.set(session);
      this.webhook.set(webhook);
    } catch (error) {
      this.loadError.set(
        hasStatus(error, 404)
          ? $localize`This webhook does not exist (any more).`
          : $localize`The webhook could not be loaded: ${errorMessage(error)}:error:`,
      );
    }
  }
}
