import { Routes } from '@angular/router';

export const auditRoutes: Routes = [
  {
    path: '',
    title: $localize`Audit log · WAGO`,
    loadComponent: () => import('./audit-log').then((m) => m.AuditLog),
  },
];
