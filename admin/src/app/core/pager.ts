// Previous/next through a PagedList.
import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { PagedList } from './paged-list';

@Component({
  selector: 'wago-pager',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (total() > limit()) {
      <nav class="pager" aria-label="Pages" i18n-aria-label>
        <button type="button" class="button" [disabled]="offset() === 0" (click)="go(offset() - limit())" i18n>
          Previous
        </button>
        <span i18n>{{ first() }}–{{ last() }} of {{ total() }}</span>
        <button type="button" class="button" [disabled]="last() >= total()" (click)="go(offset() + limit())" i18n>
          Next
        </button>
      </nav>
    }
  `,
})
export class Pager {
  readonly list = input.required<PagedList<unknown>>();

  protected readonly total = computed(() => this.list().page()?.total ?? 0);
  protected readonly limit = computed(() => this.list().pageSize);
  protected readonly offset = computed(() => this.list().offset());
  protected readonly first = computed(() => Math.min(this.offset() + 1, this.total()));
  protected readonly last = computed(() => Math.min(this.offset() + this.limit(), this.total()));

  protected go(offset: number): void {
    void this.list().goTo(Math.max(0, offset));
  }
}
