import type { CustomerKind, ErrorStatus, ErrorType, MoneyJson, PromiseKind, PromiseStatus, TouchPoint } from '#libs/domain';

export type Money = MoneyJson;

export interface Page<T> {
  nodes: T[];
  totalCount: number;
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface CustomerView {
  id: string;
  name: string | null;
  kind: CustomerKind;
  region: string | null;
  email: string | null;
  registeredAt: Date;
  version: number;
}

export interface PromiseView {
  id: string;
  customerId: string;
  kind: PromiseKind;
  touchPoint: TouchPoint;
  description: string;
  madeAt: Date;
  dueBy: Date;
  originalDueBy: Date;
  amendments: number;
  status: PromiseStatus;
  keptAt: Date | null;
  brokenAt: Date | null;
  brokenReason: string | null;
  fulfilledAt: Date | null;
  releasedAt: Date | null;
  atRisk: boolean;
  version: number;
}

export interface ErrorIncidentView {
  id: string;
  customerId: string;
  type: ErrorType;
  status: ErrorStatus;
  occurredAt: Date;
  reference: string | null;
  description: string | null;
  cost: Money | null;
  version: number;
}

export interface LedgerView {
  made: number;
  open: number;
  kept: number;
  broken: number;
  released: number;
  keptRate: number | null;
  neverBroken: boolean;
  lastBrokenAt: Date | null;
  keptStreak: number;
  asOf: Date;
}

export interface ErrorCostSummaryView {
  errors: number;
  billingErrors: number;
  shippingErrors: number;
  unpricedErrors: number;
  cost: Money[];
}

export interface ErrorCostRowView {
  key: string;
  errors: number;
  unpricedErrors: number;
  cost: Money[];
}

export interface ErrorCostForecastView {
  windowDays: number;
  errorsInWindow: number;
  annualCost: Money[];
}

export interface ErrorCostPolicyView {
  customerKind: CustomerKind;
  errorType: ErrorType;
  costPerError: Money;
  effectiveFrom: Date;
}

export interface TimelineEntryView {
  position: string;
  type: string;
  occurredAt: Date;
  recordedAt: Date;
  summary: string;
  data: unknown;
}

export interface PromiseFilterInput {
  customerId?: string;
  status?: PromiseStatus;
  kind?: PromiseKind;
  dueBefore?: Date;
  dueAfter?: Date;
  atRisk?: boolean;
}

export type ErrorCostGrouping = 'CUSTOMER' | 'CUSTOMER_KIND' | 'ERROR_TYPE' | 'MONTH';
