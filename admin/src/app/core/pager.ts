// Previous/next through a list answered as {items, total}.
import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';

@Component({
  selector: 'wago-pager',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (total() > limit()) {
      <nav class="pager" aria-label="Pages">
        <button type="button" class="button" [disabled]="offset() === 0" (click)="go(offset() - limit())">
          Previous
        </button>
        <span>{{ first() }}–{{ last() }} of {{ total() }}</span>
        <button type="button" class="button" [disabled]="last() >= total()" (click)="go(offset() + limit())">
          Next
        </button>
      </nav>
    }
  `,
})
export class Pager {
  readonly total = input.required<number>();
  readonly limit = input.required<number>();
  readonly offset = input.required<number>();
  readonly offsetChange = output<number>();

  protected readonly first = computed(() => Math.min(this.offset() + 1, this.total()));
  protected readonly last = computed(() => Math.min(this.offset() + this.limit(), this.total()));

  protected go(offset: number): void {
    this.offsetChange.emit(Math.max(0, offset));
  }
}
