import { expect } from '@jest/globals';
import fc from 'fast-check';
import { DomainError, type ErrorCode } from './domain-error.js';
import { deepFreeze, frozen } from './decider.spec-helpers.js';
import { foldEvents, type Decider } from './decider.js';

// The rules below are written again, by hand, from the product spec: the properties compare the
// domain's validators with them, so they must not call the domain's own.

export const DAY = 86_400_000;
/** 0001-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z as epoch milliseconds. */
export const EARLIEST_MS = -62_135_596_800_000;
export const LATEST_MS = 253_402_300_799_999;

/** A string holding a UTF-16 surrogate that is not half of a pair. */
export function hasLoneSurrogate(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
      else return true;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) return true;
  }
  return false;
}

export const isStorable = (value: string): boolean => !value.includes('\u0000') && !hasLoneSurrogate(value);

/** Required text: the trimmed value, or null when the domain must refuse it. */
export function expectedText(value: unknown, max: number, min = 1): string | null {
  if (typeof value !== 'string' || !isStorable(value)) return null;
  const trimmed = value.trim();
  return trimmed.length >= min && trimmed.length <= max ? trimmed : null;
}

/** Optional text: `{ value }` (undefined when absent or blank), or null when refused. */
export function expectedOptionalText(value: unknown, max: number): { value: string | undefined } | null {
  if (value === undefined || value === null) return { value: undefined };
  const trimmed = expectedText(value, max, 0);
  if (trimmed === null) return null;
  return { value: trimmed === '' ? undefined : trimmed };
}

/** An id is used verbatim: 1–100 code units, storable, no surrounding spaces, no control characters. */
export const isValidId = (value: unknown): boolean =>
  typeof value === 'string' && value.length >= 1 && value.length <= 100 && isStorable(value) && value.trim() === value && !/\p{Cc}/u.test(value);

export const isInRange = (value: unknown): value is Date =>
  value instanceof Date && !Number.isNaN(value.getTime()) && value.getTime() >= EARLIEST_MS && value.getTime() <= LATEST_MS;

export const isoOf = (ms: number): string => new Date(ms).toISOString();

/** Text spanning what the domain must accept and refuse: unicode, max lengths, NUL, lone surrogates, blanks. */
export function textArb(max: number): fc.Arbitrary<string> {
  const half = Math.floor(max / 2);
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('delivered', 'Zéphyr Büro', 'שלום עולם', 'مرحبا', 'e\u0301\u0302 combining', '👩‍👩‍👧 family', '😀', '  padded  ', 'LATE', ' DEADLINE_PASSED ') },
    { weight: 3, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }) },
    { weight: 1, arbitrary: fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((u) => String.fromCharCode(u)), maxLength: 6 }) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '', '   ', '\t\n', 'a\u0000b', '\u0000', 'x\ud800', '\udc00y', '\ud83d',
        'x'.repeat(max), 'x'.repeat(max + 1), `  ${'y'.repeat(max)}  `, '😀'.repeat(half), `${'😀'.repeat(half)}x`,
      ),
    },
  );
}

/** Ids: a few good ones and every way an id is refused. */
export const idArb = (good: readonly string[]): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom(...good) },
    { weight: 1, arbitrary: fc.constantFrom('', ' x', 'x ', 'a\tb', 'a\u0000', 'a\ud800', 'i'.repeat(100), 'i'.repeat(101), 'ид-😀') },
  );

/** A moment relative to the clock or to a moment of the aggregate, or an absolute edge of the range (or beyond it). */
export type When<Base extends string> = { base: Base | 'now'; delta: number } | { abs: number };

const EDGES = [EARLIEST_MS, LATEST_MS, EARLIEST_MS - 1, LATEST_MS + 1, Number.NaN, 8.64e15];
export const deltaArb = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(0, 1, -1, 1_000, -1_000, DAY, -DAY) },
  { weight: 3, arbitrary: fc.integer({ min: -20 * DAY, max: 20 * DAY }) },
);
export function whenArb<Base extends string>(bases: readonly Base[]): fc.Arbitrary<When<Base>> {
  return fc.oneof(
    { weight: 9, arbitrary: fc.record({ base: fc.constantFrom<Base | 'now'>('now', ...bases), delta: deltaArb }) },
    { weight: 1, arbitrary: fc.constantFrom(...EDGES).map((abs) => ({ abs })) },
  );
}
export function resolveWhen<Base extends string>(when: When<Base>, now: number, bases: Partial<Record<Base, number>>): Date {
  if ('abs' in when) return new Date(when.abs);
  const base = when.base === 'now' ? now : (bases[when.base as Base] ?? now);
  return new Date(base + when.delta);
}

/** How the clock moves before a command: not at all, a tick, minutes, days, or to just around a moment of the aggregate. */
export type Advance<Base extends string> = number | { to: Base; delta: -1 | 0 | 1 };
export function advanceArb<Base extends string>(bases: readonly Base[]): fc.Arbitrary<Advance<Base>> {
  return fc.oneof(
    fc.constant(0),
    fc.constant(1),
    fc.integer({ min: 0, max: 3_600_000 }),
    fc.integer({ min: 0, max: 20 * DAY }),
    fc.record({ to: fc.constantFrom(...bases), delta: fc.constantFrom<-1 | 0 | 1>(-1, 0, 1) }),
  );
}
/** The clock after an advance: it never goes back, nor past the end of the range. */
export function advanceClock<Base extends string>(now: number, advance: Advance<Base>, bases: Partial<Record<Base, number>>): number {
  const target = typeof advance === 'number' ? now + advance : (bases[advance.to] ?? now) + advance.delta;
  return Math.min(Math.max(now, target), LATEST_MS);
}

/** A start for the clock anywhere in the range, leaving room for a sequence of advances. */
export const startArb = fc.oneof(
  fc.integer({ min: EARLIEST_MS, max: LATEST_MS - 2_000 * DAY }),
  fc.constantFrom(EARLIEST_MS, LATEST_MS - 2_000 * DAY, Date.parse('2026-11-30T12:00:00Z')),
);

/** What the model says a command does: these events, or a refusal with one of these codes. */
export type Outcome<E> = { events: E[] } | { refused: ErrorCode[] };

/** A refusal for every rule the command breaks (the decider may report any one of them), or the events. */
export function outcome<E>(violations: ErrorCode[], events: () => E[]): Outcome<E> {
  return violations.length > 0 ? { refused: violations } : { events: events() };
}

/**
 * Runs a command through the decider (deep-frozen state, events and command) on the events so
 * far, checks it against the model's outcome, and returns the events to append.
 */
export function decideAndCompare<C, S, E>(decider: Decider<C, S, E>, history: readonly E[], command: C, expected: Outcome<E>): E[] {
  const safe = frozen(decider as Decider<unknown, S, E>);
  const state = foldEvents(safe, deepFreeze([...history]));
  let actual: { events: E[] } | { error: unknown };
  try {
    actual = { events: safe.decide(deepFreeze(command), state) };
  } catch (error) {
    actual = { error };
  }
  if ('events' in expected) {
    expect(actual).toStrictEqual({ events: expected.events });
    return expected.events;
  }
  if ('events' in actual) throw new Error(`accepted, but the model refuses with ${expected.refused.join(' or ')}: ${JSON.stringify(actual.events)}`);
  expect(actual.error).toBeInstanceOf(DomainError);
  expect(expected.refused).toContain((actual.error as DomainError).code);
  return [];
}

/** The state after the events, folded with a deep-frozen evolve. */
export const foldFrozen = <C, S, E>(decider: Decider<C, S, E>, events: readonly E[]): S =>
  foldEvents(frozen(decider as Decider<unknown, S, E>), deepFreeze([...events]));
