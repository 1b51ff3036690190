import { expect } from '@jest/globals';
import { DomainError, type DomainErrorCode } from './domain-error.js';
import type { Decider } from './decider.js';

/** given(events) → when(command) → then(events) or thenRefused(code). */
export function spec<C, S, E>(decider: Decider<C, S, E>) {
  return (given: E[]) => ({
    when: (command: C) => {
      const run = () => decider.decide(command, given.reduce(decider.evolve, decider.initialState()));
      return {
        then: (expected: E[]) => expect(run()).toEqual(expected),
        thenRefused: (code: DomainErrorCode, field?: string) => {
          let caught: unknown;
          try {
            run();
          } catch (error) {
            caught = error;
          }
          expect(caught).toBeInstanceOf(DomainError);
          expect((caught as DomainError).code).toBe(code);
          if (field) expect(Object.keys((caught as DomainError).fields ?? {})).toContain(field);
        },
      };
    },
  });
}
