import type { Command } from 'commander';
import { loadConfig } from '#libs/config';
import { bootInfrastructure } from '#libs/infrastructure';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description('apply pending database migrations (the API also does this at start-up), then exit')
    .action(async () => {
      const config = loadConfig();
      const infrastructure = await bootInfrastructure(config, {
        log: (message) => console.error(message),
      });
      const { rows } = await infrastructure.database.pool.query<{ id: string; applied_at: Date }>(
        'select id, applied_at from schema_migrations order by id',
      );
      for (const row of rows) console.log(`${row.id}  applied ${row.applied_at.toISOString()}`);
      console.log(`${rows.length} migrations applied; the schema is up to date.`);
      await infrastructure.close();
    });
}
