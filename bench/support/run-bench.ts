// How every benchmark ends: exit 0 once it printed its figures, or print why it failed and exit 1 (a half-stopped
// simulator or server must not keep the process alive).
export function runBench(name: string, main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(
        `${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exit(1);
    },
  );
}
