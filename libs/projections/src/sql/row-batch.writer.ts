import type pg from 'pg';

/** A table's columns as written by a projection: name and PostgreSQL type, the key first. */
export type Columns = readonly (readonly [name: string, type: string])[];

/**
 * Writes many rows in one statement: each column travels as one typed array and `unnest` zips
 * them back into rows (cheaper for PostgreSQL than parsing a JSON document per row). With
 * `upsert`, a row whose key exists replaces the stored one.
 */
export async function writeRows(
  client: pg.ClientBase,
  table: string,
  columns: Columns,
  rows: readonly Record<string, unknown>[],
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
