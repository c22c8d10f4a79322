// Versioned schema migrations, applied in this order at boot. Add new ones at the end; never edit an applied one.
import type { MigrationInterface } from 'typeorm';
import { CreateSessions1764100000000 } from './1764100000000-CreateSessions';

export const MIGRATIONS: (new () => MigrationInterface)[] = [CreateSessions1764100000000];
