// All sessions with their live status, and the form that creates one.
import { ChangeDetectionStrategy, Component, OnInit, computed, effect, inject, signal, untracked } from '@angular/core';
import { DatePipe } from '@angular/common';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { Router, RouterLink } from '@angular/router';
import { Api } from '../core/api';
import { SESSION_STATUSES, type SessionStatus } from '../core/api-types';
import { formatPhoneNumber } from '../core/format';
import { injectFormSubmission } from '../core/forms';
import { Notifier } from '../core/notifier';
import { LoadError } from '../core/load-error';
import { PagedList } from '../core/paged-list';
import { Pager } from '../core/pager';
import { Realtime } from '../core/realtime';
import { SessionStatusBadge } from './session-status-badge';
import { STATUS_INFO, currentStatus, isStale } from './session-status';

const PAGE_SIZE = 50;

@Component({
  selector: 'wago-session-list',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ReactiveFormsModule, RouterLink, DatePipe, LoadError, Pager, SessionStatusBadge],
  template: `
    <h1 i18n>Sessions</h1>

    <section class="card" aria-labelledby="create-session-title">
      <h2 id="create-session-title" i18n>Create a session</h2>
      <form class="inline-form" [formGroup]="form" (ngSubmit)="create()" novalidate>
        <div class="field">
          <label class="field__label" for="session-name" i18n>Session name</label>
          <input
            id="session-name"
            class="input"
            formControlName="name"
            required
            maxlength="100"
            placeholder="support-line"
            i18n-placeholder="example session name"
            [attr.aria-invalid]="submission.submitted() && form.controls.name.invalid"
            aria-describedby="session-name-hint session-name-error"
          />
          <p id="session-name-hint" class="field__hint" i18n>
            A name for you to recognise it, such as the team or number.
          </p>
          @if (submission.submitted() && form.controls.name.invalid) {
            <p id="session-name-error" class="field__error" i18n>Enter a session name.</p>
          }
        </div>
        <button type="submit" class="button button--primary" [disabled]="creating()">
          @if (creating()) {
            <ng-container i18n>Creating…</ng-container>
          } @else {
            <ng-container i18n>Create session</ng-container>
          }
        </button>
      </form>
    </section>

    <section aria-labelledby="sessions-title">
      <div class="section-header">
        <h2 id="sessions-title" i18n>All sessions</h2>
        <div class="field field--inline">
          <label class="field__label" for="session-status-filter" i18n>Status</label>
          <select #statusSelect id="session-status-filter" class="input" (change)="filterBy(statusSelect.value)">
            <option value="" i18n>All statuses</option>
            @for (status of statuses; track status) {
              <option [value]="status" [selected]="status === statusFilter()">{{ statusInfo[status].label }}</option>
            }
          </select>
        </div>
      </div>

      @if (list.loading() && !list.page()) {
        <p class="loading" role="status" i18n>Loading sessions…</p>
      } @else if (list.loadError(); as loadError) {
        <wago-load-error subject="The sessions" i18n-subject [error]="loadError" (retry)="list.load()" />
      } @else if (rows().length === 0) {
        <div class="empty">
          @if (statusFilter(); as status) {
            <p i18n>No session has the status {{ statusInfo[status].label }}.</p>
          } @else {
            <p class="empty__title" i18n>No sessions yet</p>
            <p i18n>
              A session is one WhatsApp account. Create one above, open it and select Connect, then scan the QR code
              with WhatsApp on the phone (or enter a pairing code instead).
            </p>
          }
        </div>
      } @else {
        <table class="table table--cards" [attr.aria-busy]="list.loading()">
          <thead>
            <tr>
              <th scope="col" i18n>Name</th>
              <th scope="col" i18n>Status</th>
              <th scope="col" i18n>Phone</th>
              <th scope="col" i18n>Push name</th>
              <th scope="col" i18n>Last connected</th>
            </tr>
          </thead>
          <tbody>
            @for (row of rows(); track row.session.id) {
              <tr>
                <td data-label="Name" i18n-data-label>
                  <a [routerLink]="['/sessions', row.session.id]">{{ row.session.name }}</a>
                </td>
                <td data-label="Status" i18n-data-label><wago-session-status-badge [status]="row.status" /></td>
                <td data-label="Phone" i18n-data-label>{{ formatPhoneNumber(row.session.phoneNumber) }}</td>
                <td data-label="Push name" i18n-data-label>{{ row.session.pushName ?? '—' }}</td>
                <td data-label="Last connected" i18n-data-label>
                  @if (row.session.lastConnectedAt; as at) {
                    <time [attr.datetime]="at">{{ at | date: 'medium' }}</time>
                  } @else {
                    <ng-container i18n>Never</ng-container>
                  }
                </td>
              </tr>
            }
          </tbody>
        </table>
        <wago-pager [list]="list" />
      }
    </section>
  `,
})
export class SessionList implements OnInit {
  private readonly api = inject(Api);
  private readonly realtime = inject(Realtime);
  private readonly notifier = inject(Notifier);
  private readonly router = inject(Router);
  /** The live event each session was last reloaded for, so one event causes one reload. */
  private readonly reloadedFor = new Map<string, string>();

  protected readonly statuses = SESSION_STATUSES;
  protected readonly statusInfo = STATUS_INFO;
  protected readonly formatPhoneNumber = formatPhoneNumber;
  protected readonly form = inject(NonNullableFormBuilder).group({ name: ['', Validators.required] });
  protected readonly submission = injectFormSubmission(this.form);
  protected readonly creating = signal(false);
  protected readonly statusFilter = signal<SessionStatus | ''>('');
  protected readonly list = new PagedList(PAGE_SIZE, async (query) => {
    const page = await this.api.sessions.list({ status: this.statusFilter() || undefined, ...query });
    for (const session of page.items) this.realtime.follow(session.id);
    return page;
  });
  protected readonly rows = computed(() => {
    const live = this.realtime.statuses();
    return (this.list.page()?.items ?? []).map((session) => ({
      session,
      status: currentStatus(session, live.get(session.id)),
    }));
  });

  constructor() {
    effect(() => {
      const live = this.realtime.statuses();
      untracked(() => {
        for (const session of this.list.page()?.items ?? []) {
          const event = live.get(session.id);
          if (isStale(session, event) && this.reloadedFor.get(session.id) !== event.at) {
            this.reloadedFor.set(session.id, event.at);
            void this.reloadOne(session.id);
          }
        }
      });
    });
  }

  ngOnInit(): void {
    void this.list.load();
  }

  protected async filterBy(status: string): Promise<void> {
    this.statusFilter.set(SESSION_STATUSES.find((known) => known === status) ?? '');
    await this.list.goTo(0);
  }

  protected async create(): Promise<void> {
    if (!this.submission.accept()) return;
    this.creating.set(true);
    try {
      const session = await this.api.sessions.create({ name: this.form.getRawValue().name.trim() });
      this.notifier.success(
        $localize`Session “${session.name}:name:” created. Select Connect to link a WhatsApp account.`,
      );
      await this.router.navigate(['/sessions', session.id]);
    } catch {
      // The error interceptor shows the server's message; the form keeps what was typed.
    } finally {
      this.creating.set(false);
    }
  }

  private async reloadOne(sessionId: string): Promise<void> {
    try {
      const fresh = await this.api.sessions.get(sessionId);
      this.list.page.update(
        (page) => page && { ...page, items: page.items.map((session) => (session.id === sessionId ? fresh : session)) },
      );
    } catch {
      // Reported by the error interceptor; the row keeps its live status.
    }
  }
}
