import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  aHistoryMessage,
  buttonNamed,
  element,
  setUpConsole,
  settle,
  submitButton,
  type,
  verifyNoPendingRequests,
} from '../../testing/console-testing';
import type { Chat } from '../core/api-types';
import { SessionChats } from './session-chats';

const ANA_JID = '15550001111@s.whatsapp.net';
const GROUP_JID = '120363025246125486@g.us';

const aChat = (overrides: Partial<Chat> = {}): Chat => ({
  jid: ANA_JID,
  type: 'direct',
  name: 'Ana',
  lastMessage: aHistoryMessage(),
  unreadCount: 2,
  updatedAt: '2026-01-02T10:00:00.000Z',
  ...overrides,
});

describe('SessionChats', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    http = setUpConsole();
  });

  afterEach(verifyNoPendingRequests);

  async function render(chats: Chat[]) {
    const fixture = TestBed.createComponent(SessionChats);
    fixture.componentRef.setInput('sessionId', 's-1');
    await fixture.whenStable();
    const request = http.expectOne((candidate) => candidate.url === '/api/v1/sessions/s-1/chats');
    expect(request.request.params.get('offset')).toBe('0');
    request.flush({ items: chats, total: chats.length });
    await settle(fixture);
    return fixture;
  }

  const rowTexts = (fixture: Awaited<ReturnType<typeof render>>) =>
    Array.from(element(fixture).querySelectorAll('tbody tr')).map((row) =>
      Array.from(row.querySelectorAll('td')).map((cell) => cell.textContent?.replace(/\s+/g, ' ').trim()),
    );

  it('lists the chats with their name or JID, type, last message, unread count and time', async () => {
    const fixture = await render([
      aChat(),
      aChat({
        jid: GROUP_JID,
        type: 'group',
        name: null,
        unreadCount: 0,
        lastMessage: aHistoryMessage({
          fromMe: true,
          type: 'image',
          text: 'The new sign',
          chat: { jid: GROUP_JID, type: 'group' },
        }),
      }),
    ]);
    const [ana, group] = rowTexts(fixture);
    expect(ana[0]).toBe(`Ana ${ANA_JID}`);
    expect(ana.slice(1, 4)).toEqual(['Direct', 'Ana: Hello there', '2']);
    expect(ana[4]).toContain('2026');
    expect(group.slice(0, 4)).toEqual([GROUP_JID, 'Group', 'You: Photo: The new sign', '0']);
  });

  it('says so when the session has no chats yet', async () => {
    const fixture = await render([]);
    expect(element(fixture).textContent).toContain('No chats yet');
  });

  it('opens a chat on its newest messages and loads older ones from the cursor until there are none', async () => {
    const fixture = await render([aChat()]);
    buttonNamed(fixture, 'Ana').click();
    await settle(fixture);
    const newest = http.expectOne(
      (request) => request.url === `/api/v1/sessions/s-1/chats/${encodeURIComponent(ANA_JID)}/messages`,
    );
    expect(newest.request.params.has('before')).toBe(false);
    newest.flush({
      items: [aHistoryMessage({ id: 'm-3', text: 'Third' }), aHistoryMessage({ id: 'm-2', text: 'Second' })],
      nextCursor: 'cursor-1',
    });
    await settle(fixture);
    const heading = element(fixture).querySelector<HTMLElement>('#open-chat-title');
    expect(heading?.textContent?.trim()).toBe('Ana');
    expect(document.activeElement).toBe(heading);

    buttonNamed(fixture, 'Load older messages').click();
    const older = http.expectOne((request) => request.params.get('before') === 'cursor-1');
    older.flush({ items: [aHistoryMessage({ id: 'm-1', text: 'First' })], nextCursor: null });
    await settle(fixture);
    const shown = Array.from(
      element(fixture).querySelectorAll('[aria-label="Messages, newest first"] .message__text'),
    ).map((text) => text.textContent?.trim());
    expect(shown).toEqual(['Third', 'Second', 'First']);
    expect(() => buttonNamed(fixture, 'Load older messages')).toThrow();

    buttonNamed(fixture, 'Close chat').click();
    await settle(fixture);
    expect(element(fixture).querySelector('#open-chat-title')).toBeNull();
    expect(document.activeElement).toBe(element(fixture).querySelector('#chats-title'));
  });

  it('searches every chat and opens the chat of a result', async () => {
    const fixture = await render([aChat()]);
    type(fixture, 'Words to find', '  invoice ');
    submitButton(fixture).click();
    const search = http.expectOne((request) => request.url === '/api/v1/sessions/s-1/messages');
    expect(search.request.params.get('q')).toBe('invoice');
    search.flush({
      items: [
        aHistoryMessage({ id: 'm-9', text: 'Where is the invoice?', chat: { jid: GROUP_JID, type: 'group' } }),
        aHistoryMessage({ id: 'm-8', text: 'Invoice sent' }),
      ],
      nextCursor: null,
    });
    await settle(fixture);
    const text = element(fixture).textContent?.replace(/\s+/g, ' ') ?? '';
    expect(text).toContain('2 messages match “invoice”.');
    const results = Array.from(element(fixture).querySelectorAll('[aria-label="Messages found, newest first"] > li'));
    expect(results[0].textContent).toContain(`In ${GROUP_JID}`);
    expect(results[1].textContent).toContain('In Ana');

    results[1].querySelector('button')?.click();
    await settle(fixture);
    http
      .expectOne(`/api/v1/sessions/s-1/chats/${encodeURIComponent(ANA_JID)}/messages?limit=30`)
      .flush({ items: [aHistoryMessage({ id: 'm-8', text: 'Invoice sent' })], nextCursor: null });
    await settle(fixture);
    expect(element(fixture).querySelector('#open-chat-title')?.textContent?.trim()).toBe('Ana');

    buttonNamed(fixture, 'Clear search').click();
    await settle(fixture);
    expect(element(fixture).querySelector('[aria-label="Messages found, newest first"]')).toBeNull();
  });

  it('will not search for nothing', async () => {
    const fixture = await render([aChat()]);
    type(fixture, 'Words to find', '   ');
    submitButton(fixture).click();
    await settle(fixture);
    expect(element(fixture).textContent).toContain('Enter a word to find.');
    http.expectNone((request) => request.url === '/api/v1/sessions/s-1/messages');
  });

  it('explains a chat list that could not be loaded and tries again', async () => {
    const fixture = TestBed.createComponent(SessionChats);
    fixture.componentRef.setInput('sessionId', 's-1');
    await fixture.whenStable();
    http
      .expectOne((request) => request.url === '/api/v1/sessions/s-1/chats')
      .flush(
        { statusCode: 500, error: 'Internal Server Error', message: 'Boom' },
        { status: 500, statusText: 'Error' },
      );
    await settle(fixture);
    expect(element(fixture).textContent).toContain('The chats could not be loaded: Boom');
    buttonNamed(fixture, 'Try again').click();
    http.expectOne((request) => request.url === '/api/v1/sessions/s-1/chats').flush({ items: [], total: 0 });
    await settle(fixture);
    expect(element(fixture).textContent).toContain('No chats yet');
  });
});
