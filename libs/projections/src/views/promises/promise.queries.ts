import type pg from 'pg';
import { Where, pageOf, type Page, type PageArgs } from '../shared/query-sql.js';
import { toPromise, type PromiseFilterInput, type PromiseRow, type PromiseView } from './promise.rows.js';

/** AT_RISK or CRITICAL as recorded (an amendment clears the flags; a paused promise is PAUSED). */
const PROMISE_AT_RISK = `(risk in ('AT_RISK', 'CRITICAL'))`;

/** What the promises view answers about promises (its ledgers: promise-ledger.queries.ts). */
export interface PromiseReads {
  promise(id: string): Promise<PromiseView | null>;
  promises(args: { filter?: PromiseFilterInput } & PageArgs): Promise<Page<PromiseView>>;
}

export class PromiseQueries implements PromiseReads {
  constructor(private readonly pool: pg.Pool) {}

  async promise(id: string): Promise<PromiseView | null> {
    const { rows } = await this.pool.query<PromiseRow>('select * from rm_promises where id = $1', [id]);
    return rows[0] ? toPromise(rows[0]) : null;
  }

  promises(args: { filter?: PromiseFilterInput } & PageArgs): Promise<Page<PromiseView>> {
    const f = args.filter ?? {};
    const where = new Where()
      .add((p) => `customer_id = ${p}`, f.customerId)
      .add((p) => `status = ${p}`, f.status)
      .add((p) => `kind = ${p}`, f.kind)
      .add((p) => `due_by < ${p}`, f.dueBefore)
      .add((p) => `due_by >= ${p}`, f.dueAfter)
      .add((p) => `risk = ${p}`, f.risk);
    if (f.paused !== undefined) where.raw(f.paused ? `(status = 'OPEN' and paused_at is not null)` : `(paused_at is null)`);
    if (f.atRisk !== undefined) where.raw(f.atRisk ? PROMISE_AT_RISK : `not ${PROMISE_AT_RISK}`);
    return pageOf<PromiseRow, PromiseView>(
      this.pool,
      { table: 'rm_promises', where, order: ['due_by', 'id'], map: toPromise, keyOf: (p) => [p.dueBy.toISOString(), p.id] },
      args,
    );
  }
}
