import type { CustomerKind } from '../shared/enums.js';

export interface CustomerRegistered {
  type: 'CustomerRegistered';
  data: { customerId: string; name: string; kind: CustomerKind; region?: string; email?: string; registeredAt: string };
}

export type CustomerEvent = CustomerRegistered;
