// `npm run sim`: the simulator as a process, for the gateway and the console in development and demos.
import pino from 'pino';
import { quietLibsignal } from '../../server/src/whatsapp/baileys/quiet-libsignal';
import { keyPairFromPrivate, type KeyPair } from './core/crypto';
import { startAutoLink, type AutoLink } from './auto-link';
import { startSim } from './index';

function numberFromEnv(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

/** SIM_ROOT_KEY (base64 private key) keeps the certificate root stable across restarts, for clients that pin it. */
function rootKeyFromEnv(): KeyPair | undefined {
  const raw = process.env.SIM_ROOT_KEY;
  if (!raw) return undefined;
  const privateKey = Buffer.from(raw, 'base64');
  if (privateKey.length !== 32) throw new Error('SIM_ROOT_KEY must be a base64 32-byte Curve25519 private key');
  return keyPairFromPrivate(privateKey);
}

async function main(): Promise<void> {
  // The simulated phones' libsignal prints their session records, private keys included, as WAGO's does.
  quietLibsignal();
  const logger = pino({ level: process.env.SIM_LOG_LEVEL ?? 'info' });
  const sim = await startSim({
    port: numberFromEnv('SIM_PORT') ?? 8090,
    host: process.env.SIM_HOST ?? '127.0.0.1',
    logger,
    rootKey: rootKeyFromEnv(),
    mediaPort: numberFromEnv('SIM_MEDIA_PORT') ?? 0,
    qr: {
      firstQrMs: numberFromEnv('SIM_QR_FIRST_MS'),
      nextQrMs: numberFromEnv('SIM_QR_NEXT_MS'),
      qrCount: numberFromEnv('SIM_QR_COUNT'),
    },
  });
  logger.info(
    {
      wsUrl: sim.wsUrl,
      controlUrl: `${sim.url}/control`,
      mediaUrl: sim.mediaUrl,
      caPath: sim.caPath,
      rootPublicKey: sim.rootPublicKey.toString('base64'),
    },
    'WhatsApp simulator listening',
  );
  process.stdout.write(
    `WhatsApp simulator: give the gateway WA_WS_URL=${sim.wsUrl}\n` +
      `Its media host ${sim.mediaUrl} uses the simulator's own CA, ${sim.caPath}: ` +
      `start the gateway with NODE_EXTRA_CA_CERTS=${sim.caPath} to trust it.\n`,
  );
  const autoLinkSeconds = numberFromEnv('SIM_AUTO_LINK');
  let autoLink: AutoLink | undefined;
  if (autoLinkSeconds !== undefined) {
    const apiKey = process.env.SIM_AUTO_LINK_API_KEY;
    if (!apiKey) throw new Error('SIM_AUTO_LINK needs SIM_AUTO_LINK_API_KEY (an admin API key of the gateway)');
    const gatewayUrl = process.env.SIM_AUTO_LINK_GATEWAY ?? 'http://localhost:3000';
    autoLink = startAutoLink({
      delaySeconds: autoLinkSeconds,
      gatewayUrl,
      apiKey,
      scan: (qr) => sim.scan(qr),
      logger,
    });
    logger.info({ gatewayUrl, delaySeconds: autoLinkSeconds }, 'auto-link: scanning every QR the gateway shows');
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      autoLink?.stop();
      sim.stop().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'simulator did not stop cleanly');
          process.exit(1);
        },
      );
    });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
