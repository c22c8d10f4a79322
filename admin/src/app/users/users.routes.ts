import { Routes } from '@angular/router';

export const userRoutes: Routes = [
  {
    path: '',
    title: $localize`Users · WAGO`,
    loadComponent: () => import('./user-list').then((m) => m.UserList),
  },
];
