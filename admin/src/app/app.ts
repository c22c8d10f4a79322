import { ChangeDetectionStrategy, Component } from '@angular/core';
import { RouterOutlet } from '@angular/router';
import { ConfirmDialog } from './core/confirm-dialog';
import { Notices } from './core/notices';

@Component({
  selector: 'wago-root',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterOutlet, Notices, ConfirmDialog],
  template: `
    <router-outlet />
    <wago-notices />
    <wago-confirm-dialog />
  `,
})
export class App {}
