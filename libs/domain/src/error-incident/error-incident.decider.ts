import type { Decider } from '../shared/decider.js';
import { skipUnknownEvent, unreachable, type SameSet } from '../shared/decider.js';
import { DomainError, badInput } from '../shared/domain-error.js';
import { ERROR_TYPES, type ErrorStatus, type ErrorType } from '../shared/enums.js';
import { formatMoney, type MoneyJson } from '../shared/money.js';
import { identifier, iso, optionalText, text, validDate, validMoney } from '../shared/validation.js';
import type { ErrorIncidentCommand, RecordError, ResolveError, VoidError } from './error-incident.commands.js';
import type { ErrorIncidentEvent } from './error-incident.events.js';

export interface ErrorDetails {
  errorId: string;
  customerId: string;
  errorType: ErrorType;
  occurredAt: string;
  reference?: string;
  description?: string;
  cost?: MoneyJson;
}

export type ErrorIncidentState =
  | { status: 'NONE' }
  | (ErrorDetails & { status: 'OPEN' })
  | (ErrorDetails & { status: 'RESOLVED'; resolution: string; resolvedAt: string })
  | (ErrorDetails & { status: 'VOIDED'; voidReason: string; voidedAt: string });

type Existing = Exclude<ErrorIncidentState, { status: 'NONE' }>;
// The decider's states are the contract's statuses (ERROR_STATUSES), no more and no fewer.
const STATES_ARE_STATUSES: SameSet<Existing['status'], ErrorStatus> = true;
void STATES_ARE_STATUSES;

function existing(state: ErrorIncidentState, errorId: string): Existing {
  if (state.status === 'NONE') throw new DomainError('NOT_FOUND', `error incident ${errorId} not found`);
  return state;
}

function record(c: RecordError, state: ErrorIncidentState): ErrorIncidentEvent[] {
  const errorId = identifier('id', c.errorId);
  const customerId = identifier('customerId', c.customerId);
  if (!ERROR_TYPES.includes(c.errorType)) throw badInput('type', `must be one of ${ERROR_TYPES.join(', ')}`);
  const occurredAt = c.occurredAt ? validDate('occurredAt', c.occurredAt) : c.now;
  const reference = optionalText('reference', c.reference, 200);
  const description = optionalText('description', c.description, 2_000);
  const cost = c.cost ? formatMoney(validMoney('cost', c.cost)) : undefined;
  if (state.status !== 'NONE') {
    // As for promises: a retry without occurredAt compares only what the caller gave.
    const same =
      state.customerId === customerId &&
      state.errorType === c.errorType &&
      state.reference === reference &&
      state.description === description &&
      state.cost?.amount === cost?.amount &&
      state.cost?.currency === cost?.currency &&
      (c.occurredAt === undefined || Date.parse(state.occurredAt) === occurredAt.getTime());
    if (same) return [];
    throw new DomainError('CONFLICT', `error incident ${errorId} exists with different content`);
  }
  if (occurredAt.getTime() > c.now.getTime()) throw badInput('occurredAt', 'must not be in the future');
  return [
    {
      type: 'ErrorRecorded',
      data: {
        errorId,
        customerId,
        type: c.errorType,
        occurredAt: iso(occurredAt),
        ...(reference ? { reference } : {}),
        ...(description ? { description } : {}),
        ...(cost ? { cost } : {}),
      },
    },
  ];
}

function resolve(c: ResolveError, state: ErrorIncidentState): ErrorIncidentEvent[] {
  const s = existing(state, c.errorId);
  if (s.status !== 'OPEN') throw new DomainError('INVALID_STATE', `cannot resolve an error that is ${s.status}`);
  const resolution = text('resolution', c.resolution, 2_000);
  return [{ type: 'ErrorResolved', data: { errorId: s.errorId, customerId: s.customerId, resolution, resolvedAt: iso(c.now) } }];
}

// A resolved error can still be voided: resolving does not make a mistaken record true.
function voidError(c: VoidError, state: ErrorIncidentState): ErrorIncidentEvent[] {
  const s = existing(state, c.errorId);
  if (s.status === 'VOIDED') throw new DomainError('INVALID_STATE', 'the error is already voided');
  const reason = text('reason', c.reason, 2_000);
  return [{ type: 'ErrorVoided', data: { errorId: s.errorId, customerId: s.customerId, reason, voidedAt: iso(c.now) } }];
}

function details(state: ErrorIncidentState): ErrorDetails {
  // Only a corrupt stream gets here: every error stream starts with ErrorRecorded.
  if (state.status === 'NONE') throw new DomainError('INVALID_STATE', 'event on an error that was never recorded');
  const { errorId, customerId, errorType, occurredAt, reference, description, cost } = state;
  return {
    errorId,
    customerId,
    errorType,
    occurredAt,
    ...(reference !== undefined ? { reference } : {}),
    ...(description !== undefined ? { description } : {}),
    ...(cost !== undefined ? { cost } : {}),
  };
}

export const errorIncidentDecider: Decider<ErrorIncidentCommand, ErrorIncidentState, ErrorIncidentEvent> = {
  initialState: () => ({ status: 'NONE' }),
  decide(command, state) {
    switch (command.type) {
      case 'RecordError':
        return record(command, state);
      case 'ResolveError':
        return resolve(command, state);
      case 'VoidError':
        return voidError(command, state);
      default:
        return unreachable(command);
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'ErrorRecorded': {
        const d = event.data;
        return {
          status: 'OPEN',
          errorId: d.errorId,
          customerId: d.customerId,
          errorType: d.type,
          occurredAt: d.occurredAt,
          ...(d.reference !== undefined ? { reference: d.reference } : {}),
          ...(d.description !== undefined ? { description: d.description } : {}),
          ...(d.cost !== undefined ? { cost: d.cost } : {}),
        };
      }
      case 'ErrorResolved':
        return { ...details(state), status: 'RESOLVED', resolution: event.data.resolution, resolvedAt: event.data.resolvedAt };
      case 'ErrorVoided':
        return { ...details(state), status: 'VOIDED', voidReason: event.data.reason, voidedAt: event.data.voidedAt };
      default:
        return skipUnknownEvent(event, state);
    }
  },
};
