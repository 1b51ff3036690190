import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database.js';
import { COPY_MIN_ROWS, writeRows, writingInBulk, type Columns } from './row-batch.writer.js';

type Row = { id: string; name: string | null; n: number | null; big: string | null; at: string | Date | null; data: unknown };

const COLUMNS: Columns<Row> = [['id', 'text'], ['name', 'text'], ['n', 'int'], ['big', 'bigint'], ['at', 'timestamptz'], ['data', 'jsonb']];

// Everything COPY's text format treats specially, and what the log can hold besides.
const TEXTS = ['tab\there', 'new\nline', 'cr\rhere', 'back\\slash', '\\N', '\\.', 'ж😀', '', ' ', 'quote"\'', 'end\\', '\\\\t'];
const DATA: unknown[] = [{ a: 'x\ty\\z\n' }, [1, 'a\tb', null, { nested: ['\\N'] }], 'a string', 42, true, { '': '' }, []];

const row = (i: number, version: number): Row => ({
  id: `r${i}-${TEXTS[i % TEXTS.length]}`,
  name: i % 7 === 0 ? null : `${TEXTS[(i + version) % TEXTS.length]} ${version}`,
  n: i % 5 === 0 ? null : i * (version % 2 ? -1 : 1),
  big: i % 11 === 0 ? null : i === 1 ? '9223372036854775807' : String(BigInt(i) * 1_000_000_007n + BigInt(version)),
  at: i % 13 === 0 ? null : i % 2 ? new Date(Date.UTC(1, 0, 1) + i * 86_400_123) : new Date(Date.UTC(2026, 0, 1) + i * 1_001 + version).toISOString(),
  data: i % 17 === 0 ? null : { i, version, value: DATA[(i + version) % DATA.length] },
});

let db: TestDatabase;
let client: pg.Client;
beforeAll(async () => {
  db = await createTestDatabase();
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
});
afterAll(async () => {
  await client.end();
  await db.drop();
});

/** The client, noting each statement it is given (COPY's text included). */
function recording(statements: string[]): pg.ClientBase {
  return new Proxy(client, {
    get: (target, property) =>
      property === 'query'
        ? (query: string | { text: string }, ...rest: unknown[]) => {
            statements.push(typeof query === 'string' ? query : query.text);
            return (target.query as (...args: unknown[]) => unknown)(query, ...rest);
          }
        : Reflect.get(target, property, target),
  });
}

const contents = async (table: string) => (await client.query(`select * from ${table} order by id`)).rows;

describe('writeRows', () => {
  it('writes a large bulk batch by COPY (upserting only the keys it finds stored) to the same rows as the small batches of unnest', async () => {
    for (const table of ['by_copy', 'by_unnest']) {
      await client.query(`create table ${table} (id text primary key, name text, n int, big bigint, at timestamptz, data jsonb)`);
    }
    const first = Array.from({ length: COPY_MIN_ROWS + 44 }, (_, i) => row(i, 1));
    // The second batch changes every other stored row and adds as many new ones.
    const second = [...first.filter((_, i) => i % 2 === 0).map((r, i) => ({ ...row(2 * i, 2), id: r.id })), ...first.map((_, i) => row(i + first.length, 2))];
    const small = async (rows: Row[], mode: 'insert' | 'upsert') => {
      for (let i = 0; i < rows.length; i += 50) await writeRows(client, 'by_unnest', COLUMNS, rows.slice(i, i + 50), mode);
    };

    const statements: string[] = [];
    const copying = recording(statements);
    const bulk = writingInBulk(copying);
    await writeRows(copying, 'by_copy', COLUMNS, first, 'insert');
    await small(first, 'insert');
    expect(await contents('by_copy')).toEqual(await contents('by_unnest'));
    await writeRows(copying, 'by_copy', COLUMNS, second, 'upsert');
    bulk.done();
    await small(second, 'upsert');

    expect(await contents('by_copy')).toEqual(await contents('by_unnest'));
    expect((await contents('by_copy')).length).toBe(2 * first.length);
    expect(statements.map((s) => s.trim().split(/\s+/).slice(0, 3).join(' '))).toEqual([
      'copy by_copy (id,', // the first batch: every row new
      'select id as', // which keys of the second are stored
      'copy by_copy (id,', // the new ones
      'insert into by_copy', // the stored ones, upserted
    ]);
  });

  it('writes large batches as one statement when they are not bulk (the runner\'s)', async () => {
    await client.query('create table runner_rows (id text primary key, name text, n int, big bigint, at timestamptz, data jsonb)');
    const statements: string[] = [];
    await writeRows(recording(statements), 'runner_rows', COLUMNS, Array.from({ length: COPY_MIN_ROWS * 2 }, (_, i) => row(i, 1)), 'upsert');
    expect(statements.map((s) => s.trim().split(/\s+/).slice(0, 3).join(' '))).toEqual(['insert into runner_rows']);
  });

  it('fails a COPY on a duplicate key, as the insert it replaces does', async () => {
    await client.query('create table dupes (id text primary key, name text, n int, big bigint, at timestamptz, data jsonb)');
    const rows = Array.from({ length: COPY_MIN_ROWS }, (_, i) => row(i, 1));
    await writeRows(client, 'dupes', COLUMNS, rows.slice(0, 1), 'insert');
    const bulk = writingInBulk(client);
    await expect(writeRows(client, 'dupes', COLUMNS, rows, 'insert')).rejects.toMatchObject({ code: '23505' });
    bulk.done();
    // The connection is usable afterwards.
    expect((await client.query('select count(*)::int as n from dupes')).rows[0].n).toBe(1);
  });
});
