import type { Command } from 'commander';
import { ApiKeyStore } from '#libs/access';
import { ROLES, loadConfig, type Role } from '#libs/config';
import { bootInfrastructure } from '#libs/infrastructure';

async function withKeyStore<T>(work: (keys: ApiKeyStore) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const infrastructure = await bootInfrastructure(config, { poolMax: 2, applicationName: 'ledger-cli' });
  try {
    return await work(new ApiKeyStore(infrastructure.database.pool, config.apiKeys));
  } finally {
    await infrastructure.close();
  }
}

export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('manage API keys (only a hash of each key is stored)');

  keys
    .command('create')
    .description('create a key and print it once')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .requiredOption('--name <name>', 'who or what uses it, e.g. "erp-sap" or "alice"')
    .action(async (options: { role: string; name: string }) => {
      const role = options.role.toUpperCase() as Role;
      if (!ROLES.includes(role)) throw new Error(`--role must be one of ${ROLES.join(', ')}`);
      if (!/^[\w.@-]{1,100}$/.test(options.name)) throw new Error('--name: 1 to 100 letters, digits, or . _ @ -');
      const created = await withKeyStore((store) => store.create(role, options.name));
      console.log(created.key);
      console.error(`created ${role} key "${options.name}" (id ${created.id}). It is shown only now: store it safely.`);
      console.error(`Use it as: Authorization: Bearer ${created.key.slice(0, 6)}…`);
    });

  keys
    .command('list')
    .description('list keys (never the keys themselves)')
    .action(async () => {
      const list = await withKeyStore((store) => store.list());
      if (list.length === 0) console.log('no keys in the database (keys from LEDGER_API_KEYS are not listed)');
      for (const key of list) {
        const state = key.revokedAt ? `revoked ${key.revokedAt.toISOString()}` : 'active';
        console.log(`${key.id}  ${key.role.padEnd(11)}  ${key.name.padEnd(24)}  created ${key.createdAt.toISOString()}  ${state}`);
      }
    });

  keys
    .command('revoke')
    .description('revoke a key by id or name')
    .argument('<id-or-name>')
    .action(async (idOrName: string) => {
      const revoked = await withKeyStore((store) => store.revoke(idOrName));
      if (!revoked) throw new Error(`no active key with id or name "${idOrName}"`);
      console.log(`revoked ${idOrName}`);
    });
}
