import type pg from 'pg';
import { decodeCursor, encodeCursor } from '../shared/cursor.js';
import { Where, type Page, type PageArgs } from '../shared/query-sql.js';

export interface TimelineEntryView {
  position: string;
  type: string;
  occurredAt: Date;
  recordedAt: Date;
  summary: string;
  data: unknown;
}

type TimelineRow = { position: string; type: string; occurred_at: Date; recorded_at: Date; summary: string; data: unknown };

/** What the timeline view answers. */
export interface TimelineReads {
  /** Every event about the customer, oldest first (by log position). */
  timeline(args: { customerId: string } & PageArgs): Promise<Page<TimelineEntryView>>;
}

export class TimelineQueries implements TimelineReads {
  constructor(private readonly pool: pg.Pool) {}

  async timeline(args: { customerId: string } & PageArgs): Promise<Page<TimelineEntryView>> {
    const where = new Where().add((p) => `customer_id = ${p}`, args.customerId);
    const countParams = [...where.params];
    if (args.after !== undefined) where.add((p) => `position > ${p}::bigint`, decodeCursor(args.after, ['position'])[0]);
    const limit = where.push(args.first + 1);
    const [{ rows }, count] = await Promise.all([
      this.pool.query<TimelineRow>(
        `select position::text, type, occurred_at, recorded_at, summary, data from rm_timeline ${where} order by rm_timeline.position limit ${limit}`,
        where.params,
      ),
      this.pool.query<{ n: number }>('select count(*)::int as n from rm_timeline where customer_id = $1', countParams),
    ]);
    const nodes = rows.slice(0, args.first).map((r) => ({
      position: r.position, type: r.type, occurredAt: r.occurred_at, recordedAt: r.recorded_at, summary: r.summary, data: r.data,
    }));
    const last = nodes.at(-1);
    return {
      nodes,
      totalCount: count.rows[0]!.n,
      hasNextPage: rows.length > args.first,
      endCursor: last ? encodeCursor([last.position]) : null,
    };
  }
}
