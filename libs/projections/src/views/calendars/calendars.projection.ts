import type pg from 'pg';
import { unreachable } from '#libs/domain';
import type { LedgerRecord } from '../shared/ledger-record.js';
import type { ViewBatch, ViewProjection } from '../shared/view-projection.js';
import { calendarsMigrations } from './calendars.migrations.js';
import { versionKey, type CalendarRow } from './calendar.rows.js';

/** Business calendars, every version kept (rm_business_calendars). */
export const calendarsProjection: ViewProjection = {
  name: 'calendars',
  tables: ['rm_business_calendars'],
  reads: [],
  migrations: calendarsMigrations,
  begin: async () => new CalendarsBatch(),
};

class CalendarsBatch implements ViewBatch {
  private readonly rows = new Map<string, CalendarRow<string>>();

  apply(event: LedgerRecord): void {
    switch (event.type) {
      case 'BusinessCalendarSet': {
        const d = event.data;
        // The version is the stream revision, as a caller's expectedVersion counts it.
        const version = Number(event.revision);
        const row = { version_key: versionKey(d.calendarId, version), id: d.calendarId, version, name: d.name, time_zone: d.timeZone, hours: d.hours, holidays: d.holidays, set_at: d.setAt };
        this.rows.set(row.version_key, row);
        return;
      }
      case 'CustomerRegistered':
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
      case 'ErrorVoided':
      case 'ErrorCostPolicySet':
      case 'CustomerErased':
        return;
      default:
        return unreachable(event);
    }
  }

  async write(client: pg.ClientBase): Promise<void> {
    if (this.rows.size === 0) return;
    await client.query(
      `insert into rm_business_calendars (version_key, id, version, name, time_zone, hours, holidays, set_at)
       select * from jsonb_to_recordset($1::jsonb)
         as x(version_key text, id text, version int, name text, time_zone text, hours jsonb, holidays jsonb, set_at timestamptz)
       on conflict (version_key) do nothing`,
      [JSON.stringify([...this.rows.values()])],
    );
  }
}
