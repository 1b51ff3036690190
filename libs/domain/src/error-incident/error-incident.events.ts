import type { ErrorType } from '../shared/enums.js';
import type { MoneyJson } from '../shared/money.js';

type Ref = { errorId: string; customerId: string };

export interface ErrorRecorded {
  type: 'ErrorRecorded';
  data: Ref & { type: ErrorType; occurredAt: string; reference?: string; description?: string; cost?: MoneyJson };
}
export interface ErrorResolved {
  type: 'ErrorResolved';
  data: Ref & { resolution: string; resolvedAt: string };
}
export interface ErrorVoided {
  type: 'ErrorVoided';
  data: Ref & { reason: string; voidedAt: string };
}

export type ErrorIncidentEvent = ErrorRecorded | ErrorResolved | ErrorVoided;
