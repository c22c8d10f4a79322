import { TestBed } from '@angular/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { element, settle } from '../../testing/console-testing';
import type { PageQuery } from './api-types';
import { PagedList } from './paged-list';
import { Pager } from './pager';

describe('Pager', () => {
  afterEach(() => TestBed.resetTestingModule());

  async function render(total: number) {
    const offsets: number[] = [];
    const list = new PagedList(50, (query: Required<PageQuery>) => {
      offsets.push(query.offset);
      return Promise.resolve({ items: [], total });
    });
    await list.load();
    const fixture = TestBed.createComponent(Pager);
    fixture.componentRef.setInput('list', list);
    await fixture.whenStable();
    const button = (name: string) =>
      Array.from(element(fixture).querySelectorAll('button')).find(
        (candidate) => candidate.textContent?.trim() === name,
      );
    return { fixture, offsets, button };
  }

  it('shows nothing while one page holds the whole list', async () => {
    const { fixture } = await render(50);
    expect(element(fixture).querySelector('nav')).toBeNull();
  });

  it('says which items are shown and loads the next page, then the previous one', async () => {
    const { fixture, offsets, button } = await render(120);
    expect(element(fixture).querySelector('nav span')?.textContent).toBe('1–50 of 120');
    expect(button('Previous')?.disabled).toBe(true);

    button('Next')?.click();
    await settle(fixture);
    expect(element(fixture).querySelector('nav span')?.textContent).toBe('51–100 of 120');

    button('Next')?.click();
    await settle(fixture);
    expect(element(fixture).querySelector('nav span')?.textContent).toBe('101–120 of 120');
    expect(button('Next')?.disabled).toBe(true);

    button('Previous')?.click();
    await settle(fixture);
    expect(offsets).toEqual([0, 50, 100, 50]);
  });
});
