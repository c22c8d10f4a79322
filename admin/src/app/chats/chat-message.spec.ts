import { TestBed } from '@angular/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aHistoryMessage, element, setUpConsole, settle, verifyNoPendingRequests } from '../../testing/console-testing';
import type { HistoryMessage } from '../core/api-types';
import { ChatMessage } from './chat-message';

describe('ChatMessage', () => {
  beforeEach(() => {
    setUpConsole();
  });

  afterEach(verifyNoPendingRequests);

  async function textOf(message: HistoryMessage): Promise<string> {
    const fixture = TestBed.createComponent(ChatMessage);
    fixture.componentRef.setInput('message', message);
    await settle(fixture);
    return (element(fixture).textContent ?? '').replace(/\s+/g, ' ').trim();
  }

  it('shows a text with its sender’s push name, and “You” for the account’s own', async () => {
    expect(await textOf(aHistoryMessage())).toMatch(/^Ana · .*2026.*Hello there$/);
    expect(await textOf(aHistoryMessage({ fromMe: true, text: 'Hi Ana' }))).toMatch(/^You · .*Hi Ana$/);
  });

  it('names a media message’s kind, file name, length and size, with its caption', async () => {
    const document = await textOf(
      aHistoryMessage({
        type: 'document',
        text: 'The March invoice',
        media: {
          id: 'media-1',
          mimetype: 'application/pdf',
          fileName: 'invoice.pdf',
          size: 1_234_567,
          caption: 'The March invoice',
          ptt: false,
          seconds: null,
          width: null,
          height: null,
        },
      }),
    );
    expect(document).toContain('Document · invoice.pdf · 1.2 MB');
    expect(document).toContain('The March invoice');

    const voiceNote = await textOf(
      aHistoryMessage({
        type: 'audio',
        text: null,
        media: {
          id: null,
          mimetype: 'audio/ogg',
          fileName: null,
          size: 800,
          caption: null,
          ptt: true,
          seconds: 72,
          width: null,
          height: null,
        },
      }),
    );
    expect(voiceNote).toContain('Voice note · 1:12 · 800 B');
  });

  it('describes a location, a contact and content WAGO does not describe', async () => {
    expect(
      await textOf(
        aHistoryMessage({
          type: 'location',
          text: null,
          location: { latitude: 38.7223, longitude: -9.13934, name: 'Lisbon office', address: 'Rua Augusta 1' },
        }),
      ),
    ).toContain('Location: Lisbon office, Rua Augusta 1 (38.7223, -9.13934)');
    expect(
      await textOf(aHistoryMessage({ type: 'contact', text: null, contact: { displayName: 'Ben', vcard: null } })),
    ).toContain('Contact: Ben');
    expect(
      await textOf(aHistoryMessage({ type: 'unsupported', text: null, unsupported: 'pollCreationMessage' })),
    ).toContain('Unsupported content: pollCreationMessage');
  });

  it('marks edited and deleted messages, replies, and lists the reactions', async () => {
    const edited = await textOf(
      aHistoryMessage({
        editedAt: '2026-01-02T10:05:00.000Z',
        quoted: { id: 'm-0', sender: '15550002222@s.whatsapp.net' },
        reactions: [
          { sender: 'me', emoji: '👍' },
          { sender: '15550002222@s.whatsapp.net', emoji: '❤️' },
        ],
      }),
    );
    expect(edited).toContain('· edited');
    expect(edited).toContain('Replying to a message from 15550002222@s.whatsapp.net');
    expect(edited).toContain('Reactions: 👍 you, ❤️ 15550002222@s.whatsapp.net');

    const deleted = await textOf(aHistoryMessage({ text: null, deletedAt: '2026-01-02T10:06:00.000Z' }));
    expect(deleted).toContain('This message was deleted.');
    expect(deleted).not.toContain('Hello there');
  });
});
