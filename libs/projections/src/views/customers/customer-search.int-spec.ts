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

// The ranking without the walks: every match ranked, then the limit (what searchCustomers answered
// before migration 0105, ordered by the folded name in C order).
const RANKED_WHOLE = `
with lookup as (select array(select customer_id from rm_promises where id = $1
                             union all select customer_id from rm_errors where reference = $1) as ids)
select c.id from rm_customers c, lookup
 where c.id = $1 or c.id = any(lookup.ids) or c.search_vector @@ ledger_search_query($1)
 order by case when c.id = $1 then 0 when c.id = any(lookup.ids) then 1
               when c.name_words @> ledger_search_words($1) then 2 else 3 end,
          c.search_name collate "C", c.id
 limit $2`;

describe('searchCustomers among thousands of matches', () => {
  it('puts the exact id and the whole-word names first when thousands of customers match by prefix', () =>
    withLog(async (log) => {
      await log.pool.query(`insert into rm_customers (id, name, kind, region, registered_at, version)
        select 'p-' || i, 'Nordics ' || i, 'DISTRIBUTOR', 'Bayern', now(), 0 from generate_series(1, 6000) i`);
      const whole = await named(log, 'Zulu Nord');
      const exact = 'nord';
      await log.append('customer-nord', {
        type: 'CustomerRegistered',
        data: { customerId: exact, name: 'Zzz', kind: 'RESELLER', registeredAt: '2026-01-01T00:00:00.000Z' },
      });
      await log.project();
      await log.pool.query('vacuum analyze rm_customers');

      const ids = (await log.queries.customers.searchCustomers({ text: 'nord', first: 20 })).map((c) => c.id);
      expect(ids.slice(0, 3)).toEqual([exact, whole, 'p-1']);
      expect(ids).toHaveLength(20);
      expect((await log.queries.customers.searchCustomers({ text: 'nord', first: 2 })).map((c) => c.id)).toEqual([exact, whole]);
    }), 60_000);

  it('answers as ranking every match would, whether the walks in name order find enough or the GIN indexes take over', () =>
    withLog(async (log) => {
      // Names sorted by their first word gather its prefixes (Müller…), trades spread through the
      // order, a few words are rare; some customers have no name (erased) and are found by region.
      await log.pool.query(`insert into rm_customers (id, name, kind, region, email, registered_at, version)
        select 'c-' || i,
               case when i % 997 = 0 then null
                    else (array['Albrecht', 'Müller', 'Mulder', 'Zéphyr', 'Ångström', 'Nord', 'Bäcker'])[1 + i % 7] || ' ' ||
                         (array['Logistik', 'Médical', 'Nordics', 'Café', 'Büro'])[1 + (i / 7) % 5] || ' ' ||
                         case when i % 500 = 0 then 'Quokka' else (array['GmbH', 'SARL', 'AG'])[1 + (i / 35) % 3] end end,
               'DISTRIBUTOR', (array['Bayern', 'Nord', 'Île-de-France'])[1 + (i / 3) % 3],
               case when i % 997 = 0 then null else 'contact' || i || '@example.com' end, now(), 0
          from generate_series(1, 12000) i`);
      const owner = await named(log, 'Mulder Owner');
      const promiseId = await log.promise(owner, '2026-03-01T00:00:00.000Z');
      await log.project();
      await log.pool.query('vacuum analyze rm_customers');

      const texts = ['a', 'm', 'mu', 'mul', 'muller', 'nord', 'gmbh', 'quokka', 'zeph buro', 'medical mul', 'bayern', 'contact1', 'contact11999@', 'c-4242', 'zz', promiseId, 'ile de'];
      for (const text of texts) {
        for (const first of [1, 20, 100]) {
          const { rows } = await log.pool.query<{ id: string }>(RANKED_WHOLE, [text, first]);
          const found = (await log.queries.customers.searchCustomers({ text, first })).map((c) => c.id);
          expect({ text, first, found }).toEqual({ text, first, found: rows.map((r) => r.id) });
        }
      }
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
