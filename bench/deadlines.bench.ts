import { eventStoreMigrations } from '#libs/event-store';
import { createPool, runMigrations } from '#libs/postgres';
import { LedgerQueries, projectionMigrations } from '#libs/projections';
import { fmt, measure, scratchDatabase, type Row } from './support.js';

/** The watcher's due-promise query with 100,000 open promises, against a scan of the table. */
export async function deadlinesBench(serverUrl: string, quick: boolean): Promise<Row[]> {
  const db = await scratchDatabase(serverUrl, 'deadlines');
  const pool = createPool({ connectionString: db.url, max: 2 });
  try {
    await runMigrations(pool, [...eventStoreMigrations, ...projectionMigrations]);
    // 100,000 open promises due over the next ~70 days (50 already due) and 200,000 settled ones.
    await pool.query(`insert into rm_promises (id, customer_id, customer_kind, kind, touch_point, description, made_at, due_by,
        original_due_by, amendments, status, version)
      select 'p' || g, 'c' || (g % 1000), 'DISTRIBUTOR', 'DELIVERY', 'HUMAN', 'x', now() - interval '1 day',
             now() + (g || ' minutes')::interval - interval '50 minutes', now(), 0,
             case when g <= 100000 then 'OPEN' else 'KEPT' end, 0
        from generate_series(1, 300000) g`);
    await pool.query('analyze rm_promises');
    const queries = new LedgerQueries(pool);
    const runs = quick ? 50 : 200;
    const ours = await measure(runs, 1, async () => (await queries.findDuePromises(new Date(), 500)).length);
    const client = await pool.connect();
    let scan;
    try {
      await client.query('set enable_indexscan = off; set enable_bitmapscan = off; set enable_indexonlyscan = off');
      scan = await measure(quick ? 10 : 30, 1, async () => (await client.query(`select id from rm_promises where status = 'OPEN' and due_by <= now() order by due_by, id limit 500`)).rowCount ?? 0);
    } finally {
      await client.query('reset all');
      client.release();
    }
    return [
      {
        section: 'deadlines',
        name: 'watcher query: due promises among 100,000 open (300,000 total)',
        ours: `p50 ${fmt(ours.p50, 2)} ms, p99 ${fmt(ours.p99, 2)} ms`,
        baseline: `table scan p50 ${fmt(scan.p50, 2)} ms`,
        ratio: `${fmt(scan.p50 / Math.max(ours.p50, 0.001), 0)}× faster`,
        target: 'no scan of the whole table each tick',
        verdict: ours.p50 * 10 < scan.p50 ? 'met' : 'missed',
      },
    ];
  } finally {
    await pool.end();
    await db.drop();
  }
}
