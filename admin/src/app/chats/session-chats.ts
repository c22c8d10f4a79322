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

const CHAT_TYPE_LABELS: Record<ChatType, string> = { direct: 'Direct', group: 'Group' };

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
      <h2 id="message-search-title">Search messages</h2>
      <form class="inline-form" role="search" [formGroup]="searchForm" (ngSubmit)="search()" novalidate>
        <div class="field">
          <label class="field__label" for="message-search">Words to find</label>
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
          <p id="message-search-hint" class="field__hint">Searches the texts and captions of every chat.</p>
          @if (searchSubmission.submitted() && searchForm.controls.q.invalid) {
            <p id="message-search-error" class="field__error">Enter a word to find.</p>
          }
        </div>
        <button type="submit" class="button button--primary" [disabled]="results.loading()">Search</button>
        @if (searchedFor()) {
          <button type="button" class="button" (click)="clearSearch()">Clear search</button>
        }
      </form>

      @if (searchedFor(); as searchedFor) {
        @if (results.items(); as found) {
          <p class="muted" role="status">
            @if (found.length === 0) {
              No stored message matches “{{ searchedFor }}”.
            } @else {
              {{ found.length }} {{ found.length === 1 ? 'message matches' : 'messages match' }} “{{ searchedFor }}”{{
                results.nextCursor() ? ', and more are older' : ''
              }}.
            }
          </p>
          @if (found.length > 0) {
            <ol class="messages" aria-label="Messages found, newest first">
              @for (message of found; track message.chat.jid + '/' + message.id) {
                <li class="message" [class.message--mine]="message.fromMe">
                  <p class="message__chat">
                    In <span class="break">{{ chatName(message.chat.jid) }}</span>
                    <button type="button" class="button button--small" (click)="openResult(message)">
                      Open chat<span class="visually-hidden"> {{ chatName(message.chat.jid) }}</span>
                    </button>
                  </p>
                  <wago-chat-message [message]="message" />
                </li>
              }
            </ol>
          }
        }
        @if (results.loading()) {
          <p class="loading" role="status">Searching…</p>
        } @else if (results.loadError(); as loadError) {
          <wago-load-error subject="The search results" [error]="loadError" (retry)="retrySearch()" />
        } @else if (results.nextCursor()) {
          <button type="button" class="button" (click)="results.loadMore()">Load more results</button>
        }
      }
    </section>

    @if (openChat(); as chat) {
      <section class="card" aria-labelledby="open-chat-title">
        <div class="section-header">
          <h2 id="open-chat-title" class="break" tabindex="-1" #chatHeading>{{ chat.name ?? chat.jid }}</h2>
          <div class="actions">
            <button type="button" class="button" [disabled]="messages.loading()" (click)="messages.load()">
              Refresh
            </button>
            <button type="button" class="button" (click)="closeChat()">Close chat</button>
          </div>
        </div>
        <p class="muted small">
          <span class="mono break">{{ chat.jid }}</span> · {{ typeLabels[chat.type] }} chat · read-only, newest first
        </p>
        @if (messages.items(); as shown) {
          @if (shown.length === 0) {
            <p class="empty">No stored messages in this chat.</p>
          } @else {
            <ol class="messages" aria-label="Messages, newest first">
              @for (message of shown; track message.id) {
                <li class="message" [class.message--mine]="message.fromMe">
                  <wago-chat-message [message]="message" />
                </li>
              }
            </ol>
          }
        }
        @if (messages.loading()) {
          <p class="loading" role="status">Loading messages…</p>
        } @else if (messages.loadError(); as loadError) {
          <wago-load-error subject="The messages" [error]="loadError" (retry)="retryMessages()" />
        } @else if (messages.nextCursor()) {
          <button type="button" class="button" (click)="messages.loadMore()">Load older messages</button>
        }
      </section>
    }

    <section class="card" aria-labelledby="chats-title">
      <div class="section-header">
        <h2 id="chats-title" tabindex="-1" #chatsHeading>Chats</h2>
        <button type="button" class="button" [disabled]="chats.loading()" (click)="chats.load()">Refresh</button>
      </div>
      @if (chats.loading() && !chats.page()) {
        <p class="loading" role="status">Loading chats…</p>
      } @else if (chats.loadError(); as loadError) {
        <wago-load-error subject="The chats" [error]="loadError" (retry)="chats.load()" />
      } @else if (chats.page()?.items?.length === 0) {
        <div class="empty">
          <p class="empty__title">No chats yet</p>
          <p>The messages this session receives and sends are kept here, read-only, for the history’s retention.</p>
        </div>
      } @else {
        <div class="table-scroll">
          <table class="table table--cards" [attr.aria-busy]="chats.loading()">
            <thead>
              <tr>
                <th scope="col">Chat</th>
                <th scope="col">Type</th>
                <th scope="col">Last message</th>
                <th scope="col">Unread</th>
                <th scope="col">Last activity</th>
              </tr>
            </thead>
            <tbody>
              @for (chat of chats.page()?.items; track chat.jid) {
                <tr>
                  <td data-label="Chat">
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
                  <td data-label="Type">{{ typeLabels[chat.type] }}</td>
                  <td data-label="Last message">
                    @if (chat.lastMessage; as last) {
                      <span class="chat-preview">{{ senderName(last) }}: {{ preview(last) }}</span>
                    } @else {
                      —
                    }
                  </td>
                  <td data-label="Unread">{{ chat.unreadCount }}</td>
                  <td data-label="Last activity">
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
