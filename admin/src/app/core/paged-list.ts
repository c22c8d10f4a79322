// A list the server answers a page at a time ({items, total}): the page shown, where it starts, loading and failure.
import { signal } from '@angular/core';
import type { Page, PageQuery } from './api-types';
import { errorMessage } from './errors';

export class PagedList<Item> {
  readonly offset = signal(0);
  readonly page = signal<Page<Item> | null>(null);
  readonly loading = signal(true);
  readonly loadError = signal<string | null>(null);

  /** `fetchPage` asks the server for one page; filters it applies are read by it at each load. */
  constructor(
    readonly pageSize: number,
    private readonly fetchPage: (query: Required<PageQuery>) => Promise<Page<Item>>,
  ) {}

  /** Loads the current page again; a failure keeps the last page and says why in `loadError`. */
  async load(): Promise<void> {
    this.loading.set(true);
    this.loadError.set(null);
    try {
      this.page.set(await this.fetchPage({ limit: this.pageSize, offset: this.offset() }));
    } catch (error) {
      this.loadError.set(errorMessage(error));
    } finally {
      this.loading.set(false);
    }
  }

  async goTo(offset: number): Promise<void> {
    this.offset.set(offset);
    await this.load();
  }
}
