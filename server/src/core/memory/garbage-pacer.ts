// Keeps the memory a media transfer costs bounded: collects short-lived garbage every few MiB streamed.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { systemClock } from '../runtime/clock';
import { WakeableLoop } from '../runtime/wakeable-loop';

/**
 * Streaming a file allocates several short-lived Buffers per byte (socket reads, decryption, chunking, the Postgres
 * wire message), none of them kept. V8 frees a Buffer's memory only when a collection finds its wrapper dead, and it
 * starts one for Buffer memory alone only once about 64 MiB of it piled up: a single large file would grow the
 * process by that much. A young-generation collection every few MiB costs well under a millisecond and keeps the
 * pile small.
 */
const COLLECT_EVERY_BYTES = 4 * 1024 * 1024;

type Collect = (options: { type: 'minor'; execution: 'sync' }) => void;

function loadCollector(): Collect | undefined {
  const exposed = (globalThis as { gc?: Collect }).gc;
  if (exposed) return exposed;
  try {
    // Exposes `gc` in a fresh context only, not to the rest of the process; the flag matters at context creation.
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as Collect;
  } catch {
    return undefined;
  }
}

/** How often Buffer memory is looked at while a transfer runs where WAGO does not see its bytes. */
const WATCH_INTERVAL_MS = 50;

let collect: Collect | null | undefined;
let streamedSinceCollect = 0;

function collectYoungGarbage(): void {
  if (collect === undefined) collect = loadCollector() ?? null;
  collect?.({ type: 'minor', execution: 'sync' });
}

/** Counts bytes a media stream moved; collects young garbage every COLLECT_EVERY_BYTES of them. */
export function noteStreamedBytes(bytes: number): void {
  streamedSinceCollect += bytes;
  if (streamedSinceCollect < COLLECT_EVERY_BYTES) return;
  streamedSinceCollect = 0;
  collectYoungGarbage();
}

let watchers = 0;
let watch: WakeableLoop | undefined;
let arrayBuffersAtCollect = 0;

async function collectIfGrown(): Promise<void> {
  const arrayBuffers = process.memoryUsage().arrayBuffers;
  if (arrayBuffers - arrayBuffersAtCollect < COLLECT_EVERY_BYTES) return;
  collectYoungGarbage();
  arrayBuffersAtCollect = process.memoryUsage().arrayBuffers;
}

/**
 * Runs `task` (a transfer inside a library, e.g. Baileys encrypting and uploading a file, whose bytes WAGO never
 * sees) while watching the process's Buffer memory: each COLLECT_EVERY_BYTES it grows, young garbage is collected.
 */
export async function collectingGarbageDuring<T>(task: () => Promise<T>): Promise<T> {
  if (watchers++ === 0) {
    arrayBuffersAtCollect = process.memoryUsage().arrayBuffers;
    watch = new WakeableLoop('Watching Buffer memory', collectIfGrown, { intervalMs: WATCH_INTERVAL_MS }, systemClock);
    watch.start();
  }
  try {
    return await task();
  } finally {
    if (--watchers === 0) await watch?.stop();
  }
}

/** Passes a stream's pieces through unchanged, counting them. */
export async function* pacedGarbage<T extends { length: number }>(source: AsyncIterable<T>): AsyncGenerator<T> {
  for await (const piece of source) {
    noteStreamedBytes(piece.length);
    yield piece;
  }
}
