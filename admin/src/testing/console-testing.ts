// What the console's specs share: the providers of a signed-in console, a fake socket, fixtures and DOM helpers.
import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { Component, type EnvironmentProviders, type Provider } from '@angular/core';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { HistoryMessage, Role, Session, Sink, SubscribeAck } from '../app/core/api-types';
import { Auth } from '../app/core/auth';
import { authInterceptor } from '../app/core/auth-interceptor';
import { errorInterceptor } from '../app/core/error-interceptor';
import { SOCKET_FACTORY, type RealtimeSocket } from '../app/core/realtime';

@Component({ template: '' })
export class Blank {}

/** The app's HTTP stack (both interceptors) on a testing backend, and a router where every URL exists. */
export function provideConsoleTesting(): (Provider | EnvironmentProviders)[] {
  return [
    provideRouter([{ path: '**', component: Blank }]),
    provideHttpClient(withInterceptors([authInterceptor, errorInterceptor])),
    provideHttpClientTesting(),
  ];
}

/**
 * For beforeEach: a fresh console (empty storage, the testing providers plus `providers`), signed in as `signedInAs`
 * (`null`: signed out). Answers the HTTP testing controller the test plays the server with.
 */
export function setUpConsole(
  options: { signedInAs?: Role | null; providers?: (Provider | EnvironmentProviders)[] } = {},
): HttpTestingController {
  localStorage.clear();
  TestBed.configureTestingModule({ providers: [...provideConsoleTesting(), ...(options.providers ?? [])] });
  const role = options.signedInAs === undefined ? 'admin' : options.signedInAs;
  if (role) signInAs(role);
  return TestBed.inject(HttpTestingController);
}

/**
 * For afterEach: no request may be left unanswered. The testing module is reset even when that check fails, so one
 * failing test does not make the next ones fail too.
 */
export function verifyNoPendingRequests(): void {
  try {
    TestBed.inject(HttpTestingController).verify();
  } finally {
    TestBed.resetTestingModule();
  }
}

export function signInAs(role: Role = 'admin', expiresIn = 3600, accessToken = 'jwt-1'): void {
  TestBed.inject(Auth).signedIn({
    accessToken,
    expiresIn,
    user: { id: 'u-1', username: 'alice', role, createdAt: '2026-01-01T00:00:00.000Z' },
  });
}

type Handler = (...args: unknown[]) => void;

/** Stands in for a socket.io-client socket: the test plays the server. */
export class FakeSocket {
  connected = false;
  active = true;
  disconnected = false;
  ackWith: SubscribeAck = { ok: true };
  readonly subscriptions: string[] = [];
  readonly unsubscriptions: string[] = [];
  private readonly handlers = new Map<string, Handler[]>();

  constructor(readonly token: string) {}

  on(event: string, handler: Handler): this {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), handler]);
    return this;
  }

  timeout(): this {
    return this;
  }

  emit(event: string, payload: { sessionId: string }, ack?: (error: Error | null, answer: SubscribeAck) => void): this {
    if (event === 'subscribe') {
      this.subscriptions.push(payload.sessionId);
      ack?.(null, this.ackWith);
    }
    if (event === 'unsubscribe') this.unsubscriptions.push(payload.sessionId);
    return this;
  }

  removeAllListeners(): this {
    this.handlers.clear();
    return this;
  }

  disconnect(): this {
    this.connected = false;
    this.active = false;
    this.disconnected = true;
    return this;
  }

  /** The server sends `event`. */
  receive(event: string, ...args: unknown[]): void {
    if (event === 'connect') this.connected = true;
    if (event === 'disconnect') this.connected = false;
    for (const handler of this.handlers.get(event) ?? []) handler(...args);
  }
}

/** Replaces the socket factory; the returned list holds every socket the console opened, newest last. */
export function provideFakeSockets(): { sockets: FakeSocket[]; provider: Provider } {
  const sockets: FakeSocket[] = [];
  const factory = (token: string) => {
    const socket = new FakeSocket(token);
    sockets.push(socket);
    return socket as unknown as RealtimeSocket;
  };
  return { sockets, provider: { provide: SOCKET_FACTORY, useValue: factory } };
}

export function aSession(overrides: Partial<Session> = {}): Session {
  return {
    id: 's-1',
    name: 'support',
    status: 'created',
    jid: null,
    lid: null,
    phoneNumber: null,
    pushName: null,
    device: null,
    lastConnectedAt: null,
    lastDisconnect: null,
    settings: { rejectCalls: false, rejectCallsMessage: null },
    createdAt: '2026-01-01T10:00:00.000Z',
    updatedAt: '2026-01-01T10:00:00.000Z',
    ...overrides,
  };
}

/** A NATS sink of session s-1, without credentials, on the default stream. */
export function aSink(overrides: Partial<Sink> = {}): Sink {
  return {
    id: 'k-1',
    sessionId: 's-1',
    kind: 'nats',
    url: 'nats://127.0.0.1:4222',
    hasCredentials: false,
    exchange: null,
    stream: 'WAGO',
    events: ['*'],
    groupPolicy: 'mentions',
    enabled: true,
    disabledReason: null,
    createdAt: '2026-01-01T10:00:00.000Z',
    updatedAt: '2026-01-01T10:00:00.000Z',
    ...overrides,
  };
}

/** A text from Ana in her direct chat with the session, as the history stores it. */
export function aHistoryMessage(overrides: Partial<HistoryMessage> = {}): HistoryMessage {
  return {
    id: 'm-1',
    chat: { jid: '15550001111@s.whatsapp.net', type: 'direct' },
    sender: { pn: '15550001111@s.whatsapp.net', lid: '111111111111111@lid', pushName: 'Ana' },
    fromMe: false,
    type: 'text',
    unsupported: null,
    text: 'Hello there',
    media: null,
    location: null,
    contact: null,
    mentions: [],
    quoted: null,
    reactions: [],
    editedAt: null,
    deletedAt: null,
    timestamp: '2026-01-02T10:00:00.000Z',
    ...overrides,
  };
}

/** Answers land in promise continuations: let those run (a real macrotask), then let Angular render. */
export async function settle(fixture: ComponentFixture<unknown>): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve));
  await fixture.whenStable();
}

export function element(fixture: ComponentFixture<unknown>): HTMLElement {
  return fixture.nativeElement as HTMLElement;
}

/** The form control whose label reads exactly `label`, as a person finds it. */
export function fieldLabelled<Field extends HTMLInputElement | HTMLSelectElement = HTMLInputElement>(
  fixture: ComponentFixture<unknown>,
  label: string,
): Field {
  const root = element(fixture);
  const labelElement = Array.from(root.querySelectorAll('label')).find(
    (candidate) => candidate.textContent?.trim() === label,
  );
  const field = labelElement?.htmlFor ? root.querySelector<Field>(`#${labelElement.htmlFor}`) : null;
  if (!field) throw new Error(`No field labelled “${label}”`);
  return field;
}

export function type(fixture: ComponentFixture<unknown>, label: string, value: string): void {
  const field = fieldLabelled(fixture, label);
  field.value = value;
  field.dispatchEvent(new Event('input'));
}

export function submitButton(fixture: ComponentFixture<unknown>): HTMLButtonElement {
  const button = element(fixture).querySelector<HTMLButtonElement>('button[type="submit"]');
  if (!button) throw new Error('No submit button');
  return button;
}

/** The button whose text reads exactly `name`, as a person finds it. */
export function buttonNamed(fixture: ComponentFixture<unknown>, name: string): HTMLButtonElement {
  const button = Array.from(element(fixture).querySelectorAll('button')).find(
    (candidate) => candidate.textContent?.trim() === name,
  );
  if (!button) throw new Error(`No button “${name}”`);
  return button;
}
