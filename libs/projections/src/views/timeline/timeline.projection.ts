import type pg from 'pg';
import { occurredAt, redactPersonalData, summarizeEvent, unreachable, type LedgerEvent } from '#libs/domain';
import { writeRows, type Columns } from '../../sql/row-batch.writer.js';
import type { LedgerRecord } from '../shared/ledger-record.js';
import type { ViewProjection, ViewBatch } from '../shared/view-projection.js';

type TimelineRow = {
  position: string; customer_id: string; type: string; occurred_at: string; recorded_at: string; summary: string; data: unknown;
};

const TIMELINE_COLUMNS: Columns<TimelineRow> = [
  ['position', 'bigint'], ['customer_id', 'text'], ['type', 'text'], ['occurred_at', 'timestamptz'], ['recorded_at', 'timestamptz'],
  ['summary', 'text'], ['data', 'jsonb'],
];

/** Every event about a customer, with a one-line summary, for the agent's timeline (rm_timeline). */
export const timelineProjection: ViewProjection = {
  name: 'timeline',
  tables: ['rm_timeline'],
  reads: [],
  migrations: [],
  begin: async () => new TimelineBatch(),
};

class TimelineBatch implements ViewBatch {
  private readonly rows: TimelineRow[] = [];
  private readonly erased = new Set<string>();

  apply(event: LedgerRecord): void {
    switch (event.type) {
      case 'CustomerRegistered':
      case 'CustomerErased':
      case 'PromiseMade':
      case 'PromiseAmended':
      case 'PromiseKept':
      case 'PromiseBroken':
      case 'PromiseReleased':
      case 'PromiseFulfilledLate':
      case 'PromiseAtRisk':
      case 'PromisePaused':
      case 'PromiseResumed':
      case 'ErrorRecorded':
      case 'ErrorResolved':
      case 'ErrorVoided': {
        // The domain validated it when appended; a malformed event from elsewhere is skipped, not a stall.
        if (typeof event.data.customerId !== 'string') return;
        this.rows.push({
          position: event.position.toString(),
          customer_id: event.data.customerId,
          type: event.type,
          occurred_at: occurredAt(event),
          recorded_at: event.recordedAt.toISOString(),
          summary: summarizeEvent(event),
          data: event.data,
        });
        if (event.type === 'CustomerErased') this.erased.add(event.data.customerId);
        return;
      }
      case 'ErrorCostPolicySet':
      case 'BusinessCalendarSet':
        return; // about no customer
      default:
        return unreachable(event);
    }
  }

  async write(client: pg.ClientBase): Promise<void> {
    await writeRows(client, 'rm_timeline', TIMELINE_COLUMNS, this.rows, 'insert');
    if (this.erased.size > 0) await this.erase(client);
  }

  /**
   * An erased customer's lines read as a reader without its key reads the events
   * (redactPersonalData), summaries included, so a rebuild gives the same rows.
   */
  private async erase(client: pg.ClientBase): Promise<void> {
    const { rows } = await client.query<{ position: string; type: LedgerEvent['type']; data: LedgerEvent['data'] }>(
      'select position, type, data from rm_timeline where customer_id = any($1::text[]) order by position',
      [[...this.erased]],
    );
    const changed = rows
      .map((row) => ({ position: row.position, event: redactPersonalData({ type: row.type, data: row.data } as LedgerEvent), before: row.data }))
      .filter((r) => r.event.data !== r.before)
      .map((r) => ({ position: r.position, summary: summarizeEvent(r.event), data: r.event.data }));
    if (changed.length === 0) return;
    await client.query(
      `update rm_timeline t set summary = x.summary, data = x.data
         from jsonb_to_recordset($1::jsonb) as x(position bigint, summary text, data jsonb)
        where t.position = x.position`,
      [JSON.stringify(changed)],
    );
  }
}
