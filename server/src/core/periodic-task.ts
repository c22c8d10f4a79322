// Runs a background task every so often until stopped; stop() waits for a run in progress, so shutdown never cuts one.

export interface PeriodicTask {
  stop(): Promise<void>;
}

/** `task` must not reject (it logs its own failures): a run that throws would stop nothing, but hide the error. */
export function startPeriodic(
  task: () => Promise<void>,
  timing: { firstDelayMs: number; intervalMs: number },
): PeriodicTask {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  const schedule = (delay: number): void => {
    timer = setTimeout(() => {
      running = task().finally(() => {
        running = undefined;
        if (!stopped) schedule(timing.intervalMs);
      });
    }, delay);
  };
  schedule(timing.firstDelayMs);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
