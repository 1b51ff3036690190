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

/** A page of a table's rows (`columns`, default all) by a (time, id) key, with the filter's total count. */
export async function pageOf<Row extends pg.QueryResultRow, T>(
  pool: pg.Pool,
  page: { table: string; columns?: string; where: Where; order: [string, string]; map: (row: Row) => T; keyOf: (node: T) => [string, string] },
  args: PageArgs,
): Promise<Page<T>> {
  const { table, where, order } = page;
  const countParams = [...where.params];
  const countSql = `select count(*)::int as n from ${table} ${where}`;
  if (args.after !== undefined) {
    const [a, b] = decodeCursor(args.after, ['time', 'string']);
    where.params.push(a, b);
    where.raw(`(${order[0]}, ${order[1]}) > ($${where.params.length - 1}::timestamptz, $${where.params.length})`);
  }
  where.params.push(args.first + 1);
  const [{ rows }, count] = await Promise.all([
    pool.query<Row>(`select ${page.columns ?? '*'} from ${table} ${where} order by ${order[0]}, ${order[1]} limit $${where.params.length}`, where.params),
    pool.query<{ n: number }>(countSql, countParams),
  ]);
  const nodes = rows.slice(0, args.first).map(page.map);
  const last = nodes.at(-1);
  return {
    nodes,
    totalCount: count.rows[0]!.n,
    hasNextPage: rows.length > args.first,
    endCursor: last ? encodeCursor(page.keyOf(last)) : null,
  };
}
