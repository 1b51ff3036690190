import type { Command } from 'commander';
import { loadConfig } from '#libs/config';
import { bootInfrastructure } from '#libs/infrastructure';
import { systemClock } from '#libs/domain';
import { ledgerProjections, listParkedEvents, retryParkedEvents, type Projection } from '#libs/projections';
import { WebhookFanout } from '#libs/webhooks';

// The read models' projections, and the webhook worker's fan-out (it parks like them).
const parkingProjections = (): Projection[] => [...ledgerProjections(), new WebhookFanout(systemClock)];

/**
 * `ledger projections parked` lists the events a projection could not apply and set aside;
 * `ledger projections retry` applies them again (after a fix), oldest first.
 */
export function registerProjectionsParked(projections: Command): void {
  const known = parkingProjections().map((p) => p.name);
  const checkName = (name: string | undefined) => {
    if (name && !known.includes(name)) throw new Error(`unknown projection ${name}; known: ${known.join(', ')}`);
  };

  projections
    .command('parked')
    .description('list events a projection could not apply and parked, with the error (the projection went on without them)')
    .option('--projection <name>', `only this projection (${known.join(', ')})`)
    .action(async (options: { projection?: string }) => {
      checkName(options.projection);
      const infrastructure = await bootInfrastructure(loadConfig(), { poolMax: 2, applicationName: 'ledger-cli' });
      try {
        const parked = await listParkedEvents(infrastructure.database.pool, options.projection);
        if (parked.length === 0) console.log('no parked events');
        for (const p of parked) {
          console.log(`${p.projection}  position ${p.position}  ${p.type} on ${p.stream} (event ${p.eventId})  parked ${p.parkedAt.toISOString()} after ${p.attempts} attempts`);
          console.log(`    ${p.error}`);
        }
      } finally {
        await infrastructure.close();
      }
    });

  projections
    .command('retry')
    .description('apply parked events again, oldest first (after a fix); those that still fail stay parked')
    .option('--projection <name>', `only this projection (${known.join(', ')})`)
    .option('--position <position>', 'only the event at this log position')
    .action(async (options: { projection?: string; position?: string }) => {
      checkName(options.projection);
      if (options.position !== undefined && !/^\d{1,19}$/.test(options.position)) throw new Error('--position must be a log position (digits)');
      const infrastructure = await bootInfrastructure(loadConfig(), { poolMax: 2, applicationName: 'ledger-cli' });
      try {
        const { eventStore } = infrastructure;
        const result = await retryParkedEvents(
          infrastructure.database.pool,
          async (position) => (await eventStore.readAll({ fromPosition: position - 1n, maxCount: 1 })).find((e) => e.position === position),
          parkingProjections(),
          { projection: options.projection, position: options.position === undefined ? undefined : BigInt(options.position) },
        );
        for (const p of result.applied) console.log(`applied ${p.projection} position ${p.position} (${p.type})`);
        for (const p of result.failed) console.error(`still parked: ${p.projection} position ${p.position} (${p.type}): ${p.error}`);
        console.log(`${result.applied.length} applied, ${result.failed.length} still parked`);
        if (result.failed.length > 0) process.exitCode = 1;
      } finally {
        await infrastructure.close();
      }
    });
}
