// A newest-first list the server answers a page at a time with a cursor ({items, nextCursor}): the items loaded so
// far, loading older ones, and failure.
import { signal } from '@angular/core';
import { errorMessage } from './errors';

export interface CursorQuery {
  /** The `nextCursor` of the page before; absent for the newest page. */
  before?: string;
  limit: number;
}

export interface CursorPage<Item> {
  items: Item[];
  nextCursor: string | null;
}

export class CursorList<Item> {
  /** Every item loaded since the last `load()`, newest first; null until its first page came. */
  readonly items = signal<Item[] | null>(null);
  readonly nextCursor = signal<string | null>(null);
  readonly loading = signal(false);
  readonly loadError = signal<string | null>(null);
  /** Bumped by `load()` and `clear()`: an answer to an older request is dropped, not mixed into the new list. */
  private generation = 0;

  /** `fetchPage` asks the server for one page; filters it applies are read by it at each load. */
  constructor(
    readonly pageSize: number,
    private readonly fetchPage: (query: CursorQuery) => Promise<CursorPage<Item>>,
  ) {}

  /** Starts again from the newest items; a failure says why in `loadError`. */
  async load(): Promise<void> {
    const generation = ++this.generation;
    this.items.set(null);
    this.nextCursor.set(null);
    await this.fetch(generation, { limit: this.pageSize });
  }

  /** Adds the page older than the last one loaded; a failure keeps what was loaded and says why in `loadError`. */
  async loadMore(): Promise<void> {
    const before = this.nextCursor();
    if (before === null) return;
    await this.fetch(this.generation, { before, limit: this.pageSize });
  }

  /** Forgets every item, and any answer still on its way. */
  clear(): void {
    this.generation++;
    this.items.set(null);
    this.nextCursor.set(null);
    this.loading.set(false);
    this.loadError.set(null);
  }

  private async fetch(generation: number, query: CursorQuery): Promise<void> {
    this.loading.set(true);
    this.loadError.set(null);
    try {
      const page = await this.fetchPage(query);
      if (generation !== this.generation) return;
      this.items.update((items) => [...(items ?? []), ...page.items]);
      this.nextCursor.set(page.nextCursor);
    } catch (error) {
      if (generation === this.generation) this.loadError.set(errorMessage(error));
    } finally {
      if (generation === this.generation) this.loading.set(false);
    }
  }
}
