import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { loadConfig } from '#libs/config';
import { bootInfrastructure } from '#libs/infrastructure';
import { VIEWS_BY_CHECKPOINT, checkpointOf, ledgerProjections, rebuildProjections, viewNames } from '#libs/projections';
import { registerProjectionsParked } from './projections-parked.command.js';

/** `ledger projections rebuild [name]`: replays the log into fresh read models beside the live ones, then swaps them in. */
export function registerProjectionsRebuild(program: Command): void {
  const known = ledgerProjections().map((p) => p.name);
  const views = viewNames();
  const projections = program.command('projections').description('read models fed from the event log');
  registerProjectionsParked(projections);
  projections
    .command('rebuild')
    .description(
      `rebuild read models from the whole log into new tables while the live ones keep serving, then swap them in (${known.join(', ')})`,
    )
    .argument(
      '[name]',
      `one checkpoint (${known.join(', ')}) or one view (${views.join(', ')}: rebuilt with the views sharing its checkpoint); default: all, from one pass over the log`,
    )
    .option('--batch-size <events>', 'events per read and per transaction', (v) => Number.parseInt(v, 10), 2_000)
    .option('--no-progress', 'no progress bar (for logs and CI)')
    .action(async (name: string | undefined, options: { batchSize: number; progress: boolean }) => {
      const checkpoint = name === undefined ? undefined : checkpointOf(name);
      if (name !== undefined && !checkpoint) throw new Error(`unknown projection or view ${name}; known: ${[...known, ...views].join(', ')}`);
      if (!Number.isInteger(options.batchSize) || options.batchSize < 1) throw new Error('--batch-size must be a positive integer');
      const config = loadConfig();
      const infrastructure = await bootInfrastructure(config, { applicationName: 'ledger-rebuild' });
      const label = checkpoint ? `${checkpoint} (${VIEWS_BY_CHECKPOINT[checkpoint].map((v) => v.name).join(', ')})` : known.join(' + ');
      // Every selected projection is fed by the same read of the log, so one bar tells it all.
      const bar = options.progress
        ? new cliProgress.SingleBar(
            { format: `${label} {bar} {percentage}% | {value}/{total} events | {rate} events/s | ETA {eta_formatted}`, hideCursor: true, etaBuffer: 50 },
            cliProgress.Presets.shades_classic,
          )
        : undefined;
      let barStarted = false;
      try {
        const result = await rebuildProjections({
          pool: infrastructure.database.pool,
          connectionString: infrastructure.database.connectionString,
          eventStore: infrastructure.eventStore,
          projections: ledgerProjections(),
          names: checkpoint ? [checkpoint] : undefined,
          batchSize: options.batchSize,
          onProgress: (p) => {
            if (!bar) return;
            if (!barStarted) {
              bar.start(p.total, 0, { rate: 0 });
              barStarted = true;
            }
            bar.setTotal(p.total);
            bar.update(p.processed, { rate: p.eventsPerSecond.toLocaleString('en-US') });
          },
        });
        bar?.stop();
        const rate = Math.round(result.events / Math.max(result.seconds, 0.001));
        console.log(`rebuilt ${label}: ${result.events.toLocaleString('en-US')} events in ${result.seconds.toFixed(1)} s (${rate.toLocaleString('en-US')} events/s), swapped in`);
      } finally {
        bar?.stop();
        await infrastructure.close();
      }
    });
}
