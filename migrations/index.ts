// Versioned schema migrations, applied in this order at boot. Add new ones at the end; never edit an applied one.
import type { MigrationInterface } from 'typeorm';

export const MIGRATIONS: (new () => MigrationInterface)[] = [];
