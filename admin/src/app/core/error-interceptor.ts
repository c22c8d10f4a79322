// The one place a failed request is reported: the server's message as a notice, or back to login when the sign-in is over.
import { HttpContextToken, HttpErrorResponse, HttpInterceptorFn } from '@angular/common/http';
import { inject } from '@angular/core';
import { catchError, throwError } from 'rxjs';
import { Auth } from './auth';
import { errorMessage } from './errors';
import { Notifier } from './notifier';

/** Set on a request whose caller explains every failure in place (a sign-in form), so the interceptor stays out of it. */
export const CALLER_SHOWS_ERRORS = new HttpContextToken<boolean>(() => false);

export const errorInterceptor: HttpInterceptorFn = (request, next) => {
  const auth = inject(Auth);
  const notifier = inject(Notifier);
  return next(request).pipe(
    catchError((error: unknown) => {
      if (error instanceof HttpErrorResponse && !request.context.get(CALLER_SHOWS_ERRORS)) {
        if (error.status === 401 && request.headers.has('Authorization')) {
          // The token was sent and refused: the sign-in is over, whatever the request was.
          void auth.expired();
        } else if (request.method !== 'GET') {
          // A failed action becomes a notice; a failed read is explained by the page that needed the data.
          notifier.error(errorMessage(error));
        }
      }
      return throwError(() => error);
    }),
  );
};
