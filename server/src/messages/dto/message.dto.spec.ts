import { OutgoingMessageEntity } from '../outgoing-message.entity';
import { MessageDto } from './message.dto';

function row(overrides: Partial<OutgoingMessageEntity>): OutgoingMessageEntity {
  return Object.assign(new OutgoingMessageEntity(), {
    messageId: '3EB0A1B2C3D4E5F6071800',
    status: 'queued',
    sentAt: null,
    ...overrides,
  });
}

describe('MessageDto', () => {
  it('shows a message being handed to WhatsApp as queued', () => {
    expect(MessageDto.from(row({ status: 'sending' }))).toEqual({
      id: '3EB0A1B2C3D4E5F6071800',
      status: 'queued',
      timestamp: null,
    });
  });

  it('shows a message WhatsApp took as sent while its status is still being written', () => {
    const sentAt = new Date('2025-06-01T10:42:07.000Z');
    expect(MessageDto.from(row({ status: 'sending', sentAt }))).toEqual({
      id: '3EB0A1B2C3D4E5F6071800',
      status: 'sent',
      timestamp: '2025-06-01T10:42:07.000Z',
    });
  });
});
