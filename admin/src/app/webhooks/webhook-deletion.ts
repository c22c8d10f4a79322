// Deleting a webhook, from its session's list or its own page: asked first, because its delivery history goes too.
import { Injectable, inject } from '@angular/core';
import { Api } from '../core/api';
import type { Webhook } from '../core/api-types';
import { Confirm } from '../core/confirm';
import { Notifier } from '../core/notifier';

@Injectable({ providedIn: 'root' })
export class WebhookDeletion {
  private readonly api = inject(Api);
  private readonly confirm = inject(Confirm);
  private readonly notifier = inject(Notifier);

  /** Answers whether the webhook is gone: not when the user says no, nor when the server refuses (shown by the error interceptor). */
  async delete(webhook: Webhook): Promise<boolean> {
    const confirmed = await this.confirm.ask({
      title: $localize`Delete this webhook?`,
      message: $localize`Events stop going to ${webhook.url}:url:, and its delivery history is deleted. This cannot be undone.`,
      confirmLabel: $localize`Delete webhook`,
      destructive: true,
    });
    if (!confirmed) return false;
    try {
      await this.api.webhooks.delete(webhook.id);
    } catch {
      return false;
    }
    this.notifier.success($localize`Webhook deleted.`);
    return true;
  }
}
