// A session's chats by last activity, one chat's stored messages (read-only, older ones on demand), and a search
// across every chat whose results open their chat.
import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  Injector,
  OnInit,
  afterNextRender,
  inject,
  input,
  signal,
  viewChild,
} from '@angular/core';
import { DatePipe } from '@angular/common';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { Api } from '../core/api';
import type { ChatRef, ChatType, HistoryMessage } from '../core/api-types';
import { CursorList } from '../core/cursor-list';
import { injectFormSubmission } from '../core/forms';
import { LoadError } from '../core/load-error';
import { PagedList } from '../core/paged-list';
import { Pager } from '../core/pager';
import { ChatMessage } from './chat-message';
import { messagePreview, senderName } from './message-content';

const CHAT_PAGE_SIZE = 25;
const MESSAGE_PAGE_SIZE = 30;

const CHAT_TYPE_LABELS: Record<ChatType, string> = {
  direct: $localize`:chat type:Direct`,
  group: $localize`:chat type:Group`,
};

/** The chat whose messages are shown; a search result knows its chat's name only when the chat list shows it. */
interface OpenChat extends ChatRef {
  name: string | null;
}

@Component({
  selector: 'wago-session-chats',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe, ReactiveFormsModule, ChatMessage, LoadError, Pager],
  template: `
    <section class="card" aria-labelledby="message-search-title">
      <h2 id="message-search-title" i18n>Search messages</h2>
      <form class="inline-form" role="search" [formGroup]="searchForm" (ngSubmit)="search()" novalidate>
        <div class="field">
          <label class="field__label" for="message-search" i18n>Words to find</label>
          <input
            id="message-search"
            class="input"
            type="search"
            formControlName="q"
            required
            maxlength="256"
            [attr.aria-invalid]="searchSubmission.submitted() && searchForm.controls.q.invalid"
            aria-describedby="message-search-hint message-search-error"
          />
          <p id="message-search-hint" class="field__hint" i18n>Searches the texts and captions of every chat.</p>
          @if (searchSubmission.submitted() && searchForm.controls.q.invalid) {
            <p id="message-search-error" class="field__error" i18n>Enter a word to find.</p>
          }
        </div>
        <button type="submit" class="button button--primary" [disabled]="results.loading()" i18n>Search</button>
        @if (searchedFor()) {
          <button type="button" class="button" (click)="clearSearch()" i18n>Clear search</button>
        }
      </form>

      @if (searchedFor(); as searchedFor) {
        @if (results.items(); as found) {
          <p class="muted" role="status">
            @if (found.length === 0) {
              <ng-container i18n>No stored message matches “{{ searchedFor }}”.</ng-container>
            } @else if (results.nextCursor()) {
              <ng-container i18n>{found.length, plural,
                =1 {1 message matches “{{ searchedFor }}”, and more are older.}
                other {{{ found.length }} messages match “{{ searchedFor }}”, and more are older.}
              }</ng-container>
            } @else {
              <ng-container i18n>{found.length, plural,
                =1 {1 message matches “{{ searchedFor }}”.}
                other {{{ found.length }} messages match “{{ searchedFor }}”.}
              }</ng-container>
            }
          </p>
          @if (found.length > 0) {
            <ol class="messages" aria-label="Messages found, newest first" i18n-aria-label>
              @for (message of found; track message.chat.jid + '/' + message.id) {
                <li class="message" [class.message--mine]="message.fromMe">
                  <p class="message__chat">
                    <ng-container i18n
                      >In <span class="break">{{ chatName(message.chat.jid) }}</span></ng-container
                    >
                    <button type="button" class="button button--small" (click)="openResult(message)">
                      <ng-container i18n
                        >Open chat<span class="visually-hidden"> {{ chatName(message.chat.jid) }}</span></ng-container
                      >
                    </button>
                  </p>
                  <wago-chat-message [message]="message" />
                </li>
              }
            </ol>
          }
        }
        @if (results.loading()) {
          <p class="loading" role="status" i18n>Searching…</p>
        } @else if (results.loadError(); as loadError) {
          <wago-load-error subject="The search results" i18n-subject [error]="loadError" (retry)="retrySearch()" />
        } @else if (results.nextCursor()) {
          <button type="button" class="button" (click)="results.loadMore()" i18n>Load more results</button>
        }
      }
    </section>

    @if (openChat(); as chat) {
      <section class="card" aria-labelledby="open-chat-title">
        <div class="section-header">
          <h2 id="open-chat-title" class="break" tabindex="-1" #chatHeading>{{ chat.name ?? chat.jid }}</h2>
          <div class="actions">
            <button type="button" class="button" [disabled]="messages.loading()" (click)="messages.load()" i18n>
              Refresh
            </button>
            <button type="button" class="button" (click)="closeChat()" i18n>Close chat</button>
          </div>
        </div>
        <p class="muted small" i18n>
          <span class="mono break">{{ chat.jid }}</span> · {{ typeLabels[chat.type] }} chat · read-only, newest first
        </p>
        @if (messages.items(); as shown) {
          @if (shown.length === 0) {
            <p class="empty" i18n>No stored messages in this chat.</p>
          } @else {
            <ol class="messages" aria-label="Messages, newest first" i18n-aria-label>
              @for (message of shown; track message.id) {
                <li class="message" [class.message--mine]="message.fromMe">
                  <wago-chat-message [message]="message" />
                </li>
              }
            </ol>
          }
        }
        @if (messages.loading()) {
          <p class="loading" role="status" i18n>Loading messages…</p>
        } @else if (messages.loadError(); as loadError) {
          <wago-load-error subject="The messages" i18n-subject [error]="loadError" (retry)="retryMessages()" />
        } @else if (messages.nextCursor()) {
          <button type="button" class="button" (click)="messages.loadMore()" i18n>Load older messages</button>
        }
      </section>
    }

    <section class="card" aria-labelledby="chats-title">
      <div class="section-header">
        <h2 id="chats-title" tabindex="-1" #chatsHeading i18n>Chats</h2>
        <button type="button" class="button" [disabled]="chats.loading()" (click)="chats.load()" i18n>Refresh</button>
      </div>
      @if (chats.loading() && !chats.page()) {
        <p class="loading" role="status" i18n>Loading chats…</p>
      } @else if (chats.loadError(); as loadError) {
        <wago-load-error subject="The chats" i18n-subject [error]="loadError" (retry)="chats.load()" />
      } @else if (chats.page()?.items?.length === 0) {
        <div class="empty">
          <p class="empty__title" i18n>No chats yet</p>
          <p i18n>
            The messages this session receives and sends are kept here, read-only, for the history’s retention.
          </p>
        </div>
      } @else {
        <div class="table-scroll">
          <table class="table table--cards" [attr.aria-busy]="chats.loading()">
            <thead>
              <tr>
                <th scope="col" i18n>Chat</th>
                <th scope="col" i18n>Type</th>
                <th scope="col" i18n>Last message</th>
                <th scope="col" i18n>Unread</th>
                <th scope="col" i18n>Last activity</th>
              </tr>
            </thead>
            <tbody>
              @for (chat of chats.page()?.items; track chat.jid) {
                <tr>
                  <td data-label="Chat" i18n-data-label>
                    <span class="chat-ref">
                      <button
                        type="button"
                        class="link-button"
                        [attr.aria-current]="openChat()?.jid === chat.jid ? 'true' : null"
                        (click)="open(chat)"
                      >
                        {{ chat.name ?? chat.jid }}
                      </button>
                      @if (chat.name) {
                        <span class="muted mono small break">{{ chat.jid }}</span>
                      }
                    </span>
                  </td>
                  <td data-label="Type" i18n-data-label>{{ typeLabels[chat.type] }}</td>
                  <td data-label="Last message" i18n-data-label>
                    @if (chat.lastMessage; as last) {
                      <span class="chat-preview">{{ senderName(last) }}: {{ preview(last) }}</span>
                    } @else {
                      —
                    }
                  </td>
                  <td data-label="Unread" i18n-data-label>{{ chat.unreadCount }}</td>
                  <td data-label="Last activity" i18n-data-label>
                    <time [attr.datetime]="chat.updatedAt">{{ chat.updatedAt | date: 'medium' }}</time>
                  </td>
                </tr>
              }
            </tbody>
          </table>
        </div>
        <wago-pager [list]="chats" />
      }
    </section>
  `,
})
export class SessionChats implements OnInit {
  private readonly api = inject(Api);
  private readonly injector = inject(Injector);

  readonly sessionId = input.required<string>();

  protected readonly typeLabels = CHAT_TYPE_LABELS;
  protected readonly senderName = senderName;
  protected readonly preview = messagePreview;
  protected readonly chats = new PagedList(CHAT_PAGE_SIZE, (query) => this.api.history.chats(this.sessionId(), query));

  protected readonly searchForm = inject(NonNullableFormBuilder).group({
    q: ['', [Validators.required, Validators.pattern(/\S/), Validators.maxLength(256)]],
  });
  protected readonly searchSubmission = injectFormSubmission(this.searchForm);
  /** The words of the search whose results are shown; null when none is. */
  protected readonly searchedFor = signal<string | null>(null);
  protected readonly results = new CursorList(MESSAGE_PAGE_SIZE, (query) =>
    this.api.history.search(this.sessionId(), { q: this.searchedFor() ?? undefined, ...query }),
  );

  protected readonly openChat = signal<OpenChat | null>(null);
  protected readonly messages = new CursorList(MESSAGE_PAGE_SIZE, (query) =>
    this.api.history.chatMessages(this.sessionId(), this.openChat()?.jid ?? '', query),
  );
  private readonly chatHeading = viewChild<ElementRef<HTMLElement>>('chatHeading');
  private readonly chatsHeading = viewChild<ElementRef<HTMLElement>>('chatsHeading');

  ngOnInit(): void {
    void this.chats.load();
  }

  protected async search(): Promise<void> {
    if (!this.searchSubmission.accept()) return;
    this.searchedFor.set(this.searchForm.getRawValue().q.trim());
    await this.results.load();
  }

  protected clearSearch(): void {
    this.searchSubmission.reset();
    this.searchedFor.set(null);
    this.results.clear();
  }

  protected async retrySearch(): Promise<void> {
    await (this.results.items() ? this.results.loadMore() : this.results.load());
  }

  /** Shows the chat's newest messages and takes focus there, so keyboard and screen-reader users follow. */
  protected async open(chat: OpenChat): Promise<void> {
    this.openChat.set({ jid: chat.jid, type: chat.type, name: chat.name });
    afterNextRender(() => this.chatHeading()?.nativeElement.focus(), { injector: this.injector });
    await this.messages.load();
  }

  protected async openResult(message: HistoryMessage): Promise<void> {
    const listed = this.chats.page()?.items.find((chat) => chat.jid === message.chat.jid);
    await this.open({ ...message.chat, name: listed?.name ?? null });
  }

  protected async retryMessages(): Promise<void> {
    await (this.messages.items() ? this.messages.loadMore() : this.messages.load());
  }

  /** Focus goes back to the chat list, not lost with the button that closed the chat. */
  protected closeChat(): void {
    this.openChat.set(null);
    this.messages.clear();
    afterNextRender(() => this.chatsHeading()?.nativeElement.focus(), { injector: this.injector });
  }

  /** A chat's name as the chat list shows it, else its JID. */
  protected chatName(jid: string): string {
    return this.chats.page()?.items.find((chat) => chat.jid === jid)?.name ?? jid;
  }
}
