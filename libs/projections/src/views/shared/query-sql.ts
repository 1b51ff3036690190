import { createHash } from 'node:crypto';
import type pg from 'pg';
import { formatMoney, type MoneyJson } from '#libs/domain';
import { decodeCursor, encodeCursor } from './cursor.js';

export type Money = MoneyJson;

export interface Page<T> {
  nodes: T[];
  totalCount: number;
  hasNextPage: boolean;
  endCursor: string | null;
}

/** The arguments of every page. */
export interface PageArgs {
  first: number;
  after?: string;
}

export const money = (minor: string | bigint, currency: string): Money => formatMoney({ minor: BigInt(minor), currency });

const statementNames = new Map<string, string>();
let statementGeneration = 0;

/**
 * Runs a read as a named statement: each session parses and plans its text once (planning cost
 * more than running these reads), then only binds and executes it. The name comes from the text,
 * so a query built the same way each time is prepared once per session.
 */
export async function queryPrepared<Row extends pg.QueryResultRow>(pool: pg.Pool, text: string, values: unknown[]): Promise<pg.QueryResult<Row>> {
  const run = () => {
    let name = statementNames.get(text);
    if (name === undefined) {
      if (statementNames.size >= 1_000) statementNames.clear();
      name = `ledger_read_${statementGeneration}_${createHash('sha1').update(text).digest('base64url')}`;
      statementNames.set(text, name);
    }
    return pool.query<Row>({ name, text, values });
  };
  try {
    return await run();
  } catch (error) {
    // "cached plan must not change result type": a table's columns changed under a session's
    // statement (a migration by a newer server); prepare every statement anew under new names.
    if ((error as { code?: string }).code !== '0A000') throw error;
    statementGeneration++;
    statementNames.clear();
    return run();
  }
}

/** Builds a parameterised WHERE clause. */
export class Where {
  readonly parts: string[] = [];
  constructor(readonly params: unknown[] = []) {}
  add(sql: (p: string) => string, value: unknown): this {
    if (value === undefined || value === null) return this;
    this.params.push(value instanceof Date ? value.toISOString() : value);
    this.parts.push(sql(`$${this.params.length}`));
    return this;
  }
  /** Adds a parameter used by hand; returns its placeholder. */
  push(value: unknown): string {
    this.params.push(value instanceof Date ? value.toISOString() : value);
    return `$${this.params.length}`;
  }
  raw(sql: string): this {
    this.parts.push(sql);
    return this;
  }
  toString(): string {
    return this.parts.length ? `where ${this.parts.join(' and ')}` : '';
  }
}

/** Rows joined to each row of a page (the page's row is `page`), with the columns they add. */
export interface PageJoin {
  /** e.g. `left join rm_customers c on c.id = page.customer_id` */
  sql: string;
  /** e.g. `c.name as customer_name` */
  columns: string;
}

/**
 * A page of a table's rows (`columns`, default all) by a (time, id) key, with the filter's total
 * count (and the rows of `join`), in one statement: one round trip instead of two or three.
 */
export async function pageOf<Row extends pg.QueryResultRow, T>(
  pool: pg.Pool,
  page: { table: string; columns?: string; join?: PageJoin; where: Where; order: [string, string]; map: (row: Row) => T; keyOf: (node: T) => [string, string] },
  args: PageArgs,
): Promise<Page<T>> {
  const { table, where, order } = page;
  // The count has the filter without the cursor: its parameters are the first ones.
  const countSql = `select count(*)::int as page_total_count from ${table} ${where}`;
  if (args.after !== undefined) {
    const [a, b] = decodeCursor(args.after, ['time', 'string']);
    where.params.push(a, b);
    where.raw(`(${order[0]}, ${order[1]}) > ($${where.params.length - 1}::timestamptz, $${where.params.length})`);
  }
  where.params.push(args.first + 1);
  // A scalar count beside the page: an empty page is one row holding the count (page_row is null).
  const { rows } = await queryPrepared<Row & { page_total_count: number; page_row: true | null }>(
    pool,
    `select total.page_total_count, page.*${page.join ? `, ${page.join.columns}` : ''}
       from (${countSql}) total
       left join lateral (select ${page.columns ?? '*'}, true as page_row from ${table} ${where}
                           order by ${order[0]}, ${order[1]} limit $${where.params.length}) page on true
       ${page.join?.sql ?? ''}
      order by page.${order[0]}, page.${order[1]}`,
    where.params,
  );
  const found = rows[0]!.page_row === null ? [] : rows;
  const nodes = found.slice(0, args.first).map(page.map);
  const last = nodes.at(-1);
  return {
    nodes,
    totalCount: rows[0]!.page_total_count,
    hasNextPage: found.length > args.first,
    endCursor: last ? encodeCursor(page.keyOf(last)) : null,
  };
}
