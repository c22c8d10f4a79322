import { TestBed } from '@angular/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  FakeSocket,
  buttonNamed,
  element,
  provideFakeSockets,
  setUpConsole,
  settle,
  verifyNoPendingRequests,
} from '../../testing/console-testing';
import type { SessionEvent } from '../core/api-types';
import { EventTail, TAIL_LENGTH, summaryOf } from './event-tail';

function received(id: string, text: string, sessionId = 's-1'): SessionEvent {
  return {
    version: 1,
    id,
    type: 'message.received',
    sessionId,
    timestamp: '2026-01-02T10:00:00.000Z',
    data: {
      id: `M-${id}`,
      chat: { jid: '15550001111@s.whatsapp.net', type: 'direct' },
      sender: { pn: '15550001111@s.whatsapp.net', lid: null, pushName: 'Ana' },
      type: 'text',
      text,
    },
  };
}

describe('EventTail', () => {
  let sockets: FakeSocket[];

  beforeEach(() => {
    const fakes = provideFakeSockets();
    sockets = fakes.sockets;
    setUpConsole({ providers: [fakes.provider] });
  });

  afterEach(verifyNoPendingRequests);

  async function render() {
    const fixture = TestBed.createComponent(EventTail);
    fixture.componentRef.setInput('sessionId', 's-1');
    await settle(fixture);
    sockets[0].receive('connect');
    return fixture;
  }

  const lines = (fixture: Parameters<typeof element>[0]) =>
    Array.from(element(fixture).querySelectorAll('.event-tail__summary')).map((line) => line.textContent?.trim());

  it('follows the session and shows its events as they come, newest first', async () => {
    const fixture = await render();
    expect(sockets[0].subscriptions).toContain('s-1');
    sockets[0].receive('session.event', received('e1', 'first'));
    sockets[0].receive('session.event', received('e2', 'second'));
    sockets[0].receive('session.event', received('e3', 'elsewhere', 's-2'));
    await settle(fixture);
    expect(lines(fixture)).toEqual(['From Ana: second', 'From Ana: first']);
    expect(element(fixture).querySelector('pre')?.textContent).toContain('"id": "e2"');
  });

  it('counts events while paused and shows them on resume', async () => {
    const fixture = await render();
    sockets[0].receive('session.event', received('e1', 'before'));
    buttonNamed(fixture, 'Pause').click();
    sockets[0].receive('session.event', received('e2', 'during'));
    sockets[0].receive('session.event', received('e3', 'during too'));
    await settle(fixture);
    expect(lines(fixture)).toEqual(['From Ana: before']);
    expect(element(fixture).textContent).toContain('Paused: 2 new events waiting.');
    buttonNamed(fixture, 'Resume').click();
    await settle(fixture);
    expect(lines(fixture)).toEqual(['From Ana: during too', 'From Ana: during', 'From Ana: before']);
  });

  it('keeps only the last events', async () => {
    const fixture = await render();
    for (let index = 0; index < TAIL_LENGTH + 5; index++) {
      sockets[0].receive('session.event', received(`e${index}`, `number ${index}`));
    }
    await settle(fixture);
    const shown = lines(fixture);
    expect(shown).toHaveLength(TAIL_LENGTH);
    expect(shown[0]).toBe(`From Ana: number ${TAIL_LENGTH + 4}`);
  });

  it('sums up each kind of event in one line', () => {
    expect(
      summaryOf({
        ...received('e1', ''),
        type: 'session.status',
        data: { status: 'reconnecting', reason: 'connection_lost' },
      }),
    ).toBe('reconnecting (connection_lost)');
    expect(summaryOf({ ...received('e1', ''), data: { ...received('e1', '').data, type: 'image', text: null } })).toBe(
      'From Ana: [image]',
    );
  });
});
