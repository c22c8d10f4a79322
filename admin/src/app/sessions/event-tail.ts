// A session's live event tail: the last events WAGO published for it (session.event), newest first, pausable.
import { DatePipe, JsonPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, DestroyRef, effect, inject, input, signal } from '@angular/core';
import type { SessionEvent } from '../core/api-types';
import { Realtime } from '../core/realtime';

/** How many events the tail keeps; older ones drop off the end. */
export const TAIL_LENGTH = 100;

@Component({
  selector: 'wago-event-tail',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe, JsonPipe],
  template: `
    <section class="card event-tail" aria-labelledby="event-tail-title">
      <div class="page-header">
        <h2 id="event-tail-title" i18n>Live events</h2>
        <button type="button" class="button button--small" [attr.aria-pressed]="paused()" (click)="toggle()">
          @if (paused()) {
            <ng-container i18n>Resume</ng-container>
          } @else {
            <ng-container i18n>Pause</ng-container>
          }
        </button>
      </div>
      <p class="muted" role="status">
        @if (paused()) {
          <ng-container i18n>{held().length, plural,
            =1 {Paused: 1 new event waiting.}
            other {Paused: {{ held().length }} new events waiting.}
          }</ng-container>
        } @else {
          <ng-container i18n
            >Showing the last {{ shown().length }} of up to {{ tailLength }} events as they happen.</ng-container
          >
        }
      </p>
      @if (shown().length === 0) {
        <p class="muted" i18n>No events since this page opened. They appear here as WAGO publishes them.</p>
      } @else {
        <ol class="event-tail__list" aria-label="Events, newest first" i18n-aria-label>
          @for (event of shown(); track event.id + $index) {
            <li class="event-tail__item" [attr.data-type]="event.type">
              <details>
                <summary class="event-tail__line">
                  <span class="mono">{{ event.type }}</span>
                  <time [attr.datetime]="event.timestamp">{{ event.timestamp | date: 'mediumTime' }}</time>
                  <span class="event-tail__summary">{{ summarize(event) }}</span>
                </summary>
                <pre class="event-tail__json" tabindex="0" aria-label="The event as JSON" i18n-aria-label>{{
                  event | json
                }}</pre>
              </details>
            </li>
          }
        </ol>
      }
    </section>
  `,
})
export class EventTail {
  private readonly realtime = inject(Realtime);

  readonly sessionId = input.required<string>();

  protected readonly tailLength = TAIL_LENGTH;
  protected readonly paused = signal(false);
  protected readonly shown = signal<readonly SessionEvent[]>([]);
  /** Events that came while paused, newest first: shown on resume. */
  protected readonly held = signal<readonly SessionEvent[]>([]);

  constructor() {
    effect(() => this.realtime.follow(this.sessionId()));
    const stop = this.realtime.listen((update) => {
      if (update.kind !== 'event' || update.event.sessionId !== this.sessionId()) return;
      const target = this.paused() ? this.held : this.shown;
      target.update((events) => [update.event, ...events].slice(0, TAIL_LENGTH));
    });
    inject(DestroyRef).onDestroy(stop);
  }

  protected toggle(): void {
    if (this.paused()) {
      const held = this.held();
      this.held.set([]);
      this.shown.update((events) => [...held, ...events].slice(0, TAIL_LENGTH));
    }
    this.paused.update((paused) => !paused);
  }

  protected summarize(event: SessionEvent): string {
    return summaryOf(event);
  }
}

/** One line about an event: who and what, never more than a short text. */
export function summaryOf(event: SessionEvent): string {
  const data = event.data;
  const text = (value: unknown): string => {
    if (typeof value !== 'string' || value === '') return '';
    return value.length > 80 ? `${value.slice(0, 79)}…` : value;
  };
  const chat = (data['chat'] as { jid?: string } | undefined)?.jid ?? '';
  const sender = data['sender'] as { pushName?: string | null; pn?: string | null; lid?: string | null } | undefined;
  const who = sender?.pushName ?? sender?.pn ?? sender?.lid ?? chat;
  switch (event.type) {
    case 'message.received':
      return $localize`:event tail, a message received:From ${who}:sender:: ${text(data['text']) || `[${String(data['type'])}]`}:content:`;
    case 'message.sent':
      return $localize`:event tail, a message sent:To ${chat}:chat:: ${text(data['text']) || `[${String(data['type'])}]`}:content:`;
    case 'message.ack':
      return $localize`:event tail, a sent message's receipt; the status as the API names it:${String(data['id'])}:messageId: ${String(data['status'])}:status: in ${chat}:chat:`;
    case 'message.reaction': {
      const emoji = text(data['emoji']);
      return emoji
        ? $localize`:event tail:${who}:sender: reacted ${emoji}:emoji: to ${String(data['messageId'])}:messageId:`
        : $localize`:event tail:${who}:sender: removed their reaction to ${String(data['messageId'])}:messageId:`;
    }
    case 'message.edited':
      return $localize`:event tail:${who}:sender: edited ${String(data['id'])}:messageId:: ${text(data['text'])}:content:`;
    case 'message.revoked':
      return $localize`:event tail:${who}:sender: deleted ${String(data['id'])}:messageId:`;
    case 'session.status':
      return data['reason'] ? `${String(data['status'])} (${String(data['reason'])})` : String(data['status']);
    case 'presence.update':
      return $localize`:event tail; the state as the API names it:${String(data['chat'])}:chat: is ${String(data['state'])}:state:`;
    case 'call.received':
      return data['isVideo'] ? $localize`:event tail:Video call` : $localize`:event tail:Voice call`;
    case 'group.participants':
      return $localize`:event tail; the action as the API names it:${String(data['action'])}:action: in ${String(data['group'])}:group:`;
    case 'group.updated':
      return $localize`:event tail:${String(data['group'])}:group: changed`;
  }
}
