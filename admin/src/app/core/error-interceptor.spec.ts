import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { Router } from '@angular/router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setUpConsole, signInAs, verifyNoPendingRequests } from '../../testing/console-testing';
import { Api } from './api';
import { Auth } from './auth';
import { Notifier } from './notifier';

describe('errorInterceptor', () => {
  let api: Api;
  let http: HttpTestingController;
  let notifier: Notifier;

  beforeEach(() => {
    http = setUpConsole({ signedInAs: null });
    api = TestBed.inject(Api);
    notifier = TestBed.inject(Notifier);
  });

  afterEach(verifyNoPendingRequests);

  const errorTexts = () =>
    notifier
      .notices()
      .filter((notice) => notice.kind === 'error')
      .map((notice) => notice.text);

  it('shows the server’s message when an action fails', async () => {
    signInAs();
    const answer = api.sessions.create({ name: 'support' });
    http
      .expectOne('/api/v1/sessions')
      .flush(
        { statusCode: 409, error: 'Conflict', message: 'A session named support already exists' },
        { status: 409, statusText: 'Conflict' },
      );
    await expect(answer).rejects.toMatchObject({ status: 409 });
    expect(errorTexts()).toEqual(['A session named support already exists']);
  });

  it('shows every line of a validation message', async () => {
    signInAs();
    const answer = api.sessions.create({ name: '' });
    http
      .expectOne('/api/v1/sessions')
      .flush(
        { statusCode: 400, error: 'Bad Request', message: ['name should not be empty', 'name must be a string'] },
        { status: 400, statusText: 'Bad Request' },
      );
    await expect(answer).rejects.toBeDefined();
    expect(errorTexts()).toEqual(['name should not be empty\nname must be a string']);
  });

  it('says the server cannot be reached when the request never got an answer', async () => {
    signInAs();
    const answer = api.sessions.start('s-1');
    http.expectOne('/api/v1/sessions/s-1/start').error(new ProgressEvent('error'));
    await expect(answer).rejects.toMatchObject({ status: 0 });
    expect(errorTexts()).toEqual(['Cannot reach the server. Check the connection and try again.']);
  });

  it('leaves a failed read to the page that asked for the data', async () => {
    signInAs();
    const answer = api.sessions.list();
    http
      .expectOne((request) => request.url === '/api/v1/sessions')
      .flush(
        { statusCode: 500, error: 'Internal Server Error', message: 'Boom' },
        { status: 500, statusText: 'Error' },
      );
    await expect(answer).rejects.toMatchObject({ status: 500 });
    expect(notifier.notices()).toEqual([]);
  });

  it('stays out of requests whose caller explains the failure itself', async () => {
    const answer = api.auth.login({ username: 'alice', pin: '000000' });
    http
      .expectOne('/api/v1/auth/login')
      .flush(
        { statusCode: 401, error: 'Unauthorized', message: 'Wrong username or PIN' },
        { status: 401, statusText: 'Unauthorized' },
      );
    await expect(answer).rejects.toMatchObject({ status: 401 });
    expect(notifier.notices()).toEqual([]);
  });

  it('sends a user whose token is refused to the login page, remembering where they were', async () => {
    signInAs();
    const router = TestBed.inject(Router);
    await router.navigateByUrl('/sessions/s-1/webhooks');
    const answer = api.sessions.stop('s-1');
    http
      .expectOne('/api/v1/sessions/s-1/stop')
      .flush(
        { statusCode: 401, error: 'Unauthorized', message: 'Token expired' },
        { status: 401, statusText: 'Unauthorized' },
      );
    await expect(answer).rejects.toMatchObject({ status: 401 });
    await vi.waitFor(() => expect(router.url).toBe('/login?returnUrl=%2Fsessions%2Fs-1%2Fwebhooks'));
    expect(TestBed.inject(Auth).token()).toBeNull();
    expect(notifier.notices().map((notice) => notice.text)).toEqual([
      'Your sign-in has expired. Sign in again to continue.',
    ]);
  });
});
