import type { CustomerKind, ErrorType } from '../shared/enums.js';
import type { MoneyJson } from '../shared/money.js';

export interface ErrorCostPolicySet {
  type: 'ErrorCostPolicySet';
  data: { customerKind: CustomerKind; errorType: ErrorType; costPerError: MoneyJson; effectiveFrom: string; setAt: string };
}

export type CostPolicyEvent = ErrorCostPolicySet;
