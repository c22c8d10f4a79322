import { HttpTestingController } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
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
import { Auth } from '../core/auth';
import { Account } from './account';

describe('Account', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    http = setUpConsole();
  });

  afterEach(verifyNoPendingRequests);

  async function render() {
    const fixture = TestBed.createComponent(Account);
    await fixture.whenStable();
    return fixture;
  }

  async function submit(fixture: ComponentFixture<unknown>, values: Record<string, string>): Promise<void> {
    for (const [label, value] of Object.entries(values)) type(fixture, label, value);
    submitButton(fixture).click();
    await settle(fixture);
  }

  it('refuses new PINs that do not match, next to the confirmation, without asking the server', async () => {
    const fixture = await render();
    await submit(fixture, { 'Current PIN': '123456', 'New PIN': '24681357', 'Confirm new PIN': '24681375' });
    const confirm = fieldLabelled(fixture, 'Confirm new PIN');
    expect(confirm.getAttribute('aria-invalid')).toBe('true');
    const message = element(fixture).querySelector(`#${confirm.getAttribute('aria-describedby') ?? ''}`);
    expect(message?.textContent?.trim()).toBe('The PINs do not match.');
    expect(document.activeElement).toBe(confirm);
    http.expectNone('/api/v1/auth/pin');
  });

  it('asks for every field, the new PIN again included, and focuses the first', async () => {
    const fixture = await render();
    await submit(fixture, {});
    const text = element(fixture).textContent ?? '';
    expect(text).toContain('Enter your current PIN.');
    expect(text).toContain('Choose a PIN of 6 to 12 digits.');
    expect(text).toContain('Enter the new PIN again.');
    expect(document.activeElement).toBe(fieldLabelled(fixture, 'Current PIN'));
  });

  it('changes the PIN, keeps the new token and empties the form', async () => {
    const fixture = await render();
    await submit(fixture, { 'Current PIN': '123456', 'New PIN': '24681357', 'Confirm new PIN': '24681357' });
    const request = http.expectOne({ method: 'POST', url: '/api/v1/auth/pin' });
    expect(request.request.body).toEqual({ currentPin: '123456', newPin: '24681357' });
    request.flush({
      accessToken: 'jwt-2',
      expiresIn: 3600,
      user: { id: 'u-1', username: 'alice', role: 'admin', createdAt: '2026-01-01T00:00:00.000Z' },
    });
    await settle(fixture);
    expect(TestBed.inject(Auth).token()).toBe('jwt-2');
    expect(fieldLabelled(fixture, 'New PIN').value).toBe('');
    expect(fieldLabelled(fixture, 'Confirm new PIN').getAttribute('aria-invalid')).toBe('false');
  });
});
