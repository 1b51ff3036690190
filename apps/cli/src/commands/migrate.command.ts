import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { loadConfig } from '#libs/config';
import { bootInfrastructure } from '#libs/infrastructure';

export function registerMigrate(program: Command): void {
  program
    .command('migrate')
    .description(
      'apply pending database migrations (the API also does this at start-up), then seal the personal data of events ' +
        'written before it was encrypted (safe to stop and run again: it resumes), then exit',
    )
    .option('--no-progress', 'no progress bar')
    .action(async (options: { progress: boolean }) => {
      const config = loadConfig();
      const infrastructure = await bootInfrastructure(config, {
        log: (message) => console.error(message),
      });
      try {
        const { rows } = await infrastructure.database.pool.query<{ id: string; applied_at: Date }>(
          'select id, applied_at from schema_migrations order by id',
        );
        for (const row of rows) console.log(`${row.id}  applied ${row.applied_at.toISOString()}`);
        console.log(`${rows.length} migrations applied; the schema is up to date.`);
        const sealer = infrastructure.legacySealer;
        if (!sealer) {
          console.log('events on KurrentDB are not rewritten: only events written from now on carry sealed personal data');
          return;
        }
        const before = await sealer.progress();
        const bar = options.progress
          ? new cliProgress.SingleBar(
              { format: 'sealing personal data {bar} {percentage}% | position {value}/{total} | {rewritten} events rewritten | ETA {eta_formatted}', hideCursor: true },
              cliProgress.Presets.shades_classic,
            )
          : undefined;
        bar?.start(Number(before.head), Number(before.position), { rewritten: before.rewritten });
        const done = await sealer.run({
          onProgress: (p) => {
            bar?.setTotal(Number(p.head));
            bar?.update(Number(p.position), { rewritten: p.rewritten });
          },
        });
        bar?.stop();
        console.log(
          `personal data sealed up to position ${done.position} of ${done.head}: ${done.rewritten - before.rewritten} events rewritten now, ${done.rewritten} in all`,
        );
      } finally {
        await infrastructure.close();
      }
    });
}
