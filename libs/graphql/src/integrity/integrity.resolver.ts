import { Inject } from '@nestjs/common';
import { Args, Query, Resolver } from '@nestjs/graphql';
import { LEDGER_VERIFIER, type LedgerVerifier } from '#libs/application';
import { DomainError } from '#libs/domain';
import { IntegrityReport } from './integrity-report.type.js';

/** ADMIN only (no @Allow): a verification reads the whole log. */
@Resolver()
export class IntegrityResolver {
  constructor(@Inject(LEDGER_VERIFIER) private readonly verifier: LedgerVerifier) {}

  @Query(() => IntegrityReport, { description: 'Recomputes the hash chain up to upTo (a position; default: the chained head) and reports the first event that does not verify.' })
  async verifyLedger(@Args('upTo', { type: () => String, nullable: true }) upTo?: string | null): Promise<IntegrityReport> {
    if (upTo != null && !/^\d{1,19}$/.test(upTo)) throw new DomainError('BAD_USER_INPUT', 'upTo must be a position: digits only', { upTo: 'not a position' });
    const report = await this.verifier.verify({ upTo: upTo == null ? undefined : BigInt(upTo) });
    return {
      verified: report.verified,
      eventsChecked: report.eventsChecked,
      head: String(report.head),
      digest: report.digest,
      firstBadPosition: report.firstBadPosition === undefined ? null : String(report.firstBadPosition),
      problem: report.problem ?? null,
      checkedAt: report.checkedAt,
    };
  }
}
