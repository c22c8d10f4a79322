import { createTestDatabase, TestDatabase } from '../support/database';
import { runMigrations } from '../../src/core/database/data-source';
import { MIGRATIONS } from '../../../migrations';

describe('database schema', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('matches the entities exactly after all migrations (no drift)', async () => {
    const dataSource = await database.dataSource();
    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((query) => query.query)).toEqual([]);
  });

  it('undoes every migration and applies them again', async () => {
    const dataSource = await database.dataSource();
    for (let undone = 0; undone < MIGRATIONS.length; undone++) await dataSource.undoLastMigration();
    const tables = await dataSource.query<{ table_name: string }[]>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'migrations'`,
    );
    expect(tables).toEqual([]);
    expect(await runMigrations(database.url)).toHaveLength(MIGRATIONS.length);
  });

  it('applies nothing when run again (idempotent boot)', async () => {
    expect(await runMigrations(database.url)).toEqual([]);
  });
});
