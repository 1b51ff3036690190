export const CUSTOMER_KINDS = ['DISTRIBUTOR', 'RESELLER', 'END_USER'] as const;
export const PROMISE_KINDS = ['DELIVERY', 'SERVICE', 'BILLING', 'QUALITY', 'OTHER'] as const;
export const TOUCH_POINTS = ['PRODUCT', 'HUMAN', 'SYSTEM'] as const;
export const PROMISE_STATUSES = ['OPEN', 'KEPT', 'BROKEN', 'RELEASED'] as const;
export const ERROR_TYPES = ['BILLING', 'SHIPPING'] as const;
export const ERROR_STATUSES = ['OPEN', 'RESOLVED', 'VOIDED'] as const;
/** How error costs are grouped: by customer, customer kind, error type or month of occurrence (UTC). */
export const ERROR_COST_GROUPS = ['CUSTOMER', 'CUSTOMER_KIND', 'ERROR_TYPE', 'MONTH'] as const;

export type CustomerKind = (typeof CUSTOMER_KINDS)[number];
export type PromiseKind = (typeof PROMISE_KINDS)[number];
export type TouchPoint = (typeof TOUCH_POINTS)[number];
export type PromiseStatus = (typeof PROMISE_STATUSES)[number];
export type ErrorType = (typeof ERROR_TYPES)[number];
export type ErrorStatus = (typeof ERROR_STATUSES)[number];
export type ErrorCostGroup = (typeof ERROR_COST_GROUPS)[number];
