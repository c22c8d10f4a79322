import { TestBed } from '@angular/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { buttonNamed, element, settle } from '../../testing/console-testing';
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
    return { fixture, offsets };
  }

  it('shows nothing while one page holds the whole list', async () => {
    const { fixture } = await render(50);
    expect(element(fixture).querySelector('nav')).toBeNull();
  });

  it('says which items are shown and loads the next page, then the previous one', async () => {
    const { fixture, offsets } = await render(120);
    expect(element(fixture).querySelector('nav span')?.textContent).toBe('1–50 of 120');
    expect(buttonNamed(fixture, 'Previous').disabled).toBe(true);

    buttonNamed(fixture, 'Next').click();
    await settle(fixture);
    expect(element(fixture).querySelector('nav span')?.textContent).toBe('51–100 of 120');

    buttonNamed(fixture, 'Next').click();
    await settle(fixture);
    expect(element(fixture).querySelector('nav span')?.textContent).toBe('101–120 of 120');
    expect(buttonNamed(fixture, 'Next').disabled).toBe(true);

    buttonNamed(fixture, 'Previous').click();
    await settle(fixture);
    expect(offsets).toEqual([0, 50, 100, 50]);
  });
});
