import type pg from 'pg';
import { unreachable } from '#libs/domain';
import { writeRows } from '../../sql/row-batch.writer.js';
import type { LedgerRecord } from '../shared/ledger-record.js';
import type { ViewProjection, ViewBatch } from '../shared/view-projection.js';
import { CUSTOMER_COLUMNS, type CustomerRow } from './customer.rows.js';
import { customersMigrations } from './customers.migrations.js';

/** One row per registered customer (rm_customers); its search columns are generated from the row. */
export const customersProjection: ViewProjection = {
  name: 'customers',
  tables: ['rm_customers'],
  reads: [],
  migrations: customersMigrations,
  begin: async () => new CustomersBatch(),
};

class CustomersBatch implements ViewBatch {
  private readonly registered = new Map<string, CustomerRow<string>>();
  private readonly erased = new Map<string, { erased_at: string; version: number }>();

  apply(event: LedgerRecord): void {
    switch (event.type) {
      case 'CustomerRegistered': {
        const d = event.data;
        this.registered.set(d.customerId, {
          id: d.customerId, name: d.name, kind: d.kind, region: d.region ?? null, email: d.email ?? null, registered_at: d.registeredAt,
          version: Number(event.revision), erased_at: null,
        });
        return;
      }
      case 'CustomerErased': {
        const d = event.data;
        const row = this.registered.get(d.customerId);
        const erased = { name: null, email: null, erased_at: d.erasedAt, version: Number(event.revision) };
        if (row) this.registered.set(d.customerId, { ...row, ...erased });
        this.erased.set(d.customerId, erased);
        return;
      }
      case 'PromiseMade':
      case 'PromiseAmended':
      case 'PromiseKept':
      case 'PromiseBroken':
      case 'PromiseReleased':
      case 'PromiseFulfilledLate':
      case 'PromiseAtRisk':
      case 'PromisePaused':
      case 'PromiseResumed':
      case 'BusinessCalendarSet':
      case 'ErrorRecorded':
      case 'ErrorResolved':
      case 'ErrorVoided':
      case 'ErrorCostPolicySet':
        return;
      default:
        return unreachable(event);
    }
  }

  async write(client: pg.ClientBase): Promise<void> {
    await writeRows(client, 'rm_customers', CUSTOMER_COLUMNS, [...this.registered.values()], 'upsert');
    if (this.erased.size === 0) return;
    // The search columns are generated from the row: clearing name and email clears them too.
    await client.query(
      `update rm_customers c set name = null, email = null, erased_at = e.erased_at, version = e.version
         from unnest($1::text[], $2::timestamptz[], $3::int[]) as e(id, erased_at, version)
        where c.id = e.id`,
      [[...this.erased.keys()], [...this.erased.values()].map((e) => e.erased_at), [...this.erased.values()].map((e) => e.version)],
    );
  }
}
