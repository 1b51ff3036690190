import type pg from 'pg';
import { CUSTOMER_KINDS, unreachable, type CustomerKind } from '#libs/domain';
import type { LedgerRecord } from './ledger-record.js';

/** A customer's kind as recorded on promises and errors; UNKNOWN when the log never registered it. */
export type RecordedKind = CustomerKind | 'UNKNOWN';

const KINDS: ReadonlySet<string> = new Set(CUSTOMER_KINDS);
const asKind = (kind: string): RecordedKind => (KINDS.has(kind) ? (kind as CustomerKind) : 'UNKNOWN');

/**
 * What the views of one checkpoint share within a batch, loaded once and before any of them
 * writes: the kinds of the customers the batch creates promises and errors for (from
 * rm_customers: a view using it lists that table in its `reads`).
 */
export class BatchContext {
  private kinds: Promise<ReadonlyMap<string, RecordedKind>> | undefined;

  constructor(
    readonly client: pg.ClientBase,
    private readonly events: readonly LedgerRecord[],
  ) {}

  /**
   * Kinds of customers registered before the batch and referred to by a promise or error it
   * creates. A customer registered inside the batch is not here: the view folding the batch
   * learns it from the CustomerRegistered event, in log order.
   */
  customerKindsBeforeBatch(): Promise<ReadonlyMap<string, RecordedKind>> {
    return (this.kinds ??= this.loadKinds());
  }

  private async loadKinds(): Promise<ReadonlyMap<string, RecordedKind>> {
    const registered = new Set<string>();
    const wanted = new Set<string>();
    for (const e of this.events) {
      if (e.type === 'CustomerRegistered') registered.add(e.data.customerId);
      else if (createsRowOfCustomerKind(e) && !registered.has(e.data.customerId)) wanted.add(e.data.customerId);
    }
    if (wanted.size === 0) return new Map();
    const { rows } = await this.client.query<{ id: string; kind: string }>('select id, kind from rm_customers where id = any($1)', [[...wanted]]);
    return new Map(rows.map((r) => [r.id, asKind(r.kind)]));
  }
}

/** Kinds as a batch folds: the ones loaded before it, plus registrations seen so far in it. */
export class CustomerKinds {
  private readonly registered = new Map<string, CustomerKind>();

  constructor(private readonly before: ReadonlyMap<string, RecordedKind>) {}

  register(customerId: string, kind: CustomerKind): void {
    this.registered.set(customerId, kind);
  }

  of(customerId: string): RecordedKind {
    return this.registered.get(customerId) ?? this.before.get(customerId) ?? 'UNKNOWN';
  }
}

/** Events creating a row stamped with its customer's kind (a promise, an error): they need the kind. */
function createsRowOfCustomerKind(event: LedgerRecord): event is Extract<LedgerRecord, { type: 'PromiseMade' | 'ErrorRecorded' }> {
  switch (event.type) {
    case 'PromiseMade':
    case 'ErrorRecorded':
      return true;
    case 'CustomerRegistered':
    case 'CustomerErased':
    case 'PromiseAmended':
    case 'PromiseKept':
    case 'PromiseBroken':
    case 'PromiseReleased':
    case 'PromiseFulfilledLate':
    case 'PromiseAtRisk':
    case 'PromisePaused':
    case 'PromiseResumed':
    case 'BusinessCalendarSet':
    case 'ErrorResolved':
    case 'ErrorVoided':
    case 'ErrorCostPolicySet':
      return false;
    default:
      return unreachable(event);
  }
}
