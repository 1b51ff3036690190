import { registerEnumType } from '@nestjs/graphql';

export const CustomerKind = { DISTRIBUTOR: 'DISTRIBUTOR', RESELLER: 'RESELLER', END_USER: 'END_USER' } as const;
export const PromiseKind = { DELIVERY: 'DELIVERY', SERVICE: 'SERVICE', BILLING: 'BILLING', QUALITY: 'QUALITY', OTHER: 'OTHER' } as const;
export const TouchPoint = { PRODUCT: 'PRODUCT', HUMAN: 'HUMAN', SYSTEM: 'SYSTEM' } as const;
export const PromiseStatus = { OPEN: 'OPEN', KEPT: 'KEPT', BROKEN: 'BROKEN', RELEASED: 'RELEASED' } as const;
export const ErrorType = { BILLING: 'BILLING', SHIPPING: 'SHIPPING' } as const;
export const ErrorStatus = { OPEN: 'OPEN', RESOLVED: 'RESOLVED', VOIDED: 'VOIDED' } as const;
export const ErrorCostGroup = { CUSTOMER: 'CUSTOMER', CUSTOMER_KIND: 'CUSTOMER_KIND', ERROR_TYPE: 'ERROR_TYPE', MONTH: 'MONTH' } as const;

export type CustomerKind = keyof typeof CustomerKind;
export type PromiseKind = keyof typeof PromiseKind;
export type TouchPoint = keyof typeof TouchPoint;
export type PromiseStatus = keyof typeof PromiseStatus;
export type ErrorType = keyof typeof ErrorType;
export type ErrorStatus = keyof typeof ErrorStatus;
export type ErrorCostGroup = keyof typeof ErrorCostGroup;

registerEnumType(CustomerKind, { name: 'CustomerKind' });
registerEnumType(PromiseKind, { name: 'PromiseKind' });
registerEnumType(TouchPoint, { name: 'TouchPoint' });
registerEnumType(PromiseStatus, { name: 'PromiseStatus' });
registerEnumType(ErrorType, { name: 'ErrorType' });
registerEnumType(ErrorStatus, { name: 'ErrorStatus' });
registerEnumType(ErrorCostGroup, { name: 'ErrorCostGroup' });
