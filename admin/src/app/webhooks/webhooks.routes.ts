import { Routes } from '@angular/router';

export const webhookRoutes: Routes = [
  {
    path: '',
    title: 'Webhooks · WAGO',
    loadComponent: () => import('./webhook-list').then((m) => m.WebhookList),
  },
  {
    path: ':webhookId',
    title: 'Webhook · WAGO',
    loadComponent: () => import('./webhook-detail').then((m) => m.WebhookDetail),
  },
];
