import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { createPool, runMigrations } from '#libs/postgres';
import { createTestDatabase } from '../../../../../test/support/test-database.js';
import { withLedgerLog as withLog, type LedgerLog } from '../../../test/fixtures/ledger-log.fixture.js';
import { customersMigrations } from './customers.migrations.js';

const named = (log: LedgerLog, name: string, extra: Record<string, unknown> = {}) => log.customer('DISTRIBUTOR', { name, ...extra });
const search = async (log: LedgerLog, text: string, first = 20) => (await log.queries.customers.searchCustomers({ text, first })).map((c) => c.name);

describe('searchCustomers', () => {
  it('matches every word as a prefix of a word of the name, email, region or id, ignoring case and accents', () =>
    withLog(async (log) => {
      const zephyr = await named(log, 'Zéphyr Büro GmbH', { email: 'Ines.Muller@zephyr-buero.de', region: 'Île-de-France' });
      await named(log, 'Zephyrus Trading');
      await named(log, 'Büro Nord');
      await log.project();

      expect(await search(log, 'zephyr buro')).toEqual(['Zéphyr Büro GmbH']);
      expect(await search(log, 'ZEPH BÜR gmb')).toEqual(['Zéphyr Büro GmbH']);
      expect(await search(log, 'zeph')).toEqual(['Zéphyr Büro GmbH', 'Zephyrus Trading']);
      expect(await search(log, 'ines.muller@zephyr')).toEqual(['Zéphyr Büro GmbH']);
      expect(await search(log, 'buero')).toEqual(['Zéphyr Büro GmbH']);
      expect(await search(log, 'ile de fr')).toEqual(['Zéphyr Büro GmbH']);
      expect(await search(log, zephyr.split('-')[1]!)).toEqual(['Zéphyr Büro GmbH']);
      // Every word must match, and only at the start of a word.
      expect(await search(log, 'zephyr nord')).toEqual([]);
      expect(await search(log, 'ephyr')).toEqual([]);
      const [found] = await log.queries.customers.searchCustomers({ text: 'zephyr buro', first: 1 });
      expect(found).toMatchObject({ id: zephyr, email: 'Ines.Muller@zephyr-buero.de', region: 'Île-de-France' });
    }));

  it('ranks the exact id first, then whole words of the name, then prefixes, then by name and id', () =>
    withLog(async (log) => {
      const prefixOnly = await named(log, 'Acme Nordics');
      const whole = await named(log, 'Nord Acme');
      const byRegion = await named(log, 'Zulu', { region: 'Nord' });
      const exact = 'nord';
      await log.append('customer-nord', {
        type: 'CustomerRegistered',
        data: { customerId: exact, name: 'Zzz', kind: 'RESELLER', registeredAt: '2026-01-01T00:00:00.000Z' },
      });
      await log.project();

      const ids = (await log.queries.customers.searchCustomers({ text: 'nord', first: 20 })).map((c) => c.id);
      expect(ids).toEqual([exact, whole, prefixOnly, byRegion]);
      expect((await log.queries.customers.searchCustomers({ text: 'nord', first: 2 })).map((c) => c.id)).toEqual([exact, whole]);
    }));

  it('finds the customer behind a promise id or an error reference typed whole, and nobody for part of one', () =>
    withLog(async (log) => {
      const owner = await named(log, 'Owner of things');
      await named(log, 'Someone else');
      const promiseId = await log.promise(owner, '2026-03-01T00:00:00.000Z');
      await log.error(owner, 'BILLING', '2026-02-01T00:00:00.000Z', { reference: 'INV/2026/0042' });
      await log.project();

      expect(await search(log, promiseId)).toEqual(['Owner of things']);
      expect(await search(log, '  INV/2026/0042 ')).toEqual(['Owner of things']);
      expect(await search(log, 'INV/2026/004')).toEqual([]);
    }));

  it('treats hostile text as text: quotes, LIKE wildcards, backslashes and tsquery operators find nothing or what their words find', () =>
    withLog(async (log) => {
      await named(log, "O'Brien & Sons");
      await log.project();

      expect(await search(log, "o'bri")).toEqual(["O'Brien & Sons"]);
      expect(await search(log, 'sons & !obr:* | (x)')).toEqual([]);
      expect(await search(log, 'sons&bri')).toEqual(["O'Brien & Sons"]);
      for (const text of ['%', '_', '\\', "'", "''", '&|!:*()', '<->', "'; drop table rm_customers; --", '%\\_', '*', ':*', '!']) {
        expect(await search(log, text)).toEqual([]);
      }
      expect(await search(log, 'sons')).toEqual(["O'Brien & Sons"]);
    }));

  it('finds no one for blank text, and refuses first outside 1..100 and text over 320 characters', () =>
    withLog(async (log) => {
      await named(log, 'Anyone');
      await log.project();
      const { customers } = log.queries;

      expect(await search(log, '')).toEqual([]);
      expect(await search(log, ' \t\n ')).toEqual([]);
      expect(await search(log, 'a'.repeat(320))).toEqual([]);
      expect((await customers.searchCustomers({ text: 'any', first: 100 })).length).toBe(1);
      for (const first of [0, 101, -1, 1.5]) {
        await expect(customers.searchCustomers({ text: 'any', first })).rejects.toMatchObject({ code: 'BAD_USER_INPUT', fields: { first: 'must be between 1 and 100' } });
      }
      await expect(customers.searchCustomers({ text: 'a'.repeat(321), first: 20 })).rejects.toMatchObject({ code: 'BAD_USER_INPUT', fields: { text: 'must be at most 320 characters' } });
    }));
});

describe('searchCustomers at 100,000 customers', () => {
  it('finds words through the GIN index of search_vector, not by reading every customer', () =>
    withLog(async (log) => {
      await log.pool.query(`insert into rm_customers (id, name, kind, region, email, registered_at, version)
        select 'bulk-' || i, 'Société ' || md5(i::text) || ' Nº' || i, 'DISTRIBUTOR', 'Région ' || (i % 50), 'c' || i || '@example.com', now(), 0
          from generate_series(1, 100000) i`);
      await log.pool.query('analyze rm_customers');
      const { rows } = await log.pool.query<{ 'QUERY PLAN': string }>(
        "explain select id from rm_customers where search_vector @@ ledger_search_query('societe 4a8')",
      );
      expect(rows.map((r) => r['QUERY PLAN']).join('\n')).toContain('rm_customers_search');

      const started = performance.now();
      const found = await log.queries.customers.searchCustomers({ text: 'bulk 99999', first: 20 });
      expect(performance.now() - started).toBeLessThan(500);
      expect(found.map((c) => c.id)).toEqual(['bulk-99999']);
    }), 120_000);
});

describe('the search migration on a PostgreSQL where the ledger may not create extensions', () => {
  it('stops with a message naming unaccent and what to run', async () => {
    const db = await createTestDatabase();
    const role = `ledger_t_user_${randomBytes(4).toString('hex')}`;
    const asAdmin = async (sql: string, url = db.url) => {
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        await admin.query(sql);
      } finally {
        await admin.end();
      }
    };
    const asRole = new URL(db.url);
    asRole.username = role;
    asRole.password = 'secret';
    const pool = createPool({ connectionString: asRole.toString(), max: 1 });
    try {
      await asAdmin(`create role ${role} login password 'secret'; grant create on schema public to ${role}`);
      await expect(runMigrations(pool, customersMigrations)).rejects.toThrow(
        /migration 0104_customer_search failed: customer search needs the PostgreSQL extension unaccent \(contrib\): permission denied/,
      );
    } finally {
      await pool.end();
      await db.drop();
      await asAdmin(`drop role if exists ${role}`, process.env.LEDGER_TEST_SERVER_URL);
    }
  });
});
