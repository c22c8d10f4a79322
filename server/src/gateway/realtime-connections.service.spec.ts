import { Logger } from '@nestjs/common';
import type { CredentialSource } from '../auth/auth-user';
import { FakeClock } from '../../test/support/fake-clock';
import { CredentialEndings, RealtimeConnections } from './realtime-connections.service';

/** Ends the credentials a test names; fails when told to. */
class FakeCredentialEndings implements CredentialEndings {
  readonly ended = new Set<CredentialSource>();
  checks = 0;
  failing = false;

  async endedAmong(sources: readonly CredentialSource[]): Promise<Set<CredentialSource>> {
    this.checks++;
    if (this.failing) throw new Error('database unavailable');
    return new Set(sources.filter((source) => this.ended.has(source)));
  }
}

const token = (userId: string): CredentialSource => ({
  kind: 'jwt',
  userId,
  tokenVersion: 0,
  expiresAt: new Date('2030-01-01T00:00:00Z'),
});

function setup() {
  const credentials = new FakeCredentialEndings();
  const connections = new RealtimeConnections(credentials, new FakeClock());
  const endedConnections: string[] = [];
  const open = (name: string, source: CredentialSource) =>
    connections.register({ source, end: () => endedConnections.push(name) });
  return { credentials, connections, endedConnections, open };
}

describe('RealtimeConnections', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('ends the connections whose credential has ended, and only those', async () => {
    const { credentials, connections, endedConnections, open } = setup();
    const alice = token('alice');
    const key: CredentialSource = { kind: 'api-key', apiKeyId: 'key-1' };
    open('alice on Socket.IO', alice);
    open('alice on /ws', alice);
    open('bob', token('bob'));
    open('service', key);
    credentials.ended.add(alice);
    credentials.ended.add(key);
    await connections.endRevoked();
    expect(endedConnections).toEqual(['alice on Socket.IO', 'alice on /ws', 'service']);
  });

  it('ends a connection once, then forgets it', async () => {
    const { credentials, connections, endedConnections, open } = setup();
    const alice = token('alice');
    open('alice', alice);
    credentials.ended.add(alice);
    await connections.endRevoked();
    await connections.endRevoked();
    expect(endedConnections).toEqual(['alice']);
  });

  it('no longer checks a connection that closed by itself', async () => {
    const { credentials, connections, endedConnections, open } = setup();
    const alice = token('alice');
    const close = open('alice', alice);
    close();
    credentials.ended.add(alice);
    await connections.endRevoked();
    expect(endedConnections).toEqual([]);
    expect(credentials.checks).toBe(0);
  });

  it('keeps every connection open when the check fails, and ends them at the next check that works', async () => {
    const { credentials, connections, endedConnections, open } = setup();
    const alice = token('alice');
    open('alice', alice);
    credentials.ended.add(alice);
    credentials.failing = true;
    await connections.endRevoked();
    expect(endedConnections).toEqual([]);
    credentials.failing = false;
    await connections.endRevoked();
    expect(endedConnections).toEqual(['alice']);
  });
});
