import { hash } from 'node:crypto';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import { DateTimeResolver } from 'graphql-scalars';
import type { IntegrationAction, IntegrationItem } from '#libs/application';
import { DomainError, parseMoney } from '#libs/domain';
import { RegisterCustomerInput } from '../customers/register-customer.input.js';
import { RecordErrorInput, ResolveErrorInput, VoidErrorInput } from '../errors/error-incident.type.js';
import {
  AmendPromiseInput,
  BreakPromiseInput,
  FulfilPromiseLateInput,
  KeepPromiseInput,
  MakePromiseInput,
  ReleasePromiseInput,
} from '../promises/promise.inputs.js';
import { MoneyInput } from '../common/money.type.js';
import type { IntegrationEventInput, IntegrationEventType } from './append-events.types.js';
import { compilePayloadCheck, type PayloadCheck } from './integration-payload.validator.js';

/** Which input a payload must match, which of its fields are dates, and the command it becomes. */
interface PayloadRule<T> {
  input: ClassConstructor<T>;
  /** The class of each @ValidateNested property of `input`. */
  nested?: Record<string, ClassConstructor<object>>;
  dates: string[];
  /** `defaultId` derives the id of a create sent without one. */
  toAction(payload: T, defaultId: () => string): IntegrationAction;
}

const rule = <T>(r: PayloadRule<T>) => r as PayloadRule<unknown>;

const RULES: Record<IntegrationEventType, PayloadRule<unknown>> = {
  CUSTOMER_REGISTERED: rule<RegisterCustomerInput>({
    input: RegisterCustomerInput,
    dates: [],
    toAction: (p, id) => ({
      aggregate: 'customer',
      command: { type: 'RegisterCustomer', customerId: p.id ?? id(), name: p.name, kind: p.kind, region: p.region ?? undefined, email: p.email ?? undefined },
    }),
  }),
  PROMISE_MADE: rule<MakePromiseInput>({
    input: MakePromiseInput,
    dates: ['dueBy', 'madeAt'],
    toAction: (p, id) => ({
      aggregate: 'promise',
      requiresCustomer: p.customerId,
      command: {
        type: 'MakePromise',
        promiseId: p.id ?? id(),
        customerId: p.customerId,
        kind: p.kind,
        touchPoint: p.touchPoint ?? 'HUMAN',
        description: p.description,
        dueBy: p.dueBy,
        madeAt: p.madeAt ?? undefined,
      },
    }),
  }),
  PROMISE_AMENDED: rule<AmendPromiseInput>({
    input: AmendPromiseInput,
    dates: ['dueBy'],
    toAction: (p) => ({
      aggregate: 'promise',
      mustExist: true,
      expectedVersion: p.expectedVersion,
      command: { type: 'AmendPromise', promiseId: p.id, dueBy: p.dueBy, reason: p.reason },
    }),
  }),
  PROMISE_KEPT: rule<KeepPromiseInput>({
    input: KeepPromiseInput,
    dates: ['keptAt'],
    toAction: (p) => ({
      aggregate: 'promise',
      mustExist: true,
      expectedVersion: p.expectedVersion,
      command: { type: 'KeepPromise', promiseId: p.id, keptAt: p.keptAt ?? undefined, evidence: p.evidence ?? undefined },
    }),
  }),
  PROMISE_BROKEN: rule<BreakPromiseInput>({
    input: BreakPromiseInput,
    dates: [],
    toAction: (p) => ({
      aggregate: 'promise',
      mustExist: true,
      expectedVersion: p.expectedVersion,
      command: { type: 'BreakPromise', promiseId: p.id, reason: p.reason },
    }),
  }),
  PROMISE_RELEASED: rule<ReleasePromiseInput>({
    input: ReleasePromiseInput,
    dates: [],
    toAction: (p) => ({
      aggregate: 'promise',
      mustExist: true,
      expectedVersion: p.expectedVersion,
      command: { type: 'ReleasePromise', promiseId: p.id, reason: p.reason },
    }),
  }),
  PROMISE_FULFILLED_LATE: rule<FulfilPromiseLateInput>({
    input: FulfilPromiseLateInput,
    dates: ['fulfilledAt'],
    toAction: (p) => ({
      aggregate: 'promise',
      mustExist: true,
      expectedVersion: p.expectedVersion,
      command: { type: 'FulfilPromiseLate', promiseId: p.id, fulfilledAt: p.fulfilledAt ?? undefined, evidence: p.evidence ?? undefined },
    }),
  }),
  ERROR_RECORDED: rule<RecordErrorInput>({
    input: RecordErrorInput,
    nested: { cost: MoneyInput },
    dates: ['occurredAt'],
    toAction: (p, id) => ({
      aggregate: 'error',
      requiresCustomer: p.customerId,
      command: {
        type: 'RecordError',
        errorId: p.id ?? id(),
        customerId: p.customerId,
        errorType: p.type,
        occurredAt: p.occurredAt ?? undefined,
        reference: p.reference ?? undefined,
        description: p.description ?? undefined,
        cost: p.cost ? parseMoney(p.cost, 'cost.amount') : undefined,
      },
    }),
  }),
  ERROR_RESOLVED: rule<ResolveErrorInput>({
    input: ResolveErrorInput,
    dates: [],
    toAction: (p) => ({
      aggregate: 'error',
      mustExist: true,
      expectedVersion: p.expectedVersion,
      command: { type: 'ResolveError', errorId: p.id, resolution: p.resolution },
    }),
  }),
  ERROR_VOIDED: rule<VoidErrorInput>({
    input: VoidErrorInput,
    dates: [],
    toAction: (p) => ({
      aggregate: 'error',
      mustExist: true,
      expectedVersion: p.expectedVersion,
      command: { type: 'VoidError', errorId: p.id, reason: p.reason },
    }),
  }),
};

const CHECKS = Object.fromEntries(
  Object.entries(RULES).map(([type, r]) => [type, compilePayloadCheck(r.input, r.nested)]),
) as Record<IntegrationEventType, PayloadCheck>;

/** Stable JSON (sorted keys), so the same content always hashes the same: the stored hashes depend on every character. */
function canonical(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value !== 'object') return JSON.stringify(value);
  let out: string;
  if (Array.isArray(value)) {
    out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + canonical(value[i]);
    return out + ']';
  }
  const keys = Object.keys(value).sort();
  out = '{';
  for (let i = 0; i < keys.length; i++) {
    out += `${i ? ',' : ''}${JSON.stringify(keys[i])}:${canonical((value as Record<string, unknown>)[keys[i]!])}`;
  }
  return out + '}';
}

/** The hash of an item's content: canonical `{ type, payload }` (keys sorted: payload first). */
const contentHashOf = (event: IntegrationEventInput): string =>
  hash('sha256', `{"payload":${canonical(event.payload)},"type":${JSON.stringify(event.type)}}`, 'hex');

/** An id for a create without one, derived from (source, externalId) so a retried item gets the same. */
function derivedId(source: string, externalId: string): string {
  const h = hash('sha256', `${source}\u0000${externalId}`, 'hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function flatten(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    return [...Object.values(e.constraints ?? {}).map((m) => `${path}: ${m}`), ...flatten(e.children ?? [], path)];
  });
}

/**
 * Validates one ERP item as strictly as the matching mutation's input, and maps it to a command.
 * A payload the compiled check is certain of maps at once; any other goes through class-validator
 * (as the mutation's input would), which accepts it or writes the refusal.
 */
export function toIntegrationItem(source: string, event: IntegrationEventInput): IntegrationItem | Promise<IntegrationItem> {
  const base = { externalId: event.externalId, contentHash: contentHashOf(event) };
  const reject = (message: string) => ({ ...base, rejection: { code: 'BAD_USER_INPUT', message } });
  const r = RULES[event.type];
  if (!event.payload || typeof event.payload !== 'object' || Array.isArray(event.payload)) return reject('payload must be an object');
  const raw = { ...(event.payload as Record<string, unknown>) };
  for (const field of r.dates) {
    if (raw[field] === undefined || raw[field] === null) continue;
    try {
      raw[field] = DateTimeResolver.parseValue(raw[field]);
    } catch {
      return reject(`${field}: must be an RFC 3339 date-time with offset`);
    }
  }
  const toItem = (input: unknown): IntegrationItem => {
    try {
      return { ...base, action: r.toAction(input, () => derivedId(source, event.externalId)) };
    } catch (error) {
      if (error instanceof DomainError) return { ...base, rejection: { code: error.code, message: error.message } };
      throw error;
    }
  };
  if (CHECKS[event.type](raw)) return toItem(raw);
  const input = plainToInstance(r.input, raw);
  return validate(input as object, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: false }).then((errors) => {
    const problems = flatten(errors);
    return problems.length ? reject(problems.join('; ')) : toItem(input);
  });
}

/** Every item of a batch, in input order; only the ones class-validator must look at wait for it. */
export async function toIntegrationItems(source: string, events: readonly IntegrationEventInput[]): Promise<IntegrationItem[]> {
  const items = events.map((event) => toIntegrationItem(source, event));
  return items.some((item) => item instanceof Promise) ? Promise.all(items) : (items as IntegrationItem[]);
}
