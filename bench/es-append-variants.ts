// `npm run bench -- store --diagnose`: what limits our appends, measured rather than guessed.
// es_append is called directly with one choice changed each (its p_verify and p_notify, how the
// new head is announced, which sessions plan it), interleaved with the way the adapter calls it,
// and the adapter itself (which gathers concurrent single appends) is measured beside them.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { NO_STREAM, type PostgresEventStore } from '#libs/event-store';
import { NotifyPublisher } from '#libs/postgres';
import { addSample, emptySample, timeOperations, type Sample } from './measure.js';

export interface Variant {
  name: string;
  /** es_append's p_verify: check the events' ids before appending (the adapter does on a retry only). */
  verify: boolean;
  /** es_append's p_notify: NOTIFY inside the append's transaction. */
  notify: boolean;
  /** Call it through a pool opened now, so its sessions plan es_append's statements on today's log. */
  freshSessions?: boolean;
  /** Announce the new head after the commit through the adapter's NotifyPublisher. */
  notifyAfterCommit?: boolean;
  /** Not es_append directly: the adapter's appendToStream (gathering included). */
  viaAdapter?: boolean;
}

/** The first is the baseline: es_append as the adapter calls it. */
export function createVariants(): Variant[] {
  return [
    { name: 'es_append called as the adapter calls it for appends side by side: ids checked only on a retry, NOTIFY after the commit', verify: false, notify: false, notifyAfterCommit: true },
    { name: 'as before migration 0003: ids checked up front and NOTIFY inside every append', verify: true, notify: true },
    { name: 'ids checked up front, NOTIFY after the commit', verify: true, notify: false, notifyAfterCommit: true },
    { name: 'ids checked on a retry only, NOTIFY inside every append (as the adapter calls it for a lone append)', verify: false, notify: true },
    { name: 'no NOTIFY at all (what announcing the head costs)', verify: false, notify: false },
    { name: 'as the adapter calls it, on sessions opened now (plans made on today’s log)', verify: false, notify: false, notifyAfterCommit: true, freshSessions: true },
    { name: 'through the adapter’s appendToStream (concurrent single appends gathered into one call)', verify: false, notify: false, viaAdapter: true },
  ];
}

/** The adapter's publisher, on a session of its own: what notifyAfterCommit variants pay. */
export function openPublisher(url: string): NotifyPublisher {
  return new NotifyPublisher(url, 'bench-publisher');
}

/** How PostgreSQL runs es_append's pre-check once plpgsql has switched to a generic plan (after 5 calls in a session). */
export async function explainPreCheck(pool: pg.Pool): Promise<string> {
  const client = await pool.connect();
  try {
    await client.query('set plan_cache_mode = force_generic_plan');
    await client.query(`prepare bench_check(text[], jsonb) as
      select count(*), coalesce(bool_and(e.stream_id = $1[(d->>'s')::int] and e.event_type = d->>'type' and e.data = d->'data'), true)
        from jsonb_array_elements($2) d join es_events e on e.event_id = (d->>'id')::uuid`);
    // EXPLAIN EXECUTE takes no bind parameters: the (quote-free) JSON goes in as a literal.
    const probe = JSON.stringify([{ s: 1, id: randomUUID(), type: 'PromiseMade', data: {} }]);
    const { rows } = await client.query(`explain (analyze, format json) execute bench_check('{promise-x}', '${probe}')`);
    await client.query('deallocate bench_check');
    const plan = rows[0]['QUERY PLAN'][0];
    const nodes: string[] = [];
    const walk = (node: any) => {
      nodes.push(`${node['Node Type']}${node['Relation Name'] ? ` on ${node['Relation Name']}` : ''}${node['Index Name'] ? ` using ${node['Index Name']}` : ''}${node['Node Type'].includes('Scan') ? ` (${node['Actual Rows']} rows)` : ''}`);
      for (const child of node.Plans ?? []) walk(child);
    };
    walk(plan.Plan);
    return `${nodes.join(' → ')}: ${plan['Execution Time'].toFixed(2)} ms`;
  } finally {
    await client.query('reset plan_cache_mode').catch(() => undefined);
    client.release();
  }
}

/** Each variant, `chunks` times in turn: `count` appends of `size` events to new streams over `workers` connections. */
export async function measureVariants(
  url: string,
  pool: pg.Pool,
  store: PostgresEventStore,
  publisher: NotifyPublisher,
  variants: readonly Variant[],
  run: { workers: number; count: number; chunks: number; size: number },
): Promise<Map<string, Sample>> {
  const { workers, count, chunks, size } = run;
  const results = new Map<string, Sample>(variants.map((v) => [v.name, emptySample()]));
  const fresh = new pg.Pool({ connectionString: url, max: workers, application_name: 'bench-fresh' });
  const event = (i: number) => ({ id: randomUUID(), type: 'PromiseMade', data: { promiseId: `P-${i}`, customerId: `C-${i % 500}`, note: 'diagnosis' }, metadata: {} });
  const direct = (via: pg.Pool, variant: Variant) => async (i: number) => {
    // A named statement, as the adapter's.
    const { rows } = await via.query({
      name: 'bench-es-append',
      text: `select stream_index, next_revision, last_position from es_append($1::text[], $2::bigint[], $3::jsonb, $4, $5)`,
      values: [[`promise-diag-${randomUUID()}`], ['-1'], JSON.stringify(Array.from({ length: size }, (_, k) => ({ s: 1, ...event(i * size + k) }))), variant.verify, variant.notify],
    });
    return BigInt(rows[0].last_position);
  };
  const adapter = async (i: number) => {
    const events = Array.from({ length: size }, (_, k) => event(i * size + k));
    return (await store.appendToStream(`promise-diag-${randomUUID()}`, events, { expectedRevision: NO_STREAM })).position;
  };
  try {
    // Every fresh session runs es_append more than five times first, so plpgsql settles on its generic plans.
    await timeOperations(workers * 8, workers, async (i) => (await direct(fresh, variants[0]!)(i), size));
    for (let chunk = 0; chunk < chunks; chunk++) {
      const order = chunk % 2 === 0 ? variants : [...variants].reverse();
      for (const variant of order) {
        const append = variant.viaAdapter ? adapter : direct(variant.freshSessions ? fresh : pool, variant);
        const sample = await timeOperations(count, workers, async (i) => {
          const position = await append(i);
          if (variant.notifyAfterCommit) publisher.publish('es_events', position.toString());
          return size;
        });
        addSample(results.get(variant.name)!, sample);
      }
    }
  } finally {
    await fresh.end();
  }
  return results;
}
