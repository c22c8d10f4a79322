import { HttpErrorResponse } from '@angular/common/http';
import { describe, expect, it } from 'vitest';
import type { Page, PageQuery } from './api-types';
import { PagedList } from './paged-list';

const pageOf = (items: string[], total = items.length): Page<string> => ({ items, total });

describe('PagedList', () => {
  it('asks for the page size from the start, then from the offset it is sent to', async () => {
    const queries: Required<PageQuery>[] = [];
    const list = new PagedList(2, (query) => {
      queries.push(query);
      return Promise.resolve(pageOf(query.offset === 0 ? ['a', 'b'] : ['c'], 3));
    });
    expect(list.loading()).toBe(true);

    await list.load();
    expect(list.page()).toEqual(pageOf(['a', 'b'], 3));
    expect(list.loading()).toBe(false);

    await list.goTo(2);
    expect(list.offset()).toBe(2);
    expect(list.page()).toEqual(pageOf(['c'], 3));
    expect(queries).toEqual([
      { limit: 2, offset: 0 },
      { limit: 2, offset: 2 },
    ]);
  });

  it('keeps the last page and says why when a load fails, and forgets the failure on the next load', async () => {
    let fail = false;
    const list = new PagedList(50, () =>
      fail ? Promise.reject(new HttpErrorResponse({ status: 0 })) : Promise.resolve(pageOf(['a'])),
    );
    await list.load();
    fail = true;
    await list.load();
    expect(list.loadError()).toBe('Cannot reach the server. Check the connection and try again.');
    expect(list.page()).toEqual(pageOf(['a']));
    expect(list.loading()).toBe(false);

    fail = false;
    await list.load();
    expect(list.loadError()).toBeNull();
  });
});
