import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  element,
  fieldLabelled,
  setUpConsole,
  settle,
  submitButton,
  type,
  verifyNoPendingRequests,
} from '../../testing/console-testing';
import type { User } from '../core/api-types';
import { Confirm } from '../core/confirm';
import { Notifier } from '../core/notifier';
import { UserList } from './user-list';

const aUser = (overrides: Partial<User> = {}): User => ({
  id: 'u-2',
  username: 'bob',
  role: 'user',
  createdAt: '2026-01-01T10:00:00.000Z',
  ...overrides,
});

describe('UserList', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    http = setUpConsole({ signedInAs: 'admin' });
  });

  afterEach(verifyNoPendingRequests);

  const listRequest = () => http.expectOne((request) => request.url === '/api/v1/users');
  const me = aUser({ id: 'u-1', username: 'alice', role: 'admin' });

  async function render(users: User[]) {
    const fixture = TestBed.createComponent(UserList);
    await fixture.whenStable();
    listRequest().flush({ items: users, total: users.length });
    await settle(fixture);
    return fixture;
  }

  it('creates a user with a role, sending the PIN once', async () => {
    const fixture = await render([me]);
    type(fixture, 'Username', 'bob');
    type(fixture, 'PIN', '24681357');
    type(fixture, 'Confirm PIN', '24681357');
    const role = fieldLabelled<HTMLSelectElement>(fixture, 'Role');
    role.value = 'admin';
    role.dispatchEvent(new Event('change'));
    submitButton(fixture).click();
    const request = http.expectOne({ method: 'POST', url: '/api/v1/auth/register' });
    expect(request.request.body).toEqual({ username: 'bob', pin: '24681357', role: 'admin' });
    request.flush({ user: aUser({ role: 'admin' }) }, { status: 201, statusText: 'Created' });
    await settle(fixture);
    listRequest().flush({ items: [me, aUser({ role: 'admin' })], total: 2 });
    await settle(fixture);
    expect(element(fixture).querySelectorAll('tbody tr')).toHaveLength(2);
  });

  it('refuses PINs that do not match', async () => {
    const fixture = await render([me]);
    type(fixture, 'Username', 'bob');
    type(fixture, 'PIN', '24681357');
    type(fixture, 'Confirm PIN', '24681358');
    submitButton(fixture).click();
    await settle(fixture);
    expect(element(fixture).textContent).toContain('The PINs do not match.');
    http.expectNone('/api/v1/auth/register');
  });

  const rowButton = (row: Element, name: string): HTMLButtonElement => {
    const button = Array.from(row.querySelectorAll('button')).find((found) => found.textContent?.trim() === name);
    if (!button) throw new Error(`No button “${name}” in the row`);
    return button;
  };

  it('lifts the sign-in locks of another user, and says so', async () => {
    const fixture = await render([me, aUser()]);
    const rows = Array.from(element(fixture).querySelectorAll('tbody tr'));
    rowButton(rows[1], 'Unlock').click();
    await settle(fixture);
    http
      .expectOne({ method: 'POST', url: '/api/v1/users/u-2/unlock' })
      .flush(null, { status: 204, statusText: 'No Content' });
    await settle(fixture);
    expect(
      TestBed.inject(Notifier)
        .notices()
        .map((notice) => notice.text),
    ).toEqual(['“bob” can sign in again from anywhere.']);
  });

  it('offers to delete other users but not yourself', async () => {
    const fixture = await render([me, aUser()]);
    const rows = Array.from(element(fixture).querySelectorAll('tbody tr'));
    expect(rows[0].textContent).toContain('(you)');
    expect(rows[0].querySelector('button')).toBeNull();
    rowButton(rows[1], 'Delete').click();
    const pending = TestBed.inject(Confirm).pending();
    expect(pending?.message).toContain('bob can no longer sign in');
    pending?.answer(true);
    await settle(fixture);
    http
      .expectOne({ method: 'DELETE', url: '/api/v1/users/u-2' })
      .flush(null, { status: 204, statusText: 'No Content' });
    await settle(fixture);
    listRequest().flush({ items: [me], total: 1 });
    await settle(fixture);
    expect(element(fixture).querySelectorAll('tbody tr')).toHaveLength(1);
  });
});
