// Short notices for the whole console (saved, failed, signed out), shown by the Notices component.
import { Injectable, signal } from '@angular/core';

export type NoticeKind = 'success' | 'info' | 'error';

export interface Notice {
  id: number;
  kind: NoticeKind;
  text: string;
}

/** Errors stay longer: they are read, then acted on. */
const VISIBLE_MS: Record<NoticeKind, number> = { success: 4000, info: 6000, error: 10000 };

@Injectable({ providedIn: 'root' })
export class Notifier {
  private nextId = 1;
  private readonly shown = signal<readonly Notice[]>([]);
  readonly notices = this.shown.asReadonly();

  success(text: string): void {
    this.show('success', text);
  }

  info(text: string): void {
    this.show('info', text);
  }

  error(text: string): void {
    this.show('error', text);
  }

  dismiss(id: number): void {
    this.shown.update((notices) => notices.filter((notice) => notice.id !== id));
  }

  private show(kind: NoticeKind, text: string): void {
    // The same error from several requests at once is one notice.
    if (this.shown().some((notice) => notice.kind === kind && notice.text === text)) return;
    const id = this.nextId++;
    this.shown.update((notices) => [...notices, { id, kind, text }]);
    setTimeout(() => this.dismiss(id), VISIBLE_MS[kind]);
  }
}
