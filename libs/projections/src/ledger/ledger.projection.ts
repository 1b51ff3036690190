import type pg from 'pg';
import type { StoredEvent } from '#libs/event-store';
import { formatMoney, moneyFromJson, priceError, type CostPolicy, type CustomerKind, type ErrorType, type LedgerEvent, type Money, type MoneyJson } from '#libs/domain';
import type { Projection } from '../projection.js';
import { writeRows, type Columns } from '../sql/row-batch.writer.js';

type Iso = string;

interface CustomerRow {
  id: string; name: string | null; kind: string; region: string | null; email: string | null; registered_at: Iso; version: number;
}
interface PromiseRow {
  id: string; customer_id: string; customer_kind: string; kind: string; touch_point: string; description: string; made_at: Iso;
  due_by: Iso; original_due_by: Iso; amendments: number; status: string; kept_at: Iso | null; broken_at: Iso | null;
  broken_reason: string | null; fulfilled_at: Iso | null; released_at: Iso | null; at_risk_for: Iso | null; version: number;
  made_recorded_at: Iso; settled_recorded_at: Iso | null;
}
interface ErrorRow {
  id: string; customer_id: string; customer_kind: string; type: string; status: string; occurred_at: Iso; reference: string | null;
  description: string | null; cost_minor: string | null; currency: string | null; version: number; recorded_at: Iso;
  voided_recorded_at: Iso | null;
}

const CUSTOMER_COLUMNS: Columns = [
  ['id', 'text'], ['name', 'text'], ['kind', 'text'], ['region', 'text'], ['email', 'text'], ['registered_at', 'timestamptz'], ['version', 'int'],
];
const PROMISE_COLUMNS: Columns = [
  ['id', 'text'], ['customer_id', 'text'], ['customer_kind', 'text'], ['kind', 'text'], ['touch_point', 'text'], ['description', 'text'],
  ['made_at', 'timestamptz'], ['due_by', 'timestamptz'], ['original_due_by', 'timestamptz'], ['amendments', 'int'], ['status', 'text'],
  ['kept_at', 'timestamptz'], ['broken_at', 'timestamptz'], ['broken_reason', 'text'], ['fulfilled_at', 'timestamptz'],
  ['released_at', 'timestamptz'], ['at_risk_for', 'timestamptz'], ['version', 'int'], ['made_recorded_at', 'timestamptz'],
  ['settled_recorded_at', 'timestamptz'],
];
const ERROR_COLUMNS: Columns = [
  ['id', 'text'], ['customer_id', 'text'], ['customer_kind', 'text'], ['type', 'text'], ['status', 'text'], ['occurred_at', 'timestamptz'],
  ['reference', 'text'], ['description', 'text'], ['cost_minor', 'bigint'], ['currency', 'text'], ['version', 'int'],
  ['recorded_at', 'timestamptz'], ['voided_recorded_at', 'timestamptz'],
];
const POLICY_COLUMNS: Columns = [
  ['position', 'bigint'], ['customer_kind', 'text'], ['error_type', 'text'], ['amount_minor', 'bigint'], ['currency', 'text'],
  ['effective_from', 'timestamptz'], ['recorded_at', 'timestamptz'],
];

const PROMISE_CHANGES = new Set(['PromiseAmended', 'PromiseKept', 'PromiseBroken', 'PromiseReleased', 'PromiseFulfilledLate', 'PromiseAtRisk']);
const ERROR_CHANGES = new Set(['ErrorResolved', 'ErrorVoided']);
const columnList = (columns: Columns) => columns.map(([name]) => name).join(', ');

/**
 * Customers, promises, error incidents (priced when recorded) and cost policies. A batch is folded
 * in memory over the rows it touches (loaded with one query per table) and written back with one
 * statement per table. Each row keeps the recorded time of its creation and of its one
 * ledger-relevant change (a promise leaving OPEN, an error voided): that is all asOf needs.
 */
export class LedgerProjection implements Projection {
  readonly name = 'ledger';
  readonly tables = ['rm_customers', 'rm_promises', 'rm_brand_ledger', 'rm_errors', 'rm_cost_policies'];

  async apply(events: readonly StoredEvent[], client: pg.PoolClient): Promise<void> {
    const wanted = rowsToLoad(events);
    // One client runs one statement at a time: these are sequential, not parallel.
    const kinds = await loadKinds(client, wanted.customers);
    const promises = await load<PromiseRow>(client, 'rm_promises', PROMISE_COLUMNS, wanted.promises);
    const errors = await load<ErrorRow>(client, 'rm_errors', ERROR_COLUMNS, wanted.errors);
    const policies = events.some((e) => e.type === 'ErrorRecorded') ? await loadPolicies(client) : [];

    const customers = new Map<string, CustomerRow>();
    const touchedPromises = new Map<string, PromiseRow>();
    const touchedErrors = new Map<string, ErrorRow>();
    const newPolicies: Record<string, unknown>[] = [];
    const brand = new BrandLedgerChanges();

    for (const stored of events) {
      const event = { type: stored.type, data: stored.data } as LedgerEvent;
      const version = Number(stored.revision);
      const recordedAt = stored.recordedAt.toISOString();
      const changePromise = (id: string, change: (row: PromiseRow) => Partial<PromiseRow> | null) => {
        const current = promises.get(id);
        if (!current) return; // a promise the log never made: nothing to change
        const next = { ...current, ...change(current), version };
        promises.set(id, next);
        touchedPromises.set(id, next);
      };
      // A promise leaves OPEN once; the decider refuses a second settlement, and so does the read model.
      const settle = (id: string, change: Partial<PromiseRow> & { status: string }) =>
        changePromise(id, (row) => {
          if (row.status !== 'OPEN') return null;
          brand.settled(row.customer_kind, change.status);
          return { ...change, settled_recorded_at: recordedAt };
        });
      const changeError = (id: string, change: (row: ErrorRow) => Partial<ErrorRow> | null) => {
        const current = errors.get(id);
        if (!current) return;
        const next = { ...current, ...change(current), version };
        errors.set(id, next);
        touchedErrors.set(id, next);
      };

      switch (event.type) {
        case 'CustomerRegistered': {
          const d = event.data;
          customers.set(d.customerId, {
            id: d.customerId, name: d.name, kind: d.kind, region: d.region ?? null, email: d.email ?? null, registered_at: d.registeredAt, version,
          });
          kinds.set(d.customerId, d.kind);
          break;
        }
        case 'PromiseMade': {
          const d = event.data;
          const row: PromiseRow = {
            id: d.promiseId, customer_id: d.customerId, customer_kind: kinds.get(d.customerId) ?? 'UNKNOWN', kind: d.kind,
            touch_point: d.touchPoint, description: d.description, made_at: d.madeAt, due_by: d.dueBy, original_due_by: d.dueBy,
            amendments: 0, status: 'OPEN', kept_at: null, broken_at: null, broken_reason: null, fulfilled_at: null, released_at: null,
            at_risk_for: null, version, made_recorded_at: recordedAt, settled_recorded_at: null,
          };
          promises.set(row.id, row);
          touchedPromises.set(row.id, row);
          brand.made(row.customer_kind);
          break;
        }
        case 'PromiseAmended':
          changePromise(event.data.promiseId, (row) => ({ due_by: event.data.dueBy, amendments: row.amendments + 1 }));
          break;
        case 'PromiseKept':
          settle(event.data.promiseId, { status: 'KEPT', kept_at: event.data.keptAt });
          break;
        case 'PromiseBroken':
          settle(event.data.promiseId, {
            status: 'BROKEN', broken_at: event.data.brokenAt, broken_reason: event.data.reason, fulfilled_at: event.data.fulfilledAt ?? null,
          });
          break;
        case 'PromiseReleased':
          settle(event.data.promiseId, { status: 'RELEASED', released_at: event.data.releasedAt });
          break;
        case 'PromiseFulfilledLate':
          changePromise(event.data.promiseId, () => ({ fulfilled_at: event.data.fulfilledAt }));
          break;
        case 'PromiseAtRisk':
          changePromise(event.data.promiseId, () => ({ at_risk_for: event.data.dueBy }));
          break;
        case 'ErrorRecorded': {
          const d = event.data;
          const kind = kinds.get(d.customerId) ?? 'UNKNOWN';
          // Priced once, when recorded, by the policies recorded before it: a later one never re-prices it.
          const cost = d.cost ? readMoney(d.cost) : priceError(policies, kind as CustomerKind, d.type as ErrorType, new Date(d.occurredAt));
          const row: ErrorRow = {
            id: d.errorId, customer_id: d.customerId, customer_kind: kind, type: d.type, status: 'OPEN', occurred_at: d.occurredAt,
            reference: d.reference ?? null, description: d.description ?? null, cost_minor: cost ? cost.minor.toString() : null,
            currency: cost?.currency ?? null, version, recorded_at: recordedAt, voided_recorded_at: null,
          };
          errors.set(row.id, row);
          touchedErrors.set(row.id, row);
          break;
        }
        case 'ErrorResolved':
          changeError(event.data.errorId, (row) => (row.status === 'OPEN' ? { status: 'RESOLVED' } : {}));
          break;
        case 'ErrorVoided':
          changeError(event.data.errorId, (row) => (row.status === 'VOIDED' ? {} : { status: 'VOIDED', voided_recorded_at: recordedAt }));
          break;
        case 'ErrorCostPolicySet': {
          const { customerKind, errorType, costPerError, effectiveFrom } = event.data;
          const money = readMoney(costPerError);
          if (!money) break; // unreadable: it could never price anything
          policies.push({ customerKind, errorType, costPerError, effectiveFrom });
          newPolicies.push({
            position: stored.position.toString(), customer_kind: customerKind, error_type: errorType, amount_minor: money.minor.toString(),
            currency: money.currency, effective_from: effectiveFrom, recorded_at: recordedAt,
          });
          break;
        }
        default:
          break; // not a ledger event (or a newer one): nothing to do
      }
    }

    await writeRows(client, 'rm_customers', CUSTOMER_COLUMNS, [...customers.values()] as unknown as Record<string, unknown>[], 'upsert');
    await writeRows(client, 'rm_promises', PROMISE_COLUMNS, [...touchedPromises.values()] as unknown as Record<string, unknown>[], 'upsert');
    await brand.write(client);
    await writeRows(client, 'rm_errors', ERROR_COLUMNS, [...touchedErrors.values()] as unknown as Record<string, unknown>[], 'upsert');
    await writeRows(client, 'rm_cost_policies', POLICY_COLUMNS, newPolicies, 'insert');
  }
}

/** Per customer kind, how a batch moves the brand ledger's counters. */
class BrandLedgerChanges {
  private readonly byKind = new Map<string, { made: number; open: number; kept: number; broken: number; released: number }>();

  made(kind: string): void {
    const counts = this.of(kind);
    counts.made += 1;
    counts.open += 1;
  }

  settled(kind: string, status: string): void {
    const counts = this.of(kind);
    counts.open -= 1;
    if (status === 'KEPT') counts.kept += 1;
    else if (status === 'BROKEN') counts.broken += 1;
    else counts.released += 1;
  }

  async write(client: pg.PoolClient): Promise<void> {
    if (this.byKind.size === 0) return;
    const rows = [...this.byKind].map(([customer_kind, counts]) => ({ customer_kind, ...counts }));
    const column = (name: keyof (typeof rows)[number]) => rows.map((r) => r[name]);
    await client.query(
      `insert into rm_brand_ledger as b (customer_kind, made, open, kept, broken, released)
       select * from unnest($1::text[], $2::int[], $3::int[], $4::int[], $5::int[], $6::int[])
       on conflict (customer_kind) do update set made = b.made + excluded.made, open = b.open + excluded.open,
         kept = b.kept + excluded.kept, broken = b.broken + excluded.broken, released = b.released + excluded.released`,
      [column('customer_kind'), column('made'), column('open'), column('kept'), column('broken'), column('released')],
    );
  }

  private of(kind: string) {
    let counts = this.byKind.get(kind);
    if (!counts) this.byKind.set(kind, (counts = { made: 0, open: 0, kept: 0, broken: 0, released: 0 }));
    return counts;
  }
}

/**
 * Rows this batch changes but does not create: what it must load. A row created earlier in the
 * same batch is already in memory (the checkpoint guarantees each event is applied once).
 */
function rowsToLoad(events: readonly StoredEvent[]): { customers: Set<string>; promises: Set<string>; errors: Set<string> } {
  const created = { customers: new Set<string>(), promises: new Set<string>(), errors: new Set<string>() };
  const wanted = { customers: new Set<string>(), promises: new Set<string>(), errors: new Set<string>() };
  for (const e of events) {
    const d = e.data as { customerId?: unknown; promiseId?: unknown; errorId?: unknown };
    if (typeof d.customerId !== 'string') continue;
    if (e.type === 'CustomerRegistered') created.customers.add(d.customerId);
    // Only creations need the customer, for its kind.
    if ((e.type === 'PromiseMade' || e.type === 'ErrorRecorded') && !created.customers.has(d.customerId)) wanted.customers.add(d.customerId);
    if (typeof d.promiseId === 'string') {
      if (e.type === 'PromiseMade') created.promises.add(d.promiseId);
      else if (PROMISE_CHANGES.has(e.type) && !created.promises.has(d.promiseId)) wanted.promises.add(d.promiseId);
    }
    if (typeof d.errorId === 'string') {
      if (e.type === 'ErrorRecorded') created.errors.add(d.errorId);
      else if (ERROR_CHANGES.has(e.type) && !created.errors.has(d.errorId)) wanted.errors.add(d.errorId);
    }
  }
  return wanted;
}

async function loadKinds(client: pg.PoolClient, ids: Set<string>): Promise<Map<string, string>> {
  if (ids.size === 0) return new Map();
  const { rows } = await client.query<{ id: string; kind: string }>('select id, kind from rm_customers where id = any($1)', [[...ids]]);
  return new Map(rows.map((r) => [r.id, r.kind]));
}

async function load<T extends { id: string }>(client: pg.PoolClient, table: string, columns: Columns, ids: Set<string>): Promise<Map<string, T>> {
  if (ids.size === 0) return new Map();
  const { rows } = await client.query<T>(`select ${columnList(columns)} from ${table} where id = any($1)`, [[...ids]]);
  return new Map(rows.map((r) => [r.id, asEventTimes(r)]));
}

// Timestamps come back as Date; keep them as ISO strings like the events carry them.
function asEventTimes<T>(row: T): T {
  const out = { ...row } as Record<string, unknown>;
  for (const [k, v] of Object.entries(out)) if (v instanceof Date) out[k] = v.toISOString();
  return out as T;
}

async function loadPolicies(client: pg.PoolClient): Promise<CostPolicy[]> {
  const { rows } = await client.query(
    'select customer_kind, error_type, amount_minor, currency, effective_from from rm_cost_policies order by position',
  );
  return rows.map((r) => ({
    customerKind: r.customer_kind,
    errorType: r.error_type,
    costPerError: formatMoney({ minor: BigInt(r.amount_minor), currency: r.currency }),
    effectiveFrom: (r.effective_from as Date).toISOString(),
  }));
}

/**
 * The log only holds money the domain accepted; should an unreadable amount get in anyway, the
 * error counts as unpriced instead of stalling the read model on an event it can never apply.
 */
function readMoney(json: MoneyJson): Money | null {
  try {
    return moneyFromJson(json);
  } catch {
    return null;
  }
}
