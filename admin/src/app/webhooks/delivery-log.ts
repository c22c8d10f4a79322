// A webhook's or message broker's deliveries, newest first, filtered by status; each can show its attempts and be sent again.
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
import { type DeliveryTarget, targetRoutes } from './delivery-target';
import { DELIVERY_LABELS, DELIVERY_TONES } from './webhook-events';

const PAGE_SIZE = 25;

@Component({
  selector: 'wago-delivery-log',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe, Badge, DeliveryAttempts, LoadError, Pager],
  template: `
    <section class="card" aria-labelledby="deliveries-title">
      <div class="section-header">
        <h2 id="deliveries-title" i18n>Deliveries</h2>
        <div class="actions">
          <div class="field field--inline">
            <label class="field__label" for="delivery-status-filter" i18n>Status</label>
            <select #statusSelect id="delivery-status-filter" class="input" (change)="filterBy(statusSelect.value)">
              <option value="" i18n>All statuses</option>
              @for (status of statuses; track status) {
                <option [value]="status" [selected]="status === statusFilter()">{{ labels[status] }}</option>
              }
            </select>
          </div>
          <button type="button" class="button" [disabled]="list.loading()" (click)="list.load()" i18n>Refresh</button>
        </div>
      </div>

      <div class="inline-form redeliver-failed">
        <div class="field">
          <label class="field__label" for="redeliver-since" i18n>Failed deliveries since</label>
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
          @if (redeliveringFailed()) {
            <ng-container i18n>Queuing…</ng-container>
          } @else {
            <ng-container i18n>Redeliver failed</ng-container>
          }
        </button>
      </div>

      @if (list.loading() && !list.page()) {
        <p class="loading" role="status" i18n>Loading deliveries…</p>
      } @else if (list.loadError(); as loadError) {
        <wago-load-error subject="The deliveries" i18n-subject [error]="loadError" (retry)="list.load()" />
      } @else if (list.page()?.items?.length === 0) {
        <p class="empty">
          @if (statusFilter(); as status) {
            <ng-container i18n>No {{ labels[status] }} deliveries.</ng-container>
          } @else if (target().kind === 'sink') {
            <ng-container i18n
              >No deliveries yet: they appear here when the session has events this message broker subscribes
              to.</ng-container
            >
          } @else {
            <ng-container i18n
              >No deliveries yet: they appear here when the session has events this webhook subscribes to.</ng-container
            >
          }
        </p>
      } @else {
        <div class="table-scroll">
          <table class="table table--cards" [attr.aria-busy]="list.loading()">
            <thead>
              <tr>
                <th scope="col" i18n>Event</th>
                <th scope="col" i18n>Status</th>
                <th scope="col" i18n>Attempts</th>
                <th scope="col" i18n>Created</th>
                <th scope="col" i18n>Last attempt</th>
                <th scope="col" i18n>Next attempt</th>
                <th scope="col"><span class="visually-hidden" i18n>Actions</span></th>
              </tr>
            </thead>
            <tbody>
              @for (delivery of list.page()?.items; track delivery.id) {
                <tr>
                  <td data-label="Event" i18n-data-label>
                    <span class="event-ref">
                      <code>{{ delivery.eventType }}</code>
                      <span class="event-ref__id muted mono small">{{ delivery.eventId }}</span>
                    </span>
                  </td>
                  <td data-label="Status" i18n-data-label>
                    <wago-badge [label]="labels[delivery.status]" [tone]="tones[delivery.status]" />
                  </td>
                  <td data-label="Attempts" i18n-data-label>{{ delivery.attemptCount }}</td>
                  <td data-label="Created" i18n-data-label>{{ delivery.createdAt | date: 'medium' }}</td>
                  <td data-label="Last attempt" i18n-data-label>
                    {{ (delivery.lastAttemptAt | date: 'medium') ?? '—' }}
                  </td>
                  <td data-label="Next attempt" i18n-data-label>
                    {{ (delivery.nextAttemptAt | date: 'medium') ?? '—' }}
                  </td>
                  <td data-label="Actions" i18n-data-label class="table__actions">
                    <div class="button-stack">
                      <button
                        type="button"
                        class="button button--small"
                        [attr.aria-expanded]="expanded() === delivery.id"
                        [attr.aria-controls]="'attempts-' + delivery.id"
                        (click)="toggle(delivery)"
                      >
                        @if (expanded() === delivery.id) {
                          <ng-container i18n>Hide attempts</ng-container>
                        } @else {
                          <ng-container i18n>Attempts</ng-container>
                        }
                      </button>
                      <button
                        type="button"
                        class="button button--small"
                        [disabled]="redelivering() === delivery.id"
                        (click)="redeliver(delivery)"
                      >
                        @if (redelivering() === delivery.id) {
                          <ng-container i18n>Queuing…</ng-container>
                        } @else {
                          <ng-container i18n>Redeliver</ng-container>
                        }
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

  readonly target = input.required<DeliveryTarget>();

  protected readonly statuses = DELIVERY_STATUSES;
  protected readonly tones = DELIVERY_TONES;
  protected readonly labels = DELIVERY_LABELS;
  protected readonly statusFilter = signal<DeliveryStatus | ''>('');
  protected readonly list = new PagedList(PAGE_SIZE, (query) =>
    targetRoutes(this.api, this.target()).deliveries({ status: this.statusFilter() || undefined, ...query }),
  );
  protected readonly expanded = signal<string | null>(null);
  protected readonly redelivering = signal<string | null>(null);
  protected readonly redeliveringFailed = signal(false);
  /** As a datetime-local field writes it (local time, to the minute); a day ago to begin with. */
  protected readonly since = signal(toLocalInputValue(new Date(Date.now() - 24 * 60 * 60 * 1000)));

  constructor() {
    effect(() => {
      this.target();
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
      const { count } = await targetRoutes(this.api, this.target()).redeliverFailed({ since: since.toISOString() });
      this.notifier.success(
        count === 0
          ? $localize`No failed delivery to send again.`
          : count === 1
            ? $localize`1 failed delivery is queued to be sent again.`
            : $localize`${count}:count: failed deliveries are queued to be sent again.`,
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
      this.notifier.success($localize`The ${delivery.eventType}:eventType: event is queued to be delivered again.`);
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
