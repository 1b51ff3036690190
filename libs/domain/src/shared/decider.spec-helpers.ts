import { expect } from '@jest/globals';
import { DomainError, type ErrorCode } from './domain-error.js';
import { foldEvents, type Decider } from './decider.js';

/** Frozen deeply, so a decider that mutates its state or the given events throws (ESM is strict mode). */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value) && !(value instanceof Date)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** The decider with every state it returns deep-frozen: an evolve that mutates its input throws. */
export const frozen = <S, E>(decider: Decider<unknown, S, E>): Decider<unknown, S, E> => ({
  decide: decider.decide,
  initialState: () => deepFreeze(decider.initialState()),
  evolve: (state, event) => deepFreeze(decider.evolve(state, event)),
});

/** What a refused command threw, or a failure when it did not throw a DomainError. */
export function refusal(run: () => unknown): DomainError {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(DomainError);
  return caught as DomainError;
}

/**
 * given(events) → when(command) → then(events) or thenRefused(code, field?).
 * Events are compared strictly: an `undefined` key is not the same as an absent one, because
 * events are stored as JSON.
 */
export function spec<C, S, E>(decider: Decider<C, S, E>) {
  const safe = frozen(decider as Decider<unknown, S, E>);
  return (given: E[]) => ({
    when: (command: C) => {
      const run = () => safe.decide(deepFreeze(command), foldEvents(safe, deepFreeze(given)));
      return {
        then: (expected: E[]) => expect(run()).toStrictEqual(expected),
        thenRefused: (code: ErrorCode, field?: string) => {
          const error = refusal(run);
          expect(error.code).toBe(code);
          if (field !== undefined) expect(Object.keys(error.fields ?? {})).toContain(field);
        },
      };
    },
  });
}

/** The state after the given events, for assertions on evolve. */
export const stateAfter = <C, S, E>(decider: Decider<C, S, E>, events: E[]): S => foldEvents(frozen(decider as Decider<unknown, S, E>), deepFreeze(events));
