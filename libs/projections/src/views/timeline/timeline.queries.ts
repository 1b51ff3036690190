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
  /**
   * Every event about the customer, oldest first (by log position), or newest first; as of a
   * moment: only the events recorded by then.
   */
  timeline(args: { customerId: string; asOf?: Date; newestFirst?: boolean } & PageArgs): Promise<Page<TimelineEntryView>>;
}

export class TimelineQueries implements TimelineReads {
  constructor(private readonly pool: pg.Pool) {}

  async timeline(args: { customerId: string; asOf?: Date; newestFirst?: boolean } & PageArgs): Promise<Page<TimelineEntryView>> {
    const where = new Where().add((p) => `customer_id = ${p}`, args.customerId).add((p) => `recorded_at <= ${p}`, args.asOf);
    const count = this.pool.query<{ n: number }>(`select count(*)::int as n from rm_timeline ${where}`, [...where.params]);
    const direction = args.newestFirst ? { op: '<', order: 'desc' } : { op: '>', order: 'asc' };
    if (args.after !== undefined) where.add((p) => `position ${direction.op} ${p}::bigint`, decodeCursor(args.after, ['position'])[0]);
    const limit = where.push(args.first + 1);
    const [{ rows }, total] = await Promise.all([
      this.pool.query<TimelineRow>(
        `select position::text, type, occurred_at, recorded_at, summary, data from rm_timeline ${where}
          order by rm_timeline.position ${direction.order} limit ${limit}`,
        where.params,
      ),
      count,
    ]);
    const nodes = rows.slice(0, args.first).map((r) => ({
      position: r.position, type: r.type, occurredAt: r.occurred_at, recordedAt: r.recorded_at, summary: r.summary, data: r.data,
    }));
    const last = nodes.at(-1);
    return {
      nodes,
      totalCount: total.rows[0]!.n,
      hasNextPage: rows.length > args.first,
      endCursor: last ? encodeCursor([last.position]) : null,
    };
  }
}
