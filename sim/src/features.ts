// Features built on the core, installed in order by startSim(): each registers its stanza hooks, IQs and routes.
import type { SimCore } from './core/sim-core';

export type SimFeature = (core: SimCore) => void | Promise<void>;

export const simFeatures: SimFeature[] = [];
