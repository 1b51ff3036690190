import { hash } from 'node:crypto';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import { GraphQLError } from 'graphql';
import type { AggregateCommand, IntegrationItem } from '#libs/application';
import { DomainError, STORABLE_TEXT_RULE, findUnstorableText, isStorableText } from '#libs/domain';
import { DateTimeScalar } from '../scalars.js';
import { RegisterCustomerInput } from '../customers/register-customer.input.js';
import { RecordErrorInput, ResolveErrorInput, VoidErrorInput } from '../errors/error-incident.type.js';
import {
  AmendPromiseInput,
  BreakPromiseInput,
  FulfilPromiseLateInput,
  KeepPromiseInput,
  MakePromiseInput,
  PausePromiseInput,
  ReleasePromiseInput,
  ResumePromiseInput,
} from '../promises/promise.inputs.js';
import { MoneyInput } from '../common/money.type.js';
import { toCommand, type NewId } from '../commands/input-commands.mapping.js';
import type { IntegrationEventInput, IntegrationEventType } from './append-events.types.js';
import { compilePayloadCheck, inputFields, type PayloadCheck } from './integration-payload.validator.js';

/** Which input a payload must match, which of its fields are dates, and the command it becomes. */
interface PayloadRule<T> {
  input: ClassConstructor<T>;
  /** The class of each @ValidateNested property of `input`. */
  nested?: Record<string, ClassConstructor<object>>;
  dates: (keyof T & string)[];
  /** The mutation's own mapping; `newId` derives the id of a create sent without one. */
  toCommand(payload: T, newId: NewId): AggregateCommand;
}

const rule = <T>(r: PayloadRule<T>) => r as PayloadRule<unknown>;

const RULES: Record<IntegrationEventType, PayloadRule<unknown>> = {
  CUSTOMER_REGISTERED: rule({ input: RegisterCustomerInput, dates: [], toCommand: toCommand.registerCustomer }),
  PROMISE_MADE: rule({ input: MakePromiseInput, dates: ['dueBy', 'madeAt'], toCommand: toCommand.makePromise }),
  PROMISE_AMENDED: rule({ input: AmendPromiseInput, dates: ['dueBy'], toCommand: toCommand.amendPromise }),
  PROMISE_KEPT: rule({ input: KeepPromiseInput, dates: ['keptAt'], toCommand: toCommand.keepPromise }),
  PROMISE_BROKEN: rule({ input: BreakPromiseInput, dates: [], toCommand: toCommand.breakPromise }),
  PROMISE_RELEASED: rule({ input: ReleasePromiseInput, dates: [], toCommand: toCommand.releasePromise }),
  PROMISE_FULFILLED_LATE: rule({ input: FulfilPromiseLateInput, dates: ['fulfilledAt'], toCommand: toCommand.fulfilPromiseLate }),
  PROMISE_PAUSED: rule({ input: PausePromiseInput, dates: [], toCommand: toCommand.pausePromise }),
  PROMISE_RESUMED: rule({ input: ResumePromiseInput, dates: [], toCommand: toCommand.resumePromise }),
  ERROR_RECORDED: rule({ input: RecordErrorInput, nested: { cost: MoneyInput }, dates: ['occurredAt'], toCommand: toCommand.recordError }),
  ERROR_RESOLVED: rule({ input: ResolveErrorInput, dates: [], toCommand: toCommand.resolveError }),
  ERROR_VOIDED: rule({ input: VoidErrorInput, dates: [], toCommand: toCommand.voidError }),
};

const CHECKS = Object.fromEntries(
  Object.entries(RULES).map(([type, r]) => [type, compilePayloadCheck(r.input, r.nested)]),
) as Record<IntegrationEventType, PayloadCheck>;

/** The fields each payload may have: any other key is refused, `constructor` and `__proto__` included. */
const FIELDS = Object.fromEntries(Object.entries(RULES).map(([type, r]) => [type, inputFields(r.input)])) as Record<
  IntegrationEventType,
  ReadonlySet<string>
>;

/** Deepest nesting a payload may have (the inputs need two levels: `cost.amount`). */
export const MAX_PAYLOAD_DEPTH = 32;

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
  // An item refused before its content could be hashed safely gets no hash: it can never equal
  // the hash of content accepted earlier.
  const refuse = (message: string, contentHash = '') => ({
    externalId: event.externalId,
    contentHash,
    rejection: { code: 'BAD_USER_INPUT' as const, message },
  });
  if (!isStorableText(event.externalId)) return refuse(`externalId: ${STORABLE_TEXT_RULE}`);
  const payload = event.payload;
  if (!payload || typeof payload !== 'object') return refuse('payload must be an object', contentHashOf(event));
  // Before anything that walks the payload recursively (hashing, class-transformer).
  const unstorable = findUnstorableText(payload, MAX_PAYLOAD_DEPTH);
  if (unstorable) {
    return refuse(
      unstorable.tooDeep ? `payload: nested deeper than ${MAX_PAYLOAD_DEPTH} levels` : `payload.${unstorable.path}: ${STORABLE_TEXT_RULE}`,
    );
  }
  const base = { externalId: event.externalId, contentHash: contentHashOf(event) };
  const reject = (message: string) => refuse(message, base.contentHash);
  if (Array.isArray(payload)) return reject('payload must be an object');
  const r = RULES[event.type];
  const fields = FIELDS[event.type];
  const unknown = Object.keys(payload).filter((key) => !fields.has(key));
  // In class-validator's words (it would say the same of any other unknown key).
  if (unknown.length > 0) return reject(unknown.map((key) => `${key}: property ${key} should not exist`).join('; '));
  const raw = { ...(payload as Record<string, unknown>) };
  for (const field of r.dates) {
    if (raw[field] === undefined || raw[field] === null) continue;
    try {
      raw[field] = DateTimeScalar.parseValue(raw[field]);
    } catch (error) {
      return reject(error instanceof GraphQLError && /out of range/.test(error.message) ? `${field}: ${error.message}` : `${field}: must be an RFC 3339 date-time with offset`);
    }
  }
  const toItem = (input: unknown): IntegrationItem => {
    try {
      return { ...base, action: r.toCommand(input, () => derivedId(source, event.externalId)) };
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
