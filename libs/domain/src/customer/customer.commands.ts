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

export type CustomerCommand = RegisterCustomer;
