import type pg from 'pg';

/**
 * The deadline watcher's queries (libs/application's DeadlineFinder, provided as DEADLINE_FINDER):
 * open promises by due date, through the partial index on open due dates. Never cached: they
 * depend on the clock.
 */
export class PromiseDeadlineQueries {
  constructor(private readonly pool: pg.Pool) {}

  /** Open promises whose clock runs (not paused), due at or before `now`, after a (dueBy, id) key. */
  async findDuePromises(now: Date, limit: number, after?: { dueBy: Date; id: string }): Promise<{ id: string; dueBy: Date }[]> {
    const { rows } = await this.pool.query<{ id: string; due_by: Date }>(
      `select id, due_by from rm_promises
        where status = 'OPEN' and paused_at is null and due_by <= $1 and ($3::timestamptz is null or (due_by, id) > ($3::timestamptz, $4::text))
        order by due_by, id limit $2`,
      [now.toISOString(), limit, after?.dueBy.toISOString() ?? null, after?.id ?? null],
    );
    return rows.map((r) => ({ id: r.id, dueBy: r.due_by }));
  }

  /**
   * Promises made before risk levels (no stored risk moments), open and running, due within
   * (now, until] and not yet flagged at risk for their current due date.
   */
  async findPromisesAtRisk(now: Date, until: Date, limit: number): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>(
      `select id from rm_promises
        where status = 'OPEN' and paused_at is null and due_by > $1 and due_by <= $2 and at_risk_for is distinct from due_by
          and at_risk_at is null
        order by due_by limit $3`,
      [now.toISOString(), until.toISOString(), limit],
    );
    return rows.map((r) => r.id);
  }

  /** Open, running promises whose next risk moment (AT_RISK, then CRITICAL) is at or before `now`, after a key. */
  async findRiskCrossings(now: Date, limit: number, after?: { at: Date; id: string }): Promise<{ id: string; at: Date }[]> {
    const { rows } = await this.pool.query<{ id: string; next_risk_at: Date }>(
      `select id, next_risk_at from rm_promises
        where status = 'OPEN' and paused_at is null and next_risk_at is not null and next_risk_at <= $1
          and ($3::timestamptz is null or (next_risk_at, id) > ($3::timestamptz, $4::text))
        order by next_risk_at, id limit $2`,
      [now.toISOString(), limit, after?.at.toISOString() ?? null, after?.id ?? null],
    );
    return rows.map((r) => ({ id: r.id, at: r.next_risk_at }));
  }
}
