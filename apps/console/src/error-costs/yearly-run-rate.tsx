import { useId, useMemo, useState } from 'react';
import { useQuery } from 'urql';
import { formatMoney } from '../shared/format.js';
import { ErrorCostForecastQuery, ErrorCosts } from './error-costs.query.js';

const DAY_MS = 86_400_000;
const WINDOWS = [30, 90, 180, 365];

/**
 * The forecast card: what the errors of the last `windowDays` would cost over a year. The API's
 * forecast covers all customers up to now, so it does not follow the screen's filters.
 */
export function YearlyRunRate() {
  const [windowDays, setWindowDays] = useState(90);
  const windowId = useId();
  const [forecast] = useQuery({ query: ErrorCostForecastQuery, variables: { windowDays } });
  // The window's unpriced errors, so the card can say they are left out rather than priced at zero.
  const windowStart = useMemo(() => new Date(Date.now() - windowDays * DAY_MS).toISOString(), [windowDays]);
  const [inWindow] = useQuery({ query: ErrorCosts, variables: { groupBy: 'ERROR_TYPE', from: windowStart } });
  const data = forecast.data?.errorCostForecast;
  const unpriced = inWindow.data?.errorCosts.reduce((sum, row) => sum + row.unpricedErrors, 0) ?? 0;

  return (
    <section aria-labelledby="yearly-run-rate-title" className="panel run-rate">
      <div className="run-rate-heading">
        <h2 id="yearly-run-rate-title">Yearly run-rate</h2>
        <div className="field">
          <label htmlFor={windowId}>Based on the last</label>
          <select id={windowId} value={windowDays} onChange={(event) => setWindowDays(Number(event.target.value))}>
            {WINDOWS.map((days) => (
              <option key={days} value={days}>
                {days} days
              </option>
            ))}
          </select>
        </div>
      </div>
      {!data ? (
        <p className="loading">{forecast.error ? 'The forecast is not available right now.' : 'Loading…'}</p>
      ) : data.errorsInWindow === 0 ? (
        <p>No errors occurred in the last {data.windowDays} days: nothing to save.</p>
      ) : (
        <>
          <p className="run-rate-figure">
            Fix these and the channel partner saves{' '}
            {data.annualCost.length === 0
              ? 'an amount we cannot price yet'
              : data.annualCost.map((money, index) => (
                  <span key={money.currency}>
                    {index > 0 && (index === data.annualCost.length - 1 ? ' and ' : ', ')}
                    <strong>{formatMoney(money)}</strong>
                  </span>
                ))}{' '}
            a year.
          </p>
          <p className="hint">
            From the {data.errorsInWindow} {data.errorsInWindow === 1 ? 'error' : 'errors'} of all customers that occurred in the last{' '}
            {data.windowDays} days, × 365 / {data.windowDays}; it does not follow the filters above.
            {unpriced > 0 && ` ${unpriced} unpriced ${unpriced === 1 ? 'error is' : 'errors are'} not in this figure.`}
          </p>
        </>
      )}
    </section>
  );
}
