// Runs what only a session's live WhatsApp connection can do (queries, contact and group operations) on the node that
// holds that connection: here when this node runs the session, else asked of its owner over the cluster bus, so every
// node answers every route.
import { Injectable, OnModuleInit } from '@nestjs/common';
import { ClusterRequests } from '../cluster/cluster-requests';
import { DomainError } from '../core/errors/domain-errors';
import { SessionNotConnectedError, WhatsAppRefusedError } from '../whatsapp/whatsapp.errors';
import { WhatsAppProvider } from '../whatsapp/whatsapp.provider';
import type { SessionEntity } from './session.entity';

/** The provider's methods that may run on another node: their arguments and answers are plain JSON. */
const ROUTED_CALLS = [
  'edit',
  'deleteForEveryone',
  'markRead',
  'sendPresence',
  'lookupNumbers',
  'profilePictureUrl',
  'blocklist',
  'setBlocked',
  'groups',
  'group',
  'createGroup',
  'updateGroup',
  'updateGroupParticipants',
  'groupInviteCode',
  'joinGroup',
  'leaveGroup',
  'rejectCall',
  'subscribePresence',
] as const;
export type RoutedCall = (typeof ROUTED_CALLS)[number];
type CallArgs<M extends RoutedCall> = WhatsAppProvider[M] extends (sessionId: string, ...args: infer A) => unknown
  ? A
  : never;
type CallResult<M extends RoutedCall> = Awaited<ReturnType<WhatsAppProvider[M]>>;

/** Longer than a WhatsApp query may take (group operations wait for WhatsApp's answer). */
const ASK_OWNER_MS = 20_000;

function isRoutedCall(method: string): method is RoutedCall {
  return (ROUTED_CALLS as readonly string[]).includes(method);
}

@Injectable()
export class SessionConnections implements OnModuleInit {
  constructor(
    private readonly whatsapp: WhatsAppProvider,
    private readonly requests: ClusterRequests,
  ) {}

  onModuleInit(): void {
    this.requests.answer('session.call', ({ sessionId, method, args }) => {
      if (!isRoutedCall(method) || !this.whatsapp.isConnected(sessionId)) return null;
      return this.invoke(sessionId, method, args).then((value) => ({ value }));
    });
  }

  /**
   * Calls the provider for a connected session wherever its connection is: 409 when the session is not connected, 503
   * when its owner does not answer in time, WhatsApp's refusals as the domain errors the provider maps them to.
   */
  async call<M extends RoutedCall>(session: SessionEntity, method: M, ...args: CallArgs<M>): Promise<CallResult<M>> {
    if (session.status !== 'connected') throw new SessionNotConnectedError(session.id);
    if (this.whatsapp.isConnected(session.id)) return (await this.invoke(session.id, method, args)) as CallResult<M>;
    const answer = await this.requests.ask('session.call', { sessionId: session.id, method, args }, ASK_OWNER_MS);
    return answer.value as CallResult<M>;
  }

  private async invoke(sessionId: string, method: RoutedCall, args: unknown[]): Promise<unknown> {
    const operation = this.whatsapp[method] as (sessionId: string, ...args: unknown[]) => Promise<unknown>;
    try {
      return await operation.call(this.whatsapp, sessionId, ...args);
    } catch (error) {
      if (error instanceof DomainError) throw error;
      throw new WhatsAppRefusedError(`WhatsApp did not do it: ${(error as Error).message}`);
    }
  }
}
