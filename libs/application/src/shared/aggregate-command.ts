import {
  COST_POLICY_STREAM,
  DomainError,
  EVENT_SCHEMA_VERSION,
  businessCalendarDecider,
  calendarStream,
  costPolicyDecider,
  customerDecider,
  customerStream,
  errorIncidentDecider,
  errorStream,
  promiseDecider,
  promiseStream,
  unreachable,
  type BusinessCalendarCommand,
  type CostPolicyCommand,
  type CustomerCommand,
  type Decider,
  type ErrorIncidentCommand,
  type PromiseCommand,
} from '#libs/domain';
import { NO_STREAM, type EventMetadata, type ExpectedRevision } from '#libs/event-store';
import type { CommandContext } from './command-context.js';

export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** What must hold before a command is decided on its stream. */
export interface DecisionRules {
  /** The version the caller saw; a stream that moved since is a CONFLICT, never retried. */
  expectedVersion?: number | null;
  /** A transition: the aggregate must exist (NOT_FOUND otherwise). */
  mustExist?: boolean;
  /** The customer the command refers to must exist (NOT_FOUND naming `customerId` otherwise). */
  requiresCustomer?: string;
  /**
   * The aggregate's id was generated just now, so nobody can have written its stream: a mutation
   * decides without reading it (an ERP batch reads every stream it touches regardless).
   */
  newStream?: boolean;
}

/**
 * One command for one aggregate, without `now` (the clock supplies it when deciding): what a
 * mutation and an ERP item both become.
 */
export type AggregateCommand =
  | ({ aggregate: 'customer'; command: DistributiveOmit<CustomerCommand, 'now'> } & DecisionRules)
  | ({ aggregate: 'promise'; command: DistributiveOmit<PromiseCommand, 'now'> } & DecisionRules)
  | ({ aggregate: 'error'; command: DistributiveOmit<ErrorIncidentCommand, 'now'> } & DecisionRules)
  | ({ aggregate: 'cost-policy'; command: DistributiveOmit<CostPolicyCommand, 'now'> } & DecisionRules)
  | ({ aggregate: 'calendar'; command: DistributiveOmit<BusinessCalendarCommand, 'now'> } & DecisionRules);

type AnyEvent = { type: string; data: unknown };
export type AnyDecider = Decider<unknown, unknown, AnyEvent>;

/** The aggregate a command is for: its decider, its stream, and how a refusal names it. */
export interface AggregateTarget {
  id: string;
  stream: string;
  decider: AnyDecider;
  /** For NOT_FOUND: `promise 42 not found`. */
  notFound: string;
}

/** Each aggregate's decider, for code that holds many streams of different kinds. */
export const DECIDERS = {
  customer: customerDecider,
  promise: promiseDecider,
  error: errorIncidentDecider,
  'cost-policy': costPolicyDecider,
  calendar: businessCalendarDecider,
} as unknown as Record<AggregateCommand['aggregate'], AnyDecider>;

const target = (aggregate: AggregateCommand['aggregate'], id: string, stream: string, noun: string): AggregateTarget => ({
  id,
  stream,
  decider: DECIDERS[aggregate],
  notFound: `${noun} ${id} not found`,
});

export function targetOf(command: AggregateCommand): AggregateTarget {
  switch (command.aggregate) {
    case 'customer':
      return target('customer', command.command.customerId, customerStream(command.command.customerId), 'customer');
    case 'promise':
      return target('promise', command.command.promiseId, promiseStream(command.command.promiseId), 'promise');
    case 'error':
      return target('error', command.command.errorId, errorStream(command.command.errorId), 'error incident');
    case 'cost-policy':
      return target('cost-policy', COST_POLICY_STREAM, COST_POLICY_STREAM, 'cost policy');
    case 'calendar':
      return target('calendar', command.command.calendarId, calendarStream(command.command.calendarId), 'calendar');
    default:
      return unreachable(command);
  }
}

export const customerNotFound = (customerId: string): DomainError =>
  new DomainError('NOT_FOUND', `customer ${customerId} not found`, { customerId: 'not found' });

/** A stream as a command sees it: its folded state and revision (-1 while empty). */
export interface StreamState<State> {
  state: State;
  version: number;
}

export interface StreamDecision<State, Event> extends StreamState<State> {
  events: Event[];
}

/**
 * The decision step every command path shares: check the rules against the stream, decide, and
 * fold the new events into the state. Nothing is read or written here.
 * @throws DomainError NOT_FOUND (`rules.mustExist`: the message), CONFLICT (stale expectedVersion), or the decider's refusal.
 */
export function decideOnStream<Command, State, Event>(
  decider: Decider<Command, State, Event>,
  current: StreamState<State>,
  command: Command,
  rules: { expectedVersion?: number | null; mustExist?: string },
): StreamDecision<State, Event> {
  if (rules.mustExist && current.version < 0) throw new DomainError('NOT_FOUND', rules.mustExist);
  if (rules.expectedVersion != null && rules.expectedVersion !== current.version) {
    throw new DomainError('CONFLICT', `stale expectedVersion ${rules.expectedVersion}: the current version is ${current.version}`);
  }
  const events = decider.decide(command, current.state);
  const state = events.reduce((s, e) => decider.evolve(s, e), current.state);
  return { state, version: current.version + events.length, events };
}

/** The metadata every appended event carries. */
export function eventMetadata(context: CommandContext): EventMetadata {
  return {
    correlationId: context.correlationId,
    causationId: context.causationId ?? context.correlationId,
    actor: context.actor,
    source: context.source,
    schemaVersion: EVENT_SCHEMA_VERSION,
  };
}

/** The revision an append expects of a stream decided on at `version`. */
export const expectedRevisionOf = (version: number): ExpectedRevision => (version < 0 ? NO_STREAM : BigInt(version));
