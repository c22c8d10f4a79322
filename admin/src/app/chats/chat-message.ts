// One stored message, read-only: its sender and time, its content by type, and what happened to it since
// (edited, deleted, reactions).
import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { DatePipe } from '@angular/common';
import type { HistoryMessage } from '../core/api-types';
import { MESSAGE_TYPE_LABELS, describeLocation, describeMedia, senderName } from './message-content';

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
        · <span class="message__marker" i18n>edited</span>
      }
    </p>
    @if (message.deletedAt) {
      <p class="message__marker" i18n>This message was deleted.</p>
    } @else {
      @if (message.quoted; as quoted) {
        <p class="message__quote">
          @if (quoted.sender; as quotedSender) {
            <ng-container i18n>Replying to a message from {{ quotedSender }}</ng-container>
          } @else {
            <ng-container i18n>Replying to a message</ng-container>
          }
        </p>
      }
      @switch (message.type) {
        @case ('text') {
          <p class="message__text">{{ message.text }}</p>
        }
        @case ('location') {
          <p class="message__text">{{ location() }}</p>
        }
        @case ('contact') {
          <p class="message__text">
            @if (message.contact?.displayName; as contactName) {
              <ng-container i18n>Contact: {{ contactName }}</ng-container>
            } @else {
              <ng-container i18n>Contact: no name</ng-container>
            }
          </p>
        }
        @case ('unsupported') {
          <p class="message__marker">
            @if (message.unsupported; as unsupported) {
              <ng-container i18n>Unsupported content: {{ unsupported }}</ng-container>
            } @else {
              <ng-container i18n>Unsupported content</ng-container>
            }
          </p>
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
      <p class="message__reactions" i18n>Reactions: {{ reactions }}</p>
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
    return location ? describeLocation(location) : MESSAGE_TYPE_LABELS.location;
  });
  /** `👍 you, ❤️ 15551234567@s.whatsapp.net`; empty when nobody reacted. */
  protected readonly reactions = computed(() =>
    this.message()
      .reactions.filter((reaction) => reaction.emoji !== '')
      .map(
        (reaction) => `${reaction.emoji} ${reaction.sender === 'me' ? $localize`:who reacted:you` : reaction.sender}`,
      )
      .join(', '),
  );
}
