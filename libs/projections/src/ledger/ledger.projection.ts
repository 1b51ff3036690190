import type pg from 'pg';
import type { StoredEvent } from '#libs/event-store';
import { formatMoney, parseMoney, priceError, type CostPolicy, type CustomerKind, type ErrorType, type LedgerEvent } from '#libs/domain';
import type { Projection } from '../projection.js';

interface CustomerRow {
  id: string; name: string | null; kind: string; region: string | null; email: string | null; registered_at: string; version: number;
}
interface PromiseRow {
  id: string; customer_id: string; customer_kind: string; kind: string; touch_point: string; description: string; made_at: string;
  due_by: string; original_due_by: string; amendments: number; status: string; kept_at: string | null; broken_at: string | null;
  broken_reason: string | null; fulfilled_at: string | null; released_at: string | null; at_risk_for: string | null; version: number;
}
interface ErrorRow {
  id: string; customer_id: string; customer_kind: string; type: string; status: string; occurred_at: string; reference: string | null;
  description: string | null; cost_minor: string | null; currency: string | null; version: number;
}
interface Version<T> { row: T; validFrom: string }

const PROMISE_COLUMNS = 'id, customer_id, customer_kind, kind, touch_point, description, made_at, due_by, original_due_by, amendments, status, kept_at, broken_at, broken_reason, fulfilled_at, released_at, at_risk_for, version';
const ERROR_COLUMNS = 'id, customer_id, customer_kind, type, status, occurred_at, reference, description, cost_minor, currency, version';
const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : (v as string | null));

/**
 * Customers, promises, error incidents (priced when recorded) and cost policies, with version
 * rows for asOf. A batch is applied in memory and written with a handful of set-based statements.
 */
export class LedgerProjection implements Projection {
  readonly name = 'ledger';
  readonly tables = ['rm_customers', 'rm_promises', 'rm_promise_versions', 'rm_errors', 'rm_error_versions', 'rm_cost_policies'];

  async apply(events: readonly StoredEvent[], client: pg.PoolClient): Promise<void> {
    const customerIds = new Set<string>();
    const promiseIds = new Set<string>();
    const errorIds = new Set<string>();
    for (const e of events) {
      const data = e.data as { customerId?: string; promiseId?: string; errorId?: string };
      if (data.customerId) customerIds.add(data.customerId);
      // A create needs no lookup: the checkpoint guarantees each event is applied once.
      if (e.type.startsWith('Promise') && e.type !== 'PromiseMade' && data.promiseId) promiseIds.add(data.promiseId);
      if ((e.type === 'ErrorResolved' || e.type === 'ErrorVoided') && data.errorId) errorIds.add(data.errorId);
    }
    // One client runs one statement at a time: these are sequential, not parallel.
    const customers = await load<CustomerRow>(client, 'select id, name, kind, region, email, registered_at, version from rm_customers where id = any($1)', customerIds);
    const promises = await load<PromiseRow>(client, `select ${PROMISE_COLUMNS} from rm_promises where id = any($1)`, promiseIds);
    const errors = await load<ErrorRow>(client, `select ${ERROR_COLUMNS} from rm_errors where id = any($1)`, errorIds);
    const policies = await loadPolicies(client, events);
    // Only entities stored before this batch have an open version row to close.
    const storedPromises = new Set(promises.keys());
    const storedErrors = new Set(errors.keys());
    const dirtyCustomers = new Set<string>();
    const promiseVersions: Version<PromiseRow>[] = [];
    const errorVersions: Version<ErrorRow>[] = [];
    const newPolicies: { position: string; policy: CostPolicy; recordedAt: string }[] = [];
    const touchedPromises = new Map<string, PromiseRow>();
    const touchedErrors = new Map<string, ErrorRow>();

    for (const stored of events) {
      const event = { type: stored.type, data: stored.data } as LedgerEvent;
      const version = Number(stored.revision);
      const at = stored.recordedAt.toISOString();
      const promise = (id: string, change: Partial<PromiseRow>) => {
        const current = promises.get(id);
        if (!current) return; // an event of a promise the log never made: ignore
        const next = { ...current, ...change, version };
        promises.set(id, next);
        touchedPromises.set(id, next);
        promiseVersions.push({ row: next, validFrom: at });
      };
      const error = (id: string, change: Partial<ErrorRow>) => {
        const current = errors.get(id);
        if (!current) return;
        const next = { ...current, ...change, version };
        errors.set(id, next);
        touchedErrors.set(id, next);
        errorVersions.push({ row: next, validFrom: at });
      };
      switch (event.type) {
        case 'CustomerRegistered': {
          const d = event.data;
          customers.set(d.customerId, {
            id: d.customerId, name: d.name, kind: d.kind, region: d.region ?? null, email: d.email ?? null, registered_at: d.registeredAt, version,
          });
          dirtyCustomers.add(d.customerId);
          break;
        }
        case 'PromiseMade': {
          const d = event.data;
          const row: PromiseRow = {
            id: d.promiseId, customer_id: d.customerId, customer_kind: customers.get(d.customerId)?.kind ?? 'UNKNOWN', kind: d.kind,
            touch_point: d.touchPoint, description: d.description, made_at: d.madeAt, due_by: d.dueBy, original_due_by: d.dueBy,
            amendments: 0, status: 'OPEN', kept_at: null, broken_at: null, broken_reason: null, fulfilled_at: null, released_at: null,
            at_risk_for: null, version,
          };
          promises.set(row.id, row);
          touchedPromises.set(row.id, row);
          promiseVersions.push({ row, validFrom: at });
          break;
        }
        case 'PromiseAmended':
          promise(event.data.promiseId, {
            due_by: event.data.dueBy,
            amendments: (promises.get(event.data.promiseId)?.amendments ?? 0) + 1,
          });
          break;
        case 'PromiseKept':
          promise(event.data.promiseId, { status: 'KEPT', kept_at: event.data.keptAt });
          break;
        case 'PromiseBroken':
          promise(event.data.promiseId, {
            status: 'BROKEN', broken_at: event.data.brokenAt, broken_reason: event.data.reason, fulfilled_at: event.data.fulfilledAt ?? null,
          });
          break;
        case 'PromiseReleased':
          promise(event.data.promiseId, { status: 'RELEASED', released_at: event.data.releasedAt });
          break;
        case 'PromiseFulfilledLate':
          promise(event.data.promiseId, { fulfilled_at: event.data.fulfilledAt });
          break;
        case 'PromiseAtRisk':
          promise(event.data.promiseId, { at_risk_for: event.data.dueBy });
          break;
        case 'ErrorRecorded': {
          const d = event.data;
          const kind = customers.get(d.customerId)?.kind ?? 'UNKNOWN';
          // Priced once, when recorded, by the policies known then: a later policy never re-prices it.
          const cost = d.cost
            ? parseMoney(d.cost)
            : priceError(policies, kind as CustomerKind, d.type as ErrorType, new Date(d.occurredAt));
          const row: ErrorRow = {
            id: d.errorId, customer_id: d.customerId, customer_kind: kind, type: d.type, status: 'OPEN', occurred_at: d.occurredAt,
            reference: d.reference ?? null, description: d.description ?? null, cost_minor: cost ? cost.minor.toString() : null,
            currency: cost?.currency ?? null, version,
          };
          errors.set(row.id, row);
          touchedErrors.set(row.id, row);
          errorVersions.push({ row, validFrom: at });
          break;
        }
        case 'ErrorResolved':
          error(event.data.errorId, { status: 'RESOLVED' });
          break;
        case 'ErrorVoided':
          error(event.data.errorId, { status: 'VOIDED' });
          break;
        case 'ErrorCostPolicySet': {
          const { customerKind, errorType, costPerError, effectiveFrom } = event.data;
          const policy = { customerKind, errorType, costPerError, effectiveFrom };
          policies.push(policy);
          newPolicies.push({ position: stored.position.toString(), policy, recordedAt: at });
          break;
        }
        default:
          break; // not a ledger event: nothing to do
      }
    }

    if (dirtyCustomers.size) await upsert(client, 'rm_customers', [...dirtyCustomers].map((id) => customers.get(id)!),
        'id text, name text, kind text, region text, email text, registered_at timestamptz, version int');
    if (touchedPromises.size) await upsert(client, 'rm_promises', [...touchedPromises.values()],
        `id text, customer_id text, customer_kind text, kind text, touch_point text, description text, made_at timestamptz,
         due_by timestamptz, original_due_by timestamptz, amendments int, status text, kept_at timestamptz, broken_at timestamptz,
         broken_reason text, fulfilled_at timestamptz, released_at timestamptz, at_risk_for timestamptz, version int`);
    if (touchedErrors.size) await upsert(client, 'rm_errors', [...touchedErrors.values()],
        `id text, customer_id text, customer_kind text, type text, status text, occurred_at timestamptz, reference text,
         description text, cost_minor bigint, currency text, version int`);
    if (newPolicies.length)
      await client.query(
          `insert into rm_cost_policies (position, customer_kind, error_type, amount_minor, currency, effective_from, recorded_at)
           select * from jsonb_to_recordset($1::jsonb) as x(position bigint, customer_kind text, error_type text, amount_minor bigint,
             currency text, effective_from timestamptz, recorded_at timestamptz)`,
          [JSON.stringify(newPolicies.map(({ position, policy, recordedAt }) => {
            const money = parseMoney(policy.costPerError);
            return { position, customer_kind: policy.customerKind, error_type: policy.errorType, amount_minor: money.minor.toString(),
              currency: money.currency, effective_from: policy.effectiveFrom, recorded_at: recordedAt };
          }))],
        );

    await writeVersions(client, 'rm_promise_versions', promiseVersions.map(({ row, validFrom }) => ({
      id: row.id, customer_id: row.customer_id, customer_kind: row.customer_kind, status: row.status, kept_at: iso(row.kept_at),
      broken_at: iso(row.broken_at), valid_from: validFrom,
    })), 'id text, customer_id text, customer_kind text, status text, kept_at timestamptz, broken_at timestamptz', storedPromises);
    await writeVersions(client, 'rm_error_versions', errorVersions.map(({ row, validFrom }) => ({
      id: row.id, customer_id: row.customer_id, customer_kind: row.customer_kind, type: row.type, status: row.status,
      occurred_at: iso(row.occurred_at), cost_minor: row.cost_minor, currency: row.currency, valid_from: validFrom,
    })), 'id text, customer_id text, customer_kind text, type text, status text, occurred_at timestamptz, cost_minor bigint, currency text', storedErrors);
  }
}

async function load<T extends { id: string }>(client: pg.PoolClient, sql: string, ids: Set<string>): Promise<Map<string, T>> {
  if (ids.size === 0) return new Map();
  const { rows } = await client.query<T>(sql, [[...ids]]);
  return new Map(rows.map((r) => [r.id, normalise(r)]));
}

// Timestamps come back as Date; keep them as ISO strings like the events carry them.
function normalise<T>(row: T): T {
  const out = { ...row } as Record<string, unknown>;
  for (const [k, v] of Object.entries(out)) if (v instanceof Date) out[k] = v.toISOString();
  return out as T;
}

async function loadPolicies(client: pg.PoolClient, events: readonly StoredEvent[]): Promise<CostPolicy[]> {
  if (!events.some((e) => e.type === 'ErrorRecorded' || e.type === 'ErrorCostPolicySet')) return [];
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

async function upsert(client: pg.PoolClient, table: string, rows: object[], columns: string): Promise<unknown> {
  const names = columns.split(',').map((c) => c.trim().split(/\s+/)[0]!);
  return client.query(
    `insert into ${table} (${names.join(', ')})
     select ${names.join(', ')} from jsonb_to_recordset($1::jsonb) as x(${columns})
     on conflict (id) do update set ${names.filter((n) => n !== 'id').map((n) => `${n} = excluded.${n}`).join(', ')}`,
    [JSON.stringify(rows)],
  );
}

/** Closes each entity's open version at the first new one, and inserts the new ones as a chain. */
async function writeVersions(
  client: pg.PoolClient,
  table: string,
  versions: Record<string, unknown>[],
  columns: string,
  stored: Set<string>,
): Promise<void> {
  if (versions.length === 0) return;
  const nextFrom = new Map<string, unknown>();
  const chained = versions
    .slice()
    .reverse()
    .map((v) => {
      const validTo = nextFrom.get(v.id as string) ?? null;
      nextFrom.set(v.id as string, v.valid_from);
      return { ...v, valid_to: validTo };
    })
    .reverse();
  const firsts = new Map<string, unknown>();
  for (const v of versions) if (stored.has(v.id as string) && !firsts.has(v.id as string)) firsts.set(v.id as string, v.valid_from);
  if (firsts.size > 0) await client.query(
    `update ${table} t set valid_to = x.valid_from from jsonb_to_recordset($1::jsonb) as x(id text, valid_from timestamptz)
     where t.id = x.id and t.valid_to is null`,
    [JSON.stringify([...firsts].map(([id, valid_from]) => ({ id, valid_from })))],
  );
  const names = [...columns.split(',').map((c) => c.trim().split(/\s+/)[0]!), 'valid_from', 'valid_to'];
  await client.query(
    `insert into ${table} (${names.join(', ')}) select ${names.join(', ')}
     from jsonb_to_recordset($1::jsonb) as x(${columns}, valid_from timestamptz, valid_to timestamptz)`,
    [JSON.stringify(chained)],
  );
}
