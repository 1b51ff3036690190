import type { Command } from 'commander';
import { ApiKeyStore } from '#libs/access';
import { ROLES, loadConfig, type Role } from '#libs/config';
import { writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { MASTER_KEY_FILE, bootInfrastructure, masterKey, newDataKey, readKeyFile } from '#libs/infrastructure';

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

  keys
    .command('rotate-master')
    .description(
      "re-wrap every customer's data key under a new master key, in one transaction (the events are not touched); " +
        'then run every process with the new key',
    )
    .option('--new-key-file <path>', 'the new master key (32 bytes as hex or base64); needed with LEDGER_MASTER_KEY, generated otherwise')
    .action(async (options: { newKeyFile?: string }) => {
      const config = loadConfig();
      if (config.masterKey && !options.newKeyFile) throw new Error('LEDGER_MASTER_KEY is set: give the new key with --new-key-file (e.g. made by: openssl rand -base64 32)');
      const next = masterKey(options.newKeyFile ? await readKeyFile(options.newKeyFile) : newDataKey());
      const keyFile = join(config.dataDir, MASTER_KEY_FILE);
      // With the key file: the new key is on disk before any data key depends on it.
      if (!config.masterKey) await writeFile(`${keyFile}.next`, `${next.key.toString('base64')}\n`, { mode: 0o600 });
      const infrastructure = await bootInfrastructure(config, { poolMax: 2, applicationName: 'ledger-cli', log: (m) => console.error(m) });
      try {
        const rewrapped = await infrastructure.dataKeys.rotateMasterKey(next);
        console.log(`${rewrapped} data keys re-wrapped under master key ${next.id}`);
      } finally {
        await infrastructure.close();
      }
      if (config.masterKey) {
        console.error(`set LEDGER_MASTER_KEY to the key in ${options.newKeyFile} for every process and back it up; the old key no longer opens anything`);
      } else {
        await rename(`${keyFile}.next`, keyFile);
        console.error(`${keyFile} now holds the new master key: back it up again; the old key no longer opens anything`);
      }
    });
}
