import { createPublicKey, generateKeyPairSync, type KeyObject, createPrivateKey } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export type IntegrityLog = (level: 'info' | 'warn', message: string) => void;

/**
 * The Ed25519 key that signs ledger digests, kept in a PEM file outside the database (whoever
 * controls the database must not be able to sign). Made on first use with mode 600.
 */
export async function loadSigningKey(file: string, log: IntegrityLog = () => undefined, create = true): Promise<KeyObject | undefined> {
  try {
    const pem = await readFile(file, 'utf8');
    const { mode } = await stat(file);
    if ((mode & 0o077) !== 0) log('warn', `the ledger signing key ${file} is readable by others (mode ${(mode & 0o777).toString(8)}): chmod 600 it`);
    return createPrivateKey(pem);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (!create) return undefined;
  const { privateKey } = generateKeyPairSync('ed25519');
  await mkdir(dirname(file), { recursive: true });
  // 'wx': two processes making it at once keep the first one's key.
  await writeFile(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' }).catch(async (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  log(
    'warn',
    `made a new ledger signing key at ${file}. Back it up and keep it away from the database's backups: ` +
      'digests signed with it can only be checked against its public key, and a lost key cannot sign digests that extend the old ones.',
  );
  return createPrivateKey(await readFile(file, 'utf8'));
}

/** The public half, as base64 DER (SubjectPublicKeyInfo): what a digest carries and a reader compares. */
export const publicKeyOf = (key: KeyObject): string => createPublicKey(key).export({ type: 'spki', format: 'der' }).toString('base64');
