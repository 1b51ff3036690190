import { formatDateTime, formatMoney } from '../shared/format.js';
import { humanize } from '../shared/labels.js';
import type { CostPolicy } from './cost-policies.query.js';

type Standing = 'In force' | 'Scheduled' | 'Superseded';

interface PolicyGroup {
  key: string;
  customerKind: string;
  errorType: string;
  /** Newest effective first. */
  policies: { policy: CostPolicy; standing: Standing }[];
}

/** Per customer kind × error type, newest effective first; the latest already effective is the one in force. */
export function groupPolicies(policies: readonly CostPolicy[], now: number): PolicyGroup[] {
  const groups = new Map<string, CostPolicy[]>();
  for (const policy of policies) {
    const key = `${policy.customerKind}×${policy.errorType}`;
    groups.set(key, [...(groups.get(key) ?? []), policy]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, list]) => {
      const sorted = [...list].sort((a, b) => Date.parse(b.effectiveFrom) - Date.parse(a.effectiveFrom));
      const inForce = sorted.find((policy) => Date.parse(policy.effectiveFrom) <= now);
      return {
        key,
        customerKind: sorted[0].customerKind,
        errorType: sorted[0].errorType,
        policies: sorted.map((policy) => ({
          policy,
          standing: policy === inForce ? 'In force' : Date.parse(policy.effectiveFrom) > now ? 'Scheduled' : 'Superseded',
        })),
      };
    });
}

const BADGE: Record<Standing, string> = { 'In force': 'ok', Scheduled: 'info', Superseded: 'neutral' };

// The shipped defaults are effective "from the beginning of time" (year 1).
const effectiveText = (iso: string) => (new Date(iso).getUTCFullYear() < 1900 ? 'Always (no start date)' : formatDateTime(iso));

export function PolicyHistory({ policies, now }: { policies: readonly CostPolicy[]; now: number }) {
  const groups = groupPolicies(policies, now);
  return (
    <table aria-labelledby="policy-history-title">
      <thead>
        <tr>
          <th scope="col">Customer kind</th>
          <th scope="col">Error type</th>
          <th scope="col" className="number">
            Cost per error
          </th>
          <th scope="col">Effective from</th>
          <th scope="col">Standing</th>
        </tr>
      </thead>
      {groups.length === 0 && (
        <tbody>
          <tr>
            <td colSpan={5}>No cost policies: every error without an explicit cost is unpriced.</td>
          </tr>
        </tbody>
      )}
      {groups.map((group) => (
        <tbody key={group.key} className="policy-group">
          {group.policies.map(({ policy, standing }) => (
            <tr key={policy.effectiveFrom} className={standing === 'In force' ? 'in-force' : undefined}>
              <td>{humanize(group.customerKind)}</td>
              <td>{humanize(group.errorType)}</td>
              <td className="number">{formatMoney(policy.costPerError)}</td>
              <td>{effectiveText(policy.effectiveFrom)}</td>
              <td>
                <span className={`badge ${BADGE[standing]}`}>{standing}</span>
              </td>
            </tr>
          ))}
        </tbody>
      ))}
    </table>
  );
}
