// One session: its live status, linking it (QR or pairing code), what WhatsApp reports about it, and its lifecycle.
import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
  viewChildren,
} from '@angular/core';
import { DatePipe } from '@angular/common';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { Router, RouterLink } from '@angular/router';
import { Api } from '../core/api';
import type { Session, SessionQr } from '../core/api-types';
import { Confirm } from '../core/confirm';
import { errorMessage, hasStatus } from '../core/errors';
import { formatPhoneNumber } from '../core/format';
import { Notifier } from '../core/notifier';
import { Realtime } from '../core/realtime';
import { SessionChats } from '../chats/session-chats';
import { SessionGroups } from '../groups/session-groups';
import { CallSettings } from './call-settings';
import { EventTail } from './event-tail';
import { LinkDevice } from './link-device';
import { SessionStatusBadge } from './session-status-badge';
import { STATUS_INFO, canLogOut, canStart, canStop, currentStatus, isStale, showsLinking } from './session-status';

type SessionAction = 'start' | 'stop' | 'logout' | 'delete' | 'rename';

const TABS = [
  { id: 'details', label: $localize`Details` },
  { id: 'chats', label: $localize`Chats` },
  { id: 'groups', label: $localize`Groups` },
  { id: 'events', label: $localize`Live events` },
] as const;

type SessionTab = (typeof TABS)[number]['id'];

@Component({
  selector: 'wago-session-detail',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    DatePipe,
    ReactiveFormsModule,
    RouterLink,
    CallSettings,
    EventTail,
    LinkDevice,
    SessionChats,
    SessionGroups,
    SessionStatusBadge,
  ],
  template: `
    <nav class="breadcrumb" aria-label="Breadcrumb" i18n-aria-label>
      <a routerLink="/sessions" i18n>Sessions</a>
      <span aria-hidden="true">/</span>
      <span aria-current="page">
        @if (session(); as session) {
          {{ session.name }}
        } @else {
          <ng-container i18n>Session</ng-container>
        }
      </span>
    </nav>

    @if (loadError(); as loadError) {
      <div class="alert alert--error" role="alert">
        <p>{{ loadError }}</p>
        <a class="button" routerLink="/sessions" i18n>Back to sessions</a>
      </div>
    } @else if (session(); as session) {
      <header class="page-header">
        @if (renaming()) {
          <form class="inline-form" [formGroup]="renameForm" (ngSubmit)="rename()" novalidate>
            <div class="field">
              <label class="field__label" for="rename-session" i18n>Session name</label>
              <input id="rename-session" class="input" formControlName="name" required maxlength="100" />
            </div>
            <button type="submit" class="button button--primary" [disabled]="busy() === 'rename'" i18n>Save</button>
            <button type="button" class="button" (click)="renaming.set(false)" i18n>Cancel</button>
          </form>
        } @else {
          <h1>{{ session.name }}</h1>
          <button type="button" class="button button--small" (click)="startRenaming(session)" i18n>Rename</button>
        }
      </header>

      <section class="card status-panel" aria-labelledby="status-title">
        <h2 id="status-title" class="visually-hidden" i18n>Status</h2>
        <div class="status-panel__line" aria-live="polite">
          <wago-session-status-badge [status]="status()" />
          <span>{{ statusInfo().description }}</span>
        </div>
        @if (liveReason(); as reason) {
          <p class="muted" i18n>Reason: {{ reason }}</p>
        }
        @if (status() === 'qr_timeout') {
          <p class="alert alert--warning" role="alert" i18n>
            Nobody scanned the QR code in time, so WhatsApp stopped offering new ones. Select Connect to start again.
          </p>
        }
        @if (subscribeError(); as subscribeError) {
          <p class="alert alert--warning" i18n>Live updates are unavailable for this session: {{ subscribeError }}</p>
        }
        <div class="actions">
          @if (canStart()) {
            <button type="button" class="button button--primary" [disabled]="busy() !== null" (click)="start()">
              @if (busy() === 'start') {
                <ng-container i18n>Connecting…</ng-container>
              } @else {
                <ng-container i18n>Connect</ng-container>
              }
            </button>
          }
          @if (canStop()) {
            <button type="button" class="button" [disabled]="busy() !== null" (click)="stop(session)">
              @if (busy() === 'stop') {
                <ng-container i18n>Stopping…</ng-container>
              } @else {
                <ng-container i18n>Stop</ng-container>
              }
            </button>
          }
          @if (canLogOut()) {
            <button type="button" class="button" [disabled]="busy() !== null" (click)="logOut(session)">
              @if (busy() === 'logout') {
                <ng-container i18n>Logging out…</ng-container>
              } @else {
                <ng-container i18n>Log out</ng-container>
              }
            </button>
          }
          <a class="button" [routerLink]="['/sessions', session.id, 'webhooks']" i18n>Webhooks</a>
          <a class="button" [routerLink]="['/sessions', session.id, 'sinks']" i18n>Message brokers</a>
          <button type="button" class="button button--danger" [disabled]="busy() !== null" (click)="delete(session)">
            @if (busy() === 'delete') {
              <ng-container i18n>Deleting…</ng-container>
            } @else {
              <ng-container i18n>Delete</ng-container>
            }
          </button>
        </div>
      </section>

      @if (linking()) {
        <wago-link-device [sessionId]="session.id" [status]="status()" [qr]="qr()" />
      }

      <div class="tabs" role="tablist" aria-label="Session views" i18n-aria-label>
        @for (tab of tabs; track tab.id) {
          <button
            #tabButton
            type="button"
            role="tab"
            class="tabs__tab"
            [id]="'session-tab-' + tab.id"
            [attr.aria-selected]="selectedTab() === tab.id"
            [attr.aria-controls]="'session-panel-' + tab.id"
            [tabIndex]="selectedTab() === tab.id ? 0 : -1"
            (click)="selectTab(tab.id)"
            (keydown)="moveBetweenTabs($event)"
          >
            {{ tab.label }}
          </button>
        }
      </div>

      <div
        id="session-panel-details"
        role="tabpanel"
        class="tabs__panel"
        aria-labelledby="session-tab-details"
        [hidden]="selectedTab() !== 'details'"
      >
        <section class="card" aria-labelledby="details-title">
          <h2 id="details-title" i18n>Details</h2>
          <dl class="details">
            <div>
              <dt i18n>Phone</dt>
              <dd>{{ formatPhoneNumber(session.phoneNumber) }}</dd>
            </div>
            <div>
              <dt i18n>Push name</dt>
              <dd>{{ session.pushName ?? '—' }}</dd>
            </div>
            <div>
              <dt>JID</dt>
              <dd class="mono">{{ session.jid ?? '—' }}</dd>
            </div>
            <div>
              <dt>LID</dt>
              <dd class="mono">{{ session.lid ?? '—' }}</dd>
            </div>
            <div>
              <dt i18n>Device</dt>
              <dd>
                @if (session.device; as device) {
                  {{ device.platform ?? unknownPlatform }} · {{ device.browser ?? unknownBrowser }}
                  @if (device.deviceId !== null) {
                    · <ng-container i18n>device {{ device.deviceId }}</ng-container>
                  }
                } @else {
                  —
                }
              </dd>
            </div>
            <div>
              <dt i18n>Last connected</dt>
              <dd>
                @if (session.lastConnectedAt; as at) {
                  <time [attr.datetime]="at">{{ at | date: 'medium' }}</time>
                } @else {
                  <ng-container i18n>Never</ng-container>
                }
              </dd>
            </div>
            <div>
              <dt i18n>Last disconnect</dt>
              <dd>
                @if (session.lastDisconnect; as disconnect) {
                  @if (disconnect.code !== null) {
                    <ng-container i18n
                      >{{ disconnect.reason }} (code {{ disconnect.code }}) at
                      <time [attr.datetime]="disconnect.at">{{ disconnect.at | date: 'medium' }}</time></ng-container
                    >
                  } @else {
                    <ng-container i18n
                      >{{ disconnect.reason }} at
                      <time [attr.datetime]="disconnect.at">{{ disconnect.at | date: 'medium' }}</time></ng-container
                    >
                  }
                } @else {
                  —
                }
              </dd>
            </div>
            <div>
              <dt i18n>Created</dt>
              <dd>
                <time [attr.datetime]="session.createdAt">{{ session.createdAt | date: 'medium' }}</time>
              </dd>
            </div>
            <div>
              <dt i18n>Session ID</dt>
              <dd class="mono">{{ session.id }}</dd>
            </div>
          </dl>
        </section>

        <wago-call-settings [sessionId]="session.id" [settings]="session.settings" (saved)="settingsSaved($event)" />
      </div>
      <div
        id="session-panel-chats"
        role="tabpanel"
        class="tabs__panel"
        aria-labelledby="session-tab-chats"
        [hidden]="selectedTab() !== 'chats'"
      >
        @if (openedTabs().has('chats')) {
          <wago-session-chats [sessionId]="session.id" />
        }
      </div>
      <div
        id="session-panel-groups"
        role="tabpanel"
        class="tabs__panel"
        aria-labelledby="session-tab-groups"
        [hidden]="selectedTab() !== 'groups'"
      >
        @if (openedTabs().has('groups')) {
          <wago-session-groups [sessionId]="session.id" />
        }
      </div>
      <div
        id="session-panel-events"
        role="tabpanel"
        class="tabs__panel"
        aria-labelledby="session-tab-events"
        [hidden]="selectedTab() !== 'events'"
      >
        @if (openedTabs().has('events')) {
          <wago-event-tail [sessionId]="session.id" />
        }
      </div>
    } @else {
      <p class="loading" role="status" i18n>Loading the session…</p>
    }
  `,
})
export class SessionDetail {
  private readonly api = inject(Api);
  private readonly realtime = inject(Realtime);
  private readonly confirm = inject(Confirm);
  private readonly notifier = inject(Notifier);
  private readonly router = inject(Router);

  readonly sessionId = input.required<string>();

  protected readonly formatPhoneNumber = formatPhoneNumber;
  protected readonly unknownPlatform = $localize`Unknown platform`;
  protected readonly unknownBrowser = $localize`unknown browser`;
  protected readonly session = signal<Session | null>(null);
  protected readonly loadError = signal<string | null>(null);
  protected readonly busy = signal<SessionAction | null>(null);
  protected readonly renaming = signal(false);
  protected readonly renameForm = inject(NonNullableFormBuilder).group({ name: ['', Validators.required] });
  protected readonly tabs = TABS;
  protected readonly selectedTab = signal<SessionTab>('details');
  /** Tabs opened since the session was loaded: they keep their state (an open chat, a search) when left. */
  protected readonly openedTabs = signal<ReadonlySet<SessionTab>>(new Set(['details']));
  private readonly tabButtons = viewChildren<ElementRef<HTMLButtonElement>>('tabButton');
  /** Fetched when the page opens on a QR code the socket has not sent (yet). */
  private readonly fetchedQr = signal<SessionQr | null>(null);

  private readonly liveEvent = computed(() => this.realtime.statuses().get(this.sessionId()));
  protected readonly status = computed(() => {
    const session = this.session();
    return session ? currentStatus(session, this.liveEvent()) : 'created';
  });
  protected readonly statusInfo = computed(() => STATUS_INFO[this.status()]);
  protected readonly liveReason = computed(() => {
    const event = this.liveEvent();
    return event?.status === this.status() ? event.reason : null;
  });
  protected readonly canStart = computed(() => canStart(this.status()));
  protected readonly canStop = computed(() => canStop(this.status()));
  protected readonly canLogOut = computed(() => {
    const session = this.session();
    return session !== null && canLogOut(session, this.status());
  });
  protected readonly linking = computed(() => {
    const session = this.session();
    return session !== null && showsLinking(session, this.status());
  });
  protected readonly qr = computed(() => {
    if (this.status() !== 'qr') return undefined;
    return this.realtime.qrCodes().get(this.sessionId()) ?? this.fetchedQr() ?? undefined;
  });
  protected readonly subscribeError = computed(() => this.realtime.subscribeErrors().get(this.sessionId()));

  constructor() {
    effect(() => {
      const sessionId = this.sessionId();
      untracked(() => void this.load(sessionId));
    });
    // A status change brings new facts (phone, JID, last disconnect): reload them.
    effect(() => {
      const event = this.liveEvent();
      const session = untracked(() => this.session());
      if (session && isStale(session, event)) untracked(() => void this.reload(session.id));
    });
    effect(() => {
      if (this.status() === 'qr' && !this.realtime.qrCodes().has(this.sessionId())) {
        const sessionId = this.sessionId();
        untracked(() => void this.fetchQr(sessionId));
      }
    });
  }

  protected selectTab(tab: SessionTab): void {
    this.selectedTab.set(tab);
    this.openedTabs.update((opened) => (opened.has(tab) ? opened : new Set([...opened, tab])));
  }

  /** The tab pattern's keys: arrows move to the previous or next tab (wrapping), Home and End to the first and last. */
  protected moveBetweenTabs(event: KeyboardEvent): void {
    const current = TABS.findIndex((tab) => tab.id === this.selectedTab());
    const targets: Partial<Record<string, number>> = {
      ArrowLeft: (current - 1 + TABS.length) % TABS.length,
      ArrowRight: (current + 1) % TABS.length,
      Home: 0,
      End: TABS.length - 1,
    };
    const target = targets[event.key];
    if (target === undefined) return;
    event.preventDefault();
    this.selectTab(TABS[target].id);
    this.tabButtons()[target]?.nativeElement.focus();
  }

  protected settingsSaved(session: Session): void {
    this.session.set(session);
  }

  protected startRenaming(session: Session): void {
    this.renameForm.setValue({ name: session.name });
    this.renaming.set(true);
  }

  protected async rename(): Promise<void> {
    const name = this.renameForm.getRawValue().name.trim();
    if (!name) return;
    await this.act('rename', async () => {
      this.session.set(await this.api.sessions.update(this.sessionId(), { name }));
      this.renaming.set(false);
      this.notifier.success($localize`Session renamed.`);
    });
  }

  protected async start(): Promise<void> {
    await this.act('start', async () => {
      this.session.set(await this.api.sessions.start(this.sessionId()));
    });
  }

  protected async stop(session: Session): Promise<void> {
    const confirmed = await this.confirm.ask({
      title: $localize`Stop “${session.name}:name:”?`,
      message: $localize`Stopping disconnects this session from WhatsApp: no messages come in or go out until it is connected again. The account stays linked, so Connect resumes it without a new QR code.`,
      confirmLabel: $localize`Stop session`,
    });
    if (!confirmed) return;
    await this.act('stop', async () => {
      this.session.set(await this.api.sessions.stop(session.id));
      this.notifier.success($localize`Session stopped.`);
    });
  }

  protected async logOut(session: Session): Promise<void> {
    const confirmed = await this.confirm.ask({
      title: $localize`Log out “${session.name}:name:”?`,
      message: $localize`Logging out unlinks WAGO from this WhatsApp account (it disappears from Linked devices on the phone). Connecting again needs a new QR code or pairing code. Webhooks and history are kept.`,
      confirmLabel: $localize`Log out`,
      destructive: true,
    });
    if (!confirmed) return;
    await this.act('logout', async () => {
      this.session.set(await this.api.sessions.logout(session.id));
      this.notifier.success($localize`Session logged out.`);
    });
  }

  protected async delete(session: Session): Promise<void> {
    const confirmed = await this.confirm.ask({
      title: $localize`Delete “${session.name}:name:”?`,
      message: $localize`Deleting logs the session out of WhatsApp and permanently removes it with its webhooks and delivery history. This cannot be undone.`,
      confirmLabel: $localize`Delete session`,
      destructive: true,
    });
    if (!confirmed) return;
    await this.act('delete', async () => {
      await this.api.sessions.delete(session.id);
      this.realtime.forget(session.id);
      this.notifier.success($localize`Session “${session.name}:name:” deleted.`);
      await this.router.navigate(['/sessions']);
    });
  }

  private async load(sessionId: string): Promise<void> {
    this.session.set(null);
    this.loadError.set(null);
    this.fetchedQr.set(null);
    this.renaming.set(false);
    this.selectedTab.set('details');
    this.openedTabs.set(new Set(['details']));
    try {
      this.session.set(await this.api.sessions.get(sessionId));
      this.realtime.follow(sessionId);
    } catch (error) {
      this.loadError.set(
        hasStatus(error, 404)
          ? $localize`This session does not exist (any more).`
          : $localize`The session could not be loaded: ${errorMessage(error)}:error:`,
      );
    }
  }

  private async reload(sessionId: string): Promise<void> {
    try {
      const fresh = await this.api.sessions.get(sessionId);
      if (fresh.id === this.sessionId()) this.session.set(fresh);
    } catch {
      // Reported by the error interceptor; the page keeps the live status.
    }
  }

  private async fetchQr(sessionId: string): Promise<void> {
    try {
      const qr = await this.api.sessions.qr(sessionId);
      if (sessionId === this.sessionId()) this.fetchedQr.set(qr);
    } catch {
      // 409: no QR code right now; the socket sends the next one.
    }
  }

  /** One lifecycle action at a time; failures are shown by the error interceptor. */
  private async act(action: SessionAction, run: () => Promise<void>): Promise<void> {
    this.busy.set(action);
    try {
      await run();
    } catch {
      // Shown by the error interceptor.
    } finally {
      this.busy.set(null);
    }
  }
}
