import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { runNode } from '../support/api-process.js';
import { gql } from '../support/graphql-client.js';
import { useLedgerServer } from '../support/ledger-server.js';


const KEY = 'integration-key-0001';
const server = useLedgerServer({ LEDGER_API_KEYS: `INTEGRATION:${KEY},AGENT:agent-key-0001` });
const APPEND = `mutation($input: AppendEventsInput!) {
  appendEvents(input: $input) { appended duplicates rejected results { externalId outcome code message } }
}`;
const DAY = 86_400_000;


const append = (source: string, events: unknown[]) =>
  gql(server.baseUrl, APPEND, { input: { source, events } }, { authorization: `Bearer ${KEY}` });

function scenario(prefix: string) {
  const customerId = `${prefix}-c`;
  const promiseId = `${prefix}-p`;
  return [
    { externalId: `${prefix}-1`, type: 'CUSTOMER_REGISTERED', payload: { id: customerId, name: 'ERP Customer', kind: 'DISTRIBUTOR' } },
    {
      externalId: `${prefix}-2`,
      type: 'PROMISE_MADE',
      payload: { id: promiseId, customerId, kind: 'DELIVERY', description: 'ship PO-1', dueBy: new Date(Date.now() + DAY).toISOString() },
    },
    { externalId: `${prefix}-3`, type: 'PROMISE_KEPT', payload: { id: promiseId, evidence: 'POD' } },
    { externalId: `${prefix}-4`, type: 'ERROR_RECORDED', payload: { id: `${prefix}-e`, customerId, type: 'SHIPPING', reference: 'SHP-1' } },
  ];
}

const countEvents = async (streamPrefix: string) =>
  Number((await server.pool.query('select count(*) as n from es_events where stream_id like $1', [`%${streamPrefix}%`])).rows[0].n);

describe('appendEvents', () => {
  it('applies a batch in order (an item may depend on an earlier one) and lands it once however often it is sent', async () => {
    const prefix = randomUUID().slice(0, 8);
    const batch = scenario(prefix);
    const first = await append('sap', batch);
    expect(first.errors).toBeUndefined();
    expect(first.data!.appendEvents).toMatchObject({ appended: 4, duplicates: 0, rejected: 0 });
    expect(first.data!.appendEvents.results.map((r: { outcome: string }) => r.outcome)).toEqual(['APPENDED', 'APPENDED', 'APPENDED', 'APPENDED']);
    for (let i = 0; i < 2; i++) {
      const again = await append('sap', batch);
      expect(again.data!.appendEvents).toMatchObject({ appended: 0, duplicates: 4, rejected: 0 });
    }
    expect(await countEvents(prefix)).toBe(4);
    // Read-your-writes: the read model has it when the mutation returns.
    const read = await gql(server.baseUrl, `{ promise(id: "${prefix}-p") { status } errorIncident(id: "${prefix}-e") { cost { amount } } }`, undefined, {
      authorization: `Bearer ${KEY}`,
    });
    expect(read.data).toEqual({ promise: { status: 'KEPT' }, errorIncident: { cost: { amount: '250.00' } } });
  });

  it('rejects bad items with their code and message while the good ones land, in input order', async () => {
    const prefix = randomUUID().slice(0, 8);
    const [customer, made] = scenario(prefix);
    const res = await append('sap', [
      customer,
      { externalId: `${prefix}-bad-payload`, type: 'PROMISE_MADE', payload: { customerId: `${prefix}-c`, kind: 'DELIVERY' } },
      made,
      { externalId: `${prefix}-unknown`, type: 'PROMISE_MADE', payload: { customerId: 'nobody', kind: 'OTHER', description: 'x', dueBy: '2099-01-01T00:00:00Z' } },
      { externalId: `${prefix}-release`, type: 'PROMISE_RELEASED', payload: { id: `${prefix}-p`, reason: 'dropped' } },
      { externalId: `${prefix}-keep-released`, type: 'PROMISE_KEPT', payload: { id: `${prefix}-p` } },
      { externalId: `${prefix}-bad-date`, type: 'ERROR_RECORDED', payload: { customerId: `${prefix}-c`, type: 'BILLING', occurredAt: 'yesterday' } },
      { externalId: `${prefix}-bad-money`, type: 'ERROR_RECORDED', payload: { customerId: `${prefix}-c`, type: 'BILLING', cost: { amount: '1e3', currency: 'USD' } } },
      { externalId: `${prefix}-extra-field`, type: 'PROMISE_BROKEN', payload: { id: `${prefix}-p`, reason: 'x', surprise: true } },
      { externalId: `${prefix}-no-payload`, type: 'ERROR_VOIDED', payload: 'void it' },
    ]);
    expect(res.errors).toBeUndefined();
    const out = res.data!.appendEvents;
    expect(out.results.map((r: { externalId: string; outcome: string; code: string | null }) => [r.externalId.slice(9), r.outcome, r.code])).toEqual([
      ['1', 'APPENDED', null],
      ['bad-payload', 'REJECTED', 'BAD_USER_INPUT'],
      ['2', 'APPENDED', null],
      ['unknown', 'REJECTED', 'NOT_FOUND'],
      ['release', 'APPENDED', null],
      ['keep-released', 'REJECTED', 'INVALID_STATE'],
      ['bad-date', 'REJECTED', 'BAD_USER_INPUT'],
      ['bad-money', 'REJECTED', 'BAD_USER_INPUT'],
      ['extra-field', 'REJECTED', 'BAD_USER_INPUT'],
      ['no-payload', 'REJECTED', 'BAD_USER_INPUT'],
    ]);
    expect(out).toMatchObject({ appended: 3, duplicates: 0, rejected: 7 });
    expect(out.results[1].message).toMatch(/description/);
    // The same wording as the mutation's refusal: both run the same command path.
    expect(out.results[3].message).toBe('customer nobody not found');
    expect(out.results[5].message).toBe('cannot keep a promise that is RELEASED');
    expect(await countEvents(prefix)).toBe(3);
  });

  it('rejects changed content under a reused externalId with CONFLICT, and scopes ids per source', async () => {
    const prefix = randomUUID().slice(0, 8);
    const [customer] = scenario(prefix);
    await append('sap', [customer]);
    const changed = await append('sap', [{ ...customer, payload: { ...customer!.payload, name: 'Renamed' } }]);
    expect(changed.data!.appendEvents.results[0]).toMatchObject({ outcome: 'REJECTED', code: 'CONFLICT' });
    const otherSource = await append('oracle', [customer]);
    expect(otherSource.data!.appendEvents.results[0]).toMatchObject({ outcome: 'APPENDED' });
    expect(await countEvents(prefix)).toBe(1);
  });

  it('lands two batches that change the same existing streams in opposite orders at once (no deadlock reaches the caller)', async () => {
    const prefix = randomUUID().slice(0, 8);
    const ids = Array.from({ length: 20 }, (_, i) => `${prefix}-p${i}`);
    const seeded = await append('wms', [
      { externalId: `${prefix}-c`, type: 'CUSTOMER_REGISTERED', payload: { id: `${prefix}-c`, name: 'Both ways', kind: 'DISTRIBUTOR' } },
      ...ids.map((id) => ({
        externalId: `${prefix}-${id}`,
        type: 'PROMISE_MADE',
        // Beyond the at-risk window: the deadline watcher must not add events to these streams.
        payload: { id, customerId: `${prefix}-c`, kind: 'DELIVERY', description: 'ship', dueBy: new Date(Date.now() + 3 * DAY).toISOString() },
      })),
    ]);
    expect(seeded.data?.appendEvents.rejected).toBe(0);
    const amendAll = (round: number, order: string[], tag: string) =>
      append(
        'wms',
        order.map((id, i) => ({
          externalId: `${prefix}-r${round}-${tag}-${id}`,
          type: 'PROMISE_AMENDED',
          payload: { id, dueBy: new Date(Date.now() + (4 + round) * DAY + i * 1_000).toISOString(), reason: `${tag} ${round}` },
        })),
      );
    for (let round = 0; round < 5; round++) {
      const answers = await Promise.all([amendAll(round, ids, 'up'), amendAll(round, [...ids].reverse(), 'down')]);
      for (const answer of answers) {
        expect(answer.errors ? server.api.output().slice(-3000) : undefined).toBeUndefined();
        expect(answer.data?.appendEvents).toMatchObject({ appended: ids.length, rejected: 0 });
      }
    }
    expect(await countEvents(`${prefix}-p`)).toBe(ids.length * 11);
  });

  it('refuses a batch of more than 1,000 items or 5 MB whole', async () => {
    const many = Array.from({ length: 1_001 }, (_, i) => ({ externalId: `many-${i}`, type: 'CUSTOMER_REGISTERED', payload: { name: 'x', kind: 'END_USER' } }));
    const tooMany = await append('sap', many);
    expect(tooMany.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const big = Array.from({ length: 6 }, (_, i) => ({
      externalId: `big-${i}`,
      type: 'CUSTOMER_REGISTERED',
      payload: { name: 'x', kind: 'END_USER', padding: 'p'.repeat(900_000) },
    }));
    const tooBig = await append('sap', big);
    expect(tooBig.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await countEvents('many-')).toBe(0);
  });

  it('is refused to an AGENT key', async () => {
    const res = await gql(server.baseUrl, APPEND, { input: { source: 's', events: [] } }, { authorization: 'Bearer agent-key-0001' });
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('ledger import', () => {
  it('imports NDJSON and CSV with a summary and a rejects file, and exits non-zero when anything was rejected', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ledger-import-'));
    const prefix = randomUUID().slice(0, 8);
    const ndjson = join(dir, 'history.ndjson');
    await writeFile(ndjson, scenario(prefix).map((e) => JSON.stringify(e)).join('\n') + '\nnot json\n');
    const env = { DATABASE_URL: server.db.url, LEDGER_API_KEY: KEY };
    const url = `${server.baseUrl}/graphql`;
    const run = await runNode('bin/ledger.js', ['import', ndjson, '--source', 'backfill', '--url', url, '--no-progress'], env);
    expect(run.stdout).toMatch(/4 appended, 0 duplicates, 1 rejected/);
    expect(run.code).toBe(1);
    const rejects = (await readFile(`${ndjson}.rejects.ndjson`, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(rejects).toEqual([expect.objectContaining({ line: 5, code: 'BAD_USER_INPUT' })]);

    const csv = join(dir, 'errors.csv');
    await writeFile(
      csv,
      ['externalId,type,id,customerId,kind,description,dueBy', `${prefix}-csv-1,PROMISE_MADE,${prefix}-csvp,${prefix}-c,SERVICE,call back,2099-01-01T00:00:00Z`].join('\n'),
    );
    const csvRun = await runNode('bin/ledger.js', ['import', csv, '--source', 'backfill', '--url', url, '--no-progress'], env);
    expect(csvRun.stdout).toMatch(/1 appended, 0 duplicates, 0 rejected/);
    expect(csvRun.code).toBe(0);
  });

  it('cuts batches by size as well as count: 1,201 lines of 2,000-character descriptions all land', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ledger-import-'));
    const file = join(dir, 'wide.ndjson');
    const prefix = `wide${randomUUID().slice(0, 6)}`;
    const lines = [JSON.stringify({ externalId: `${prefix}-c`, type: 'CUSTOMER_REGISTERED', payload: { id: `${prefix}-c`, name: 'Wide', kind: 'RESELLER' } })];
    const dueBy = new Date(Date.now() + 30 * DAY).toISOString();
    for (let i = 0; i < 1_200; i++) {
      const description = `${i} ${'é'.repeat(1_990)}`.slice(0, 2_000);
      lines.push(JSON.stringify({ externalId: `${prefix}-${i}`, type: 'PROMISE_MADE', payload: { customerId: `${prefix}-c`, kind: 'OTHER', description, dueBy } }));
    }
    await writeFile(file, lines.join('\n') + '\n');
    const run = await runNode('bin/ledger.js', ['import', file, '--source', prefix, '--url', `${server.baseUrl}/graphql`, '--no-progress'], {
      DATABASE_URL: server.db.url,
      LEDGER_API_KEY: KEY,
    });
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/1201 appended, 0 duplicates, 0 rejected/);
    expect(run.code).toBe(0);
  });

  it('imports 100,000 lines, survives SIGKILL half way, and a rerun lands every item exactly once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ledger-import-'));
    const file = join(dir, 'big.ndjson');
    const prefix = `big${randomUUID().slice(0, 6)}`;
    const out = createWriteStream(file);
    const customers = 1_000;
    for (let c = 0; c < customers; c++) {
      out.write(JSON.stringify({ externalId: `${prefix}-c${c}`, type: 'CUSTOMER_REGISTERED', payload: { id: `${prefix}-c${c}`, name: `C${c}`, kind: 'RESELLER' } }) + '\n');
    }
    for (let i = 0; i < 100_000 - customers; i++) {
      out.write(
        JSON.stringify({
          externalId: `${prefix}-e${i}`,
          type: 'ERROR_RECORDED',
          payload: { id: `${prefix}-e${i}`, customerId: `${prefix}-c${i % customers}`, type: i % 2 ? 'BILLING' : 'SHIPPING', occurredAt: '2025-06-01T00:00:00Z' },
        }) + '\n',
      );
    }
    await new Promise<void>((r) => out.end(r));
    const args = [resolve('bin/ledger.js'), 'import', file, '--source', 'bulk', '--url', `${server.baseUrl}/graphql`, '--key', KEY, '--no-progress'];

    const child = spawn(process.execPath, args, { stdio: 'ignore', env: { PATH: process.env.PATH, DATABASE_URL: server.db.url } });
    for (;;) {
      await new Promise((r) => setTimeout(r, 200));
      if ((await countEvents(prefix)) >= 40_000) break;
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const partial = await countEvents(prefix);
    expect(partial).toBeLessThan(100_000);

    const rerun = await runNode('bin/ledger.js', args.slice(1), { DATABASE_URL: server.db.url });
    expect(rerun.code).toBe(0);
    const summary = /(\d+) appended, (\d+) duplicates, (\d+) rejected/.exec(rerun.stdout)!;
    expect(Number(summary[1]) + Number(summary[2])).toBe(100_000);
    expect(Number(summary[3])).toBe(0);
    expect(await countEvents(prefix)).toBe(100_000);
    const { rows } = await server.pool.query(`select count(*)::int as n from erp_ingestion where source = 'bulk'`);
    expect(rows[0].n).toBe(100_000);
  }, 300_000);
});
