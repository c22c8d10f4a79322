import { Routes } from '@angular/router';

export const webhookRoutes: Routes = [
  {
    path: '',
    title: $localize`Webhooks · WAGO`,
    loadComponent: () => import('./webhook-list').then((m) => m.WebhookList),
  },
  {
    path: ':webhookId',
    title: $localize`Webhook · WAGO`,
    loadComponent: () => import('./webhook-detail').then((m) => m.WebhookDetail),
  },
];
