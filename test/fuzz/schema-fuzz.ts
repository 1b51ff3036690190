// Schema-driven generation of GraphQL operations for the fuzzer (test/e2e/fuzz.e2e-spec.ts).
// Everything is derived from the running server's introspection: a field added to the schema is
// fuzzed without touching this file. Values are mostly plausible (real ids, sane dates) so that
// commands reach the deciders, mixed with strange and wrongly typed ones.
import fc from 'fast-check';

export interface TypeRef {
  kind: string;
  name: string | null;
  ofType: TypeRef | null;
}
export interface InputValue {
  name: string;
  type: TypeRef;
  defaultValue: string | null;
}
interface Field {
  name: string;
  args: InputValue[];
  type: TypeRef;
}
interface SchemaType {
  kind: string;
  name: string;
  fields: Field[] | null;
  inputFields: InputValue[] | null;
  enumValues: { name: string }[] | null;
}

export type OperationKind = 'query' | 'mutation' | 'subscription';

export interface FuzzSchema {
  roots: Record<OperationKind, Field[]>;
  types: Map<string, SchemaType>;
}

export const INTROSPECTION_QUERY = `{ __schema { queryType { name } mutationType { name } subscriptionType { name }
  types { kind name fields { name args { ...value } type { ...ref } } inputFields { ...value } enumValues { name } } } }
  fragment value on __InputValue { name defaultValue type { ...ref } }
  fragment ref on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }`;

interface IntrospectionAnswer {
  __schema: {
    queryType: { name: string };
    mutationType: { name: string } | null;
    subscriptionType: { name: string } | null;
    types: SchemaType[];
  };
}

export function readSchema(answer: IntrospectionAnswer): FuzzSchema {
  const types = new Map(answer.__schema.types.map((t) => [t.name, t]));
  const fieldsOf = (name: string | undefined) => (name ? (types.get(name)?.fields ?? []) : []);
  return {
    types,
    roots: {
      query: fieldsOf(answer.__schema.queryType.name).filter((f) => !f.name.startsWith('__')),
      mutation: fieldsOf(answer.__schema.mutationType?.name),
      subscription: fieldsOf(answer.__schema.subscriptionType?.name),
    },
  };
}

/** Real objects created through the API, so that commands and reads hit existing streams too. */
export interface ObjectPool {
  customers: string[];
  promises: string[];
  errors: string[];
  /** Business calendars set (issue 16). */
  calendars: string[];
  /** endCursor values the server issued. */
  cursors: string[];
  webhooks: string[];
  webhookDeliveries: string[];
}

/** What a case sends, and what the oracle needs to judge the answer. */
export interface GraphQLCase {
  kind: OperationKind;
  field: string;
  aliases: string[];
  query: string;
  variables?: Record<string, unknown>;
}

const named = (ref: TypeRef): string => (ref.name ?? named(ref.ofType!));
const isNonNull = (ref: TypeRef) => ref.kind === 'NON_NULL';

/** GraphQL type syntax for a variable declaration: [ID!]! */
export const typeText = (ref: TypeRef): string =>
  ref.kind === 'NON_NULL' ? `${typeText(ref.ofType!)}!` : ref.kind === 'LIST' ? `[${typeText(ref.ofType!)}]` : ref.name!;

const DAY = 86_400_000;
const isoIn = (ms: number) => new Date(Date.now() + ms).toISOString();

/** Strings that have broken servers: control and invalid code units, bidi, huge, injection-looking. */
export const STRANGE_STRINGS: readonly string[] = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\uD800',
  'x\uDC00y',
  '\uDBFF\uDBFF',
  '\u202Eevil\u202C',
  'שלום עולם',
  'e\u0301\u0301\u0301\u0301',
  '👩‍👩‍👧‍👦🏳️‍🌈',
  '\uFEFF',
  '\uFFFF\uFFFE',
  '\u{10FFFF}',
  '\r\n\t\u000b\u0008',
  'x'.repeat(10_000),
  'ß'.repeat(2_001),
  "'; drop table es_events; --",
  "' or '1'='1",
  '{"$where":"1==1"}',
  '{"__proto__":{"polluted":true}}',
  '[[[[[[[[[[',
  '\\',
  '"',
  '%s%s%n',
  '${process.exit()}',
  '../../etc/passwd',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'null',
  'undefined',
  'NaN',
  '<script>alert(1)</script>',
];

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((u) => String.fromCharCode(u));

export const strangeString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...STRANGE_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.tuple(fc.string({ maxLength: 8 }), loneSurrogate, fc.string({ maxLength: 8 })).map(([a, s, b]) => a + s + b) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...STRANGE_STRINGS), fc.integer({ min: 1, max: 300 })).map(([s, n]) => s.repeat(n).slice(0, 12_000)) },
);

const plausibleText = fc.oneof(
  fc.constantFrom('deliver order 4411', 'call back', 'credit note CN-1', 'customer asked', 'Acme Distribution', 'EMEA'),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }),
);

export const EXTREME_NUMBERS: readonly number[] = [
  0, -0, 1, -1, 2, 50, 100, 500, 501, 1_000, 1_001, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1, 2 ** 53, -(2 ** 53), 2 ** 63, 1e308, -1e308,
  Number.MIN_VALUE, 0.5, 1.5, -0.1,
];
const extremeNumber = fc.oneof(fc.constantFrom(...EXTREME_NUMBERS), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }));

/** Instants the ledger must refuse or store exactly: year 0000 and 10000, rolled-over days, no offset. */
export const EXTREME_DATES: readonly string[] = [
  '0000-01-01T00:00:00Z',
  '0000-12-31T23:59:59.999Z',
  '0001-01-01T00:00:00Z',
  '0001-01-01T00:00:00+01:00',
  '9999-12-31T23:59:59.999Z',
  '9999-12-31T23:00:00-05:00',
  '9999-12-31T23:59:59-00:01',
  '10000-01-01T00:00:00Z',
  '+010000-01-01T00:00:00.000Z',
  '-000001-01-01T00:00:00.000Z',
  '-271821-04-20T00:00:00.000Z',
  '+275760-09-13T00:00:00.000Z',
  '2026-02-30T00:00:00Z',
  '2026-13-01T00:00:00Z',
  '2026-06-01T24:00:00Z',
  '2016-12-31T23:59:60Z',
  '2030-01-01T10:00:00',
  '2030-01-01',
  '2030-01-01T10:00:00+25:00',
  '1970-01-01T00:00:00Z',
  '1969-12-31T23:59:59.999Z',
  'next tuesday',
  '',
  '2026-06-01T00:00:00.123456789Z',
];

const validDate = fc.oneof(
  fc.integer({ min: -400, max: 400 }).map((days) => isoIn(days * DAY + 3_600_000)),
  fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true }).map((d) => d.toISOString()),
);
const anyDate = fc.oneof({ weight: 3, arbitrary: validDate }, { weight: 2, arbitrary: fc.constantFrom(...EXTREME_DATES) }, { weight: 1, arbitrary: strangeString });

/** `value` once in `oneIn` draws, null otherwise. */
const rarely = <T>(value: fc.Arbitrary<T>, oneIn: number): fc.Arbitrary<T | null> =>
  fc.oneof({ weight: oneIn - 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: value });

/** A value of the wrong JSON type for almost any position. */
export const wrongType: fc.Arbitrary<unknown> = fc.constantFrom<unknown>(null, 0, 1.5, -1, 'text', true, [], {}, [1, 2], { a: 1 }, ['x'], 2 ** 53);

const forgedCursorKey = fc.array(fc.oneof(fc.constantFrom(...EXTREME_DATES), strangeString, fc.constantFrom('99999999999999999999', '-1', '9223372036854775808', '0')), { maxLength: 3 });
export const forgedCursor: fc.Arbitrary<string> = fc.oneof(
  forgedCursorKey.map((key) => Buffer.from(JSON.stringify(key)).toString('base64url')),
  fc.constantFrom('', '!!!', 'bnVsbA', 'e30', 'W10', Buffer.from('{"__proto__":1}').toString('base64url'), 'x'.repeat(5_000)),
  strangeString,
);

/**
 * A JSON value nested `depth` levels deep. It stands in the request as a marker that `toRequestBody`
 * expands into text: nothing on the test side (fast-check's printer, JSON.stringify) recurses into it.
 */
export class DeepJson {
  constructor(
    readonly depth: number,
    readonly inLists: boolean,
  ) {}

  toJSON(): string {
    return `__deep_${this.depth}_${this.inLists ? 'lists' : 'objects'}__`;
  }
}

export const deeplyNested = (depth: number, inLists: boolean) => new DeepJson(depth, inLists);

/** The JSON text of a request, deep values expanded. */
export const toRequestBody = (request: unknown): string =>
  JSON.stringify(request).replace(/"__deep_(\d+)_(lists|objects)__"/g, (_m, depth: string, kind: string) =>
    kind === 'lists' ? `${'['.repeat(Number(depth))}1${']'.repeat(Number(depth))}` : `${'{"a":'.repeat(Number(depth))}1${'}'.repeat(Number(depth))}`,
  );

/** Keys that JavaScript objects inherit: a payload carrying them must be judged like any other key. */
export const ODD_KEYS = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'prototype', '', '$where', 'a.b'] as const;

/** Each ERP event type is the mutation input of the same command (integration-payload.mapping.ts). */
export const ERP_INPUT_TYPES: Record<string, string> = {
  CUSTOMER_REGISTERED: 'RegisterCustomerInput',
  PROMISE_MADE: 'MakePromiseInput',
  PROMISE_AMENDED: 'AmendPromiseInput',
  PROMISE_KEPT: 'KeepPromiseInput',
  PROMISE_BROKEN: 'BreakPromiseInput',
  PROMISE_RELEASED: 'ReleasePromiseInput',
  PROMISE_FULFILLED_LATE: 'FulfilPromiseLateInput',
  PROMISE_PAUSED: 'PausePromiseInput',
  PROMISE_RESUMED: 'ResumePromiseInput',
  ERROR_RECORDED: 'RecordErrorInput',
  ERROR_RESOLVED: 'ResolveErrorInput',
  ERROR_VOIDED: 'VoidErrorInput',
};

/**
 * How adventurous a generator is: `valid` builds operations a careful client would send (they reach
 * the deciders and the read models), `mixed` slips strange or mistyped values in among valid ones.
 */
export type Mode = 'valid' | 'mixed';

/**
 * A careful client gives a promise either `dueBy` or `dueInBusinessHours` with a `calendarId`
 * (issue 16), never both or neither: independent optional fields would make most makes refusals.
 */
function coherentDueDate(input: Record<string, unknown>): void {
  if (input.dueInBusinessHours !== undefined && input.calendarId !== undefined) delete input.dueBy;
  else {
    delete input.dueInBusinessHours;
    input.dueBy ??= isoIn(7 * DAY);
  }
}

/** Builds arbitraries for one schema and one pool of real objects. */
export class OperationGenerator {
  constructor(
    private readonly schema: FuzzSchema,
    private readonly pool: ObjectPool,
    private readonly mode: Mode,
  ) {}

  /** Mostly `valid`, and in mixed mode now and then `strange`. */
  private sometimes<T>(valid: fc.Arbitrary<T>, strange: fc.Arbitrary<T>): fc.Arbitrary<T> {
    return this.mode === 'valid' ? valid : fc.oneof({ weight: 4, arbitrary: valid }, { weight: 1, arbitrary: strange });
  }

  /** One id from a pool as it is when the value is generated (it grows during the run). */
  private fromPool(which: keyof ObjectPool): fc.Arbitrary<string> {
    return fc.nat().map((n) => {
      const ids = this.pool[which];
      return ids.length ? ids[n % ids.length]! : `missing-${n}`;
    });
  }

  /** Which pool an id position draws from: the field's name and its parent's say what it names. */
  private idFor(context: string, name: string): fc.Arbitrary<string> {
    const fresh = fc.uuid().map((u) => `fz-${u}`);
    const which: keyof ObjectPool | undefined =
      /^Mutation\.deleteWebhook\b/.test(context)
        ? 'webhooks'
        : /^Mutation\.retryWebhookDelivery\b/.test(context)
          ? 'webhookDeliveries'
          : /customerId$/i.test(name) || /^(Query\.customer|RegisterCustomerInput|ForgetCustomerInput)\b/.test(context)
        ? 'customers'
        : /calendarId$/.test(name) || /Calendar/.test(context)
          ? 'calendars'
          : /Error|errorIncident/.test(context)
          ? 'errors'
          : /Promise|promise/.test(context)
            ? 'promises'
            : undefined;
    const creates = /^(MakePromiseInput|RecordErrorInput|RegisterCustomerInput)$/.test(context) && name === 'id';
    const valid = creates ? fresh : which ? fc.oneof({ weight: 8, arbitrary: this.fromPool(which) }, { weight: 1, arbitrary: fresh }) : fresh;
    return this.sometimes(valid, strangeString);
  }

  /** Business time a careful client sends: the past for facts, the future for due dates. */
  private validDate(name: string): fc.Arbitrary<string> {
    if (/^(dueBy|dueAfter)$/.test(name)) return fc.integer({ min: 1, max: 400 }).map((days) => isoIn(days * DAY));
    if (/At$|effectiveFrom/.test(name)) return fc.integer({ min: 1, max: 60 * 24 }).map((minutes) => isoIn(-minutes * 60_000));
    return validDate;
  }

  private scalar(type: string, context: string, name: string): fc.Arbitrary<unknown> {
    switch (type) {
      case 'ID':
        return this.idFor(context, name);
      case 'String':
        if (name === 'after') return this.sometimes(this.fromPool('cursors'), forgedCursor);
        if (name === 'amount') return this.sometimes(fc.constantFrom('250.00', '0.00', '0.01', '99.95', '1000000.00'), fc.oneof(fc.constantFrom('1.5', '-1.00', '1e3', '99999999999999999999999.99', 'NaN', ''), strangeString));
        if (name === 'currency') return this.sometimes(fc.constantFrom('USD', 'EUR', 'GBP'), fc.oneof(fc.constantFrom('JPY', 'BHD', 'ZZZ', 'XXX', 'XTS', 'usd', 'US', 'DOLLAR'), strangeString));
        if (name === 'email') return this.sometimes(fc.constant('ops@acme.example'), fc.oneof(fc.constantFrom('not-an-email', 'a@b'), strangeString));
        if (name === 'url') {
          return this.sometimes(
            fc.constantFrom('http://127.0.0.1:9/ledger', 'https://127.0.0.1:9/hooks', 'http://[::1]:9/in'),
            fc.oneof(fc.constantFrom('https://169.254.169.254/', 'http://hooks.example.com/', 'https://10.0.0.1/', 'not a url', 'ftp://127.0.0.1/'), strangeString),
          );
        }
        if (name === 'source') return this.sometimes(fc.constantFrom('sap', 'oracle', 'fuzz'), strangeString);
        // Business calendars (issue 16): zones, local times and dates a careful client sends.
        if (name === 'timeZone') return this.sometimes(fc.constantFrom('Europe/Berlin', 'America/New_York', 'UTC', 'Asia/Kolkata'), fc.oneof(fc.constantFrom('Mars/Olympus', '+01:00', 'europe/berlin', 'CET'), strangeString));
        if (name === 'opens') return this.sometimes(fc.constantFrom('00:00', '08:00', '09:00'), fc.oneof(fc.constantFrom('24:00', '9:00', '25:00', '12:60'), strangeString));
        if (name === 'closes') return this.sometimes(fc.constantFrom('12:00', '17:30', '24:00'), fc.oneof(fc.constantFrom('00:00', '24:01', '7pm'), strangeString));
        if (name === 'holidays') return this.sometimes(fc.constantFrom('2026-12-25', '2027-01-01', '2028-02-29'), fc.oneof(fc.constantFrom('2027-02-29', '25.12.2026', '0000-01-01'), strangeString));
        return this.sometimes(plausibleText, strangeString);
      case 'Int':
      case 'Float':
        if (/version/i.test(name)) return this.sometimes(fc.integer({ min: 0, max: 3 }), extremeNumber);
        if (name === 'first') return this.sometimes(fc.integer({ min: 1, max: 50 }), extremeNumber);
        if (name === 'windowDays') return this.sometimes(fc.integer({ min: 1, max: 366 }), extremeNumber);
        if (name === 'dueInBusinessHours') return this.sometimes(fc.integer({ min: 1, max: 200 }), extremeNumber);
        return this.sometimes(fc.integer({ min: 0, max: 100 }), extremeNumber);
      case 'Boolean':
        return fc.boolean();
      case 'DateTime':
        return this.sometimes(this.validDate(name), anyDate);
      case 'JSON':
        return this.jsonValue();
      default:
        return fc.oneof(strangeString, extremeNumber, wrongType);
    }
  }

  private jsonValue(): fc.Arbitrary<unknown> {
    return fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.integer({ min: 50, max: 6_000 }).chain((depth) => fc.boolean().map((arrays) => deeplyNested(depth, arrays))),
      fc.constantFrom(...ODD_KEYS).map((key) => Object.fromEntries([[key, { polluted: true }]])),
    );
  }

  /** A value for a GraphQL type: valid most of the time, strange or mistyped otherwise. */
  value(ref: TypeRef, context: string, name: string, depth = 0): fc.Arbitrary<unknown> {
    const plausible = this.plausible(ref, context, name, depth);
    return this.mode === 'valid' ? plausible : fc.oneof({ weight: 15, arbitrary: plausible }, { weight: 1, arbitrary: wrongType });
  }

  private plausible(ref: TypeRef, context: string, name: string, depth: number): fc.Arbitrary<unknown> {
    if (ref.kind === 'NON_NULL') return this.value(ref.ofType!, context, name, depth);
    if (ref.kind === 'LIST') return fc.array(this.value(ref.ofType!, context, name, depth + 1), { maxLength: depth ? 2 : 4 });
    const type = this.schema.types.get(ref.name!)!;
    if (type.kind === 'ENUM') {
      const names = type.enumValues!.map((v) => v.name);
      return this.sometimes(fc.constantFrom(...names), fc.constantFrom('NOPE', names[0]!.toLowerCase(), ''));
    }
    if (type.kind === 'INPUT_OBJECT') return this.inputObject(type, depth);
    return this.scalar(type.name, context, name);
  }

  private inputObject(type: SchemaType, depth: number): fc.Arbitrary<Record<string, unknown>> {
    if (depth > 3) return fc.constant({});
    const fields = type.inputFields!;
    const entries = fields.map((f) =>
      fc
        .tuple(
          // Required fields are nearly always there; optional ones half the time.
          fc.integer({ min: 0, max: 19 }),
          this.value(f.type, type.name, f.name, depth + 1),
        )
        .map(([roll, v]) => (roll < (isNonNull(f.type) ? 19 : 10) ? ([f.name, v] as const) : undefined)),
    );
    const extra = rarely(fc.tuple(fc.constantFrom('surprise', ...ODD_KEYS), fc.jsonValue({ maxDepth: 1 })), 15);
    return fc.tuple(fc.tuple(...entries), extra).map(([picked, odd]) => {
      const out: Record<string, unknown> = Object.fromEntries(picked.filter((e) => e !== undefined));
      if (this.mode === 'valid' && type.name === 'MakePromiseInput') coherentDueDate(out);
      if (odd) Object.defineProperty(out, odd[0], { value: odd[1], enumerable: true, writable: true, configurable: true });
      return out;
    });
  }

  /** An ERP item whose payload is the matching mutation input, sometimes deep or with odd keys. */
  private integrationItem(): fc.Arbitrary<Record<string, unknown>> {
    const types = Object.keys(ERP_INPUT_TYPES);
    return fc.constantFrom(...types).chain((type) => {
      const input = this.schema.types.get(ERP_INPUT_TYPES[type]!);
      const payload = input ? this.inputObject(input, 1) : fc.constant({});
      if (this.mode === 'valid') return fc.record({ externalId: fc.oneof(fc.uuid(), fc.constantFrom('dup-1', 'dup-2')), type: fc.constant(type), payload });
      return fc.record({
        externalId: fc.oneof({ weight: 4, arbitrary: fc.uuid() }, { weight: 1, arbitrary: strangeString }, { weight: 1, arbitrary: fc.constantFrom('dup-1', 'dup-2') }),
        type: fc.oneof({ weight: 12, arbitrary: fc.constant(type) }, { weight: 1, arbitrary: fc.constantFrom('NOPE', type.toLowerCase()) }),
        payload: fc.oneof(
          { weight: 10, arbitrary: payload },
          { weight: 1, arbitrary: fc.tuple(payload, fc.integer({ min: 100, max: 6_000 })).map(([p, depth]) => ({ ...p, nested: deeplyNested(depth, depth % 2 === 0) })) },
          { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 6_000 }).map((depth) => deeplyNested(depth, depth % 2 === 1)) },
          {
            weight: 1,
            arbitrary: fc.tuple(payload, fc.constantFrom(...ODD_KEYS)).map(([p, key]) => {
              Object.defineProperty(p, key, { value: 'x', enumerable: true, writable: true, configurable: true });
              return p;
            }),
          },
          { weight: 1, arbitrary: wrongType },
        ),
      });
    });
  }

  /** Arguments of one field: each one given as a variable (the usual way) or left out. */
  private args(field: Field, context: string): fc.Arbitrary<{ declared: string[]; passed: string[]; variables: Record<string, unknown> }> {
    const perArg = field.args.map((arg, i) => {
      const variable = `a${i}`;
      const valueArb =
        field.name === 'appendEvents' && arg.name === 'input'
          ? fc.record({ source: this.scalar('String', 'AppendEventsInput', 'source'), events: fc.array(this.integrationItem(), { maxLength: 6 }) })
          : this.value(arg.type, context, arg.name);
      return fc
        .tuple(
          fc.integer({ min: 0, max: 39 }),
          valueArb,
          // Now and then the variable is declared with a type the argument does not take.
          this.mode === 'valid' ? fc.constant(null) : rarely(fc.constantFrom('String', 'Int', 'Boolean', 'ID!', '[String]', 'DateTime', 'JSON'), 25),
        )
        .map(([roll, value, wrongDeclaration]) => {
          const omitted = isNonNull(arg.type) ? this.mode === 'mixed' && roll === 0 : roll < 14;
          return omitted ? undefined : { arg: arg.name, variable, type: wrongDeclaration ?? typeText(arg.type), value };
        });
    });
    return fc.tuple(...perArg).map((chosen) => {
      const given = chosen.filter((c) => c !== undefined);
      return {
        declared: given.map((c) => `$${c.variable}: ${c.type}`),
        passed: given.map((c) => `${c.arg}: $${c.variable}`),
        variables: Object.fromEntries(given.map((c) => [c.variable, c.value])),
      };
    });
  }

  /** A selection set for a type: every leaf, and some of its object fields one or two levels down. */
  selection(ref: TypeRef, depth = 0): fc.Arbitrary<string> {
    const type = this.schema.types.get(named(ref))!;
    if (type.kind !== 'OBJECT') return fc.constant('');
    const leaves = type.fields!.filter((f) => {
      const k = this.schema.types.get(named(f.type))!.kind;
      return (k === 'SCALAR' || k === 'ENUM') && f.args.every((a) => !isNonNull(a.type));
    });
    const objects = depth >= 2 ? [] : type.fields!.filter((f) => this.schema.types.get(named(f.type))!.kind === 'OBJECT' && f.args.every((a) => !isNonNull(a.type)));
    const nested = objects.map((f) =>
      fc
        .tuple(fc.integer({ min: 0, max: 2 }), this.selection(f.type, depth + 1), fc.tuple(...f.args.map((a) => fc.option(this.literal(a.type, type.name, a.name), { freq: 3 }))))
        .map(([roll, inner, args]) => {
          if (roll > 0 || !inner) return '';
          const given = f.args.map((a, i) => (args[i] === null ? '' : `${a.name}: ${args[i]}`)).filter(Boolean);
          return `${f.name}${given.length ? `(${given.join(', ')})` : ''} ${inner}`;
        }),
    );
    return fc.tuple(...nested).map((parts) => {
      const chosen = [...leaves.map((f) => f.name), ...parts.filter(Boolean)];
      return chosen.length ? `{ ${chosen.join(' ')} }` : '';
    });
  }

  /** An inline literal for a nested field's argument (forged cursors, year-0 instants…). */
  private literal(ref: TypeRef, context: string, name: string): fc.Arbitrary<string> {
    return this.plausible(ref, context, name, 2).map((v) => printLiteral(v, ref, this.schema));
  }

  /** One operation over one root field, with 1 to many aliases of it. */
  operation(kind: OperationKind, field: Field): fc.Arbitrary<GraphQLCase> {
    const context = `${kind === 'query' ? 'Query' : kind === 'mutation' ? 'Mutation' : 'Subscription'}.${field.name}`;
    const copies =
      this.mode === 'valid'
        ? fc.constant(1)
        : kind === 'query'
        ? fc.oneof({ weight: 12, arbitrary: fc.constant(1) }, { weight: 2, arbitrary: fc.integer({ min: 2, max: 8 }) }, { weight: 1, arbitrary: fc.constantFrom(100, 900) })
        : fc.oneof({ weight: 12, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.integer({ min: 2, max: 3 }) });
    return fc.tuple(this.args(field, context), this.selection(field.type), copies).map(([args, selection, n]) => {
      const aliases = Array.from({ length: n }, (_, i) => `r${i}`);
      const call = `${field.name}${args.passed.length ? `(${args.passed.join(', ')})` : ''} ${selection}`;
      const header = args.declared.length ? `(${args.declared.join(', ')})` : '';
      return {
        kind,
        field: field.name,
        aliases,
        query: `${kind} Fuzz${header} { ${aliases.map((a) => `${a}: ${call}`).join(' ')} }`,
        variables: args.variables,
      };
    });
  }

  /** Any root field of any operation kind (subscriptions sent over HTTP POST, where they are refused). */
  anyOperation(): fc.Arbitrary<GraphQLCase> {
    const { roots } = this.schema;
    return fc.oneof(
      { weight: 5, arbitrary: fc.oneof(...roots.query.map((f) => this.operation('query', f))) },
      { weight: 8, arbitrary: fc.oneof(...roots.mutation.map((f) => this.operation('mutation', f))) },
      { weight: 1, arbitrary: fc.oneof(...roots.subscription.map((f) => this.operation('subscription', f))) },
    );
  }
}

/** A JavaScript value as a GraphQL literal of the given type (enum values bare, object keys unquoted). */
export function printLiteral(value: unknown, ref: TypeRef, schema: FuzzSchema): string {
  if (value === null || value === undefined) return 'null';
  if (ref.kind === 'NON_NULL') return printLiteral(value, ref.ofType!, schema);
  if (ref.kind === 'LIST') return Array.isArray(value) ? `[${value.map((v) => printLiteral(v, ref.ofType!, schema)).join(', ')}]` : printLiteral(value, ref.ofType!, schema);
  const type = schema.types.get(ref.name!);
  if (type?.kind === 'ENUM' && typeof value === 'string' && /^[_A-Za-z][_0-9A-Za-z]*$/.test(value)) return value;
  if (type?.kind === 'INPUT_OBJECT' && typeof value === 'object' && !Array.isArray(value)) {
    const fields = new Map(type.inputFields!.map((f) => [f.name, f.type]));
    return `{ ${Object.entries(value as Record<string, unknown>)
      .filter(([k]) => /^[_A-Za-z][_0-9A-Za-z]*$/.test(k))
      .map(([k, v]) => `${k}: ${printLiteral(v, fields.get(k) ?? { kind: 'SCALAR', name: 'JSON', ofType: null }, schema)}`)
      .join(', ')} }`;
  }
  if (Array.isArray(value)) return `[${value.map((v) => printLiteral(v, { kind: 'SCALAR', name: 'JSON', ofType: null }, schema)).join(', ')}]`;
  if (typeof value === 'object') {
    return `{ ${Object.entries(value as Record<string, unknown>)
      .filter(([k]) => /^[_A-Za-z][_0-9A-Za-z]*$/.test(k))
      .map(([k, v]) => `${k}: ${printLiteral(v, { kind: 'SCALAR', name: 'JSON', ofType: null }, schema)}`)
      .join(', ')} }`;
  }
  return JSON.stringify(value);
}
