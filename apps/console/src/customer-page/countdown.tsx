import { formatCountdown } from '../shared/format.js';
import { useSecondsClock } from './clock.js';

/** Time left until a promise is due, ticking each second (only this text re-renders). */
export function Countdown({ dueBy, asOf }: { dueBy: string; asOf: string | null }) {
  const now = useSecondsClock();
  return <span className="countdown">{formatCountdown(dueBy, asOf ? new Date(asOf).getTime() : now)}</span>;
}

export type Risk = { label: 'On track' | 'At risk' | 'Broken'; tone: 'ok' | 'warn' | 'danger' };

export function riskOf(promise: { dueBy: string; atRisk: boolean }, now: number): Risk {
  if (new Date(promise.dueBy).getTime() <= now) return { label: 'Broken', tone: 'danger' };
  if (promise.atRisk) return { label: 'At risk', tone: 'warn' };
  return { label: 'On track', tone: 'ok' };
}

/** A due date passing turns the badge to Broken at that second, before the deadline watcher records it. */
export function RiskBadge({ promise, asOf }: { promise: { dueBy: string; atRisk: boolean }; asOf: string | null }) {
  const now = useSecondsClock();
  const risk = riskOf(promise, asOf ? new Date(asOf).getTime() : now);
  return <span className={`badge ${risk.tone}`}>{risk.label}</span>;
}
