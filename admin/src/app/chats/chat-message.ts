// One stored message, read-only: its sender and time, its content by type, and what happened to it since
// (edited, deleted, reactions).
import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { DatePipe } from '@angular/common';
import type { HistoryMessage } from '../core/api-types';
import { describeLocation, describeMedia, senderName } from './message-content';

@Component({
  selector: 'wago-chat-message',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe],
  template: `
    @let message = this.message();
    <p class="message__meta">
      <strong>{{ sender() }}</strong>
      · <time [attr.datetime]="message.timestamp">{{ message.timestamp | date: 'medium' }}</time>
      @if (message.editedAt && !message.deletedAt) {
        · <span class="message__marker">edited</span>
      }
    </p>
    @if (message.deletedAt) {
      <p class="message__marker">This message was deleted.</p>
    } @else {
      @if (message.quoted; as quoted) {
        <p class="message__quote">Replying to a message{{ quoted.sender ? ' from ' + quoted.sender : '' }}</p>
      }
      @switch (message.type) {
        @case ('text') {
          <p class="message__text">{{ message.text }}</p>
        }
        @case ('location') {
          <p class="message__text">{{ location() }}</p>
        }
        @case ('contact') {
          <p class="message__text">Contact: {{ message.contact?.displayName ?? 'no name' }}</p>
        }
        @case ('unsupported') {
          <p class="message__marker">Unsupported content{{ message.unsupported ? ': ' + message.unsupported : '' }}</p>
        }
        @default {
          @if (media(); as media) {
            <p class="message__media">{{ media }}</p>
          }
          @if (message.text) {
            <p class="message__text">{{ message.text }}</p>
          }
        }
      }
    }
    @if (reactions(); as reactions) {
      <p class="message__reactions">Reactions: {{ reactions }}</p>
    }
  `,
})
export class ChatMessage {
  readonly message = input.required<HistoryMessage>();

  protected readonly sender = computed(() => senderName(this.message()));
  protected readonly media = computed(() => {
    const message = this.message();
    return message.media ? describeMedia(message, message.media) : null;
  });
  protected readonly location = computed(() => {
    const location = this.message().location;
    return location ? describeLocation(location) : 'Location';
  });
  /** `👍 you, ❤️ 15551234567@s.whatsapp.net`; empty when nobody reacted. */
  protected readonly reactions = computed(() =>
    this.message()
      .reactions.filter((reaction) => reaction.emoji !== '')
      .map((reaction) => `${reaction.emoji} ${reaction.sender === 'me' ? 'you' : reaction.sender}`)
      .join(', '),
  );
}
