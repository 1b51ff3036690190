import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { DeadlineWatcher, DecideAndAppend } from '#libs/application';
import { loadConfig } from '#libs/config';
import { systemClock } from '#libs/domain';
import { bootInfrastructure } from '#libs/infrastructure';
import { ProjectionRunner, PromiseDeadlineQueries, ledgerProjections } from '#libs/projections';

export function registerWatch(program: Command): void {
  program
    .command('watch')
    .description('run the deadline watcher on its own (then start the API with LEDGER_RUN_DEADLINE_WATCHER=false)')
    .action(async () => {
      const config = loadConfig();
      const infrastructure = await bootInfrastructure(config, { applicationName: 'ledger-watch', log: (m) => console.error(m) });
      const { pool, connectionString } = infrastructure.database;
      // Only used to read checkpoints: this process runs no projection.
      const readModels = new ProjectionRunner({ pool, connectionString, eventStore: infrastructure.eventStore, projections: ledgerProjections() });
      const decisions = new DecideAndAppend(infrastructure.eventStore, systemClock, { next: () => randomUUID() }, readModels, config);
      const watcher = new DeadlineWatcher(decisions, new PromiseDeadlineQueries(pool), systemClock, config);
      watcher.start();
      console.error(`watching deadlines every ${config.deadlineCheckIntervalMs} ms (at-risk window ${config.atRiskWindowMs / 3_600_000} h); Ctrl-C to stop`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await watcher.stop();
      await infrastructure.close();
    });
}
