import { createHash } from 'node:crypto';
import type pg from 'pg';

// Company names as agents meet them: a family name, a trade and a legal form, accents included;
// GmbH is a quarter of the legal forms so that "gmbh" is a word thousands of customers share.
const FAMILIES = [
  'Müller', 'Schäfer', 'Lefèvre', 'Dubois', 'García', 'Núñez', 'Øberg', 'Åström', 'Kowalski', 'Dvořák',
  'Nováková', 'Šimek', 'Čapek', 'Björk', 'Jørgensen', 'Fernández', 'Martín', 'Rossi', 'Bianchi', 'Ferrari',
  'Smith', "O'Brien", 'Nguyễn', 'Ibáñez', 'Gómez', 'Brontë', 'Weiß', 'Groß', 'Bäcker', 'Hößl',
  'Łukasiewicz', 'Ångström', 'Citroën', 'Noël', 'André', 'Hélène', 'Benoît', 'Albrecht', 'Anders', 'Meyer',
];
const TRADES = [
  'Logistik', 'Transports', 'Bâtiment', 'Café', 'Électricité', 'Bäckerei', 'Solutions', 'Trading', 'Consulting', 'Immobilier',
  'Pâtisserie', 'Médical', 'Technik', 'Holding', 'Services', 'Import', 'Export', 'Atelier', 'Hôtel', 'Automobiles',
];
const FORMS = ['GmbH', 'GmbH', 'GmbH', 'SARL', 'SAS', 'Ltd', 'AG', 'S.A.', 'BV', 'KG', 'S.r.l.', 'Oy'];
const REGIONS = [
  'Île-de-France', 'Bayern', 'Nord', 'Rhône-Alpes', 'Baden-Württemberg', 'Catalunya',
  'Lombardia', 'Wallonie', 'Zürich', 'Andalucía', 'Provence', 'Hessen',
];

const array = (values: readonly string[]) => `array[${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', ')}]`;

/** The one customer the accent-free query must find: "zephyr buro". */
export const ZEPHYR = { id: 'c0ffee00-0000-4000-8000-00000000beef', name: 'Zéphyr Büro GmbH', email: 'ines.muller@zephyr-buero.de', region: 'Île-de-France' };
export const PROBE_PROMISE = 'p-bench-search-0001';
export const PROBE_REFERENCE = 'INV/2026/0042';

/** The id of the `i`-th seeded customer: md5(i) as a UUID, as registerCustomer makes them. */
export const seededCustomerId = (i: number): string =>
  createHash('md5').update(String(i)).digest('hex').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');

/**
 * `count` customers straight into the read model (the search reads nothing else), plus the Zéphyr
 * customer, one promise and one error of it for the whole-id lookups; then VACUUM ANALYZE, as
 * autovacuum does after that many inserts (statistics, visibility map, GIN pending lists).
 */
export async function seedCustomers(pool: pg.Pool, count: number): Promise<void> {
  await pool.query(
    `insert into rm_customers (id, name, kind, region, email, registered_at, version)
     select md5(i::text)::uuid::text,
            f.family || ' ' || t.trade || ' ' || (${array(FORMS)})[1 + (i * 7 + i / 13) % ${FORMS.length}],
            (array['DISTRIBUTOR', 'RESELLER', 'END_CUSTOMER'])[1 + i % 3],
            (${array(REGIONS)})[1 + (i * 5 + i / 7) % ${REGIONS.length}],
            'contact' || i || '@' || lower(regexp_replace(ledger_search_fold(f.family), '[^a-z]', '', 'g')) || '-' ||
              lower(regexp_replace(ledger_search_fold(t.trade), '[^a-z]', '', 'g')) || '.example',
            timestamptz '2024-01-01' + i * interval '1 minute', 0
       from generate_series(1, $1::int) i,
            lateral (select (${array(FAMILIES)})[1 + (i * 31 + i / 97) % ${FAMILIES.length}] as family) f,
            lateral (select (${array(TRADES)})[1 + (i * 17 + i / 41) % ${TRADES.length}] as trade) t`,
    [count],
  );
  await pool.query(`insert into rm_customers (id, name, kind, region, email, registered_at, version) values ($1, $2, 'RESELLER', $3, $4, now(), 0)`, [
    ZEPHYR.id,
    ZEPHYR.name,
    ZEPHYR.region,
    ZEPHYR.email,
  ]);
  await pool.query(
    `insert into rm_promises (id, customer_id, customer_kind, kind, touch_point, description, made_at, due_by, original_due_by, amendments, status, version)
     values ($1, $2, 'RESELLER', 'DELIVERY', 'PHONE', 'bench', now(), now() + interval '1 day', now() + interval '1 day', 0, 'OPEN', 0)`,
    [PROBE_PROMISE, ZEPHYR.id],
  );
  await pool.query(
    `insert into rm_errors (id, customer_id, customer_kind, type, status, occurred_at, reference, version)
     values ('e-bench-search-0001', $1, 'RESELLER', 'BILLING', 'RECORDED', now(), $2, 0)`,
    [ZEPHYR.id, PROBE_REFERENCE],
  );
  await pool.query('vacuum analyze rm_customers');
}
