// Route guards: signed-in users only, admins only, and signed-out users only (login and first-run setup).
import { inject } from '@angular/core';
import { CanActivateFn, Router } from '@angular/router';
import { Auth, HOME_URL, loginQuery } from './auth';

export const authGuard: CanActivateFn = (_route, state) => {
  const auth = inject(Auth);
  if (auth.isSignedIn()) return true;
  return inject(Router).createUrlTree(['/login'], { queryParams: loginQuery(state.url) });
};

export const adminGuard: CanActivateFn = () => {
  if (inject(Auth).isAdmin()) return true;
  return inject(Router).createUrlTree([HOME_URL]);
};

export const signedOutGuard: CanActivateFn = () => {
  if (!inject(Auth).isSignedIn()) return true;
  return inject(Router).createUrlTree([HOME_URL]);
};
