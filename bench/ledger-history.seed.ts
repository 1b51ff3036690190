// Realistic ledger histories for the scale section, appended through the bulk path
// (PostgresEventStore.appendToStreams). Deterministic: two runs seed the same shape.
//
// The data is built so that a size comparison is fair: the *probe cohort* (the probe customer and
// the customers active in 2025) is identical at every size, and the extra events of a bigger log
// are older history (2015–2024) of other customers. A query about the probe customer, or a report
// over 2025, therefore has the same answer at 10,000 and at 1,000,000 events; only the size of
// the log and of the read models around it differs.
import { randomUUID } from 'node:crypto';
import {
  defaultCostPolicyEvents,
  type CustomerRegistered,
  type ErrorCostPolicySet,
  type ErrorRecorded,
  type ErrorResolved,
  type ErrorVoided,
  type PromiseAmended,
  type PromiseBroken,
  type PromiseKept,
  type PromiseMade,
  type PromiseReleased,
} from '#libs/domain';
import { NO_STREAM, type NewEvent, type StreamAppend } from '#libs/event-store';

const DAY = 86_400_000;
export const PROBE_CUSTOMER = 'C-PROBE';
/** The window the report reads: calendar 2025, where only the probe cohort is active. */
export const REPORT_WINDOW = { from: '2025-01-01T00:00:00.000Z', to: '2026-01-01T00:00:00.000Z' };
const WINDOW_START = Date.parse(REPORT_WINDOW.from);
const HISTORY_START = Date.UTC(2015, 0, 1);
/** Open promises fall due after every run of this bench: the ledger cannot change under it. */
const FAR_FUTURE = Date.UTC(2031, 0, 1);

const KINDS = ['DISTRIBUTOR', 'DISTRIBUTOR', 'RESELLER', 'END_USER'] as const;
const PROMISE_KINDS = ['DELIVERY', 'SERVICE', 'BILLING', 'QUALITY', 'OTHER'] as const;
type DomainEvent = ErrorCostPolicySet | CustomerRegistered | PromiseMade | PromiseAmended | PromiseKept | PromiseBroken | PromiseReleased | ErrorRecorded | ErrorResolved | ErrorVoided;

const iso = (ms: number) => new Date(ms).toISOString();
const METADATA = { actor: 'bench', source: 'bench-seed', schemaVersion: 1 };
const event = (e: DomainEvent): NewEvent => ({ id: randomUUID(), type: e.type, data: e.data, metadata: METADATA });

/** mulberry32: small, fast, deterministic. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface CustomerPlan {
  id: string;
  /** Activity happens in [start, start + span). */
  start: number;
  span: number;
  promises: number;
  errors: number;
  seed: number;
}

/** One customer's streams: registration, promises through their lifecycle, errors (about 2.1 events per promise, 1.5 per error). */
function customerHistory(plan: CustomerPlan): StreamAppend[] {
  const random = generator(plan.seed);
  const at = (from: number, days: number) => from + Math.floor(random() * days) * DAY;
  const customerId = plan.id;
  const kind = KINDS[plan.seed % KINDS.length]!;
  const registeredAt = plan.start;
  const appends: StreamAppend[] = [
    {
      stream: `customer-${customerId}`,
      expectedRevision: NO_STREAM,
      events: [event({ type: 'CustomerRegistered', data: { customerId, name: `Customer ${customerId}`, kind, region: 'EMEA', email: `${customerId.toLowerCase()}@example.com`, registeredAt: iso(registeredAt) } })],
    },
  ];
  const spanDays = Math.max(1, Math.floor(plan.span / DAY) - 45);
  for (let i = 0; i < plan.promises; i++) {
    const promiseId = `${customerId}-P${i}`;
    const madeAt = at(registeredAt + DAY, spanDays);
    const outcome = random();
    // Open promises are due far in the future; settled ones within weeks of being made.
    let dueBy = outcome >= 0.85 ? FAR_FUTURE + i * DAY : madeAt + (5 + Math.floor(random() * 25)) * DAY;
    const ref = { promiseId, customerId };
    const events = [event({ type: 'PromiseMade', data: { ...ref, kind: PROMISE_KINDS[i % PROMISE_KINDS.length]!, touchPoint: 'HUMAN', description: `Deliver order ${i} for ${customerId}`, madeAt: iso(madeAt), dueBy: iso(dueBy) } })];
    if (outcome < 0.85 && random() < 0.15) {
      const previousDueBy = dueBy;
      dueBy += 7 * DAY;
      events.push(event({ type: 'PromiseAmended', data: { ...ref, previousDueBy: iso(previousDueBy), dueBy: iso(dueBy), reason: 'customer asked for a later date', amendedAt: iso(madeAt + DAY) } }));
    }
    if (outcome < 0.6) events.push(event({ type: 'PromiseKept', data: { ...ref, keptAt: iso(dueBy - 2 * DAY), evidence: 'proof of delivery signed' } }));
    else if (outcome < 0.75) events.push(event({ type: 'PromiseBroken', data: { ...ref, brokenAt: iso(dueBy), reason: 'DEADLINE_PASSED', reportedAt: iso(dueBy + 60_000) } }));
    else if (outcome < 0.85) events.push(event({ type: 'PromiseReleased', data: { ...ref, reason: 'order cancelled by the customer', releasedAt: iso(dueBy - 3 * DAY) } }));
    appends.push({ stream: `promise-${promiseId}`, expectedRevision: NO_STREAM, events });
  }
  for (let i = 0; i < plan.errors; i++) {
    const errorId = `${customerId}-E${i}`;
    const occurredAt = at(registeredAt + DAY, spanDays);
    const ref = { errorId, customerId };
    const explicit = random() < 0.2 ? { cost: { amount: `${120 + i}.50`, currency: i % 2 ? 'EUR' : 'USD' } } : {};
    const events = [event({ type: 'ErrorRecorded', data: { ...ref, type: i % 2 ? 'BILLING' : 'SHIPPING', occurredAt: iso(occurredAt), reference: `INV-${customerId}-${i}`, description: 'billed twice', ...explicit } })];
    const outcome = random();
    if (outcome < 0.5) events.push(event({ type: 'ErrorResolved', data: { ...ref, resolution: 'credit note issued', resolvedAt: iso(occurredAt + DAY) } }));
    else if (outcome < 0.6) events.push(event({ type: 'ErrorVoided', data: { ...ref, reason: 'recorded twice', voidedAt: iso(occurredAt + DAY) } }));
    appends.push({ stream: `error-${errorId}`, expectedRevision: NO_STREAM, events });
  }
  return appends;
}

const eventCount = (appends: readonly StreamAppend[]) => appends.reduce((n, a) => n + a.events.length, 0);

/** The probe customer: 80 promises and 40 errors, all in 2025. */
export const PROBE_PLAN: CustomerPlan = { id: PROBE_CUSTOMER, start: WINDOW_START, span: 360 * DAY, promises: 80, errors: 40, seed: 7 };

/**
 * Batches of about `batchEvents` events (whole customers, so a customer's registration always
 * precedes its promises in the log) adding up to about `totalEvents`: the default cost policies,
 * then the probe cohort (about 10,000 events), then older history until the total is reached.
 */
export function* ledgerHistory(totalEvents: number, batchEvents = 1_000): Generator<StreamAppend[]> {
  let batch: StreamAppend[] = [{ stream: 'cost-policies', expectedRevision: NO_STREAM, events: defaultCostPolicyEvents(new Date(HISTORY_START)).map(event) }];
  let inBatch = 2;
  let total = 2;
  const plans = function* (): Generator<CustomerPlan> {
    yield PROBE_PLAN;
    // The rest of the 2025 cohort: 30 promises and 20 errors each, about 95 events.
    for (let i = 0; i < 103; i++) yield { id: `C-2025-${i}`, start: WINDOW_START + (i % 30) * DAY, span: 300 * DAY, promises: 30, errors: 20, seed: 1_000 + i };
    // Older history, spread over ten years.
    for (let i = 0; ; i++) {
      const start = HISTORY_START + (i % 3_300) * DAY;
      yield { id: `C-H-${i}`, start, span: Math.min(WINDOW_START - start, 720 * DAY), promises: 30, errors: 20, seed: 100_000 + i };
    }
  };
  for (const plan of plans()) {
    if (total >= totalEvents) break;
    const appends = customerHistory(plan);
    const n = eventCount(appends);
    batch.push(...appends);
    inBatch += n;
    total += n;
    if (inBatch >= batchEvents) {
      yield batch;
      batch = [];
      inBatch = 0;
    }
  }
  if (batch.length) yield batch;
}
