import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import type { StoredEvent } from '#libs/event-store';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { LedgerLog, freshId } from '../test/fixtures/ledger-log.fixture.js';
import { ledgerProjections } from './views/registry.js';
import { ProjectionRunner } from './projection-runner.js';
import type { Projection } from './projection.js';
import { CheckpointedViews } from './views/shared/checkpointed-views.js';
import { timelineProjection } from './views/timeline/timeline.projection.js';

/** Records every event it is given, without a unique key, so that a double application shows. */
class ApplicationsProjection implements Projection {
  readonly tables = [];
  inFlight = false;
  constructor(
    readonly name: string,
    private readonly delayMs = 0,
  ) {}

  async apply(events: readonly StoredEvent[], client: pg.PoolClient): Promise<void> {
    this.inFlight = true;
    try {
      await client.query('insert into test_applications (projection, position) select $1, unnest($2::bigint[])', [
        this.name,
        events.map((e) => e.position.toString()),
      ]);
      if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    } finally {
      this.inFlight = false;
    }
  }
}

let db: TestDatabase;
let log: LedgerLog;
const runners: ProjectionRunner[] = [];

beforeEach(async () => {
  db = await createTestDatabase();
  log = await LedgerLog.open(db.url);
  await log.pool.query('create table test_applications (projection text not null, position bigint not null)');
});
afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.stop()));
  await log.close();
  await db.drop();
});

const runner = (projections: Projection[], batchSize?: number) => {
  const r = new ProjectionRunner({ pool: log.pool, connectionString: log.url, eventStore: log.store, projections, batchSize });
  runners.push(r);
  return r;
};

async function applications(name: string): Promise<{ total: number; distinct: number }> {
  const { rows } = await log.pool.query('select count(*)::int as total, count(distinct position)::int as distinct from test_applications where projection = $1', [name]);
  return rows[0];
}

async function seedPromises(customers: number): Promise<void> {
  for (let n = 0; n < customers; n++) {
    const c = await log.customer(n % 2 ? 'RESELLER' : 'DISTRIBUTOR');
    const kept = await log.promise(c, '2026-02-01T00:00:00.000Z');
    await log.keep(kept, '2026-01-20T00:00:00.000Z');
    const broken = await log.promise(c, '2026-02-01T00:00:00.000Z');
    await log.breakPromise(broken, '2026-02-01T00:00:00.000Z');
    await log.error(c, 'BILLING', '2026-01-15T00:00:00.000Z');
  }
}

describe('projection runner', () => {
  it('never applies an event twice when two runners race on one database', async () => {
    await seedPromises(40);
    const name = freshId('applications');
    const [a, b] = [runner([...ledgerProjections(), new ApplicationsProjection(name)], 7), runner([...ledgerProjections(), new ApplicationsProjection(name)], 7)];
    await Promise.all([a.start(), b.start()]);
    await Promise.all([a.waitFor(log.lastPosition, 30_000), b.waitFor(log.lastPosition, 30_000)]);

    const events = log.appended;
    expect(await applications(name)).toEqual({ total: events, distinct: events });
    expect(await log.queries.ledgers.brandLedger({})).toMatchObject({ made: 80, kept: 40, broken: 40, open: 0 });
    expect(await log.queries.errorCosts.errorCosts({ groupBy: 'CUSTOMER_KIND' })).toEqual([
      { key: 'DISTRIBUTOR', errors: 20, unpricedErrors: 0, cost: [{ amount: '5000.00', currency: 'USD' }] },
      { key: 'RESELLER', errors: 20, unpricedErrors: 20, cost: [] },
    ]);
    const { rows } = await log.pool.query('select count(*)::int as n from rm_timeline');
    expect(rows[0].n).toBe(events - 2); // all but the two cost-policy events, which concern no customer
  });

  it('applies each event once when the active runner loses its session and a stand-by (or the same runner, reconnected) takes over', async () => {
    const name = freshId('applications');
    const a = runner([new ApplicationsProjection(name)]);
    await a.start();
    await a.waitFor(log.lastPosition, 10_000);
    const b = runner([new ApplicationsProjection(name)]);
    await b.start();

    // Kill the session that holds the projection's lock, as if the active process had died.
    const { rowCount } = await log.pool.query(
      `select pg_terminate_backend(a.pid) from pg_locks l join pg_stat_activity a on a.pid = l.pid
        where l.locktype = 'advisory' and l.granted and a.application_name = 'promise-ledger-projection-lock'`,
    );
    expect(rowCount).toBe(1);
    await seedPromises(3);
    await b.waitFor(log.lastPosition, 15_000);

    expect(await applications(name)).toEqual({ total: log.appended, distinct: log.appended });
  });

  it('lets a process that runs no projection wait for the checkpoints moved by another one', async () => {
    const active = runner(ledgerProjections());
    await active.start();
    const waiting = runner(ledgerProjections()); // never started, like an API process with projections elsewhere
    const c = await log.customer();
    const [made] = await log.append(`promise-${freshId('p')}`, {
      type: 'PromiseMade',
      data: { promiseId: 'waited-for', customerId: c, kind: 'DELIVERY', touchPoint: 'HUMAN', description: 'x', madeAt: '2026-01-02T00:00:00.000Z', dueBy: '2026-02-01T00:00:00.000Z' },
    });

    await waiting.waitFor(made!.position, 10_000);
    expect(await log.queries.promises.promise('waited-for')).toMatchObject({ customerId: c, status: 'OPEN' });
  });

  it('announces each committed checkpoint after the commit, from a session of its own, per projection', async () => {
    const listener = new pg.Client({ connectionString: log.url });
    await listener.connect();
    const heard: { payload: string; committed: string | undefined }[] = [];
    listener.on('notification', (m) => {
      const [name] = (m.payload ?? '').split(':');
      // What the checkpoint table says when the notification arrives: already the announced position.
      void log.pool.query('select position from projection_checkpoints where name = $1', [name]).then(({ rows }) => heard.push({ payload: m.payload ?? '', committed: rows[0]?.position }));
    });
    await listener.query('listen projection_checkpoints');
    try {
      await runner(ledgerProjections()).start();
      const c = await log.customer('DISTRIBUTOR');
      await log.promise(c, '2027-01-01T00:00:00.000Z');
      await runners[0]!.waitFor(log.lastPosition, 10_000);
      const deadline = Date.now() + 5_000;
      const wanted = ['ledger', 'timeline'].map((name) => `${name}:${log.lastPosition}`);
      while (!wanted.every((w) => heard.some((h) => h.payload === w)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      for (const w of wanted) expect(heard.find((h) => h.payload === w)?.committed).toBe(log.lastPosition.toString());
      const { rows } = await log.pool.query(`select count(*)::int as n from pg_stat_activity where application_name = 'promise-ledger-checkpoints-publish'`);
      expect(rows[0].n).toBe(1);
    } finally {
      await listener.end();
    }
  });

  it('falls back to polling when a checkpoint moves without a notification', async () => {
    const waiting = runner(ledgerProjections());
    await log.pool.query(`insert into projection_checkpoints (name, position) values ('ledger', 0), ('timeline', 0)`);
    const waited = waiting.waitFor(1_000n, 10_000);
    await new Promise((r) => setTimeout(r, 300));
    await log.pool.query(`update projection_checkpoints set position = 1000`);
    await expect(waited).resolves.toEqual([]);
  });

  it('lets mutations waiting side by side share the polls of the checkpoint table', async () => {
    let reads = 0;
    const counting = Object.create(log.pool) as pg.Pool;
    counting.query = ((...args: Parameters<pg.Pool['query']>) => {
      if (String(args[0]).includes('from projection_checkpoints where name = any')) reads++;
      return (log.pool.query as (...a: unknown[]) => unknown)(...args);
    }) as pg.Pool['query'];
    const waiting = new ProjectionRunner({ pool: counting, connectionString: log.url, eventStore: log.store, projections: ledgerProjections() });
    runners.push(waiting);
    await log.pool.query(`insert into projection_checkpoints (name, position) values ('ledger', 0), ('timeline', 0)`);
    const waits = Array.from({ length: 50 }, () => waiting.waitFor(1_000n, 10_000));
    await new Promise((r) => setTimeout(r, 800));
    await log.pool.query(`update projection_checkpoints set position = 1000`);
    await expect(Promise.all(waits)).resolves.toHaveLength(50);
    // Each 250 ms poll of 50 waiters was 50 reads; shared, it is a few.
    expect(reads).toBeLessThan(20);
  });

  it('rejects waitFor with UNAVAILABLE naming the projection that is behind', async () => {
    const timelineOnly = runner([new CheckpointedViews('timeline', [timelineProjection])]);
    await timelineOnly.start();
    await log.customer();
    const head = log.lastPosition;
    await timelineOnly.waitFor(head, 10_000);

    const refusal = await runner(ledgerProjections()).waitFor(head, 400).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(Error);
    expect(refusal).toMatchObject({ code: 'UNAVAILABLE', message: expect.stringMatching(/projection ledger is behind/) });
    expect((refusal as Error).message).not.toMatch(/timeline/);
  });

  it('stops only after the batch in flight has committed', async () => {
    await seedPromises(5);
    const slow = new ApplicationsProjection(freshId('slow'), 200);
    const r = runner([slow], 3);
    await r.start();
    const deadline = Date.now() + 10_000;
    while (!slow.inFlight && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(slow.inFlight).toBe(true);

    await r.stop();
    expect(slow.inFlight).toBe(false);
    // What was applied is exactly what the checkpoint says: the last batch committed whole.
    const { rows } = await log.pool.query(
      `select c.position::text as checkpoint, (select max(position)::text from test_applications a where a.projection = c.name) as applied
         from projection_checkpoints c where c.name = $1`,
      [slow.name],
    );
    expect(rows[0].applied).toBe(rows[0].checkpoint);
    expect(BigInt(rows[0].checkpoint)).toBeGreaterThan(0n);
  });
});
