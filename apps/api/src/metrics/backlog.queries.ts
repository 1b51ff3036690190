import type pg from 'pg';

export interface ProjectionLag {
  /** A projection_checkpoints row: a read model, or the webhooks' outbox. */
  name: string;
  /** Log head position minus the checkpoint's. */
  events: number;
  /** Age of the oldest event the checkpoint has not reached; 0 when caught up. */
  seconds: number;
}

export interface WebhookBacklog {
  pending: number;
  /** Age of the oldest pending delivery; 0 when none is pending. */
  oldestSeconds: number;
}

// Index lookups only: the head is the primary key's last entry, each checkpoint's next event one
// step along it; no count over the log. A checkpoint not written yet (its runner never started)
// stands at 0.
const LAG_SQL = `
with names as (select unnest($1::text[]) as name union select name from projection_checkpoints)
select n.name,
       greatest(h.head - coalesce(c.position, 0), 0)::float8 as events,
       coalesce(extract(epoch from now() - (
         select e.recorded_at from es_events e where e.position > coalesce(c.position, 0) order by e.position limit 1
       )), 0)::float8 as seconds
from names n
left join projection_checkpoints c on c.name = n.name
cross join (select coalesce(max(position), 0) as head from es_events) h`;

/** How far each checkpoint (those named, and any other stored) is behind the log (PostgreSQL store). */
export async function projectionLag(pool: pg.Pool, names: readonly string[]): Promise<ProjectionLag[]> {
  const { rows } = await pool.query<ProjectionLag>(LAG_SQL, [names]);
  return rows.map((r) => ({ name: r.name, events: r.events, seconds: Math.max(0, r.seconds) }));
}

// The pending deliveries are read through their partial index (status = 'PENDING'): the work is
// the backlog's size, never the deliveries' history.
const BACKLOG_SQL = `
select count(*)::float8 as pending, coalesce(extract(epoch from now() - min(created_at)), 0)::float8 as "oldestSeconds"
from webhook_deliveries where status = 'PENDING'`;

/** Webhook deliveries still to send. */
export async function webhookBacklog(pool: pg.Pool): Promise<WebhookBacklog> {
  const { rows } = await pool.query<WebhookBacklog>(BACKLOG_SQL);
  return { pending: rows[0]!.pending, oldestSeconds: Math.max(0, rows[0]!.oldestSeconds) };
}
