import { TestBed } from '@angular/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { element } from '../../testing/console-testing';
import { LoadError } from './load-error';

describe('LoadError', () => {
  afterEach(() => TestBed.resetTestingModule());

  it('says what could not be loaded and why, as an alert, and asks again on Try again', async () => {
    const fixture = TestBed.createComponent(LoadError);
    fixture.componentRef.setInput('subject', 'The sessions');
    fixture.componentRef.setInput('error', 'The server answered 500.');
    let retries = 0;
    fixture.componentInstance.retry.subscribe(() => retries++);
    await fixture.whenStable();

    const alert = element(fixture).querySelector('[role="alert"]');
    expect(alert?.querySelector('p')?.textContent).toBe('The sessions could not be loaded: The server answered 500.');
    alert?.querySelector<HTMLButtonElement>('button')?.click();
    expect(alert?.querySelector('button')?.textContent?.trim()).toBe('Try again');
    expect(retries).toBe(1);
  });
});
