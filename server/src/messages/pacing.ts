// Pacing against bans: one session sends at most one message per minimum interval (plus jitter), and at most N a
// minute to any one chat. Pure: the send queue asks it when the next message may go.

export interface PacingSettings {
  minIntervalMs: number;
  jitterMs: number;
  perChatPerMinute: number;
}

const CHAT_WINDOW_MS = 60_000;

export class SessionPacing {
  private nextSendAt = 0;
  private readonly recentByChat = new Map<string, number[]>();

  constructor(
    private readonly settings: PacingSettings,
    private readonly random: () => number = Math.random,
  ) {}

  /** The earliest time a message to this chat may be sent: after the session's interval and the chat's window. */
  earliest(chatJid: string, now: number): number {
    const recent = this.recent(chatJid, now);
    const chatFreeAt =
      recent.length < this.settings.perChatPerMinute
        ? now
        : recent[recent.length - this.settings.perChatPerMinute] + CHAT_WINDOW_MS;
    return Math.max(now, this.nextSendAt, chatFreeAt);
  }

  /** Remembers a send and draws the jitter for the next one. */
  record(chatJid: string, at: number): void {
    this.recentByChat.set(chatJid, [...this.recent(chatJid, at), at]);
    this.nextSendAt = at + this.settings.minIntervalMs + Math.round(this.random() * this.settings.jitterMs);
  }

  /** Whether nothing here would delay a message any more (the state can be dropped). */
  idle(now: number): boolean {
    for (const chat of [...this.recentByChat.keys()]) this.recent(chat, now);
    return now >= this.nextSendAt && this.recentByChat.size === 0;
  }

  private recent(chatJid: string, now: number): number[] {
    const sends = (this.recentByChat.get(chatJid) ?? []).filter((at) => at > now - CHAT_WINDOW_MS);
    if (sends.length === 0) this.recentByChat.delete(chatJid);
    else this.recentByChat.set(chatJid, sends);
    return sends;
  }
}
