import { registerEnumType } from '@nestjs/graphql';
import {
  CUSTOMER_KINDS,
  ERROR_COST_GROUPS,
  ERROR_STATUSES,
  ERROR_TYPES,
  PROMISE_KINDS,
  PROMISE_STATUSES,
  RISK_LEVELS,
  TOUCH_POINTS,
  WEBHOOK_DELIVERY_STATUSES,
  WEBHOOK_EVENT_TYPES,
  WEEKDAYS,
  type RiskLevel as DomainRiskLevel,
  type Weekday as DomainWeekday,
  type CustomerKind as DomainCustomerKind,
  type ErrorCostGroup as DomainErrorCostGroup,
  type ErrorStatus as DomainErrorStatus,
  type ErrorType as DomainErrorType,
  type PromiseKind as DomainPromiseKind,
  type PromiseStatus as DomainPromiseStatus,
  type TouchPoint as DomainTouchPoint,
  type WebhookDeliveryStatus as DomainWebhookDeliveryStatus,
  type WebhookEventType as DomainWebhookEventType,
} from '#libs/domain';

/** A GraphQL enum object (`{ A: 'A', … }`) from one of the domain's `as const` arrays: enums are defined once. */
export const graphqlEnum = <const T extends readonly string[]>(values: T): { readonly [K in T[number]]: K } =>
  Object.freeze(Object.fromEntries(values.map((v) => [v, v]))) as { readonly [K in T[number]]: K };

export const CustomerKind = graphqlEnum(CUSTOMER_KINDS);
export const PromiseKind = graphqlEnum(PROMISE_KINDS);
export const TouchPoint = graphqlEnum(TOUCH_POINTS);
export const PromiseStatus = graphqlEnum(PROMISE_STATUSES);
export const ErrorType = graphqlEnum(ERROR_TYPES);
export const ErrorStatus = graphqlEnum(ERROR_STATUSES);
export const ErrorCostGroup = graphqlEnum(ERROR_COST_GROUPS);
export const Weekday = graphqlEnum(WEEKDAYS);
export const RiskLevel = graphqlEnum(RISK_LEVELS);

export type CustomerKind = DomainCustomerKind;
export type PromiseKind = DomainPromiseKind;
export type TouchPoint = DomainTouchPoint;
export type PromiseStatus = DomainPromiseStatus;
export type ErrorType = DomainErrorType;
export type ErrorStatus = DomainErrorStatus;
export type ErrorCostGroup = DomainErrorCostGroup;
export type Weekday = DomainWeekday;
export type RiskLevel = DomainRiskLevel;

registerEnumType(CustomerKind, { name: 'CustomerKind' });
registerEnumType(PromiseKind, { name: 'PromiseKind' });
registerEnumType(TouchPoint, { name: 'TouchPoint' });
registerEnumType(PromiseStatus, { name: 'PromiseStatus' });
registerEnumType(ErrorType, { name: 'ErrorType' });
registerEnumType(ErrorStatus, { name: 'ErrorStatus' });
registerEnumType(ErrorCostGroup, { name: 'ErrorCostGroup' });

export const WebhookEventType = graphqlEnum(WEBHOOK_EVENT_TYPES);
export const WebhookDeliveryStatus = graphqlEnum(WEBHOOK_DELIVERY_STATUSES);
export type WebhookEventType = DomainWebhookEventType;
export type WebhookDeliveryStatus = DomainWebhookDeliveryStatus;
registerEnumType(WebhookEventType, { name: 'WebhookEventType' });
registerEnumType(WebhookDeliveryStatus, { name: 'WebhookDeliveryStatus' });
registerEnumType(Weekday, { name: 'Weekday' });
registerEnumType(RiskLevel, { name: 'RiskLevel' });
