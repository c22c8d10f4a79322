// The one in-process event bus: typed by an event map, one rule for every listener and every emitter.
import { Logger } from '@nestjs/common';

export type EventListener<Payload> = (payload: Payload) => void | Promise<void>;

/**
 * The rule. `on(event, listener)` subscribes (and returns the unsubscribe function). `publish(event, payload)` calls
 * the event's listeners in the order they subscribed, each synchronously up to its first `await`, so by the time
 * `publish` returns every listener has seen the payload. It then waits for all of them. A listener that throws or
 * rejects is logged and never stops the others. The promise never rejects: it resolves with the failures (empty when
 * every listener succeeded).
 *
 * So an emitter chooses only whether it needs the outcome: one whose event must be durable before it goes on (an
 * incoming message is committed before its receipt goes to WhatsApp) awaits `publish` and refuses to go on when
 * failures come back; any other emitter lets it run (`void`), its listeners' failures already logged. Durability is
 * the listener's work (it commits in its own transaction), never the bus's: nothing here survives a crash.
 */
export class EventBus<Events extends object> {
  private readonly logger: Logger;
  private readonly listeners = new Map<keyof Events, Set<EventListener<never>>>();

  constructor(name: string) {
    this.logger = new Logger(name);
  }

  on<E extends keyof Events>(event: E, listener: EventListener<Events[E]>): () => void {
    let subscribed = this.listeners.get(event);
    if (!subscribed) {
      subscribed = new Set();
      this.listeners.set(event, subscribed);
    }
    subscribed.add(listener as EventListener<never>);
    return () => {
      subscribed.delete(listener as EventListener<never>);
    };
  }

  publish<E extends keyof Events>(event: E, payload: Events[E]): Promise<unknown[]> {
    const running = [...(this.listeners.get(event) ?? [])].map((listener) => {
      try {
        return Promise.resolve((listener as EventListener<Events[E]>)(payload));
      } catch (error) {
        return Promise.reject(error);
      }
    });
    return Promise.allSettled(running).then((results) => {
      const failures = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
      for (const failure of failures) {
        this.logger.error({ err: failure, event }, `A ${String(event)} listener failed`);
      }
      return failures;
    });
  }
}
