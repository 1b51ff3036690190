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

  apply(event: LedgerRecord): void {
    switch (event.type) {
      case 'CustomerRegistered': {
        const d = event.data;
        this.registered.set(d.customerId, {
          id: d.customerId, name: d.name, kind: d.kind, region: d.region ?? null, email: d.email ?? null, registered_at: d.registeredAt,
          version: Number(event.revision),
        });
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

  write(client: pg.ClientBase): Promise<void> {
    return writeRows(client, 'rm_customers', CUSTOMER_COLUMNS, [...this.registered.values()], 'upsert');
  }
}
