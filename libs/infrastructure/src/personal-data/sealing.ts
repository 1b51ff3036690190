import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * The cryptography of personal data, all AES-256-GCM from node:crypto:
 * - a customer's data key (32 random bytes) is stored wrapped by the master key (bound to the
 *   customer's id), never in the log;
 * - a personal field is sealed under keys derived from the data key (HKDF), bound to its event id
 *   and field name, with a synthetic IV (an HMAC of those and the text): sealing the same text of
 *   the same event twice gives the same bytes, so a re-sent append stays idempotent.
 */

const IV = 12;
const TAG = 16;

/** The keys a customer's data key derives: one seals, one makes the synthetic IVs. */
export interface SealingKeys {
  seal: Buffer;
  iv: Buffer;
}

export const newDataKey = (): Buffer => randomBytes(32);

/** Names a master key without revealing it: stored beside each wrapped data key. */
export const masterKeyId = (masterKey: Buffer): string =>
  createHash('sha256').update('promise-ledger master key\0').update(masterKey).digest('hex').slice(0, 16);

export function sealingKeysOf(dataKey: Buffer): SealingKeys {
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), info, 32));
  return { seal: derive('promise-ledger personal data'), iv: derive('promise-ledger synthetic iv') };
}

function encrypt(key: Buffer, iv: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

function decrypt(key: Buffer, sealed: Buffer, aad: Buffer): Buffer {
  if (sealed.length < IV + TAG) throw new Error('sealed value too short');
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV));
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.subarray(IV, IV + TAG));
  return Buffer.concat([decipher.update(sealed.subarray(IV + TAG)), decipher.final()]);
}

const wrapAad = (customerId: string) => Buffer.from(`promise-ledger data key\0${customerId}`);

export const wrapDataKey = (masterKey: Buffer, dataKey: Buffer, customerId: string): Buffer =>
  encrypt(masterKey, randomBytes(IV), dataKey, wrapAad(customerId));

/** @throws when the master key is not the one that wrapped it (or the bytes were changed). */
export const unwrapDataKey = (masterKey: Buffer, wrapped: Buffer, customerId: string): Buffer => decrypt(masterKey, wrapped, wrapAad(customerId));

const fieldAad = (eventId: string, field: string) => Buffer.from(`${eventId}\0${field}`);

/** A field's value (any JSON) sealed for one event: base64 of IV, tag and ciphertext. */
export function sealField(keys: SealingKeys, eventId: string, field: string, value: unknown): string {
  const plaintext = Buffer.from(JSON.stringify(value));
  const aad = fieldAad(eventId, field);
  const iv = createHmac('sha256', keys.iv).update(aad).update('\0').update(plaintext).digest().subarray(0, IV);
  return encrypt(keys.seal, iv, plaintext, aad).toString('base64');
}

/** @throws when the key is not the one that sealed it, or the value was moved to another event or field, or changed. */
export function openField(keys: SealingKeys, eventId: string, field: string, sealed: string): unknown {
  return JSON.parse(decrypt(keys.seal, Buffer.from(sealed, 'base64'), fieldAad(eventId, field)).toString()) as unknown;
}
