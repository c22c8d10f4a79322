import { HttpTestingController } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { Router } from '@angular/router';
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
import { Setup } from './setup';

describe('Setup', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    http = setUpConsole({ signedInAs: null });
  });

  afterEach(verifyNoPendingRequests);

  async function render(needsSetup = true) {
    const fixture = TestBed.createComponent(Setup);
    await fixture.whenStable();
    http.expectOne('/api/v1/auth/setup').flush({ needsSetup });
    await settle(fixture);
    return fixture;
  }

  async function submit(fixture: ComponentFixture<unknown>, values: Record<string, string>): Promise<void> {
    for (const [label, value] of Object.entries(values)) type(fixture, label, value);
    submitButton(fixture).click();
    await settle(fixture);
  }

  it('refuses PINs that do not match, next to the confirmation, without asking the server', async () => {
    const fixture = await render();
    await submit(fixture, { Username: 'admin', PIN: '123456', 'Confirm PIN': '123465' });
    const confirm = fieldLabelled(fixture, 'Confirm PIN');
    expect(confirm.getAttribute('aria-invalid')).toBe('true');
    const describedBy = confirm.getAttribute('aria-describedby') ?? '';
    const message = element(fixture).querySelector(`#${describedBy}`);
    expect(message?.textContent?.trim()).toBe('The PINs do not match.');
    expect(document.activeElement).toBe(confirm);
    http.expectNone('/api/v1/auth/register');
  });

  it('asks for a PIN of 6 to 12 digits', async () => {
    const fixture = await render();
    await submit(fixture, { Username: 'admin', PIN: '12ab', 'Confirm PIN': '12ab' });
    expect(element(fixture).textContent).toContain('Choose a PIN of 6 to 12 digits.');
    http.expectNone('/api/v1/auth/register');
  });

  it('creates the first account, signs it in and opens the dashboard', async () => {
    await TestBed.inject(Router).navigateByUrl('/setup');
    const fixture = await render();
    await submit(fixture, { Username: 'admin', PIN: '123456', 'Confirm PIN': '123456' });
    const request = http.expectOne({ method: 'POST', url: '/api/v1/auth/register' });
    expect(request.request.body).toEqual({ username: 'admin', pin: '123456' });
    request.flush(
      {
        accessToken: 'jwt-1',
        expiresIn: 3600,
        user: { id: 'u-1', username: 'admin', role: 'admin', createdAt: '2026-01-01T00:00:00.000Z' },
      },
      { status: 201, statusText: 'Created' },
    );
    await settle(fixture);
    expect(TestBed.inject(Auth).isAdmin()).toBe(true);
    expect(TestBed.inject(Router).url).toBe('/');
  });

  it('sends people to sign in once WAGO is set up', async () => {
    const fixture = await render(false);
    const element = fixture.nativeElement as HTMLElement;
    expect(element.textContent).toContain('WAGO is already set up');
    expect(element.querySelector('form')).toBeNull();
    expect(element.querySelector('a[href="/login"]')).not.toBeNull();
  });
});
