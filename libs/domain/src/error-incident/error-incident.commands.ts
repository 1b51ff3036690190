import type { ErrorType } from '../shared/enums.js';
import type { Money } from '../shared/money.js';

export interface RecordError {
  type: 'RecordError';
  errorId: string;
  customerId: string;
  errorType: ErrorType;
  occurredAt?: Date;
  reference?: string;
  description?: string;
  cost?: Money;
  now: Date;
}
export interface ResolveError { type: 'ResolveError'; errorId: string; resolution: string; now: Date }
export interface VoidError { type: 'VoidError'; errorId: string; reason: string; now: Date }

export type ErrorIncidentCommand = RecordError | ResolveError | VoidError;
