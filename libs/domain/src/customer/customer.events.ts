import type { CustomerKind } from '../shared/enums.js';

export interface CustomerRegistered {
  type: 'CustomerRegistered';
  data: { customerId: string; name: string; kind: CustomerKind; region?: string; email?: string; registeredAt: string };
}

/**
 * The customer's personal data was destroyed (its data key, and every read model's copy): the
 * customer stays in the ledger as an id, a kind and its figures. `reason` and `requestedBy` are
 * about the erasure, not the customer, and stay readable.
 */
export interface CustomerErased {
  type: 'CustomerErased';
  data: { customerId: string; reason: string; requestedBy: string; erasedAt: string };
}

export type CustomerEvent = CustomerRegistered | CustomerErased;
