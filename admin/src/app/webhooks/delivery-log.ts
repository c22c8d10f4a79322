// A webhook's deliveries, newest first, filtered by status; each can show its attempts and be sent again.
import { ChangeDetectionStrategy, Component, effect, inject, input, signal, untracked } from '@angular/core';
import { DatePipe } from '@angular/common';
import { Api } from '../core/api';
import { DELIVERY_STATUSES, type Delivery, type DeliveryStatus } from '../core/api-types';
import { Badge } from '../core/badge';
import { Notifier } from '../core/notifier';
import { LoadError } from '../core/load-error';
import { PagedList } from '../core/paged-list';
import { Pager } from '../core/pager';
import { DeliveryAttempts } from './delivery-attempts';
import { DELIVERY_TONES } from './webhook-events';

const PAGE_SIZE = 25;

@Component({
  selector: 'wago-delivery-log',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe, Badge, DeliveryAttempts, LoadError, Pager],
  template: `
    <section class="card" aria-labelledby="deliveries-title">
      <div class="section-header">
        <h2 id="deliveries-title">Deliveries</h2>
        <div class="actions">
          <div class="field field--inline">
            <label class="field__label" for="delivery-status-filter">Status</label>
            <select #statusSelect id="delivery-status-filter" class="input" (change)="filterBy(statusSelect.value)">
              <option value="">All statuses</option>
              @for (status of statuses; track status) {
                <option [value]="status" [selected]="status === statusFilter()">{{ status }}</option>
              }
            </select>
          </div>
          <button type="button" class="button" [disabled]="list.loading()" (click)="list.load()">Refresh</button>
        </div>
      </div>

      <div class="inline-form redeliver-failed">
        <div class="field">
          <label class="field__label" for="redeliver-since">Failed deliveries since</label>
          <input
            #sinceField
            id="redeliver-since"
            class="input"
            type="datetime-local"
            [value]="since()"
            (input)="since.set(sinceField.value)"
          />
        </div>
        <button type="button" class="button" [disabled]="redeliveringFailed() || !since()" (click)="redeliverFailed()">
          {{ redeliveringFailed() ? 'Queuing…' : 'Redeliver failed' }}
        </button>
      </div>

      @if (list.loading() && !list.page()) {
        <p class="loading" role="status">Loading deliveries…</p>
      } @else if (list.loadError(); as loadError) {
        <wago-load-error subject="The deliveries" [error]="loadError" (retry)="list.load()" />
      } @else if (list.page()?.items?.length === 0) {
        <p class="empty">
          @if (statusFilter()) {
            No {{ statusFilter() }} deliveries.
          } @else {
            No deliveries yet: they appear here when the session has events this webhook subscribes to.
          }
        </p>
      } @else {
        <div class="table-scroll">
          <table class="table table--cards" [attr.aria-busy]="list.loading()">
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
                <th scope="col">Created</th>
                <th scope="col">Last attempt</th>
                <th scope="col">Next attempt</th>
                <th scope="col"><span class="visually-hidden">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              @for (delivery of list.page()?.items; track delivery.id) {
                <tr>
                  <td data-label="Event">
                    <span class="event-ref">
                      <code>{{ delivery.eventType }}</code>
                      <span class="event-ref__id muted mono small">{{ delivery.eventId }}</span>
                    </span>
                  </td>
                  <td data-label="Status"><wago-badge [label]="delivery.status" [tone]="tones[delivery.status]" /></td>
                  <td data-label="Attempts">{{ delivery.attemptCount }}</td>
                  <td data-label="Created">{{ delivery.createdAt | date: 'medium' }}</td>
                  <td data-label="Last attempt">{{ (delivery.lastAttemptAt | date: 'medium') ?? '—' }}</td>
                  <td data-label="Next attempt">{{ (delivery.nextAttemptAt | date: 'medium') ?? '—' }}</td>
                  <td data-label="Actions" class="table__actions">
                    <div class="button-stack">
                      <button
                        type="button"
                        class="button button--small"
                        [attr.aria-expanded]="expanded() === delivery.id"
                        [attr.aria-controls]="'attempts-' + delivery.id"
                        (click)="toggle(delivery)"
                      >
                        {{ expanded() === delivery.id ? 'Hide attempts' : 'Attempts' }}
                      </button>
                      <button
                        type="button"
                        class="button button--small"
                        [disabled]="redelivering() === delivery.id"
                        (click)="redeliver(delivery)"
                      >
                        {{ redelivering() === delivery.id ? 'Queuing…' : 'Redeliver' }}
                      </button>
                    </div>
                  </td>
                </tr>
                @if (expanded() === delivery.id) {
                  <tr class="table__expanded">
                    <td colspan="7" [id]="'attempts-' + delivery.id">
                      <wago-delivery-attempts [deliveryId]="delivery.id" />
                    </td>
                  </tr>
                }
              }
            </tbody>
          </table>
        </div>
        <wago-pager [list]="list" />
      }
    </section>
  `,
})
export class DeliveryLog {
  private readonly api = inject(Api);
  private readonly notifier = inject(Notifier);

  readonly webhookId = input.required<string>();

  protected readonly statuses = DELIVERY_STATUSES;
  protected readonly tones = DELIVERY_TONES;
  protected readonly statusFilter = signal<DeliveryStatus | ''>('');
  protected readonly list = new PagedList(PAGE_SIZE, (query) =>
    this.api.webhooks.deliveries(this.webhookId(), { status: this.statusFilter() || undefined, ...query }),
  );
  protected readonly expanded = signal<string | null>(null);
  protected readonly redelivering = signal<string | null>(null);
  protected readonly redeliveringFailed = signal(false);
  /** As a datetime-local field writes it (local time, to the minute); a day ago to begin with. */
  protected readonly since = signal(toLocalInputValue(new Date(Date.now() - 24 * 60 * 60 * 1000)));

  constructor() {
    effect(() => {
      this.webhookId();
      untracked(() => void this.list.load());
    });
  }

  protected async filterBy(status: string): Promise<void> {
    this.statusFilter.set(DELIVERY_STATUSES.find((known) => known === status) ?? '');
    await this.list.goTo(0);
  }

  protected toggle(delivery: Delivery): void {
    this.expanded.update((expanded) => (expanded === delivery.id ? null : delivery.id));
  }

  protected async redeliverFailed(): Promise<void> {
    const since = new Date(this.since());
    if (Number.isNaN(since.getTime())) return;
    this.redeliveringFailed.set(true);
    try {
      const { count } = await this.api.webhooks.redeliverFailed(this.webhookId(), { since: since.toISOString() });
      this.notifier.success(
        count === 0 ? 'No failed delivery to send again.' : `${count} failed deliveries are queued to be sent again.`,
      );
      await this.list.load();
    } catch {
      // Shown by the error interceptor.
    } finally {
      this.redeliveringFailed.set(false);
    }
  }

  protected async redeliver(delivery: Delivery): Promise<void> {
    this.redelivering.set(delivery.id);
    try {
      await this.api.deliveries.redeliver(delivery.id);
      this.notifier.success(`The ${delivery.eventType} event is queued to be delivered again.`);
      await this.list.load();
    } catch {
      // Shown by the error interceptor.
    } finally {
      this.redelivering.set(null);
    }
  }
}

function toLocalInputValue(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}`
  );
}
