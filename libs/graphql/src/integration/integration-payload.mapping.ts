import { createHash } from 'node:crypto';
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
import type { IntegrationEventInput, IntegrationEventType } from './append-events.types.js';

/** Which input a payload must match, which of its fields are dates, and the command it becomes. */
interface PayloadRule<T> {
  input: ClassConstructor<T>;
  dates: string[];
  toAction(payload: T, defaultId: string): IntegrationAction;
}

const rule = <T>(r: PayloadRule<T>) => r as PayloadRule<unknown>;

const RULES: Record<IntegrationEventType, PayloadRule<unknown>> = {
  CUSTOMER_REGISTERED: rule<RegisterCustomerInput>({
    input: RegisterCustomerInput,
    dates: [],
    toAction: (p, id) => ({
      aggregate: 'customer',
      command: { type: 'RegisterCustomer', customerId: p.id ?? id, name: p.name, kind: p.kind, region: p.region ?? undefined, email: p.email ?? undefined },
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
        promiseId: p.id ?? id,
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
    dates: ['occurredAt'],
    toAction: (p, id) => ({
      aggregate: 'error',
      requiresCustomer: p.customerId,
      command: {
        type: 'RecordError',
        errorId: p.id ?? id,
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

/** Stable JSON (sorted keys), so the same content always hashes the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** An id for a create without one, derived from (source, externalId) so a retried item gets the same. */
function derivedId(source: string, externalId: string): string {
  const h = createHash('sha256').update(`${source}\u0000${externalId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function flatten(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    return [...Object.values(e.constraints ?? {}).map((m) => `${path}: ${m}`), ...flatten(e.children ?? [], path)];
  });
}

/** Validates one ERP item as strictly as the matching mutation's input, and maps it to a command. */
export async function toIntegrationItem(source: string, event: IntegrationEventInput): Promise<IntegrationItem> {
  const contentHash = createHash('sha256').update(canonical({ type: event.type, payload: event.payload })).digest('hex');
  const base = { externalId: event.externalId, contentHash };
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
  const input = plainToInstance(r.input, raw);
  const problems = flatten(await validate(input as object, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: false }));
  if (problems.length) return reject(problems.join('; '));
  try {
    return { ...base, action: r.toAction(input, derivedId(source, event.externalId)) };
  } catch (error) {
    if (error instanceof DomainError) return { ...base, rejection: { code: error.code, message: error.message } };
    throw error;
  }
}
