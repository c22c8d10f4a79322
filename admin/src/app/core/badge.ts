// A status shown as a word beside a coloured dot; the colour only repeats what the word says.
import { ChangeDetectionStrategy, Component, input } from '@angular/core';

export type BadgeTone = 'neutral' | 'info' | 'success' | 'warning' | 'danger';

@Component({
  selector: 'wago-badge',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <span class="badge badge--{{ tone() }}">
      <span class="badge__dot" aria-hidden="true"></span>
      {{ label() }}
    </span>
  `,
})
export class Badge {
  readonly label = input.required<string>();
  readonly tone = input<BadgeTone>('neutral');
}
