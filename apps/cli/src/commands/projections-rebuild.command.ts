import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { loadConfig } from '#libs/config';
import { bootInfrastructure } from '#libs/infrastructure';
import { ledgerProjections, rebuildProjections } from '#libs/projections';

export function registerProjectionsRebuild(program: Command): void {
  const projections = program.command('projections').description('read models fed from the event log');
  projections
    .command('rebuild')
    .description(`rebuild read models from the log beside the live ones, then swap them in (${ledgerProjections().map((p) => p.name).join(', ')})`)
    .argument('[name]', 'one projection (default: all)')
    .option('--no-progress', 'no progress bar')
    .action(async (name: string | undefined, options: { progress: boolean }) => {
      const config = loadConfig();
      const infrastructure = await bootInfrastructure(config, { applicationName: 'ledger-rebuild' });
      const bars = options.progress ? new cliProgress.MultiBar({ format: '{projection} {bar} {value}/{total} events | {rate} events/s | ETA {eta_formatted}', hideCursor: true }, cliProgress.Presets.shades_classic) : undefined;
      const active = new Map<string, cliProgress.SingleBar>();
      try {
        const result = await rebuildProjections({
          pool: infrastructure.database.pool,
          eventStore: infrastructure.eventStore,
          projections: ledgerProjections(),
          names: name ? [name] : undefined,
          onProgress: (p) => {
            if (!bars) return;
            let bar = active.get(p.projection);
            if (!bar) {
              bar = bars.create(Math.max(p.total, p.processed), 0, { projection: p.projection.padEnd(9), rate: 0 });
              active.set(p.projection, bar);
            }
            bar.setTotal(Math.max(p.total, p.processed));
            bar.update(p.processed, { rate: p.eventsPerSecond });
          },
        });
        bars?.stop();
        console.log(`rebuilt ${name ?? 'all projections'}: ${result.events} events in ${result.seconds.toFixed(1)} s (${Math.round(result.events / Math.max(result.seconds, 0.001))} events/s)`);
      } finally {
        bars?.stop();
        await infrastructure.close();
      }
    });
}
