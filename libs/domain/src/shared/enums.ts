export const CUSTOMER_KINDS = ['DISTRIBUTOR', 'RESELLER', 'END_USER'] as const;
export const PROMISE_KINDS = ['DELIVERY', 'SERVICE', 'BILLING', 'QUALITY', 'OTHER'] as const;
export const TOUCH_POINTS = ['PRODUCT', 'HUMAN', 'SYSTEM'] as const;
export const PROMISE_STATUSES = ['OPEN', 'KEPT', 'BROKEN', 'RELEASED'] as const;
export const ERROR_TYPES = ['BILLING', 'SHIPPING'] as const;
export const ERROR_STATUSES = ['OPEN', 'RESOLVED', 'VOIDED'] as const;
/** How error costs are grouped: by customer, customer kind, error type or month of occurrence (UTC). */
export const ERROR_COST_GROUPS = ['CUSTOMER', 'CUSTOMER_KIND', 'ERROR_TYPE', 'MONTH'] as const;

/** The days a business calendar opens on, Monday first (ISO 8601 numbering: MONDAY is 1). */
export const WEEKDAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'] as const;
/** How close a promise is to breaking (product.md, "Business calendars and paused clocks"). */
export const RISK_LEVELS = ['ON_TRACK', 'AT_RISK', 'CRITICAL', 'BREACHED', 'PAUSED', 'SETTLED'] as const;
/** The risk levels whose crossing is recorded as an event (PromiseAtRisk with its level). */
export const RISK_FLAGS = ['AT_RISK', 'CRITICAL'] as const;

export type CustomerKind = (typeof CUSTOMER_KINDS)[number];
export type PromiseKind = (typeof PROMISE_KINDS)[number];
export type TouchPoint = (typeof TOUCH_POINTS)[number];
export type PromiseStatus = (typeof PROMISE_STATUSES)[number];
export type ErrorType = (typeof ERROR_TYPES)[number];
export type ErrorStatus = (typeof ERROR_STATUSES)[number];
export type ErrorCostGroup = (typeof ERROR_COST_GROUPS)[number];
export type Weekday = (typeof WEEKDAYS)[number];
export type RiskLevel = (typeof RISK_LEVELS)[number];
export type RiskFlag = (typeof RISK_FLAGS)[number];
