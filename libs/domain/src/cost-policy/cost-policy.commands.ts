import type { CustomerKind, ErrorType } from '../shared/enums.js';
import type { Money } from '../shared/money.js';

export interface SetErrorCostPolicy {
  type: 'SetErrorCostPolicy';
  customerKind: CustomerKind;
  errorType: ErrorType;
  costPerError: Money;
  effectiveFrom: Date;
  now: Date;
}

export type CostPolicyCommand = SetErrorCostPolicy;
