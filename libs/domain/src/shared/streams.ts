export const customerStream = (id: string): string => `customer-${id}`;
export const promiseStream = (id: string): string => `promise-${id}`;
export const errorStream = (id: string): string => `error-${id}`;
export const calendarStream = (id: string): string => `calendar-${id}`;
export const COST_POLICY_STREAM = 'cost-policies';
export const STREAM_PREFIXES = { customer: 'customer-', promise: 'promise-', error: 'error-', calendar: 'calendar-' } as const;
