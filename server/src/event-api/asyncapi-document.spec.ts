import { Parser } from '@asyncapi/parser';
import { EVENT_TYPES } from '../webhooks/event-schemas';
import { WEBHOOK_EVENT_TYPES } from '../webhooks/envelope';
import { asyncApiDocument } from './asyncapi-document';
import { EventContract } from '../../test/support/event-contract';

/** Errors and warnings of the AsyncAPI parser (information and hints left out), one line each. */
async function parserFindings(document: object): Promise<string[]> {
  const diagnostics = await new Parser().validate(JSON.stringify(document));
  return diagnostics
    .filter((diagnostic) => diagnostic.severity <= 1)
    .map((diagnostic) => `${diagnostic.path.join('.')}: ${diagnostic.message}`);
}

describe('the AsyncAPI document', () => {
  const document = asyncApiDocument('https://wago.example.com/gateway');
  const contract = new EventContract(document);

  it('is valid AsyncAPI 3.0, without errors or warnings from the AsyncAPI parser', async () => {
    expect(document.asyncapi).toBe('3.0.0');
    expect(await parserFindings(document)).toEqual([]);
  });

  it('is refused by the parser when a payload refers to a schema it does not define', async () => {
    const broken = structuredClone(document);
    delete broken.components.schemas.ChatRef;
    expect((await parserFindings(broken)).length).toBeGreaterThan(0);
  });

  it('names the gateway itself as the server of the realtime channels', () => {
    expect(document.servers.gateway).toMatchObject({ host: 'wago.example.com', protocol: 'wss', pathname: '/gateway' });
  });

  it('describes every event type on webhooks (with the test ping), RabbitMQ and NATS', () => {
    expect(contract.messagesOf('webhooks').sort()).toEqual([...EVENT_TYPES].sort());
    expect(contract.messagesOf('rabbitmq').sort()).toEqual([...WEBHOOK_EVENT_TYPES].sort());
    expect(contract.messagesOf('nats').sort()).toEqual([...WEBHOOK_EVENT_TYPES].sort());
    expect(document.channels.rabbitmq.address).toBe('{sessionId}.{eventType}');
    expect(document.channels.nats.address).toBe('wago.{sessionId}.{eventType}');
  });

  it('describes what Socket.IO and the plain WebSocket carry, both ways', () => {
    expect(contract.messagesOf('socketIo').sort()).toEqual([
      'session.event',
      'session.qr',
      'session.status',
      'subscribe',
      'subscribe ack',
      'unsubscribe',
    ]);
    expect(contract.messagesOf('webSocket').sort()).toEqual(['session.event', 'session.qr', 'session.status']);
    expect(document.operations.onSubscribe).toMatchObject({ action: 'receive', reply: expect.any(Object) });
  });

  it('accepts the realtime payloads the gateway sends and refuses one with a field of the wrong type', () => {
    const status = {
      sessionId: '1f0e6c57-3b1e-4a43-9c1e-0d9f3b3f6c11',
      status: 'qr',
      reason: null,
      at: new Date().toISOString(),
    };
    expect(contract.problems('socketIo', 'session.status', status)).toEqual([]);
    expect(contract.problems('webSocket', 'session.status', { event: 'session.status', data: status })).toEqual([]);
    expect(contract.problems('socketIo', 'subscribe ack', { ok: false, error: 'Session not found' })).toEqual([]);
    expect(contract.problems('socketIo', 'subscribe ack', { ok: true })).toEqual([]);
    expect(contract.problems('socketIo', 'session.status', { ...status, status: 'sleeping' })).toEqual([
      'socketIo session.status: /status must be equal to one of the allowed values',
    ]);
  });
});
