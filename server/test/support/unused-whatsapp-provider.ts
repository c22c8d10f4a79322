// A WhatsAppProvider whose every method fails: unit tests extend it and override only what the code under test uses,
// so a call nobody expected shows as an error instead of passing silently.
import type { MessageRef, OutgoingMessage, PresenceState, SentMessage } from '../../src/whatsapp/whatsapp.provider';
import { WhatsAppProvider } from '../../src/whatsapp/whatsapp.provider';

const unused = (method: string): Error => new Error(`WhatsAppProvider.${method} is not used here`);

export class UnusedWhatsAppProvider extends WhatsAppProvider {
  connect(_sessionId: string, _connectionId: number, _leaseEpoch: number): Promise<void> {
    throw unused('connect');
  }
  requestPairingCode(_sessionId: string, _phoneNumber: string): Promise<string> {
    throw unused('requestPairingCode');
  }
  disconnect(_sessionId: string): Promise<void> {
    throw unused('disconnect');
  }
  logout(_sessionId: string): Promise<void> {
    throw unused('logout');
  }
  wipeCredentials(_sessionId: string): Promise<void> {
    throw unused('wipeCredentials');
  }
  linkedJid(_sessionId: string): Promise<string | null> {
    throw unused('linkedJid');
  }
  isConnected(_sessionId: string): boolean {
    throw unused('isConnected');
  }
  send(_sessionId: string, _message: OutgoingMessage): Promise<SentMessage> {
    throw unused('send');
  }
  edit(_sessionId: string, _message: MessageRef, _text: string): Promise<void> {
    throw unused('edit');
  }
  deleteForEveryone(_sessionId: string, _message: MessageRef): Promise<void> {
    throw unused('deleteForEveryone');
  }
  markRead(_sessionId: string, _messages: MessageRef[]): Promise<void> {
    throw unused('markRead');
  }
  sendPresence(_sessionId: string, _state: PresenceState, _chatJid?: string): Promise<void> {
    throw unused('sendPresence');
  }
  disconnectAll(): Promise<void> {
    throw unused('disconnectAll');
  }
}
