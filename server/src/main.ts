// Process entry point: start, then shut down gracefully on SIGTERM/SIGINT (sockets closed, nobody logged out) or after
// an uncaught exception that leaves the process state in doubt.
import pino from 'pino';
import { ConfigError } from './core/config/environment';
import { installProcessGuards } from './core/process-guards';
import { startServer } from './bootstrap';
import { systemClock } from './core/runtime/clock';

/** SHUTDOWN_HANDOFF_SECONDS (validated at boot, default 20) plus room for everything else a shutdown closes. */
const shutdownLimitMs = (Number(process.env.SHUTDOWN_HANDOFF_SECONDS ?? 20) + 40) * 1000;

async function main(): Promise<void> {
  const booting = startServer();
  let closing = false;
  const shutdown = (reason: string, exitCode: number): void => {
    if (closing) return;
    closing = true;
    process.stdout.write(`Received ${reason}, shutting down\n`);
    // Last resort: whatever a shutdown step still waits for, the process ends (an orchestrator would kill it anyway,
    // later). Longer than the session handoff, which is the longest step by design.
    systemClock.setTimeout(
      () => {
        process.stderr.write(`Shutdown did not finish within ${shutdownLimitMs / 1000} s; exiting\n`);
        process.exit(1);
      },
      shutdownLimitMs,
      { holdsProcess: false },
    );
    booting
      .then((server) => server.close())
      .then(
        () => process.exit(exitCode),
        (error: unknown) => {
          process.stderr.write(`Shutdown failed: ${String(error)}\n`);
          process.exit(1);
        },
      );
  };
  // Installed while the boot runs, before LOG_LEVEL is known to be valid: these lines always show.
  installProcessGuards(process, pino({ name: 'process' }), () => shutdown('uncaughtException', 1));
  await booting;
  process.on('SIGTERM', () => shutdown('SIGTERM', 0));
  process.on('SIGINT', () => shutdown('SIGINT', 0));
}

main().catch((error: unknown) => {
  process.stderr.write(error instanceof ConfigError ? `${error.message}\n` : `Failed to start: ${String(error)}\n`);
  process.exit(1);
});
