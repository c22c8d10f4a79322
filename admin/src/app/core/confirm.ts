// Asks before doing something that cannot be taken back; the ConfirmDialog component shows the question.
import { Injectable, signal } from '@angular/core';

export interface ConfirmRequest {
  title: string;
  /** What the action does, in full: the user decides on this sentence. */
  message: string;
  confirmLabel: string;
  destructive?: boolean;
}

interface PendingConfirm extends ConfirmRequest {
  answer(confirmed: boolean): void;
}

@Injectable({ providedIn: 'root' })
export class Confirm {
  private readonly pendingRequest = signal<PendingConfirm | null>(null);
  readonly pending = this.pendingRequest.asReadonly();

  ask(request: ConfirmRequest): Promise<boolean> {
    this.pendingRequest()?.answer(false);
    return new Promise((resolve) => {
      this.pendingRequest.set({
        ...request,
        answer: (confirmed) => {
          this.pendingRequest.set(null);
          resolve(confirmed);
        },
      });
    });
  }
}
