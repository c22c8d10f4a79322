import { Routes } from '@angular/router';

export const apiKeyRoutes: Routes = [
  {
    path: '',
    title: $localize`API keys · WAGO`,
    loadComponent: () => import('./api-key-list').then((m) => m.ApiKeyList),
  },
];
