import { HttpErrorResponse } from '@angular/common/http';
import { describe, expect, it } from 'vitest';
import { CursorList, type CursorPage, type CursorQuery } from './cursor-list';

const pageOf = (items: string[], nextCursor: string | null = null): CursorPage<string> => ({ items, nextCursor });

describe('CursorList', () => {
  it('loads the newest page, then adds older pages from the cursor until there is none', async () => {
    const queries: CursorQuery[] = [];
    const list = new CursorList(2, (query) => {
      queries.push(query);
      return Promise.resolve(query.before ? pageOf(['c']) : pageOf(['a', 'b'], 'cursor-1'));
    });
    expect(list.items()).toBeNull();

    await list.load();
    expect(list.items()).toEqual(['a', 'b']);
    expect(list.nextCursor()).toBe('cursor-1');

    await list.loadMore();
    expect(list.items()).toEqual(['a', 'b', 'c']);
    expect(list.nextCursor()).toBeNull();
    await list.loadMore();
    expect(queries).toEqual([{ limit: 2 }, { before: 'cursor-1', limit: 2 }]);
  });

  it('keeps what it loaded and says why when an older page fails', async () => {
    let fail = false;
    const list = new CursorList(50, () =>
      fail ? Promise.reject(new HttpErrorResponse({ status: 0 })) : Promise.resolve(pageOf(['a'], 'cursor-1')),
    );
    await list.load();
    fail = true;
    await list.loadMore();
    expect(list.items()).toEqual(['a']);
    expect(list.loadError()).toBe('Cannot reach the server. Check the connection and try again.');
    expect(list.loading()).toBe(false);
  });

  it('drops the answer of a request made before the list started again', async () => {
    const answers: ((page: CursorPage<string>) => void)[] = [];
    const list = new CursorList(50, () => new Promise<CursorPage<string>>((resolve) => answers.push(resolve)));
    const first = list.load();
    const second = list.load();
    answers[1](pageOf(['new']));
    answers[0](pageOf(['old']));
    await Promise.all([first, second]);
    expect(list.items()).toEqual(['new']);

    const cleared = list.load();
    list.clear();
    answers[2](pageOf(['late']));
    await cleared;
    expect(list.items()).toBeNull();
    expect(list.loading()).toBe(false);
  });
});
