import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { ErrorCode } from '../shared/domain-error.js';
import {
  DAY,
  advanceArb,
  advanceClock,
  decideAndCompare,
  expectedOptionalText,
  expectedText,
  foldFrozen,
  idArb,
  isInRange,
  isValidId,
  isoOf,
  outcome,
  resolveWhen,
  startArb,
  textArb,
  whenArb,
  type Advance,
  type Outcome,
  type When,
} from '../shared/property.spec-helpers.js';
import { promiseDecider } from './promise.decider.js';
import type { MakePromise, PromiseCommand } from './promise.commands.js';
import type { PromiseEvent } from './promise.events.js';

// A reference model of the promise lifecycle, written from product.md: OPEN → KEPT / BROKEN /
// RELEASED; a keep after dueBy is a break at dueBy, fulfilled at keptAt; amend only before dueBy;
// fulfil late once, and only when BROKEN; the deadline break once, at dueBy. Around the clock with
// the default risk thresholds (75 %, 90 %, AT_RISK at the latest a day before dueBy): pause only an
// OPEN, unpaused promise before dueBy; resume moves dueBy by the time paused; each risk level once.

const KINDS = ['DELIVERY', 'SERVICE', 'BILLING', 'QUALITY', 'OTHER'];
const TOUCH_POINTS = ['PRODUCT', 'HUMAN', 'SYSTEM'];
const RESERVED_REASONS = ['DEADLINE_PASSED', 'LATE'];

interface Model {
  promiseId: string;
  customerId: string;
  kind: string;
  touchPoint: string;
  description: string;
  madeAt: number;
  dueBy: number;
  originalDueBy: number;
  amendments: number;
  status: 'OPEN' | 'KEPT' | 'BROKEN' | 'RELEASED';
  keptAt?: number;
  brokenAt?: number;
  brokenReason?: string;
  fulfilledAt?: number;
  releasedAt?: number;
  flaggedFor?: number;
  clockMs: number;
  pausedMs: number;
  atRiskAt: number;
  criticalAt: number;
  flagged: string[];
  pause?: { at: number; by: string; reason: string };
}

/** The risk moments of a clock started at `start` with `elapsed` of `clockMs` used (around the clock, defaults). */
function risk(start: number, elapsed: number, clockMs: number) {
  const atRiskMs = Math.min(Math.round(clockMs * 0.75), Math.max(0, clockMs - DAY));
  const criticalMs = Math.max(atRiskMs, Math.round(clockMs * 0.9));
  return { atRiskAt: start + Math.max(0, atRiskMs - elapsed), criticalAt: start + Math.max(0, criticalMs - elapsed) };
}
const riskData = (r: { atRiskAt: number; criticalAt: number }, clockMs: number) => ({ atRiskAt: isoOf(r.atRiskAt), criticalAt: isoOf(r.criticalAt), clockMs });

type Base = 'dueBy' | 'madeAt' | 'brokenAt';
const BASES: readonly Base[] = ['dueBy', 'madeAt', 'brokenAt'];
type W = When<Base>;

type Change = 'customerId' | 'kind' | 'description' | 'dueBy' | 'madeAt';
type MakeSpec = {
  type: 'MakePromise'; promiseId: string; customerId: string; kind: string; touchPoint: string; description: string; dueBy: W; madeAt?: W;
};
type Spec =
  | MakeSpec
  | { type: 'RepeatMake'; dropMadeAt: boolean; change?: Change }
  | { type: 'AmendPromise'; dueBy: W; reason: string }
  | { type: 'KeepPromise'; keptAt?: W; evidence?: string }
  | { type: 'BreakPromise'; reason: string }
  | { type: 'BreakPromiseForDeadline' }
  | { type: 'ReleasePromise'; reason: string }
  | { type: 'FulfilPromiseLate'; fulfilledAt?: W; evidence?: string }
  | { type: 'FlagPromiseAtRisk' }
  | { type: 'PausePromise'; reason: string }
  | { type: 'ResumePromise' };

const when = whenArb(BASES);
const makeArb: fc.Arbitrary<MakeSpec> = fc.record(
  {
    type: fc.constant('MakePromise' as const),
    promiseId: idArb(['p1']),
    customerId: idArb(['c1', 'c2']),
    kind: fc.constantFrom(...KINDS, 'TYPO', 'delivery'),
    touchPoint: fc.constantFrom(...TOUCH_POINTS, 'EMAIL'),
    description: textArb(2_000),
    dueBy: when,
    madeAt: when,
  },
  { requiredKeys: ['type', 'promiseId', 'customerId', 'kind', 'touchPoint', 'description', 'dueBy'] },
);
const specArb: fc.Arbitrary<Spec> = fc.oneof(
  makeArb,
  fc.record(
    { type: fc.constant('RepeatMake' as const), dropMadeAt: fc.boolean(), change: fc.constantFrom<Change>('customerId', 'kind', 'description', 'dueBy', 'madeAt') },
    { requiredKeys: ['type', 'dropMadeAt'] },
  ),
  fc.record({ type: fc.constant('AmendPromise' as const), dueBy: when, reason: textArb(2_000) }),
  fc.record({ type: fc.constant('KeepPromise' as const), keptAt: when, evidence: textArb(2_000) }, { requiredKeys: ['type'] }),
  fc.record({ type: fc.constant('BreakPromise' as const), reason: textArb(2_000) }),
  fc.constant({ type: 'BreakPromiseForDeadline' as const }),
  fc.record({ type: fc.constant('ReleasePromise' as const), reason: textArb(2_000) }),
  fc.record({ type: fc.constant('FulfilPromiseLate' as const), fulfilledAt: when, evidence: textArb(2_000) }, { requiredKeys: ['type'] }),
  fc.constant({ type: 'FlagPromiseAtRisk' as const }),
  fc.record({ type: fc.constant('PausePromise' as const), reason: textArb(2_000) }),
  fc.constant({ type: 'ResumePromise' as const }),
);
/** A make the domain accepts, so that most sequences have a promise to work on. */
const goodMakeArb: fc.Arbitrary<MakeSpec> = fc.record(
  {
    type: fc.constant('MakePromise' as const),
    promiseId: fc.constant('p1'),
    customerId: fc.constant('c1'),
    kind: fc.constantFrom(...KINDS),
    touchPoint: fc.constantFrom(...TOUCH_POINTS),
    description: fc.oneof(fc.constantFrom('deliver order 4411', ' Zéphyr 😀 ', 'x'.repeat(2_000)), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 })),
    dueBy: fc.record({ base: fc.constant('now' as const), delta: fc.oneof(fc.constantFrom(1, 2, 60_000), fc.integer({ min: 1, max: 20 * DAY })) }),
    madeAt: fc.record({ base: fc.constant('now' as const), delta: fc.constantFrom(0, -1, -DAY) }),
  },
  { requiredKeys: ['type', 'promiseId', 'customerId', 'kind', 'touchPoint', 'description', 'dueBy'] },
);
const scenarioArb = fc.record({
  start: startArb,
  first: fc.oneof({ weight: 5, arbitrary: goodMakeArb }, { weight: 1, arbitrary: makeArb }),
  steps: fc.array(fc.record({ advance: advanceArb(BASES), spec: specArb }), { maxLength: 30, size: 'max' }),
});

const ref = (m: Model) => ({ promiseId: m.promiseId, customerId: m.customerId });
const notOpen = (m: Model | null): ErrorCode[] => (m === null ? ['NOT_FOUND'] : m.status !== 'OPEN' ? ['INVALID_STATE'] : []);
const optionalWhen = (given: Date | undefined, now: number): number | null => (given === undefined ? now : isInRange(given) ? given.getTime() : null);

/** What the spec says the command does to the promise the model holds. */
function expected(m: Model | null, c: PromiseCommand): Outcome<PromiseEvent> {
  const now = c.now.getTime();
  switch (c.type) {
    case 'MakePromise': {
      const description = expectedText(c.description, 2_000);
      const bad = !isValidId(c.promiseId) || !isValidId(c.customerId) || description === null || !KINDS.includes(c.kind) ||
        !TOUCH_POINTS.includes(c.touchPoint) || !isInRange(c.dueBy!) || (c.madeAt !== undefined && !isInRange(c.madeAt));
      const violations: ErrorCode[] = bad ? ['BAD_USER_INPUT'] : [];
      if (m !== null) {
        // A retry compares what the caller gave; madeAt only when given.
        const same = m.customerId === c.customerId && m.kind === c.kind && m.touchPoint === c.touchPoint && m.description === description &&
          m.originalDueBy === c.dueBy!.getTime() && (c.madeAt === undefined || m.madeAt === c.madeAt.getTime());
        if (!same) violations.push('CONFLICT');
        return outcome(violations, () => []);
      }
      const madeAt = c.madeAt?.getTime() ?? now;
      if (madeAt > now || c.dueBy!.getTime() <= madeAt) violations.push('BAD_USER_INPUT');
      const clockMs = c.dueBy!.getTime() - madeAt;
      return outcome(violations, () => [{
        type: 'PromiseMade',
        data: {
          promiseId: c.promiseId, customerId: c.customerId, kind: c.kind, touchPoint: c.touchPoint, description: description!, madeAt: isoOf(madeAt), dueBy: isoOf(c.dueBy!.getTime()),
          ...riskData(risk(madeAt, 0, clockMs), clockMs),
        },
      }]);
    }
    case 'AmendPromise': {
      const violations = notOpen(m);
      const reason = expectedText(c.reason, 2_000);
      const dueBy = c.dueBy!.getTime();
      if (reason === null || !isInRange(c.dueBy)) violations.push('BAD_USER_INPUT');
      if (m && m.status === 'OPEN' && (now >= m.dueBy || m.pause)) violations.push('INVALID_STATE');
      if (dueBy <= now || (m && dueBy <= m.madeAt)) violations.push('BAD_USER_INPUT');
      const clockMs = m ? dueBy - m.madeAt - m.pausedMs : 0;
      return outcome(violations, () => [
        {
          type: 'PromiseAmended',
          data: {
            ...ref(m!), previousDueBy: isoOf(m!.dueBy), dueBy: isoOf(dueBy), reason: reason!, amendedAt: isoOf(now),
            ...riskData(risk(now, now - m!.madeAt - m!.pausedMs, clockMs), clockMs),
          },
        },
      ]);
    }
    case 'KeepPromise': {
      const violations = notOpen(m);
      const keptAt = optionalWhen(c.keptAt, now);
      const evidence = expectedOptionalText(c.evidence, 2_000);
      if (keptAt === null || evidence === null) violations.push('BAD_USER_INPUT');
      else if (keptAt > now || (m && keptAt < m.madeAt)) violations.push('BAD_USER_INPUT');
      const withEvidence = evidence?.value ? { evidence: evidence.value } : {};
      return outcome<PromiseEvent>(violations, () =>
        keptAt! > m!.dueBy && !(m!.pause && keptAt! >= m!.pause.at)
          ? [{ type: 'PromiseBroken', data: { ...ref(m!), brokenAt: isoOf(m!.dueBy), reason: 'LATE', reportedAt: isoOf(now), fulfilledAt: isoOf(keptAt!), ...withEvidence } }]
          : [{ type: 'PromiseKept', data: { ...ref(m!), keptAt: isoOf(keptAt!), ...withEvidence } }],
      );
    }
    case 'BreakPromise': {
      const violations = notOpen(m);
      const reason = expectedText(c.reason, 2_000);
      if (reason === null || RESERVED_REASONS.includes(reason)) violations.push('BAD_USER_INPUT');
      // Reported after the deadline passed unnoticed: it broke at the deadline.
      return outcome(violations, () => [
        { type: 'PromiseBroken', data: { ...ref(m!), brokenAt: isoOf(m!.pause ? now : Math.min(now, m!.dueBy)), reason: reason!, reportedAt: isoOf(now) } },
      ]);
    }
    case 'BreakPromiseForDeadline': {
      const violations = notOpen(m);
      if (m && (now < m.dueBy || m.pause)) violations.push('INVALID_STATE');
      return outcome(violations, () => [
        { type: 'PromiseBroken', data: { ...ref(m!), brokenAt: isoOf(m!.dueBy), reason: 'DEADLINE_PASSED', reportedAt: isoOf(now) } },
      ]);
    }
    case 'ReleasePromise': {
      const violations = notOpen(m);
      const reason = expectedText(c.reason, 2_000);
      if (reason === null) violations.push('BAD_USER_INPUT');
      return outcome(violations, () => [{ type: 'PromiseReleased', data: { ...ref(m!), reason: reason!, releasedAt: isoOf(now) } }]);
    }
    case 'FulfilPromiseLate': {
      const violations: ErrorCode[] = m === null ? ['NOT_FOUND'] : m.status !== 'BROKEN' || m.fulfilledAt !== undefined ? ['INVALID_STATE'] : [];
      const fulfilledAt = optionalWhen(c.fulfilledAt, now);
      const evidence = expectedOptionalText(c.evidence, 2_000);
      if (fulfilledAt === null || evidence === null) violations.push('BAD_USER_INPUT');
      else if (fulfilledAt > now || (m?.brokenAt !== undefined && fulfilledAt < m.brokenAt)) violations.push('BAD_USER_INPUT');
      return outcome(violations, () => [
        { type: 'PromiseFulfilledLate', data: { ...ref(m!), fulfilledAt: isoOf(fulfilledAt!), ...(evidence?.value ? { evidence: evidence.value } : {}) } },
      ]);
    }
    case 'FlagPromiseAtRisk': {
      const violations = notOpen(m);
      if (m && (now >= m.dueBy || m.pause)) violations.push('INVALID_STATE');
      // Each level once, once its moment has come.
      const levels = m ? (['AT_RISK', 'CRITICAL'] as const).filter((l) => now >= (l === 'AT_RISK' ? m.atRiskAt : m.criticalAt) && !m.flagged.includes(l)) : [];
      return outcome(violations, () => levels.map((level) => ({ type: 'PromiseAtRisk', data: { ...ref(m!), dueBy: isoOf(m!.dueBy), flaggedAt: isoOf(now), level } })));
    }
    case 'PausePromise': {
      const violations = notOpen(m);
      const reason = expectedText(c.reason, 2_000);
      if (m && m.status === 'OPEN' && (m.pause || now >= m.dueBy)) violations.push('INVALID_STATE');
      if (reason === null) violations.push('BAD_USER_INPUT');
      return outcome(violations, () => [{ type: 'PromisePaused', data: { ...ref(m!), reason: reason!, pausedAt: isoOf(now), pausedBy: 'agent-1' } }]);
    }
    case 'ResumePromise': {
      const violations = notOpen(m);
      if (m && m.status === 'OPEN' && !m.pause) violations.push('INVALID_STATE');
      const p = m?.pause;
      return outcome(violations, () => [
        {
          type: 'PromiseResumed',
          data: {
            ...ref(m!), resumedAt: isoOf(now), pausedAt: isoOf(p!.at), pausedBy: p!.by, reason: p!.reason, pausedMs: now - p!.at,
            previousDueBy: isoOf(m!.dueBy), dueBy: isoOf(m!.dueBy + now - p!.at),
            ...riskData(risk(now, p!.at - m!.madeAt - m!.pausedMs, m!.clockMs), m!.clockMs),
          },
        },
      ]);
    }
  }
}

/** The model after an accepted command, from the command itself (not from the decider's events). */
function next(m: Model | null, c: PromiseCommand, events: PromiseEvent[]): Model | null {
  if (events.length === 0) return m;
  const now = c.now.getTime();
  switch (c.type) {
    case 'MakePromise': {
      const dueBy = c.dueBy!.getTime();
      const madeAt = c.madeAt?.getTime() ?? now;
      return {
        promiseId: c.promiseId, customerId: c.customerId, kind: c.kind, touchPoint: c.touchPoint, description: c.description.trim(),
        madeAt, dueBy, originalDueBy: dueBy, amendments: 0, status: 'OPEN',
        clockMs: dueBy - madeAt, pausedMs: 0, ...risk(madeAt, 0, dueBy - madeAt), flagged: [],
      };
    }
    case 'AmendPromise': {
      const dueBy = c.dueBy!.getTime();
      const clockMs = dueBy - m!.madeAt - m!.pausedMs;
      return { ...m!, dueBy, amendments: m!.amendments + 1, clockMs, ...risk(now, now - m!.madeAt - m!.pausedMs, clockMs), flagged: [] };
    }
    case 'PausePromise':
      return { ...m!, pause: { at: now, by: 'agent-1', reason: c.reason.trim() } };
    case 'ResumePromise': {
      const { pause, ...rest } = m!;
      return { ...rest, dueBy: m!.dueBy + now - pause!.at, pausedMs: m!.pausedMs + now - pause!.at, ...risk(now, pause!.at - m!.madeAt - m!.pausedMs, m!.clockMs) };
    }
    case 'KeepPromise': {
      const keptAt = c.keptAt?.getTime() ?? now;
      return keptAt > m!.dueBy && !(m!.pause && keptAt >= m!.pause.at)
        ? { ...m!, status: 'BROKEN', brokenAt: m!.dueBy, brokenReason: 'LATE', fulfilledAt: keptAt }
        : { ...m!, status: 'KEPT', keptAt };
    }
    case 'BreakPromise':
      return { ...m!, status: 'BROKEN', brokenAt: m!.pause ? now : Math.min(now, m!.dueBy), brokenReason: c.reason.trim() };
    case 'BreakPromiseForDeadline':
      return { ...m!, status: 'BROKEN', brokenAt: m!.dueBy, brokenReason: 'DEADLINE_PASSED' };
    case 'ReleasePromise':
      return { ...m!, status: 'RELEASED', releasedAt: now };
    case 'FulfilPromiseLate':
      return { ...m!, fulfilledAt: c.fulfilledAt?.getTime() ?? now };
    case 'FlagPromiseAtRisk':
      return { ...m!, flagged: [...m!.flagged, ...events.map((e) => (e.type === 'PromiseAtRisk' ? e.data.level ?? 'AT_RISK' : ''))] };
  }
}

/** The decider's state for the model's promise. */
function stateOf(m: Model | null) {
  if (m === null) return { status: 'NONE' };
  const details = {
    promiseId: m.promiseId, customerId: m.customerId, kind: m.kind, touchPoint: m.touchPoint, description: m.description,
    madeAt: isoOf(m.madeAt), dueBy: isoOf(m.dueBy), originalDueBy: isoOf(m.originalDueBy), amendments: m.amendments,
    flagged: m.flagged, clockMs: m.clockMs, pausedMs: m.pausedMs,
    ...(m.flaggedFor !== undefined ? { atRiskFlaggedFor: isoOf(m.flaggedFor) } : {}),
    atRiskAt: isoOf(m.atRiskAt), criticalAt: isoOf(m.criticalAt),
    ...(m.pause ? { pause: { pausedAt: isoOf(m.pause.at), pausedBy: m.pause.by, reason: m.pause.reason } } : {}),
  };
  switch (m.status) {
    case 'OPEN':
      return { ...details, status: 'OPEN' };
    case 'KEPT':
      return { ...details, status: 'KEPT', keptAt: isoOf(m.keptAt!) };
    case 'BROKEN':
      return { ...details, status: 'BROKEN', brokenAt: isoOf(m.brokenAt!), brokenReason: m.brokenReason, ...(m.fulfilledAt !== undefined ? { fulfilledAt: isoOf(m.fulfilledAt) } : {}) };
    case 'RELEASED':
      return { ...details, status: 'RELEASED', releasedAt: isoOf(m.releasedAt!) };
  }
}

/** The command a spec stands for, at `now`, given the promise the model holds and the last make. */
function command(spec: Spec, m: Model | null, now: number, lastMake: MakePromise | undefined): PromiseCommand {
  const at = (w: W) => resolveWhen(w, now, { dueBy: m?.dueBy, madeAt: m?.madeAt, brokenAt: m?.brokenAt });
  const base = { promiseId: 'p1', now: new Date(now) };
  switch (spec.type) {
    case 'MakePromise': {
      const { madeAt, dueBy, ...rest } = spec;
      return { ...rest, kind: rest.kind as MakePromise['kind'], touchPoint: rest.touchPoint as MakePromise['touchPoint'], dueBy: at(dueBy), ...(madeAt ? { madeAt: at(madeAt) } : {}), now: base.now };
    }
    case 'RepeatMake': {
      const again: MakePromise = lastMake
        ? { ...lastMake, now: base.now }
        : { type: 'MakePromise', promiseId: 'p1', customerId: 'c1', kind: 'OTHER', touchPoint: 'HUMAN', description: 'call back', dueBy: new Date(now + 1), now: base.now };
      if (spec.dropMadeAt) delete again.madeAt;
      switch (spec.change) {
        case 'customerId': return { ...again, customerId: `${again.customerId}x` };
        case 'kind': return { ...again, kind: again.kind === 'OTHER' ? 'SERVICE' : 'OTHER' };
        case 'description': return { ...again, description: `${again.description}!` };
        case 'dueBy': return { ...again, dueBy: new Date(again.dueBy!.getTime() + 1) };
        case 'madeAt': return { ...again, madeAt: new Date((again.madeAt ?? again.now).getTime() - 1) };
        default: return again;
      }
    }
    case 'AmendPromise':
      return { ...base, type: spec.type, reason: spec.reason, dueBy: at(spec.dueBy) };
    case 'KeepPromise':
      return { ...base, type: spec.type, ...(spec.keptAt ? { keptAt: at(spec.keptAt) } : {}), ...(spec.evidence !== undefined ? { evidence: spec.evidence } : {}) };
    case 'FulfilPromiseLate':
      return { ...base, type: spec.type, ...(spec.fulfilledAt ? { fulfilledAt: at(spec.fulfilledAt) } : {}), ...(spec.evidence !== undefined ? { evidence: spec.evidence } : {}) };
    case 'BreakPromise':
    case 'ReleasePromise':
      return { ...base, type: spec.type, reason: spec.reason };
    case 'BreakPromiseForDeadline':
    case 'FlagPromiseAtRisk':
    case 'ResumePromise':
      return { ...base, type: spec.type };
    case 'PausePromise':
      return { ...base, type: spec.type, reason: spec.reason, pausedBy: 'agent-1' };
  }
}

describe('promise decider against a reference model of the lifecycle', () => {
  it('accepts and refuses exactly what the model does, with its events and codes, and folds to its state', () => {
    const seen = new Map<string, number>();
    fc.assert(
      fc.property(scenarioArb, ({ start, first, steps }) => {
        let now = start;
        let model: Model | null = null;
        let lastMake: MakePromise | undefined;
        const history: PromiseEvent[] = [];
        for (const { advance, spec } of [{ advance: 0 as Advance<Base>, spec: first as Spec }, ...steps]) {
          now = advanceClock(now, advance, { dueBy: model?.dueBy, madeAt: model?.madeAt, brokenAt: model?.brokenAt });
          const c = command(spec, model, now, lastMake);
          if (c.type === 'MakePromise') lastMake = c;
          const want = expected(model, c);
          const events = decideAndCompare(promiseDecider, history, c, want);
          const label = 'events' in want ? `${c.type}:${events.map((e) => e.type).join('+') || 'none'}` : `${c.type}:${[...new Set(want.refused)].sort().join('|')}`;
          seen.set(label, (seen.get(label) ?? 0) + 1);
          history.push(...events);
          model = next(model, c, events);
          expect(foldFrozen(promiseDecider, history)).toStrictEqual(stateOf(model));
        }
      }),
      { seed: 20261203, numRuns: 600 },
    );
    // The generator reaches every transition, accepted and refused, not just refusals.
    for (const outcomeLabel of [
      'MakePromise:PromiseMade', 'MakePromise:none', 'MakePromise:CONFLICT', 'AmendPromise:PromiseAmended', 'KeepPromise:PromiseKept',
      'KeepPromise:PromiseBroken', 'BreakPromise:PromiseBroken', 'BreakPromiseForDeadline:PromiseBroken', 'ReleasePromise:PromiseReleased',
      'FulfilPromiseLate:PromiseFulfilledLate', 'FlagPromiseAtRisk:PromiseAtRisk', 'FlagPromiseAtRisk:none', 'AmendPromise:INVALID_STATE',
      'FulfilPromiseLate:INVALID_STATE', 'KeepPromise:NOT_FOUND', 'BreakPromise:BAD_USER_INPUT', 'BreakPromiseForDeadline:INVALID_STATE',
      'PausePromise:PromisePaused', 'PausePromise:INVALID_STATE', 'ResumePromise:PromiseResumed', 'ResumePromise:INVALID_STATE',
      'FlagPromiseAtRisk:PromiseAtRisk+PromiseAtRisk',
    ]) {
      expect([outcomeLabel, [...seen.keys()].some((label) => label.startsWith(outcomeLabel))]).toEqual([outcomeLabel, true]);
    }
  });
});
