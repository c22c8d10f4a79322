// A WhatsAppProvider whose every method fails: unit tests extend it and override only what the code under test uses,
// so a call nobody expected shows as an error instead of passing silently.
import type {
  GroupChanges,
  GroupInfo,
  MessageRef,
  NumberLookup,
  OutgoingMessage,
  ParticipantAction,
  ParticipantChangeResult,
  PresenceState,
  SentMessage,
} from '../../src/whatsapp/whatsapp.provider';
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
  lookupNumbers(_sessionId: string, _phoneNumbers: string[]): Promise<NumberLookup[]> {
    throw unused('lookupNumbers');
  }
  profilePictureUrl(_sessionId: string, _jid: string): Promise<string | null> {
    throw unused('profilePictureUrl');
  }
  blocklist(_sessionId: string): Promise<string[]> {
    throw unused('blocklist');
  }
  setBlocked(_sessionId: string, _jid: string, _blocked: boolean): Promise<void> {
    throw unused('setBlocked');
  }
  groups(_sessionId: string): Promise<GroupInfo[]> {
    throw unused('groups');
  }
  group(_sessionId: string, _groupJid: string): Promise<GroupInfo> {
    throw unused('group');
  }
  createGroup(_sessionId: string, _subject: string, _participants: string[]): Promise<GroupInfo> {
    throw unused('createGroup');
  }
  updateGroup(_sessionId: string, _groupJid: string, _changes: GroupChanges): Promise<void> {
    throw unused('updateGroup');
  }
  updateGroupParticipants(
    _sessionId: string,
    _groupJid: string,
    _action: ParticipantAction,
    _participants: string[],
  ): Promise<ParticipantChangeResult[]> {
    throw unused('updateGroupParticipants');
  }
  groupInviteCode(_sessionId: string, _groupJid: string, _revoke: boolean): Promise<string> {
    throw unused('groupInviteCode');
  }
  joinGroup(_sessionId: string, _inviteCode: string): Promise<string> {
    throw unused('joinGroup');
  }
  leaveGroup(_sessionId: string, _groupJid: string): Promise<void> {
    throw unused('leaveGroup');
  }
  rejectCall(_sessionId: string, _callId: string, _callerJid: string): Promise<void> {
    throw unused('rejectCall');
  }
  subscribePresence(_sessionId: string, _jid: string): Promise<void> {
    throw unused('subscribePresence');
  }
  disconnectAll(): Promise<void> {
    throw unused('disconnectAll');
  }
}
