import type pg from 'pg';
import { LedgerChainSealer, verifyLedgerChain, type ChainReport, type VerifyOptions } from '#libs/event-store';
import { checkDigest, signDigest, type LedgerDigest } from './ledger-digest.js';
import { loadSigningKey, publicKeyOf, type IntegrityLog } from './signing-key.file.js';

export interface DigestCheck {
  /** The log still extends the digest. */
  extends: boolean;
  problem?: string;
  digest?: LedgerDigest;
  report?: ChainReport;
}

/** Verification and signed digests of the hash chain (PostgreSQL event store). */
export class LedgerIntegrity {
  readonly sealer: LedgerChainSealer;

  constructor(
    private readonly pool: pg.Pool,
    private readonly options: { signingKeyFile: string; log?: IntegrityLog },
  ) {
    this.sealer = new LedgerChainSealer(pool, {
      log: (level, message, fields) => options.log?.(level === 'info' ? 'info' : 'warn', fields ? `${message} ${JSON.stringify(fields)}` : message),
    });
  }

  verify(options: VerifyOptions = {}): Promise<ChainReport> {
    return verifyLedgerChain(this.pool, options);
  }

  /** Verifies the chain and signs its head; refuses to sign a chain that does not verify. */
  async digest(options: VerifyOptions = {}): Promise<{ digest?: LedgerDigest; report: ChainReport }> {
    const report = await this.verify(options);
    if (!report.verified) return { report };
    const key = (await loadSigningKey(this.options.signingKeyFile, this.options.log))!;
    return { digest: signDigest(report, key), report };
  }

  /** Checks a published digest's signature, then that the chain up to its position still hashes to it. */
  async verifyDigest(text: string, options: Omit<VerifyOptions, 'upTo'> = {}): Promise<DigestCheck> {
    const key = await loadSigningKey(this.options.signingKeyFile, this.options.log, false);
    const { digest, problem } = checkDigest(text, key ? publicKeyOf(key) : undefined);
    if (!digest || problem) return { extends: false, problem, digest };
    const report = await this.verify({ ...options, upTo: BigInt(digest.position) });
    if (!report.verified) return { extends: false, digest, report, problem: `the log does not verify: ${report.problem} (position ${report.firstBadPosition})` };
    if (String(report.head) !== digest.position) {
      return { extends: false, digest, report, problem: `the chain ends at ${report.head}, before the digest's position ${digest.position}: events were removed` };
    }
    if (report.digest !== digest.hash) {
      return { extends: false, digest, report, problem: `the chain up to ${digest.position} hashes to ${report.digest}, not to the digest's ${digest.hash}: history was rewritten` };
    }
    return { extends: true, digest, report };
  }
}
