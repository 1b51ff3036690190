import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { DecideAndAppend, ForgetCustomerHandler, ForgetCustomerCommand } from '#libs/application';
import { loadConfig } from '#libs/config';
import { systemClock } from '#libs/domain';
import { bootInfrastructure } from '#libs/infrastructure';
import { ProjectionRunner, ledgerProjections } from '#libs/projections';

export function registerCustomers(program: Command): void {
  const customers = program.command('customers').description("customers' personal data");

  customers
    .command('forget')
    .description("erase a customer's personal data: destroys its data key, records CustomerErased and clears every read model")
    .argument('<id>', "the customer's id")
    .requiredOption('--reason <text>', 'why (kept with the erasure: write no personal data here)')
    .option('--actor <name>', 'who asked, recorded with the erasure', process.env.USER ?? 'cli')
    .action(async (id: string, options: { reason: string; actor: string }) => {
      const config = loadConfig();
      const infrastructure = await bootInfrastructure(config, { poolMax: 4, applicationName: 'ledger-cli', log: (m) => console.error(m) });
      const { pool, connectionString } = infrastructure.database;
      // Runs the read models here too, so they are cleared before this command returns; a server
      // running them already keeps its turn, and this process only waits for it.
      const readModels = new ProjectionRunner({ pool, connectionString, eventStore: infrastructure.eventStore, projections: ledgerProjections() });
      try {
        await readModels.start();
        const decisions = new DecideAndAppend(infrastructure.eventStore, systemClock, { next: () => randomUUID() }, readModels, config);
        const handler = new ForgetCustomerHandler(decisions, infrastructure.personalData);
        const result = await handler.execute(
          new ForgetCustomerCommand(id, options.reason, { actor: options.actor, correlationId: randomUUID(), source: 'cli' }),
        );
        console.log(`customer ${id} is erased (version ${result.version}): its data key is destroyed and the read models no longer hold its personal data`);
      } finally {
        await readModels.stop();
        await infrastructure.close();
      }
    });
}
