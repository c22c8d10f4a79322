import { Routes } from '@angular/router';
import { adminGuard, authGuard, signedOutGuard } from './core/auth-guard';
import { Shell } from './core/shell';

export const routes: Routes = [
  {
    path: 'setup',
    title: $localize`Set up WAGO`,
    canActivate: [signedOutGuard],
    loadComponent: () => import('./auth/setup').then((m) => m.Setup),
  },
  {
    path: 'login',
    title: $localize`Sign in · WAGO`,
    canActivate: [signedOutGuard],
    loadComponent: () => import('./auth/login').then((m) => m.Login),
  },
  {
    path: '',
    component: Shell,
    canActivate: [authGuard],
    canActivateChild: [authGuard],
    children: [
      {
        path: '',
        pathMatch: 'full',
        title: $localize`Dashboard · WAGO`,
        loadComponent: () => import('./dashboard/dashboard').then((m) => m.Dashboard),
      },
      { path: 'sessions', loadChildren: () => import('./sessions/sessions.routes').then((m) => m.sessionRoutes) },
      {
        path: 'sessions/:sessionId/webhooks',
        loadChildren: () => import('./webhooks/webhooks.routes').then((m) => m.webhookRoutes),
      },
      {
        path: 'sessions/:sessionId/sinks',
        loadChildren: () => import('./sinks/sinks.routes').then((m) => m.sinkRoutes),
      },
      { path: 'api-keys', loadChildren: () => import('./api-keys/api-keys.routes').then((m) => m.apiKeyRoutes) },
      {
        path: 'users',
        canActivate: [adminGuard],
        loadChildren: () => import('./users/users.routes').then((m) => m.userRoutes),
      },
      { path: 'audit', loadChildren: () => import('./audit/audit.routes').then((m) => m.auditRoutes) },
      {
        path: 'account',
        title: $localize`Account · WAGO`,
        loadComponent: () => import('./auth/account').then((m) => m.Account),
      },
    ],
  },
  { path: '**', redirectTo: '' },
];
