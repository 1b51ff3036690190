import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { runNode, startApi, type ApiProcess } from '../support/api-process.js';
import { gql } from '../support/graphql-client.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const VERIFY = '{ verifyLedger { verified eventsChecked head digest firstBadPosition problem checkedAt } }';

let db: TestDatabase;
let api: ApiProcess;
let dir: string;
let env: Record<string, string>;

async function registerCustomers(count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const res = await gql(api.baseUrl, 'mutation($input: RegisterCustomerInput!) { registerCustomer(input: $input) { id } }', {
      input: { name: `Integrity ${i}`, kind: 'RESELLER', email: `c${i}@example.com` },
    });
    expect(res.errors).toBeUndefined();
  }
}

/** Waits until the server's sealer has chained every event of the log. */
async function chained(): Promise<Record<string, any>> {
  const events = Number((await withDb((c) => c.query('select count(*) as n from es_events'))).rows[0].n);
  for (let i = 0; i < 100; i++) {
    const report = (await gql(api.baseUrl, VERIFY)).data!.verifyLedger;
    if (report.eventsChecked === events) return report;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the sealer did not chain the log');
}

async function withDb<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

const ledger = (...args: string[]) => runNode('bin/ledger.js', args[0] === 'verify' ? [...args, '--no-progress'] : args, env);

beforeAll(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'ledger-integrity-'));
  env = { DATABASE_URL: db.url, LEDGER_SIGNING_KEY_FILE: join(dir, 'keys', 'signing.pem') };
  api = await startApi({ DATABASE_URL: db.url });
  await registerCustomers(20);
});

afterAll(async () => {
  await api?.stop();
  await db?.drop();
  await rm(dir, { recursive: true, force: true });
});

describe('verifyLedger and ledger verify / digest', () => {
  it('the server chains what it appends and verifyLedger reports a verified log', async () => {
    const report = await chained();
    expect(report).toMatchObject({ verified: true, firstBadPosition: null, problem: null });
    expect(report.eventsChecked).toBeGreaterThanOrEqual(20);
    expect(report.digest).toMatch(/^[0-9a-f]{64}$/);
    const half = (await gql(api.baseUrl, '{ verifyLedger(upTo: "5") { verified eventsChecked head } }')).data!.verifyLedger;
    expect(half).toEqual({ verified: true, eventsChecked: 5, head: '5' });
    expect((await gql(api.baseUrl, '{ verifyLedger(upTo: "-1") { verified } }')).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('ledger digest signs the head with a key made on first use (mode 600, a warning to back it up); ledger verify --digest proves the log extends it', async () => {
    const head = await chained();
    const out = join(dir, 'digest.json');
    const signed = await ledger('digest', '--out', out);
    expect(signed.code).toBe(0);
    expect(signed.stderr).toMatch(/warning: made a new ledger signing key .*Back it up/);
    expect(((await stat(env.LEDGER_SIGNING_KEY_FILE!)).mode & 0o777).toString(8)).toBe('600');
    const digest = JSON.parse(signed.stdout);
    expect(digest).toMatchObject({ format: 'promise-ledger-digest/1', position: head.head, hash: head.digest });
    expect(JSON.parse(await readFile(out, 'utf8'))).toEqual(digest);
    expect((await ledger('digest')).stderr).not.toMatch(/new ledger signing key/);

    await registerCustomers(3);
    const later = await ledger('verify', '--digest', out);
    expect(later.stdout).toMatch(/the log extends the digest of position/);
    expect(later.code).toBe(0);
    const plain = await ledger('verify');
    expect(plain.stdout).toMatch(/verified: +true/);
    expect(plain.code).toBe(0);

    const forged = join(dir, 'forged.json');
    await writeFile(forged, JSON.stringify({ ...digest, hash: digest.hash.replace(/^./, (c: string) => (c === '0' ? '1' : '0')) }));
    const refused = await ledger('verify', '--digest', forged);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/DIGEST CHECK FAILED: the digest signature does not verify/);
  });

  it('a rewritten event fails verifyLedger, ledger verify and ledger verify --digest, naming the event', async () => {
    const out = join(dir, 'before-tamper.json');
    expect((await ledger('digest', '--out', out)).code).toBe(0);
    const position = await withDb(async (c) => {
      const { rows } = await c.query("select position::text as p from es_events where event_type = 'CustomerRegistered' order by position limit 1 offset 2");
      await c.query(`update es_events set data = jsonb_set(data, '{name}', '"Someone else"') where position = $1`, [rows[0].p]);
      return rows[0].p as string;
    });
    const report = (await gql(api.baseUrl, VERIFY)).data!.verifyLedger;
    expect(report).toMatchObject({ verified: false, firstBadPosition: position, problem: expect.stringMatching(/^data changed/) });
    const cli = await ledger('verify');
    expect(cli.code).toBe(1);
    expect(cli.stdout).toMatch(new RegExp(`first bad: +${position}\\b`));
    const against = await ledger('verify', '--digest', out);
    expect(against.code).toBe(1);
    expect(against.stderr).toMatch(/DIGEST CHECK FAILED: the log does not verify: data changed/);
  });
});
