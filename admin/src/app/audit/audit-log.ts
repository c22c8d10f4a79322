// Who changed what, when and from where: administrators see everyone's changes, anyone else their own.
import { ChangeDetectionStrategy, Component, OnInit, inject, signal } from '@angular/core';
import { DatePipe, KeyValuePipe } from '@angular/common';
import { NonNullableFormBuilder, ReactiveFormsModule } from '@angular/forms';
import { Api } from '../core/api';
import { AUDIT_ACTIONS, type AuditAction, type AuditQuery, type User } from '../core/api-types';
import { Auth } from '../core/auth';
import { LoadError } from '../core/load-error';
import { PagedList } from '../core/paged-list';
import { Pager } from '../core/pager';
import { AUDIT_ACTION_LABELS, AUDIT_TARGET_LABELS } from './audit-labels';

const PAGE_SIZE = 50;

@Component({
  selector: 'wago-audit-log',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe, KeyValuePipe, ReactiveFormsModule, LoadError, Pager],
  template: `
    <h1 i18n>Audit log</h1>
    <p class="muted">
      @if (auth.isAdmin()) {
        <ng-container i18n>Every change made through the API or the console, by anyone.</ng-container>
      } @else {
        <ng-container i18n>The changes you made, through the API or the console.</ng-container>
      }
    </p>

    <section class="card" aria-labelledby="audit-filters-title">
      <h2 id="audit-filters-title" i18n>Filters</h2>
      <form class="form-grid" [formGroup]="filters" (ngSubmit)="apply()" novalidate>
        <div class="field">
          <label class="field__label" for="audit-action" i18n>Action</label>
          <select id="audit-action" class="input" formControlName="action">
            <option value="" i18n>All actions</option>
            @for (action of actions; track action) {
              <option [value]="action">{{ actionLabels[action] }}</option>
            }
          </select>
        </div>
        @if (auth.isAdmin()) {
          <div class="field">
            <label class="field__label" for="audit-actor" i18n>Who</label>
            <select id="audit-actor" class="input" formControlName="actor">
              <option value="" i18n>Anyone</option>
              @for (user of users(); track user.id) {
                <option [value]="user.id">{{ user.username }}</option>
              }
            </select>
          </div>
        }
        <div class="field">
          <label class="field__label" for="audit-target" i18n>Target id</label>
          <input
            id="audit-target"
            class="input mono"
            formControlName="targetId"
            autocomplete="off"
            spellcheck="false"
            aria-describedby="audit-target-hint"
          />
          <p id="audit-target-hint" class="field__hint" i18n>
            The id of a user, API key, session, webhook, message broker or delivery.
          </p>
        </div>
        <div class="field">
          <label class="field__label" for="audit-since" i18n>From</label>
          <input id="audit-since" class="input" type="datetime-local" formControlName="since" />
        </div>
        <div class="field">
          <label class="field__label" for="audit-until" i18n>Until</label>
          <input id="audit-until" class="input" type="datetime-local" formControlName="until" />
        </div>
        <div class="form-grid__actions">
          <button type="submit" class="button button--primary" i18n>Apply filters</button>
          <button type="button" class="button" (click)="clear()" i18n>Clear</button>
        </div>
      </form>
    </section>

    <section aria-labelledby="audit-entries-title">
      <div class="section-header">
        <h2 id="audit-entries-title" i18n>Entries</h2>
        <button type="button" class="button" [disabled]="list.loading()" (click)="list.load()" i18n>Refresh</button>
      </div>
      @if (list.loading() && !list.page()) {
        <p class="loading" role="status" i18n>Loading the audit log…</p>
      } @else if (list.loadError(); as loadError) {
        <wago-load-error subject="The audit log" i18n-subject [error]="loadError" (retry)="list.load()" />
      } @else if (list.page()?.items?.length === 0) {
        <p class="empty" i18n>No entries match.</p>
      } @else {
        <div class="table-scroll">
          <table class="table table--cards" [attr.aria-busy]="list.loading()">
            <thead>
              <tr>
                <th scope="col" i18n>When</th>
                <th scope="col" i18n>Who</th>
                <th scope="col" i18n>Action</th>
                <th scope="col" i18n>Target</th>
                <th scope="col" i18n>Details</th>
                <th scope="col" i18n="origin of a change|The column saying where a change came from">From</th>
              </tr>
            </thead>
            <tbody>
              @for (entry of list.page()?.items; track entry.id) {
                <tr>
                  <td data-label="When" i18n-data-label>{{ entry.at | date: 'medium' }}</td>
                  <td data-label="Who" i18n-data-label>
                    @if (entry.actor; as actor) {
                      {{ actor.username ?? actor.userId }}
                      @if (actor.apiKeyId) {
                        <span class="muted small" i18n
                          >with API key <span class="mono">{{ actor.apiKeyId }}</span></span
                        >
                      }
                    } @else {
                      <span class="muted" i18n="an unknown person">Unknown</span>
                    }
                  </td>
                  <td data-label="Action" i18n-data-label>
                    {{ actionLabels[entry.action] }}
                    <code class="small">{{ entry.action }}</code>
                  </td>
                  <td data-label="Target" i18n-data-label>
                    {{ targetLabels[entry.targetType] }}
                    @if (entry.targetId) {
                      <span class="mono small">{{ entry.targetId }}</span>
                    }
                  </td>
                  <td data-label="Details" i18n-data-label>
                    @for (field of entry.summary | keyvalue; track field.key) {
                      <div class="small">
                        <span class="muted">{{ field.key }}:</span> {{ describe(field.value) }}
                      </div>
                    } @empty {
                      <span class="muted">—</span>
                    }
                  </td>
                  <td data-label="From" i18n-data-label="origin of a change|The column saying where a change came from">
                    <div>{{ entry.clientAddress ?? '—' }}</div>
                    @if (entry.userAgent) {
                      <div class="muted small">{{ entry.userAgent }}</div>
                    }
                    @if (entry.correlationId) {
                      <div class="muted small" i18n>
                        Request <span class="mono">{{ entry.correlationId }}</span>
                      </div>
                    }
                  </td>
                </tr>
              }
            </tbody>
          </table>
        </div>
        <wago-pager [list]="list" />
      }
    </section>
  `,
})
export class AuditLog implements OnInit {
  private readonly api = inject(Api);
  protected readonly auth = inject(Auth);

  protected readonly actions = AUDIT_ACTIONS;
  protected readonly actionLabels = AUDIT_ACTION_LABELS;
  protected readonly targetLabels = AUDIT_TARGET_LABELS;
  protected readonly users = signal<User[]>([]);
  protected readonly filters = inject(NonNullableFormBuilder).group({
    action: '',
    actor: '',
    targetId: '',
    since: '',
    until: '',
  });
  /** The filters last applied: editing the form changes nothing until they are applied. */
  private readonly applied = signal<AuditQuery>({});
  protected readonly list = new PagedList(PAGE_SIZE, (query) => this.api.audit.list({ ...this.applied(), ...query }));

  ngOnInit(): void {
    void this.list.load();
    if (this.auth.isAdmin()) void this.loadUsers();
  }

  protected async apply(): Promise<void> {
    const { action, actor, targetId, since, until } = this.filters.getRawValue();
    this.applied.set({
      action: AUDIT_ACTIONS.find((known): known is AuditAction => known === action),
      actor: actor || undefined,
      targetId: targetId.trim() || undefined,
      since: since ? new Date(since).toISOString() : undefined,
      until: until ? new Date(until).toISOString() : undefined,
    });
    await this.list.goTo(0);
  }

  protected async clear(): Promise<void> {
    this.filters.reset();
    await this.apply();
  }

  /** A summary value as one line: lists joined, anything nested as JSON. */
  protected describe(value: unknown): string {
    if (value === null) return '—';
    if (Array.isArray(value)) return value.map((item) => this.describe(item)).join(', ');
    return typeof value === 'object' ? JSON.stringify(value) : String(value);
  }

  /** For the "Who" filter: the first page of users is enough to pick from on a gateway's scale. */
  private async loadUsers(): Promise<void> {
    try {
      this.users.set((await this.api.users.list({ limit: 200 })).items);
    } catch {
      // Shown by the error interceptor; the filter then offers "Anyone" only.
    }
  }
}
