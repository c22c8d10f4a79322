// The setup of the suites that send requests to every route of /api/docs-json: a server without rate limits or send
// pacing to slow them, a webhook receiver for the webhooks they create, the document itself and a phone to message.
import { OpenApiDocument, readOpenApiDocument } from './openapi';
import { startWagoWithSim, WagoWithSim } from './wago-with-sim';
import { startWebhookReceiver, WebhookReceiver } from './webhook-receiver';

export interface RouteSweep {
  wago: WagoWithSim;
  receiver: WebhookReceiver;
  document: OpenApiDocument;
}

export async function startRouteSweep(recipient: { phoneNumber: string; pushName: string }): Promise<RouteSweep> {
  const wago = await startWagoWithSim({
    env: {
      RATE_LIMIT_PER_MINUTE: '1000000',
      AUTH_RATE_LIMIT_PER_MINUTE: '1000000',
      MESSAGE_MIN_INTERVAL_MS: '0',
      MESSAGE_JITTER_MS: '0',
    },
  });
  let receiver: WebhookReceiver | undefined;
  try {
    receiver = await startWebhookReceiver();
    const document = await readOpenApiDocument(wago.server.baseUrl);
    wago.sim.createAccount(recipient);
    return { wago, receiver, document };
  } catch (error) {
    await receiver?.close();
    await wago.stop();
    throw error;
  }
}

const SMALL_PNG_BASE64 = 'iVBORw0KGgo=';

/**
 * Valid values for the send API's fields whose rules the document states only in words (a file needs exactly one
 * source; composing needs a chat): what a sweep's valid request puts there. Undefined for any other field.
 */
export function messageFieldFixture(field: string, recipientPhoneNumber: string): unknown {
  switch (field) {
    // Captioned kinds carry a caption, so the mentions a sweep sends have text to stand in.
    case 'image':
      return { data: SMALL_PNG_BASE64, mimetype: 'image/png', caption: `@${recipientPhoneNumber}` };
    case 'video':
      return { data: SMALL_PNG_BASE64, mimetype: 'video/mp4', caption: `@${recipientPhoneNumber}` };
    case 'document':
      return { data: SMALL_PNG_BASE64, mimetype: 'application/pdf', fileName: 'sweep.pdf', caption: 'sweep' };
    case 'sticker':
      return { data: SMALL_PNG_BASE64, mimetype: 'image/webp' };
    case 'audio':
      return { data: SMALL_PNG_BASE64, mimetype: 'audio/ogg' };
    case 'chat':
      return recipientPhoneNumber;
    default:
      return undefined;
  }
}
