import { formatCountdown } from '../shared/format.js';
import { useSecondsClock } from './clock.js';
import type { RiskLevel } from './customer-page.query.js';

/** Time left until a promise is due, ticking each second (only this text re-renders). */
export function Countdown({ dueBy, asOf }: { dueBy: string; asOf: string | null }) {
  const now = useSecondsClock();
  return <span className="countdown">{formatCountdown(dueBy, asOf ? new Date(asOf).getTime() : now)}</span>;
}

export type Risk = { label: 'On track' | 'At risk' | 'Critical' | 'Paused' | 'Broken' | 'Settled'; tone: 'ok' | 'warn' | 'danger' | 'info' | 'neutral' };

const RISK: Record<RiskLevel, Risk> = {
  ON_TRACK: { label: 'On track', tone: 'ok' },
  AT_RISK: { label: 'At risk', tone: 'warn' },
  CRITICAL: { label: 'Critical', tone: 'danger' },
  PAUSED: { label: 'Paused', tone: 'info' },
  BREACHED: { label: 'Broken', tone: 'danger' },
  SETTLED: { label: 'Settled', tone: 'neutral' },
};

/** The API's risk level; a due date passing reads Broken at that second, before the watcher records it. */
export function riskOf(promise: { dueBy: string; risk: RiskLevel }, now: number): Risk {
  if (promise.risk !== 'PAUSED' && promise.risk !== 'SETTLED' && new Date(promise.dueBy).getTime() <= now) return RISK.BREACHED;
  return RISK[promise.risk];
}

export function RiskBadge({ promise, asOf }: { promise: { dueBy: string; risk: RiskLevel }; asOf: string | null }) {
  const now = useSecondsClock();
  const risk = riskOf(promise, asOf ? new Date(asOf).getTime() : now);
  return <span className={`badge ${risk.tone}`}>{risk.label}</span>;
}
