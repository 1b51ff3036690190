import type pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { checkWebhookUrl, nextAttemptAfterFailure, type Clock, type RetrySchedule, type WebhookUrlRules } from '#libs/domain';
import type { ProjectionLog } from '#libs/projections';
import type { HostResolver } from './webhook-address.js';
import { postWebhook, type AttemptOutcome } from './webhook-http.js';
import type { ExclusiveLock } from './exclusive-lock.js';

export interface WebhookSenderOptions {
  pool: pg.Pool;
  clock: Clock;
  rules: WebhookUrlRules;
  resolve: HostResolver;
  timeoutMs: number;
  schedule: RetrySchedule;
  /** Deliveries in flight at once in this process. */
  concurrency: number;
  /** Only the holder sends (one active sender across processes). */
  lock: ExclusiveLock;
  log: ProjectionLog;
  /** How often to look for due deliveries when nothing woke the sender (default 500 ms). */
  pollMs?: number;
}

interface ClaimedDelivery {
  id: string;
  webhook_id: string;
  payload: string;
  url: string;
  secret: string;
  series_attempts: number;
  series_started_at: Date | null;
}

interface AttemptRecord {
  id: string;
  status: 'PENDING' | 'DELIVERED' | 'FAILED';
  seriesAttempts: number;
  seriesStartedAt: Date;
  attemptedAt: Date;
  statusCode: number | null;
  error: string | null;
  nextAttemptAt: Date | null;
}

const STANDBY_RETRY_MS = 2_000;
// How long a claimed delivery is left to its sender beyond the attempt's own timeout.
const LEASE_MARGIN_MS = 5_000;

/**
 * Sends due deliveries from the outbox table: claims a few at a time (never more in memory than
 * it has slots), each receiver at most a quarter of the slots so a dead one cannot hold them
 * all, and a delivery only when no earlier one of its stream is pending for that webhook (log
 * order per promise). A claim is a lease (no transaction stays open during an HTTP call); a
 * sender that dies leaves its claims to be retried, with the same id, when the lease ends.
 */
export class WebhookSender {
  private running = false;
  private loop: Promise<void> | undefined;
  private inFlight = new Set<Promise<void>>();
  private wakeUp: (() => void) | undefined;
  private woken = false;
  private readonly outcomes: { outcome: AttemptRecord; resolve: () => void; reject: (error: unknown) => void }[] = [];
  private writing: Promise<void> | undefined;
  private retryTimer: { at: number; timer: NodeJS.Timeout } | undefined;
  private readonly perWebhook: number;
  private stopping = new AbortController();

  constructor(private readonly options: WebhookSenderOptions) {
    this.perWebhook = Math.max(1, Math.floor(options.concurrency / 4));
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopping = new AbortController();
    this.loop = this.run();
  }

  /**
   * Stops claiming and interrupts the attempts in flight (each recorded as a failed attempt, tried
   * again with the same id by whichever sender is active next), then releases the lock.
   */
  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    this.stopping.abort();
    await this.loop;
    await Promise.all(this.inFlight);
    if (this.retryTimer) clearTimeout(this.retryTimer.timer);
    await this.options.lock.release();
  }

  /** Something may be due: look now rather than at the next poll. */
  wake(): void {
    const waiter = this.wakeUp;
    this.wakeUp = undefined;
    if (waiter) waiter();
    else this.woken = true;
  }

  private async run(): Promise<void> {
    const { lock, log } = this.options;
    while (this.running) {
      try {
        if (!(await lock.tryAcquire())) {
          await this.idle(STANDBY_RETRY_MS);
          continue;
        }
        const free = this.options.concurrency - this.inFlight.size;
        const claimed = free > 0 ? await this.claim(free) : [];
        for (const delivery of claimed) {
          const attempt = this.attempt(delivery)
            .catch((error) => log('error', `webhook delivery ${delivery.id} could not be recorded; retried when its lease ends`, { error: String(error) }))
            .finally(() => {
              this.inFlight.delete(attempt);
              this.wake();
            });
          this.inFlight.add(attempt);
        }
        if (claimed.length === 0 || claimed.length < free) await this.idle(this.options.pollMs ?? 500);
      } catch (error) {
        if (!this.running) break;
        log('error', 'webhook sender failed; trying again', { error: String(error) });
        await lock.release();
        await this.idle(1_000);
      }
    }
  }

  /** One timer for the earliest retry this process scheduled (a retry need not wait for the next poll). */
  private wakeAt(at: Date): void {
    const when = at.getTime();
    if (this.retryTimer && this.retryTimer.at <= when) return;
    if (this.retryTimer) clearTimeout(this.retryTimer.timer);
    const timer = setTimeout(() => {
      this.retryTimer = undefined;
      this.wake();
    }, Math.max(when - this.options.clock.now().getTime(), 0));
    timer.unref();
    this.retryTimer = { at: when, timer };
  }

  /** Waits `ms`, or less when woken (a wake while busy is kept for the next wait). */
  private idle(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (this.wakeUp === done) this.wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }

  /** Leases up to `limit` due deliveries, fairly across webhooks, in log order per stream. */
  private async claim(limit: number): Promise<ClaimedDelivery[]> {
    const now = this.options.clock.now();
    const leaseUntil = new Date(now.getTime() + this.options.timeoutMs + LEASE_MARGIN_MS);
    const { rows } = await this.options.pool.query<ClaimedDelivery>(
      `with candidates as (
         select d.id, d.next_attempt_at, d.position
           from webhooks w
           cross join lateral (
             select d.id, d.next_attempt_at, d.position
               from webhook_deliveries d
              where d.webhook_id = w.id and d.status = 'PENDING' and d.next_attempt_at <= $1
                and (d.lease_until is null or d.lease_until <= $1)
                and not exists (
                  select 1 from webhook_deliveries e
                   where e.webhook_id = d.webhook_id and e.stream = d.stream and e.status = 'PENDING' and e.position < d.position)
              order by d.next_attempt_at, d.position
              limit greatest($3::int - (select count(*) from webhook_deliveries l
                                          where l.webhook_id = w.id and l.status = 'PENDING' and l.lease_until > $1), 0)
           ) d
          where w.active
          order by d.next_attempt_at, d.position
          limit $4
       )
       update webhook_deliveries d set lease_until = $2
         from webhooks w
        where d.id in (select id from candidates) and w.id = d.webhook_id and w.active
          and d.status = 'PENDING' and (d.lease_until is null or d.lease_until <= $1)
       returning d.id, d.webhook_id, d.payload, w.url, w.secret, d.series_attempts, d.series_started_at`,
      [now, leaseUntil, this.perWebhook, limit],
    );
    return rows;
  }

  private async attempt(delivery: ClaimedDelivery): Promise<void> {
    const { clock, rules, resolve, timeoutMs, schedule } = this.options;
    const startedAt = clock.now();
    let outcome: AttemptOutcome;
    try {
      // The rules of now (the operator may have tightened them since the webhook was registered).
      const target = checkWebhookUrl(delivery.url, rules);
      const signature = new Webhook(delivery.secret).sign(delivery.id, startedAt, delivery.payload);
      outcome = await postWebhook(
        target,
        delivery.payload,
        { 'webhook-id': delivery.id, 'webhook-timestamp': String(Math.floor(startedAt.getTime() / 1_000)), 'webhook-signature': signature },
        { timeoutMs, rules, resolve, stopping: this.stopping.signal },
      );
    } catch (error) {
      outcome = { delivered: false, statusCode: null, error: `refused: ${(error as Error).message}` };
    }
    const seriesStartedAt = delivery.series_started_at ?? startedAt;
    const seriesAttempts = delivery.series_attempts + 1;
    const next = outcome.delivered ? undefined : nextAttemptAfterFailure(seriesStartedAt, seriesAttempts, clock.now(), schedule);
    if (next) this.wakeAt(next);
    await this.record({
      id: delivery.id,
      status: outcome.delivered ? 'DELIVERED' : next ? 'PENDING' : 'FAILED',
      seriesAttempts,
      seriesStartedAt,
      attemptedAt: startedAt,
      statusCode: outcome.statusCode,
      error: outcome.error,
      nextAttemptAt: next ?? null,
    });
  }

  /**
   * Records an attempt's outcome. Outcomes arriving while a write is under way are written
   * together by the next one (one statement for many deliveries under load).
   */
  private record(outcome: AttemptRecord): Promise<void> {
    return new Promise((resolve, reject) => {
      this.outcomes.push({ outcome, resolve, reject });
      this.writing ??= this.writeOutcomes().finally(() => (this.writing = undefined));
    });
  }

  private async writeOutcomes(): Promise<void> {
    while (this.outcomes.length > 0) {
      const batch = this.outcomes.splice(0);
      const column = <T>(pick: (o: AttemptRecord) => T) => batch.map((b) => pick(b.outcome));
      try {
        await this.options.pool.query(
          `update webhook_deliveries d
              set status = o.status, attempts = d.attempts + 1, series_attempts = o.series_attempts,
                  series_started_at = o.series_started_at, last_attempt_at = o.attempted_at,
                  last_status_code = o.status_code, last_error = o.error,
                  next_attempt_at = coalesce(o.next_attempt_at, d.next_attempt_at), lease_until = null,
                  payload = case when o.status = 'DELIVERED' then null else d.payload end
             from unnest($1::text[], $2::text[], $3::int[], $4::timestamptz[], $5::timestamptz[], $6::int[], $7::text[], $8::timestamptz[])
                  as o (id, status, series_attempts, series_started_at, attempted_at, status_code, error, next_attempt_at)
            where d.id = o.id and d.status = 'PENDING'`,
          [
            column((o) => o.id),
            column((o) => o.status),
            column((o) => o.seriesAttempts),
            column((o) => o.seriesStartedAt),
            column((o) => o.attemptedAt),
            column((o) => o.statusCode),
            column((o) => o.error),
            column((o) => o.nextAttemptAt),
          ],
        );
        for (const b of batch) b.resolve();
      } catch (error) {
        for (const b of batch) b.reject(error);
      }
    }
  }
}
