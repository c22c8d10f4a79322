import { Routes } from '@angular/router';

export const apiKeyRoutes: Routes = [
  {
    path: '',
    title: 'API keys · WAGO',
    loadComponent: () => import('./api-key-list').then((m) => m.ApiKeyList),
  },
];
