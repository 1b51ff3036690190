import type { CustomerKind } from '../shared/enums.js';

export interface RegisterCustomer {
  type: 'RegisterCustomer';
  customerId: string;
  name: string;
  kind: CustomerKind;
  region?: string;
  email?: string;
  now: Date;
}

/** Erase the customer's personal data (ADMIN): who asked travels with it. */
export interface ForgetCustomer {
  type: 'ForgetCustomer';
  customerId: string;
  reason: string;
  requestedBy: string;
  now: Date;
}

export type CustomerCommand = RegisterCustomer | ForgetCustomer;
