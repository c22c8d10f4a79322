import { ControlError } from '../control/control-error';
import { parseHistory } from './history-seed';

describe('parseHistory', () => {
  const owner = { phoneNumber: '15550001111', now: 1_700_000_000 };

  it('spaces messages without a timestamp a minute apart, ending a minute before now, and gives them ids', () => {
    const [chat] = parseHistory(
      [
        {
          chat: '+1 555 000 2222',
          messages: [
            { from: 'me', text: 'a' },
            { from: '15550002222', text: 'b' },
          ],
        },
      ],
      owner,
    );
    expect(chat).toEqual({
      jid: '15550002222@s.whatsapp.net',
      isGroup: false,
      messages: [
        { id: expect.stringMatching(/^3A[0-9A-F]{18}$/), author: undefined, text: 'a', timestamp: 1_699_999_880 },
        { id: expect.stringMatching(/^3A[0-9A-F]{18}$/), author: '15550002222', text: 'b', timestamp: 1_699_999_940 },
      ],
    });
  });

  it('continues a minute after a given timestamp and takes any author in a group', () => {
    const [chat] = parseHistory(
      [
        {
          chat: '120363000000000001@g.us',
          messages: [
            { from: '15550003333', text: 'a', timestamp: 1_600_000_000, id: 'A' },
            { from: '15550004444', text: 'b' },
          ],
        },
      ],
      owner,
    );
    expect(chat.isGroup).toBe(true);
    expect(chat.messages.map(({ id, author, timestamp }) => ({ id, author, timestamp }))).toEqual([
      { id: 'A', author: '15550003333', timestamp: 1_600_000_000 },
      { id: expect.any(String), author: '15550004444', timestamp: 1_600_000_060 },
    ]);
  });

  it.each([
    [
      'a chat twice',
      [chatWith('15550002222'), chatWith('15550002222')],
      'history[1].chat: 15550002222@s.whatsapp.net appears twice in history',
    ],
    [
      'the account itself as author',
      [{ chat: '15550002222', messages: [{ from: '15550001111', text: 'x' }] }],
      'history[0].messages[0].from: the account\'s own messages are from "me"',
    ],
    [
      'an id twice in a chat',
      [
        {
          chat: '15550002222',
          messages: [
            { from: 'me', text: 'x', id: 'A' },
            { from: 'me', text: 'y', id: 'A' },
          ],
        },
      ],
      'history[0].messages[1].id: A appears twice in this chat',
    ],
    [
      'a chat without messages',
      [{ chat: '15550002222', messages: [] }],
      'history[0].messages must be a non-empty array',
    ],
    [
      'an unknown field',
      [{ chat: '15550002222', messages: [{ from: 'me', text: 'x', media: 1 }] }],
      'unknown field(s): history[0].messages[0].media',
    ],
  ])('refuses %s', (_case, history, message) => {
    expect(() => parseHistory(history, owner)).toThrow(new ControlError(400, message));
  });
});

function chatWith(phoneNumber: string) {
  return { chat: phoneNumber, messages: [{ from: 'me', text: 'x' }] };
}
