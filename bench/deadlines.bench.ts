import { eventStoreMigrations } from '#libs/event-store';
import { createPool, runMigrations } from '#libs/postgres';
import { PromiseDeadlineQueries, projectionMigrations } from '#libs/projections';
import { scratchDatabase } from './bench-database.js';
import { summarise, timeOperations } from './measure.js';
import { emptyResult, fmtMs, fmtX, type SectionResult } from './report.js';

/** The deadline watcher's queries (due promises, risk crossings) with 100,000 open promises, against scans of the table. */
export async function deadlinesBench(serverUrl: string, options: { quick: boolean }): Promise<SectionResult> {
  const result = emptyResult();
  const db = await scratchDatabase(serverUrl, 'deadlines');
  const pool = createPool({ connectionString: db.url, max: 2 });
  try {
    await runMigrations(pool, [...eventStoreMigrations, ...projectionMigrations]);
    // 100,000 open promises due over the next ~70 days (50 already due) and 200,000 settled ones;
    // every tenth open one paused. Risk moments: AT_RISK 2 h and CRITICAL 1 h before dueBy (so
    // about 170 cross now), the next one to record indexed.
    await pool.query(`insert into rm_promises (id, customer_id, customer_kind, kind, touch_point, description, made_at, due_by,
        original_due_by, amendments, status, version, paused_at, at_risk_at, critical_at, next_risk_at, risk)
      select 'p' || g, 'c' || (g % 1000), 'DISTRIBUTOR', 'DELIVERY', 'HUMAN', 'x', now() - interval '1 day',
             now() + (g || ' minutes')::interval - interval '50 minutes', now(), 0,
             case when g <= 100000 then 'OPEN' else 'KEPT' end, 0,
             case when g <= 100000 and g % 10 = 0 then now() - interval '1 hour' end,
             now() + (g || ' minutes')::interval - interval '170 minutes',
             now() + (g || ' minutes')::interval - interval '110 minutes',
             now() + (g || ' minutes')::interval - interval '170 minutes',
             case when g > 100000 then 'SETTLED' when g % 10 = 0 then 'PAUSED' else 'ON_TRACK' end
        from generate_series(1, 300000) g`);
    await pool.query('analyze rm_promises');
    const queries = new PromiseDeadlineQueries(pool);
    const ours = summarise(await timeOperations(options.quick ? 50 : 200, 1, async () => (await queries.findDuePromises(new Date(), 500)).length));
    const client = await pool.connect();
    let scan;
    try {
      await client.query('set enable_indexscan = off; set enable_bitmapscan = off; set enable_indexonlyscan = off');
      scan = summarise(
        await timeOperations(options.quick ? 10 : 30, 1, async () => (await client.query(`select id from rm_promises where status = 'OPEN' and due_by <= now() order by due_by, id limit 500`)).rowCount ?? 0),
      );
    } finally {
      await client.query('reset all');
      client.release();
    }
    result.figures.push({
      section: 'deadlines',
      name: 'deadline watcher: due promises among 100,000 open (300,000 in all), per query',
      ours: `p50 ${fmtMs(ours.p50)}, p99 ${fmtMs(ours.p99)}`,
      baseline: `the same query as a table scan: p50 ${fmtMs(scan.p50)}, p99 ${fmtMs(scan.p99)}`,
      ratio: `${fmtX(ours.p50 / scan.p50)} p50 latency`,
    });
    const risk = summarise(await timeOperations(options.quick ? 50 : 200, 1, async () => (await queries.findRiskCrossings(new Date(), 500)).length));
    const riskClient = await pool.connect();
    let riskScan;
    try {
      await riskClient.query('set enable_indexscan = off; set enable_bitmapscan = off; set enable_indexonlyscan = off');
      riskScan = summarise(
        await timeOperations(options.quick ? 10 : 30, 1, async () =>
          (await riskClient.query(`select id from rm_promises where status = 'OPEN' and paused_at is null and next_risk_at <= now() order by next_risk_at, id limit 500`)).rowCount ?? 0),
      );
    } finally {
      await riskClient.query('reset all');
      riskClient.release();
    }
    result.figures.push({
      section: 'deadlines',
      name: 'deadline watcher: risk crossings (AT_RISK, CRITICAL) due among 100,000 open, a tenth paused, per query',
      ours: `p50 ${fmtMs(risk.p50)}, p99 ${fmtMs(risk.p99)}`,
      baseline: `the same query as a table scan: p50 ${fmtMs(riskScan.p50)}, p99 ${fmtMs(riskScan.p99)}`,
      ratio: `${fmtX(risk.p50 / riskScan.p50)} p50 latency`,
    });
    result.notes.push(
      'deadlines: the watcher pages through open, running promises past their `dueBy`, then past their next risk moment, every second; two partial indexes (`rm_promises_running_due`, `rm_promises_next_risk`) keep each pass away from the whole table, paused promises included.',
    );
  } finally {
    await pool.end();
    await db.drop();
  }
  return result;
}
