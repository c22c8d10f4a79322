// Deleting a message-broker sink, from its session's list or its own page: asked first, as its delivery log goes too.
import { Injectable, inject } from '@angular/core';
import { Api } from '../core/api';
import type { Sink } from '../core/api-types';
import { Confirm } from '../core/confirm';
import { Notifier } from '../core/notifier';

@Injectable({ providedIn: 'root' })
export class SinkDeletion {
  private readonly api = inject(Api);
  private readonly confirm = inject(Confirm);
  private readonly notifier = inject(Notifier);

  /** Answers whether the sink is gone: not when the user says no, nor when the server refuses (shown by the error interceptor). */
  async delete(sink: Sink): Promise<boolean> {
    const confirmed = await this.confirm.ask({
      title: $localize`Delete this message broker?`,
      message: $localize`Events stop going to ${sink.url}:url:, its stored credentials are erased, and its delivery history is deleted. This cannot be undone.`,
      confirmLabel: $localize`Delete message broker`,
      destructive: true,
    });
    if (!confirmed) return false;
    try {
      await this.api.sinks.delete(sink.id);
    } catch {
      return false;
    }
    this.notifier.success($localize`Message broker deleted.`);
    return true;
  }
}
