// The setup of tests below the HTTP API: a Baileys provider as one server process has it, on its own test database,
// connected to a simulator.
import { PinoLogger } from 'nestjs-pino';
import { SimHandle, startSim } from '../../../sim/src/index';
import { loadAppConfig } from '../../src/core/config/app-config';
import { Clock } from '../../src/core/runtime/clock';
import { MetricsService } from '../../src/health/metrics.service';
import { AuthStateRepository } from '../../src/whatsapp/baileys/auth-state.repository';
import { BaileysProvider } from '../../src/whatsapp/baileys/baileys.provider';
import { WhatsAppEvents } from '../../src/whatsapp/events';
import { createTestDatabase } from './database';
import { RecordingListener } from './recording-listener';
import { TEST_JWT_SECRET } from './server-process';
import { mediaServiceOn } from './media-service';
import { FRESH_LEASE_EPOCH, insertSession } from './session-rows';

export interface ProviderOnSim {
  sim: SimHandle;
  /** What the provider publishes: listen before linking to hear everything. */
  events: WhatsAppEvents;
  provider: BaileysProvider;
  /** Messages `provider` could not decrypt so far, as its metric counts them. */
  decryptionFailures(): Promise<number>;
  /** A provider as another process on the same database has it: what a restart gives. */
  newProvider(): BaileysProvider;
  /** A new session that `provider` links by QR to the sim account of `phoneNumber` (created before), open. */
  linkSession(phoneNumber: string): Promise<string>;
  /** Disconnects every provider made here, then stops the sim and drops the database. */
  stop(): Promise<void>;
}

export async function startProviderOnSim(): Promise<ProviderOnSim> {
  const sim = await startSim();
  const database = await createTestDatabase();
  try {
    const dataSource = await database.dataSource();
    const config = loadAppConfig({
      JWT_SECRET: TEST_JWT_SECRET,
      DATABASE_URL: database.url,
      WA_WS_URL: sim.wsUrl,
      WA_LOG_LEVEL: 'silent',
    });
    const events = new WhatsAppEvents();
    const logger = new PinoLogger({ pinoHttp: { level: 'silent' } });
    const providers: BaileysProvider[] = [];
    const newProvider = (processMetrics: MetricsService): BaileysProvider => {
      const made = new BaileysProvider(
        config,
        new AuthStateRepository(dataSource),
        events,
        mediaServiceOn(dataSource, config),
        logger,
        processMetrics,
        new Clock(),
      );
      providers.push(made);
      return made;
    };
    const metrics = new MetricsService();
    const provider = newProvider(metrics);
    return {
      sim,
      events,
      provider,
      async decryptionFailures() {
        const counter = await metrics.registry.getSingleMetric('wago_whatsapp_decryption_failures_total')?.get();
        return (counter?.values ?? []).reduce((sum, { value }) => sum + value, 0);
      },
      newProvider: () => newProvider(new MetricsService()),
      async linkSession(phoneNumber) {
        const sessionId = await insertSession(dataSource);
        const listener = new RecordingListener(events, sessionId);
        await provider.connect(sessionId, listener.connectionId, FRESH_LEASE_EPOCH);
        await sim.link(phoneNumber, { qr: await listener.waitForQr() });
        await listener.waitForOpen();
        return sessionId;
      },
      async stop() {
        for (const made of providers) await made.disconnectAll();
        await sim.stop();
        await database.drop();
      },
    };
  } catch (error) {
    await sim.stop();
    await database.drop();
    throw error;
  }
}
