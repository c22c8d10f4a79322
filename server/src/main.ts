// Process entry point: start, then shut down gracefully on SIGTERM/SIGINT (sockets closed, nobody logged out).
import { ConfigError } from './core/config/environment';
import { startServer } from './bootstrap';

async function main(): Promise<void> {
  const server = await startServer();
  let closing = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (closing) return;
    closing = true;
    process.stdout.write(`Received ${signal}, shutting down\n`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`Shutdown failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(error instanceof ConfigError ? `${error.message}\n` : `Failed to start: ${String(error)}\n`);
  process.exit(1);
});
