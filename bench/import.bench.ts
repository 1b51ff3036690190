import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { NO_STREAM, PostgresEventStore, eventStoreMigrations } from '#libs/event-store';
import { createPool, runMigrations } from '#libs/postgres';
import { BENCH_KEY, fmt, scratchDatabase, startBenchApi, type Row } from './support.js';


async function writeExport(file: string, items: number): Promise<void> {
  const out = createWriteStream(file);
  const customers = Math.max(1, Math.floor(items / 100));
  for (let c = 0; c < customers; c++) {
    out.write(JSON.stringify({ externalId: `c${c}`, type: 'CUSTOMER_REGISTERED', payload: { id: `c${c}`, name: `Customer ${c}`, kind: 'DISTRIBUTOR' } }) + '\n');
  }
  for (let i = 0; i < items - customers; i++) {
    out.write(
      JSON.stringify({
        externalId: `e${i}`,
        type: 'ERROR_RECORDED',
        payload: { id: `e${i}`, customerId: `c${i % customers}`, type: i % 2 ? 'BILLING' : 'SHIPPING', reference: `INV-${i}`, occurredAt: '2026-01-15T00:00:00Z' },
      }) + '\n',
    );
  }
  await new Promise<void>((r) => out.end(r));
}

/** `ledger import` of an NDJSON export through the API, against raw batch appends to the store. */
export async function importBench(serverUrl: string, quick: boolean): Promise<Row[]> {
  const items = quick ? 20_000 : 100_000;
  const dir = await mkdtemp(join(tmpdir(), 'ledger-bench-import-'));
  const file = join(dir, 'export.ndjson');
  await writeExport(file, items);

  const raw = await scratchDatabase(serverUrl, 'rawimport');
  const pool = createPool({ connectionString: raw.url, max: 4 });
  await runMigrations(pool, eventStoreMigrations);
  const store = new PostgresEventStore(pool, raw.url);
  const rawStarted = Date.now();
  for (let i = 0; i < items; i += 1_000) {
    await store.appendToStreams(
      Array.from({ length: Math.min(1_000, items - i) }, (_, k) => ({
        stream: `error-raw-${i + k}`,
        expectedRevision: NO_STREAM,
        events: [{ id: randomUUID(), type: 'ErrorRecorded', data: { errorId: `raw-${i + k}`, customerId: 'c', type: 'BILLING', occurredAt: '2026-01-15T00:00:00.000Z' } }],
      })),
    );
  }
  const rawRate = items / ((Date.now() - rawStarted) / 1000);
  await store.close();
  await pool.end();
  await raw.drop();

  const db = await scratchDatabase(serverUrl, 'import');
  const api = await startBenchApi(db.url);
  try {
    const started = Date.now();
    const code = await new Promise<number | null>((done) => {
      const cli = spawn(process.execPath, [resolve('bin/ledger.js'), 'import', file, '--source', 'bench', '--url', api.url, '--key', BENCH_KEY, '--no-progress'], {
        stdio: 'ignore',
        env: { PATH: process.env.PATH, DATABASE_URL: db.url },
      });
      cli.on('exit', done);
    });
    const rate = items / ((Date.now() - started) / 1000);
    return [
      {
        section: 'import',
        name: `ledger import of ${fmt(items)} NDJSON events (validated, idempotent, via appendEvents)`,
        ours: `${fmt(rate)} events/s${code === 0 ? '' : ` (exit ${code})`}`,
        baseline: `raw es_append batches of 1,000: ${fmt(rawRate)} events/s`,
        ratio: `${fmt(rate / rawRate, 2)}×`,
        target: '≥ 5,000 events/s',
        verdict: code === 0 && rate >= 5_000 ? 'met' : 'missed',
      },
    ];
  } finally {
    await api.stop();
    await db.drop();
  }
}
