export { LedgerIntegrity, type DigestCheck } from './ledger-integrity.js';
export { DIGEST_FORMAT, checkDigest, keyFingerprint, signDigest, type LedgerDigest } from './ledger-digest.js';
export { loadSigningKey, publicKeyOf, type IntegrityLog } from './signing-key.file.js';
