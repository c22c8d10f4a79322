import { Routes } from '@angular/router';

export const sinkRoutes: Routes = [
  {
    path: '',
    title: $localize`Message brokers · WAGO`,
    loadComponent: () => import('./sink-list').then((m) => m.SinkList),
  },
  {
    path: ':sinkId',
    title: $localize`Message broker · WAGO`,
    loadComponent: () => import('./sink-detail').then((m) => m.SinkDetail),
  },
];
