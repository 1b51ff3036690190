// `npm run bench -- store --diagnose`: what limits our appends, measured rather than guessed.
// Copies of es_append are created beside the real one (in the bench's scratch database only),
// each with one change, and called exactly as the adapter calls es_append, interleaved with it.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { addSample, emptySample, timeOperations, type Sample } from './measure.js';

export interface Variant {
  name: string;
  /** The SQL function to call, or undefined when its change did not apply to the current es_append. */
  fn?: string;
  /** Call it through a pool opened now, so its sessions plan es_append's statements on today's log. */
  freshSessions?: boolean;
  /** Publish the new head after the commit through a PositionPublisher instead of notifying inside it. */
  notifyAfterCommit?: boolean;
  /** Concurrent appends are gathered into one multi-stream es_append call (at most two in flight). */
  coalesce?: boolean;
}

/**
 * The change proposed for the adapter, as the bench simulates it: one connection of its own with
 * synchronous_commit off (a NOTIFY transaction takes an xid, so a durable one would wait for an
 * fsync while holding the queue lock), at most one NOTIFY in flight, always the newest position.
 */
export class PositionPublisher {
  private latest = 0n;
  private sent = 0n;
  private inFlight = false;

  private constructor(private readonly client: pg.Client) {}

  static async open(url: string): Promise<PositionPublisher> {
    const client = new pg.Client({ connectionString: url, application_name: 'bench-publisher' });
    await client.connect();
    await client.query('set synchronous_commit = off');
    return new PositionPublisher(client);
  }

  publish(position: bigint): void {
    if (position > this.latest) this.latest = position;
    if (this.inFlight || this.latest <= this.sent) return;
    this.inFlight = true;
    const position_ = this.latest;
    this.client.query(`select pg_notify('es_events', $1)`, [position_.toString()]).then(
      () => this.settle(position_),
      () => this.settle(this.sent),
    );
  }

  private settle(sent: bigint): void {
    this.sent = sent;
    this.inFlight = false;
    this.publish(this.latest);
  }

  close(): Promise<void> {
    return this.client.end();
  }
}

const CHECK_START = '  select count(*), coalesce(bool_and';
const NOTIFY = /\n\s*perform pg_notify\('es_events'[^;]*;/;

/** The idempotency pre-check left out: the adapter would ask for it only when retrying after 23505 or PL001. */
function withoutPreCheck(definition: string): string | undefined {
  const start = definition.indexOf(CHECK_START);
  const conflict = definition.indexOf("using errcode = 'PL002'", start);
  const end = definition.indexOf('  end if;\n', conflict);
  if (start < 0 || conflict < 0 || end < 0) return undefined;
  return definition.slice(0, start) + '  v_found := 0;\n' + definition.slice(end + '  end if;\n'.length);
}

const withoutNotify = (definition: string) => (NOTIFY.test(definition) ? definition.replace(NOTIFY, '') : undefined);

export async function createVariants(pool: pg.Pool): Promise<Variant[]> {
  const { rows } = await pool.query(`select pg_get_functiondef('es_append(text[], bigint[], jsonb)'::regprocedure) as definition`);
  const definition = rows[0].definition as string;
  const create = async (name: string, body: string | undefined) => {
    if (!body) return undefined;
    await pool.query(body.replace(/FUNCTION public\.es_append\(/i, `FUNCTION public.${name}(`));
    return name;
  };
  const unchecked = withoutPreCheck(definition);
  const quiet = await create('bench_es_append_unchecked_quiet', unchecked && withoutNotify(unchecked));
  return [
    { name: 'es_append as shipped (pooled sessions opened when the log was new)', fn: 'es_append' },
    { name: '0. es_append as shipped, sessions opened now (its plans made on today’s log)', fn: 'es_append', freshSessions: true },
    { name: '1. no idempotency pre-check on the first attempt (only on the retry)', fn: await create('bench_es_append_unchecked', unchecked) },
    { name: '1 + 2. and NOTIFY after the commit, from one non-durable session, coalesced', fn: quiet, notifyAfterCommit: true },
    { name: '1 + 2 + 3. and concurrent appends coalesced into one multi-stream es_append', fn: quiet, notifyAfterCommit: true, coalesce: true },
  ];
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

interface Pending {
  stream: string;
  event: unknown;
  done(position: bigint): void;
  failed(error: unknown): void;
}

/** Gathers the appends that arrive while calls are in flight into the next multi-stream call. */
function coalescer(pool: pg.Pool, fn: string, lanes: number) {
  let queue: Pending[] = [];
  let inFlight = 0;
  const pump = () => {
    while (inFlight < lanes && queue.length > 0) {
      const group = queue;
      queue = [];
      inFlight++;
      pool
        .query(`select stream_index, next_revision, last_position from ${fn}($1::text[], $2::bigint[], $3::jsonb)`, [
          group.map((p) => p.stream),
          group.map(() => '-1'),
          JSON.stringify(group.map((p, i) => ({ s: i + 1, ...(p.event as object) }))),
        ])
        .then(
          ({ rows }) => {
            const byIndex = new Map(rows.map((r) => [r.stream_index as number, BigInt(r.last_position)]));
            group.forEach((p, i) => p.done(byIndex.get(i + 1)!));
          },
          (error: unknown) => group.forEach((p) => p.failed(error)),
        )
        .finally(() => {
          inFlight--;
          pump();
        });
    }
  };
  return (stream: string, event: unknown) =>
    new Promise<bigint>((done, failed) => {
      queue.push({ stream, event, done, failed });
      pump();
    });
}

/** Each variant, `chunks` times in turn: `count` appends of `size` events to new streams over `workers` connections (coalescing only for single events). */
export async function measureVariants(
  url: string,
  pool: pg.Pool,
  publisher: PositionPublisher,
  variants: readonly Variant[],
  run: { workers: number; count: number; chunks: number; size: number },
): Promise<Map<string, Sample>> {
  const { workers, count, chunks, size } = run;
  const results = new Map<string, Sample>(variants.map((v) => [v.name, emptySample()]));
  const runnable = variants.filter((v) => v.fn && !(v.coalesce && size > 1));
  const fresh = new pg.Pool({ connectionString: url, max: workers, application_name: 'bench-fresh' });
  const event = (i: number) => ({ id: randomUUID(), type: 'PromiseMade', data: { promiseId: `P-${i}`, customerId: `C-${i % 500}`, note: 'diagnosis' }, metadata: {} });
  const direct = (via: pg.Pool, fn: string) => async (i: number) => {
    const { rows } = await via.query(`select stream_index, next_revision, last_position from ${fn}($1::text[], $2::bigint[], $3::jsonb)`, [
      [`promise-diag-${randomUUID()}`],
      ['-1'],
      JSON.stringify(Array.from({ length: size }, (_, k) => ({ s: 1, ...event(i * size + k) }))),
    ]);
    return BigInt(rows[0].last_position);
  };
  try {
    // Every fresh session runs es_append more than five times first, so plpgsql settles on its generic plans.
    await timeOperations(workers * 8, workers, async (i) => (await direct(fresh, 'es_append')(i), size));
    for (let chunk = 0; chunk < chunks; chunk++) {
      const order = chunk % 2 === 0 ? runnable : [...runnable].reverse();
      for (const variant of order) {
        const append = variant.coalesce ? ((gather) => (i: number) => gather(`promise-diag-${randomUUID()}`, event(i)))(coalescer(pool, variant.fn!, 2)) : direct(variant.freshSessions ? fresh : pool, variant.fn!);
        const sample = await timeOperations(count, workers, async (i) => {
          const position = await append(i);
          if (variant.notifyAfterCommit) publisher.publish(position);
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
