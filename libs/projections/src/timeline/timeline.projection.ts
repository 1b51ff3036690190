import type pg from 'pg';
import type { StoredEvent } from '#libs/event-store';
import { LEDGER_EVENT_TYPES, occurredAt, summarizeEvent, type LedgerEvent } from '#libs/domain';
import type { Projection } from '../projection.js';

const KNOWN = new Set<string>(LEDGER_EVENT_TYPES);

/** Every event about a customer, with a one-line summary, for the agent's timeline. */
export class TimelineProjection implements Projection {
  readonly name = 'timeline';
  readonly tables = ['rm_timeline'];

  async apply(events: readonly StoredEvent[], client: pg.PoolClient): Promise<void> {
    const rows = [];
    for (const stored of events) {
      const customerId = (stored.data as { customerId?: unknown }).customerId;
      if (!KNOWN.has(stored.type) || typeof customerId !== 'string') continue;
      const event = { type: stored.type, data: stored.data } as LedgerEvent;
      rows.push({
        position: stored.position.toString(),
        customer_id: customerId,
        type: stored.type,
        occurred_at: occurredAt(event),
        recorded_at: stored.recordedAt.toISOString(),
        summary: summarizeEvent(event),
        data: stored.data,
      });
    }
    if (rows.length === 0) return;
    await client.query(
      `insert into rm_timeline (position, customer_id, type, occurred_at, recorded_at, summary, data)
       select * from jsonb_to_recordset($1::jsonb)
         as x(position bigint, customer_id text, type text, occurred_at timestamptz, recorded_at timestamptz, summary text, data jsonb)`,
      [JSON.stringify(rows)],
    );
  }
}
