import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { NO_STREAM, type NewEvent, type StreamAppend } from '#libs/event-store';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-database.js';
import { LedgerLog } from '../test/fixtures/ledger-log.fixture.js';
import { ledgerProjections } from './views/registry.js';
import { rebuildProjections } from './rebuild.js';

// Built by `npm run build` (jest's global setup needs dist/ too).
const RUNNER_SCRIPT = resolve('dist/libs/projections/test/fixtures/run-projections.js');

const ev = (type: string, data: unknown): NewEvent => ({ id: randomUUID(), type, data });

/** 20,700 events: 2,300 customers, each with two amended promises (kept, broken) and a resolved error. */
function history(): StreamAppend[] {
  const appends: StreamAppend[] = [];
  for (let n = 0; n < 2_300; n++) {
    const c = `k${n}`;
    appends.push({ stream: `customer-${c}`, expectedRevision: NO_STREAM, events: [ev('CustomerRegistered', { customerId: c, name: `K${n}`, kind: 'DISTRIBUTOR', registeredAt: '2026-01-01T00:00:00.000Z' })] });
    for (let i = 0; i < 2; i++) {
      const p = `${c}-p${i}`;
      appends.push({
        stream: `promise-${p}`,
        expectedRevision: NO_STREAM,
        events: [
          ev('PromiseMade', { promiseId: p, customerId: c, kind: 'SERVICE', touchPoint: 'PRODUCT', description: 'call', madeAt: '2026-01-02T00:00:00.000Z', dueBy: '2026-03-01T00:00:00.000Z' }),
          ev('PromiseAmended', { promiseId: p, customerId: c, previousDueBy: '2026-03-01T00:00:00.000Z', dueBy: '2026-03-05T00:00:00.000Z', reason: 'x', amendedAt: '2026-01-03T00:00:00.000Z' }),
          i
            ? ev('PromiseKept', { promiseId: p, customerId: c, keptAt: '2026-01-04T00:00:00.000Z' })
            : ev('PromiseBroken', { promiseId: p, customerId: c, brokenAt: '2026-01-04T00:00:00.000Z', reason: 'x', reportedAt: '2026-01-04T00:00:00.000Z' }),
        ],
      });
    }
    appends.push({
      stream: `error-${c}-e`,
      expectedRevision: NO_STREAM,
      events: [
        ev('ErrorRecorded', { errorId: `${c}-e`, customerId: c, type: 'BILLING', occurredAt: '2026-01-05T00:00:00.000Z' }),
        ev('ErrorResolved', { errorId: `${c}-e`, customerId: c, resolution: 'ok', resolvedAt: '2026-01-06T00:00:00.000Z' }),
      ],
    });
  }
  return appends;
}

async function minCheckpoint(log: LedgerLog): Promise<{ rows: number; min: bigint; max: bigint }> {
  const { rows } = await log.pool.query('select count(*)::int as n, coalesce(min(position), 0)::text as min, coalesce(max(position), 0)::text as max from projection_checkpoints');
  return { rows: rows[0].n, min: BigInt(rows[0].min), max: BigInt(rows[0].max) };
}

const exited = (child: ChildProcess) => new Promise((r) => child.once('exit', r));

describe('projection crash', () => {
  let db: TestDatabase;
  let log: LedgerLog;
  beforeAll(async () => {
    db = await createTestDatabase();
    log = await LedgerLog.open(db.url);
  });
  afterAll(async () => {
    await log.close();
    await db.drop();
  });

  it('killed with SIGKILL mid catch-up of 20,000 events and restarted, equals a clean rebuild', async () => {
    const appends = history();
    for (let i = 0; i < appends.length; i += 500) await log.appendMany(appends.slice(i, i + 500));
    const head = log.lastPosition;
    expect(Number(head)).toBeGreaterThanOrEqual(20_000);

    const start = () => spawn(process.execPath, [RUNNER_SCRIPT, log.url, '200'], { stdio: 'ignore' });
    const victim = start();
    const started = Date.now();
    const midway = async () => {
      const progress = await minCheckpoint(log);
      return progress.rows === 2 && progress.min > head / 4n;
    };
    while (!(await midway()) && Date.now() - started < 60_000) await new Promise((r) => setTimeout(r, 20));
    victim.kill('SIGKILL');
    await exited(victim);
    const killedAt = await minCheckpoint(log);
    expect(killedAt.min).toBeGreaterThan(0n);
    expect(killedAt.max).toBeLessThan(head);

    const survivor = start();
    const deadline = Date.now() + 60_000;
    while ((await minCheckpoint(log)).min < head && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    survivor.kill('SIGTERM');
    await exited(survivor);
    expect((await minCheckpoint(log)).min).toBe(head);
    const afterCrash = await log.checksums();

    await log.settled();
    await rebuildProjections({ pool: log.pool, eventStore: log.store, projections: ledgerProjections() });
    expect(await log.checksums()).toEqual(afterCrash);
    expect(await log.queries.ledgers.brandLedger({})).toMatchObject({ made: 4_600, kept: 2_300, broken: 2_300, open: 0 });
    expect(await log.queries.ledgers.brandLedger({ asOf: new Date(Date.now() + 3_600_000) })).toMatchObject({ made: 4_600, kept: 2_300, broken: 2_300, open: 0 });
    expect(await log.queries.errorCosts.errorCosts({ groupBy: 'CUSTOMER_KIND' })).toEqual([
      { key: 'DISTRIBUTOR', errors: 2_300, unpricedErrors: 0, cost: [{ amount: '575000.00', currency: 'USD' }] },
    ]);
  }, 120_000);
});
