import type pg from 'pg';

/** A table's columns as written by a projection: name (a key of its row) and PostgreSQL type, the key first. */
export type Columns<Row> = readonly (readonly [name: keyof Row & string, type: string])[];

/** The columns' names, comma-separated, for a select. */
export const columnList = <Row>(columns: Columns<Row>): string => columns.map(([name]) => name).join(', ');

/**
 * Writes many rows in one statement: each column travels as one typed array and `unnest` zips
 * them back into rows (cheaper for PostgreSQL than parsing a JSON document per row). With
 * `upsert`, a row whose key exists replaces the stored one.
 */
export async function writeRows<Row>(
  client: pg.ClientBase,
  table: string,
  columns: Columns<NoInfer<Row>>,
  rows: readonly Row[],
  mode: 'insert' | 'upsert',
): Promise<void> {
  if (rows.length === 0) return;
  const names = columns.map(([name]) => name);
  const arrays = names.map((name) => rows.map((row) => row[name] ?? null));
  const conflict =
    mode === 'upsert'
      ? ` on conflict (${names[0]}) do update set ${names.slice(1).map((n) => `${n} = excluded.${n}`).join(', ')}`
      : '';
  await client.query(
    `insert into ${table} (${names.join(', ')})
     select * from unnest(${columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ')})${conflict}`,
    arrays,
  );
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
