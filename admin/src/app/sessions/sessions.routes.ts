import { Routes } from '@angular/router';

export const sessionRoutes: Routes = [
  {
    path: '',
    title: $localize`Sessions · WAGO`,
    loadComponent: () => import('./session-list').then((m) => m.SessionList),
  },
  {
    path: ':sessionId',
    title: $localize`Session · WAGO`,
    loadComponent: () => import('./session-detail').then((m) => m.SessionDetail),
  },
];
