// History sync's entry point for the sim's composition root: an account created with a history syncs it to every
// device linked to it afterwards.
import type { SimCore } from '../core/sim-core';
import type { MediaHost } from '../media';
import type { Messaging } from '../messaging';
import type { HistorySeeds } from './history-seed';
import { HistorySync } from './history-sync';

export { HistorySeeds, parseHistory, type HistoryChatInput } from './history-seed';

export function registerHistorySync(
  core: SimCore,
  deps: { media: MediaHost; messaging: Messaging; seeds: HistorySeeds },
): HistorySync {
  return new HistorySync(core, deps.media, deps.messaging, deps.seeds);
}
