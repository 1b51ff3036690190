import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ANY, PostgresEventStore, eventStoreMigrations, type StreamAppend } from '#libs/event-store';
import { createPool, runMigrations } from '#libs/postgres';
import { BENCH_KEY, startApi } from './api-process.js';
import { scratchDatabase } from './bench-database.js';
import { emptyResult, fmt, fmtRatio, judge, type SectionResult } from './report.js';

export interface ImportOptions {
  quick: boolean;
  log(message: string): void;
}

interface Line {
  externalId: string;
  type: string;
  payload: Record<string, unknown>;
}

/** An ERP export: per customer, its registration, 40 promises (made; most kept, some broken later) and 27 errors. About 100 lines a customer. */
function* exportLines(total: number): Generator<Line> {
  let n = 0;
  for (let c = 0; n < total; c++) {
    const customerId = `ERP-C-${c}`;
    const lines: Line[] = [{ externalId: `cust-${c}`, type: 'CUSTOMER_REGISTERED', payload: { id: customerId, name: `ERP customer ${c}`, kind: c % 3 ? 'RESELLER' : 'DISTRIBUTOR', region: 'EMEA' } }];
    for (let p = 0; p < 40; p++) {
      const id = `ERP-P-${c}-${p}`;
      lines.push({ externalId: `po-${c}-${p}`, type: 'PROMISE_MADE', payload: { id, customerId, kind: 'DELIVERY', description: `ship purchase order ${c}/${p}`, dueBy: '2026-03-31T17:00:00Z', madeAt: '2026-01-05T09:00:00Z' } });
    }
    for (let p = 0; p < 32; p++) {
      const id = `ERP-P-${c}-${p}`;
      lines.push(
        p % 8 === 7
          ? { externalId: `po-${c}-${p}-broken`, type: 'PROMISE_BROKEN', payload: { id, reason: 'supplier shortage' } }
          : { externalId: `po-${c}-${p}-kept`, type: 'PROMISE_KEPT', payload: { id, keptAt: '2026-02-10T12:00:00Z', evidence: `POD ${c}/${p}` } },
      );
    }
    for (let e = 0; e < 27; e++) {
      lines.push({ externalId: `inv-${c}-${e}`, type: 'ERROR_RECORDED', payload: { customerId, type: e % 2 ? 'BILLING' : 'SHIPPING', reference: `INV-${c}-${e}`, occurredAt: '2026-02-01T09:00:00Z' } });
    }
    for (const line of lines) {
      if (n++ >= total) return;
      yield line;
    }
  }
}

async function writeExport(file: string, total: number): Promise<void> {
  const out = createWriteStream(file);
  for (const line of exportLines(total)) {
    if (!out.write(JSON.stringify(line) + '\n')) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((done) => out.end(done));
}

/** The events `ledger import` will store, appended raw: one event per line, grouped by stream per batch of 1,000. */
async function rawAppend(serverUrl: string, total: number): Promise<number> {
  const db = await scratchDatabase(serverUrl, 'import_raw');
  const pool = createPool({ connectionString: db.url, max: 2, applicationName: 'bench-import-raw' });
  const store = new PostgresEventStore(pool, db.url);
  try {
    await runMigrations(pool, eventStoreMigrations);
    const stream = (line: Line) =>
      line.type === 'CUSTOMER_REGISTERED' ? `customer-${line.payload.id}` : line.type === 'ERROR_RECORDED' ? `error-${line.externalId}` : `promise-${line.payload.id}`;
    const started = performance.now();
    let batch: Line[] = [];
    const flush = async () => {
      const byStream = new Map<string, StreamAppend>();
      for (const line of batch) {
        const name = stream(line);
        const append = byStream.get(name) ?? { stream: name, expectedRevision: ANY, events: [] };
        (append.events as unknown[]).push({ id: randomUUID(), type: line.type, data: line.payload, metadata: { source: 'erp:bench' } });
        byStream.set(name, append);
      }
      await store.appendToStreams([...byStream.values()]);
      batch = [];
    };
    for (const line of exportLines(total)) {
      batch.push(line);
      if (batch.length === 1_000) await flush();
    }
    if (batch.length) await flush();
    return total / ((performance.now() - started) / 1000);
  } finally {
    await store.close();
    await pool.end();
    await db.drop();
  }
}

interface ImportRun {
  seconds: number;
  code: number;
  summary: string;
  appended: number;
  duplicates: number;
  rejected: number;
}

function runImport(file: string, url: string): Promise<ImportRun> {
  const started = performance.now();
  return new Promise((done) => {
    execFile(
      process.execPath,
      [resolve('bin/ledger.js'), 'import', file, '--source', 'bench-erp', '--url', url, '--key', BENCH_KEY, '--no-progress'],
      { env: { PATH: process.env.PATH }, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const summary = (stdout.trim().split('\n').pop() ?? '') + (stderr.trim() ? ` ${stderr.trim().split('\n').pop()}` : '');
        const count = (word: string) => Number(new RegExp(`(\\d+) ${word}`).exec(stdout)?.[1] ?? Number.NaN);
        done({
          seconds: (performance.now() - started) / 1000,
          code: error ? ((error as { code?: number }).code ?? 1) : 0,
          summary,
          appended: count('appended'),
          duplicates: count('duplicates'),
          rejected: count('rejected'),
        });
      },
    );
  });
}

/** `ledger import` of an NDJSON export through a running API, against appending the same events raw. */
export async function importBench(serverUrl: string, options: ImportOptions): Promise<SectionResult> {
  const { quick, log } = options;
  const result = emptyResult();
  const name = (what: string) => `\`ledger import\` of ${fmt(lines)} NDJSON lines, ${what}`;
  const lines = quick ? 10_000 : 100_000;

  const help = await new Promise<string>((done) => execFile(process.execPath, [resolve('bin/ledger.js'), '--help'], { env: { PATH: process.env.PATH } }, (_e, stdout) => done(stdout)));
  if (!/^\s*import\b/m.test(help)) {
    result.figures.push({ section: 'import', name: name('through `appendEvents`'), ours: 'not available yet (the CLI has no `import` command)', baseline: '—', ratio: '—' });
    return result;
  }

  const dir = await mkdtemp(join(tmpdir(), 'ledger-bench-import-'));
  const db = await scratchDatabase(serverUrl, 'import');
  const api = await startApi(db.url).catch(async (error: unknown) => {
    await db.drop();
    throw error;
  });
  try {
    const file = join(dir, 'export.ndjson');
    await writeExport(file, lines);
    log(`import: raw appends of the same ${fmt(lines)} events`);
    const raw = await rawAppend(serverUrl, lines);
    log(`import: ledger import of ${fmt(lines)} lines`);
    const first = await runImport(file, api.url);
    log('import: the same file again (every line a duplicate)');
    const again = await runImport(file, api.url);
    const baseline = `the same ${fmt(lines)} events appended raw (\`appendToStreams\`, batches of 1,000): ${fmt(raw)} events/s`;
    for (const [label, run, expect] of [
      ['validated, idempotent, batches of 1,000 through `appendEvents`', first, 'appended'],
      ['run again: every line a duplicate, nothing appended', again, 'duplicates'],
    ] as const) {
      const rate = lines / run.seconds;
      const ok = run.code === 0 && run[expect] === lines && run.rejected === 0;
      result.figures.push({
        section: 'import',
        name: name(label),
        ours: `${fmt(rate)} lines/s (${fmt(run.seconds, 1)} s; ${Number.isNaN(run.appended) ? run.summary : `${fmt(run.appended)} appended, ${fmt(run.duplicates)} duplicates, ${fmt(run.rejected)} rejected`}${ok ? '' : `; exit ${run.code}`})`,
        baseline,
        ratio: fmtRatio(rate, raw, 'events/s'),
      });
      if (!ok) result.notes.push(`import: ${label}: expected ${fmt(lines)} ${expect} and exit 0, got: ${run.summary}`);
      if (expect === 'appended') result.targets.push(judge('perf3.import', ok && rate >= 0.5 * raw, `${fmtRatio(rate, raw, 'of the raw append')} (${fmt(rate)} vs ${fmt(raw)} events/s${ok ? '' : `; the import did not succeed: ${run.summary}`})`));
    }
    result.notes.push(
      'import: the export holds, per customer, its registration, 40 promises made, 32 of them kept or broken later in the file, and 27 errors; ' +
        '`ledger import` (a separate process) streams it to a running API in batches of 1,000, each waiting only for the store, the last one also for the read models. ' +
        'The time is the CLI’s wall clock, start-up included.',
    );
  } finally {
    await api.stop();
    await db.drop();
    await rm(dir, { recursive: true, force: true });
  }
  return result;
}
