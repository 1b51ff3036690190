import { createHash, createPublicKey, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { ChainReport } from '#libs/event-store';
import { publicKeyOf } from './signing-key.file.js';

export const DIGEST_FORMAT = 'promise-ledger-digest/1';

/** A signed statement of the chain's head, to publish outside the database. */
export interface LedgerDigest {
  format: typeof DIGEST_FORMAT;
  /** Position of the last chained event. */
  position: string;
  /** Hex chain hash at that position: it commits to every event up to it. */
  hash: string;
  /** When the event at position was recorded. */
  recordedAt: string | null;
  signedAt: string;
  /** Ed25519 public key, base64 DER (SubjectPublicKeyInfo). */
  publicKey: string;
  /** Base64 Ed25519 signature of the fields above (signedPayload). */
  signature: string;
}

/** The exact bytes signed: the fields in a fixed order. */
const signedPayload = (d: Omit<LedgerDigest, 'signature'>): Buffer =>
  Buffer.from(JSON.stringify([d.format, d.position, d.hash, d.recordedAt, d.signedAt, d.publicKey]));

/** A short name for a public key (SHA-256 of its DER, 16 hex digits). */
export const keyFingerprint = (publicKey: string): string => createHash('sha256').update(Buffer.from(publicKey, 'base64')).digest('hex').slice(0, 16);

export function signDigest(report: ChainReport, key: KeyObject, now = new Date()): LedgerDigest {
  const unsigned = {
    format: DIGEST_FORMAT,
    position: String(report.head),
    hash: report.digest,
    recordedAt: report.headRecordedAt?.toISOString() ?? null,
    signedAt: now.toISOString(),
    publicKey: publicKeyOf(key),
  } as const;
  return { ...unsigned, signature: sign(null, signedPayload(unsigned), key).toString('base64') };
}

/**
 * Parses a digest and checks its signature. @returns what is wrong with it, or undefined.
 * @param trustedPublicKey when given, the digest must be signed by this key.
 */
export function checkDigest(text: string, trustedPublicKey?: string): { digest?: LedgerDigest; problem?: string } {
  let digest: LedgerDigest;
  try {
    digest = JSON.parse(text) as LedgerDigest;
  } catch {
    return { problem: 'the digest file is not JSON' };
  }
  const fields = ['position', 'hash', 'signedAt', 'publicKey', 'signature'] as const;
  if (digest?.format !== DIGEST_FORMAT || fields.some((f) => typeof digest[f] !== 'string') || !/^\d+$/.test(digest.position) || !/^[0-9a-f]{64}$/.test(digest.hash)) {
    return { problem: `the file is not a ${DIGEST_FORMAT} digest` };
  }
  let valid: boolean;
  try {
    const publicKey = createPublicKey({ key: Buffer.from(digest.publicKey, 'base64'), format: 'der', type: 'spki' });
    valid = verify(null, signedPayload(digest), publicKey, Buffer.from(digest.signature, 'base64'));
  } catch {
    valid = false;
  }
  if (!valid) return { digest, problem: 'the digest signature does not verify: the file was changed after it was signed' };
  if (trustedPublicKey !== undefined && trustedPublicKey !== digest.publicKey) {
    return { digest, problem: `the digest is signed by key ${keyFingerprint(digest.publicKey)}, not by this ledger's key ${keyFingerprint(trustedPublicKey)}` };
  }
  return { digest };
}
