import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseKey32, type AppConfig } from '#libs/config';
import { masterKey, type MasterKey } from './data-key.store.js';
import { newDataKey } from './sealing.js';

export const MASTER_KEY_FILE = 'master.key';

/** Reads a key file: 32 bytes as 64 hex digits or base64, one line. */
export async function readKeyFile(path: string): Promise<Buffer> {
  const key = parseKey32(await readFile(path, 'utf8'));
  if (!key) throw new Error(`${path}: expected a 32-byte key as 64 hex digits or base64 (e.g. the output of: openssl rand -base64 32)`);
  return key;
}

/**
 * The master key: LEDGER_MASTER_KEY, or else the key file under the data dir, generated on first
 * start (with a warning: without it, no personal data can ever be read again).
 */
export async function resolveMasterKey(config: Pick<AppConfig, 'masterKey' | 'dataDir'>, log: (message: string) => void = () => undefined): Promise<MasterKey> {
  if (config.masterKey) return masterKey(config.masterKey);
  const path = join(config.dataDir, MASTER_KEY_FILE);
  try {
    return masterKey(await readKeyFile(path));
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOENT') throw error;
  }
  await mkdir(config.dataDir, { recursive: true });
  try {
    await writeFile(path, `${newDataKey().toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    log(
      `WARNING: LEDGER_MASTER_KEY is not set, so a master key was generated in ${path}. It unlocks every customer's ` +
        'personal data: back it up apart from the database now (a lost key makes that data unreadable for good), ' +
        'or set LEDGER_MASTER_KEY; see docs/deploy.md, "Master key".',
    );
  } catch (error) {
    if ((error as { code?: string }).code !== 'EEXIST') throw error; // another process made it a moment ago
  }
  return masterKey(await readKeyFile(path));
}
