import { formatDateTime, formatPercent } from '../shared/format.js';
import type { Ledger } from './customer-page.query.js';

/** The customer's promise ledger: counts, kept rate and streak, as of now or the chosen moment. */
export function PromiseLedgerRegion({ ledger }: { ledger: Ledger | undefined }) {
  const figures: [string, string][] = ledger
    ? [
        ['Made', String(ledger.made)],
        ['Open', String(ledger.open)],
        ['Kept', String(ledger.kept)],
        ['Broken', String(ledger.broken)],
        ['Released', String(ledger.released)],
        ['Kept rate', formatPercent(ledger.keptRate)],
        ['Streak', String(ledger.keptStreak)],
      ]
    : [];
  return (
    <section aria-labelledby="promise-ledger-title" className="promise-ledger">
      <div className="section-heading">
        <h2 id="promise-ledger-title">Promise ledger</h2>
        {ledger?.neverBroken && <span className="badge ok">Never broken</span>}
      </div>
      {ledger ? (
        <>
          <dl className="stats">
            {figures.map(([term, value]) => (
              <div key={term}>
                <dt>{term}</dt>
                <dd>{value}</dd>
              </div>
            ))}
          </dl>
          {ledger.lastBrokenAt && <p className="secondary-text">Last broken {formatDateTime(ledger.lastBrokenAt)}</p>}
        </>
      ) : (
        <p className="loading">Loading…</p>
      )}
    </section>
  );
}
