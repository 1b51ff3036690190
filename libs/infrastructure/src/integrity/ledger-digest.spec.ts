import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { ChainReport } from '#libs/event-store';
import { checkDigest, signDigest } from './ledger-digest.js';
import { publicKeyOf } from './signing-key.file.js';

const report: ChainReport = {
  verified: true,
  eventsChecked: 3,
  head: 42n,
  digest: '0123456789abcdef'.repeat(4),
  headRecordedAt: new Date('2026-12-03T10:00:00.000Z'),
  firstBadPosition: undefined,
  problem: undefined,
  pending: 0,
  checkedAt: new Date(),
};

describe('signed ledger digests', () => {
  const { privateKey } = generateKeyPairSync('ed25519');
  const digest = signDigest(report, privateKey);

  it('carry the head, its hash and time, and verify with their public key', () => {
    expect(digest).toMatchObject({ position: '42', hash: '0123456789abcdef'.repeat(4), recordedAt: '2026-12-03T10:00:00.000Z', publicKey: publicKeyOf(privateKey) });
    expect(checkDigest(JSON.stringify(digest))).toEqual({ digest });
    expect(checkDigest(JSON.stringify(digest), publicKeyOf(privateKey)).problem).toBeUndefined();
  });

  it.each(['position', 'hash', 'recordedAt', 'signedAt', 'signature'] as const)('refuse a digest whose %s was changed', (field) => {
    const value = String(digest[field]);
    const changed = { ...digest, [field]: value.replace(/\d/, (d) => String((Number(d) + 1) % 10)) };
    expect(changed[field]).not.toBe(value);
    expect(checkDigest(JSON.stringify(changed)).problem).toMatch(/signature does not verify|not a promise-ledger-digest/);
  });

  it("refuse a digest signed by another key than the ledger's, and a file that is not a digest", () => {
    const other = generateKeyPairSync('ed25519').privateKey;
    expect(checkDigest(JSON.stringify(signDigest(report, other)), publicKeyOf(privateKey)).problem).toMatch(/signed by key \w+, not by this ledger's key/);
    expect(checkDigest('{').problem).toBe('the digest file is not JSON');
    expect(checkDigest('{"format":"x"}').problem).toMatch(/not a promise-ledger-digest/);
  });
});
