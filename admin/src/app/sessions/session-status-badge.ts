import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { SessionStatus } from '../core/api-types';
import { Badge } from '../core/badge';
import { STATUS_INFO } from './session-status';

@Component({
  selector: 'wago-session-status-badge',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [Badge],
  host: { '[attr.data-status]': 'status()' },
  template: `<wago-badge [label]="info().label" [tone]="info().tone" />`,
})
export class SessionStatusBadge {
  readonly status = input.required<SessionStatus>();
  protected readonly info = computed(() => STATUS_INFO[this.status()]);
}
