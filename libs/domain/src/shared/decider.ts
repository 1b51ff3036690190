import { DomainError } from './domain-error.js';

/** An aggregate's behaviour: what a command decides given the state, and how events change it. */
export interface Decider<Command, State, Event> {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}

/** The state after `events`, from the decider's initial state. */
export function foldEvents<S, E>(decider: Pick<Decider<unknown, S, E>, 'evolve' | 'initialState'>, events: readonly E[]): S {
  return events.reduce((state, event) => decider.evolve(state, event), decider.initialState());
}

/**
 * Makes a `switch` over a union exhaustive: adding a case without handling it fails to compile.
 * At run time only an untyped caller (an unknown command type) gets here.
 */
export function unreachable(value: never): never {
  throw new DomainError('BAD_USER_INPUT', `unknown case: ${JSON.stringify(value)}`);
}

/**
 * The `default` of an `evolve`: exhaustive at compile time (adding an event to the union fails
 * to compile until it is handled), and at run time an event type written by a newer version
 * leaves the state as it was.
 */
export function skipUnknownEvent<S>(_type: never, state: S): S {
  return state;
}

/**
 * `true` only when two string unions are the same set: `const check: SameSet<A, B> = true` fails
 * to compile as soon as one gains a member the other lacks (a status added to the contract's
 * enum but not to a decider's states, or the other way round).
 */
export type SameSet<A extends string, B extends string> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
