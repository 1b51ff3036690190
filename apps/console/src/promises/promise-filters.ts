import { useSearchParams } from 'react-router';
import { startOfLocalDay } from '../shared/date-fields.js';
import type { PromiseFilter, PromiseKind, PromiseStatus } from './promises.query.js';

export const STATUSES: PromiseStatus[] = ['OPEN', 'KEPT', 'BROKEN', 'RELEASED'];
export const KINDS: PromiseKind[] = ['DELIVERY', 'SERVICE', 'BILLING', 'QUALITY', 'OTHER'];
export const RISKS = [
  { value: 'at-risk', label: 'At risk' },
  { value: 'not-at-risk', label: 'Not at risk' },
] as const;

export interface FilterFields {
  status: PromiseStatus | '';
  risk: string;
  kind: PromiseKind | '';
  dueFrom: string;
  dueUntil: string;
}

/** The filters live in the address (`?status=OPEN&kind=DELIVERY…`): a view can be shared and reloaded. */
export function usePromiseFilters() {
  const [params, setParams] = useSearchParams();
  const pick = <T extends string>(name: string, allowed: readonly T[]): T | '' => {
    const value = params.get(name);
    return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : '';
  };
  const fields: FilterFields = {
    status: pick('status', STATUSES),
    risk: pick('risk', RISKS.map((risk) => risk.value)),
    kind: pick('kind', KINDS),
    dueFrom: params.get('dueFrom') ?? '',
    dueUntil: params.get('dueUntil') ?? '',
  };
  const set = (name: keyof FilterFields, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };
  const clear = () => setParams(new URLSearchParams(), { replace: true });
  return { fields, set, clear };
}

/** The API's PromiseFilter for the fields: due dates are whole days in the browser's zone. */
export function toPromiseFilter(fields: FilterFields): PromiseFilter {
  const filter: PromiseFilter = {};
  if (fields.status) filter.status = fields.status;
  if (fields.kind) filter.kind = fields.kind;
  if (fields.risk) filter.atRisk = fields.risk === 'at-risk';
  // Both days included: [Due from 00:00, the day after Due until 00:00).
  const dueAfter = fields.dueFrom ? startOfLocalDay(fields.dueFrom) : null;
  const dueBefore = fields.dueUntil ? startOfLocalDay(fields.dueUntil, 1) : null;
  if (dueAfter) filter.dueAfter = dueAfter;
  if (dueBefore) filter.dueBefore = dueBefore;
  return filter;
}
