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
