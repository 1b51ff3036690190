import { finished } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** A table's columns as written by a projection: name (a key of its row) and PostgreSQL type, the key first. */
export type Columns<Row> = readonly (readonly [name: keyof Row & string, type: string])[];

/** The columns' names, comma-separated, for a select. */
export const columnList = <Row>(columns: Columns<Row>): string => columns.map(([name]) => name).join(', ');

/**
 * From this many rows a bulk write travels by COPY: parsing one COPY stream costs PostgreSQL about
 * half of what the same rows cost as typed arrays, which outweighs its extra round trips (an upsert
 * first asks which keys exist) and the Node time to build its text only for large batches.
 */
export const COPY_MIN_ROWS = 256;

const bulkWriters = new WeakSet<pg.ClientBase>();

/**
 * Marks a client's writes as bulk (a rebuild's: large batches into tables nothing else writes)
 * until `done` is called: `writeRows` may then send them by COPY. The runner's writes keep to one
 * statement per table: its Node process also serves the API.
 */
export function writingInBulk(client: pg.ClientBase): { done(): void } {
  bulkWriters.add(client);
  return { done: () => bulkWriters.delete(client) };
}

/**
 * Writes many rows in a few statements. They travel as one typed array per column that `unnest`
 * zips back into rows (cheaper for PostgreSQL than parsing a JSON document per row); large bulk
 * batches (`writingInBulk`) by COPY. With `upsert`, a row whose key exists replaces the stored one:
 * a large bulk batch first asks which of its keys exist, sends the others by COPY and upserts only those.
 * `json` / `jsonb` columns take any JSON value (serialized here); array-typed columns keep to `unnest`.
 */
export async function writeRows<Row>(
  client: pg.ClientBase,
  table: string,
  columns: Columns<NoInfer<Row>>,
  rows: readonly Row[],
  mode: 'insert' | 'upsert',
): Promise<void> {
  if (rows.length === 0) return;
  const bulk = rows.length >= COPY_MIN_ROWS && bulkWriters.has(client) && !columns.some(([, type]) => type.endsWith('[]'));
  if (!bulk) return unnestRows(client, table, columns, rows, mode);
  if (mode === 'insert') return copyRows(client, table, columns, rows);
  const [key, keyType] = columns[0]!;
  const { rows: stored } = await client.query<{ key: unknown }>(`select ${key} as key from ${table} where ${key} = any($1::${keyType}[])`, [
    rows.map((row) => row[key] ?? null),
  ]);
  const existing = new Set(stored.map((r) => String(r.key)));
  if (existing.size === 0) return copyRows(client, table, columns, rows);
  const fresh = rows.filter((row) => !existing.has(String(row[key])));
  if (fresh.length > 0) await copyRows(client, table, columns, fresh);
  await unnestRows(client, table, columns, existing.size === rows.length ? rows : rows.filter((row) => existing.has(String(row[key]))), 'upsert');
}

const isJson = (type: string) => type === 'json' || type === 'jsonb';

/** A column's values as parameters: JSON serialized by us, so an array stays a JSON array. */
function columnValues<Row>(rows: readonly Row[], name: keyof Row & string, type: string): unknown[] {
  return isJson(type) ? rows.map((row) => (row[name] == null ? null : JSON.stringify(row[name]))) : rows.map((row) => row[name] ?? null);
}

async function unnestRows<Row>(client: pg.ClientBase, table: string, columns: Columns<Row>, rows: readonly Row[], mode: 'insert' | 'upsert'): Promise<void> {
  const names = columns.map(([name]) => name);
  const conflict =
    mode === 'upsert'
      ? ` on conflict (${names[0]}) do update set ${names.slice(1).map((n) => `${n} = excluded.${n}`).join(', ')}`
      : '';
  // Rows holding JSON travel as one document: Node serializes it in one call, where arrays of JSON
  // texts would cost it an escape per element (the runner's Node process also serves the API).
  if (columns.some(([, type]) => isJson(type))) {
    await client.query(
      `insert into ${table} (${names.join(', ')})
       select * from jsonb_to_recordset($1::jsonb) as x(${columns.map(([name, type]) => `${name} ${type}`).join(', ')})${conflict}`,
      [JSON.stringify(rows)], // a key that is not a column is not read
    );
    return;
  }
  await client.query(
    `insert into ${table} (${names.join(', ')})
     select * from unnest(${columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ')})${conflict}`,
    columns.map(([name, type]) => columnValues(rows, name, type)),
  );
}

const COPY_SPECIAL = /[\\\n\r\t]/;
const COPY_SPECIALS = /[\\\n\r\t]/g;
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** A value in COPY's text format: the text PostgreSQL's input function would get as a parameter. */
function copyField(value: unknown, json: boolean): string {
  if (value === null || value === undefined) return '\\N';
  if (json) return escapeCopy(JSON.stringify(value));
  if (typeof value === 'number') return String(value);
  return escapeCopy(value instanceof Date ? value.toISOString() : typeof value === 'object' ? JSON.stringify(value) : String(value));
}

function escapeCopy(text: string): string {
  return COPY_SPECIAL.test(text) ? text.replace(COPY_SPECIALS, (c) => COPY_ESCAPES[c]!) : text;
}

/** Inserts rows with one COPY (text format): no conflict handling, a duplicate key fails it. */
async function copyRows<Row>(client: pg.ClientBase, table: string, columns: Columns<Row>, rows: readonly Row[]): Promise<void> {
  const names = columns.map(([name]) => name);
  const json = columns.map(([, type]) => isJson(type));
  // Concatenated, not joined: about half the time for the large batches this path is for.
  let text = '';
  for (const row of rows) {
    text += copyField(row[names[0]!], json[0]!);
    for (let i = 1; i < names.length; i++) text += '\t' + copyField(row[names[i]!], json[i]!);
    text += '\n';
  }
  const stream = client.query(copyFrom(`copy ${table} (${names.join(', ')}) from stdin`));
  stream.end(text);
  await finished(stream);
}

/** Timestamps come back as Date; a projection keeps them as ISO strings, as the events carry them. */
export function withIsoTimes<Row extends object>(row: Row): Row {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v])) as Row;
}

/** Loads rows by id, times as ISO strings: the rows a batch changes but does not create. */
export async function loadRows<Row extends { id: string }>(
  client: pg.ClientBase,
  table: string,
  columns: Columns<NoInfer<Row>>,
  ids: ReadonlySet<string>,
): Promise<Map<string, Row>> {
  if (ids.size === 0) return new Map();
  const { rows } = await client.query<Row & Record<string, unknown>>(`select ${columnList(columns)} from ${table} where id = any($1)`, [[...ids]]);
  return new Map(rows.map((r) => [r.id, withIsoTimes<Row>(r)]));
}
