import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { DomainError, badInput, checkWebhookUrl, type Clock, type WebhookDeliveryStatus, type WebhookEventType, type WebhookUrlRules } from '#libs/domain';
import type { EventStore } from '#libs/event-store';
import { decodeCursor, encodeCursor } from '#libs/projections';
import { allowedAddresses, systemResolver, type HostResolver } from './webhook-address.js';
import { newWebhookSecret } from './webhook-secret.js';
import { WEBHOOK_CHECKPOINT } from './webhook-fanout.projection.js';
import {
  DELIVERY_COLUMNS,
  deliveryView,
  webhookView,
  type WebhookDeliveryPage,
  type WebhookDeliveryRow,
  type WebhookDeliveryView,
  type WebhookRow,
  type WebhookView,
} from './webhook.rows.js';

export interface WebhookRegistryOptions {
  rules: WebhookUrlRules;
  clock: Clock;
  resolve?: HostResolver;
}

/** Webhook registrations (ADMIN): create, delete, list, their deliveries, and a retry. */
export class WebhookRegistry {
  private readonly resolve: HostResolver;

  constructor(
    private readonly pool: pg.Pool,
    private readonly eventStore: EventStore,
    private readonly options: WebhookRegistryOptions,
  ) {
    this.resolve = options.resolve ?? systemResolver;
  }

  /**
   * Registers a webhook for the events after the log's head; its secret is returned here only.
   * @throws DomainError BAD_USER_INPUT naming `url` or `events`.
   */
  async create(url: string, events: readonly WebhookEventType[]): Promise<{ webhook: WebhookView; secret: string }> {
    const target = checkWebhookUrl(url, this.options.rules);
    await allowedAddresses(target, this.options.rules, this.resolve);
    const types = [...new Set(events)];
    if (types.length === 0) throw badInput('events', 'must name at least one event type');
    const secret = newWebhookSecret();
    const head = await this.eventStore.headPosition();
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      // A batch of the worker holds its checkpoint row until it commits: waiting for it here
      // means every event after `from_position` is fanned out by a batch that sees this webhook.
      const { rows: checkpoint } = await client.query<{ position: string }>(
        'select position::text from projection_checkpoints where name = $1 for share',
        [WEBHOOK_CHECKPOINT],
      );
      const from = [head, BigInt(checkpoint[0]?.position ?? 0)].reduce((a, b) => (a > b ? a : b));
      const { rows } = await client.query<WebhookRow>(
        `insert into webhooks (id, url, events, secret, created_at, from_position) values ($1, $2, $3, $4, $5, $6)
         returning id, url, events, active, created_at`,
        [randomUUID(), target.url.href, types, secret, this.options.clock.now(), from.toString()],
      );
      await client.query('commit');
      return { webhook: webhookView(rows[0]!), secret };
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /**
   * Stops a webhook: no further deliveries, its secret forgotten, its pending deliveries FAILED;
   * it stays listed (inactive) with its deliveries.
   * @throws DomainError NOT_FOUND for an unknown id.
   */
  async delete(id: string): Promise<boolean> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      const { rowCount } = await client.query(
        'update webhooks set active = false, secret = null, deleted_at = coalesce(deleted_at, $2) where id = $1',
        [id, this.options.clock.now()],
      );
      if (!rowCount) throw new DomainError('NOT_FOUND', `no webhook ${id}`, { id: 'no such webhook' });
      await client.query(
        `update webhook_deliveries set status = 'FAILED', last_error = 'webhook deleted', payload = null, lease_until = null
          where webhook_id = $1 and status = 'PENDING'`,
        [id],
      );
      await client.query('commit');
      return true;
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async list(): Promise<WebhookView[]> {
    const { rows } = await this.pool.query<WebhookRow>('select id, url, events, active, created_at from webhooks order by created_at, id');
    return rows.map(webhookView);
  }

  /** A webhook's deliveries, newest event first, by (position, id). */
  async deliveries(webhookId: string, args: { status?: WebhookDeliveryStatus; first: number; after?: string }): Promise<WebhookDeliveryPage> {
    const after = args.after === undefined ? undefined : decodeCursor(args.after, ['position', 'string']);
    const filter = 'webhook_id = $1 and ($2::text is null or status = $2)';
    const [page, count] = await Promise.all([
      this.pool.query<WebhookDeliveryRow>(
        `select ${DELIVERY_COLUMNS} from webhook_deliveries
          where ${filter} and ($3::bigint is null or (position, id) < ($3::bigint, $4::text))
          order by position desc, id desc limit $5`,
        [webhookId, args.status ?? null, after?.[0] ?? null, after?.[1] ?? null, args.first + 1],
      ),
      this.pool.query<{ n: number }>(`select count(*)::int as n from webhook_deliveries where ${filter}`, [webhookId, args.status ?? null]),
    ]);
    const rows = page.rows.slice(0, args.first);
    const last = rows[rows.length - 1];
    return {
      nodes: rows.map(deliveryView),
      totalCount: count.rows[0]!.n,
      hasNextPage: page.rows.length > args.first,
      endCursor: last ? encodeCursor([last.position, last.id]) : null,
    };
  }

  /**
   * Tries a delivery again now: a FAILED one starts a new series of attempts (the retry schedule
   * from the start); a PENDING one waiting for its next attempt is made due now.
   * @throws DomainError NOT_FOUND, or INVALID_STATE for a delivered one or one of a deleted webhook.
   */
  async retry(id: string): Promise<WebhookDeliveryView> {
    const now = this.options.clock.now();
    const { rows } = await this.pool.query<WebhookDeliveryRow & { active: boolean }>(
      `select ${DELIVERY_COLUMNS.split(', ').map((c) => `d.${c}`).join(', ')}, w.active
         from webhook_deliveries d join webhooks w on w.id = d.webhook_id where d.id = $1`,
      [id],
    );
    const found = rows[0];
    if (!found) throw new DomainError('NOT_FOUND', `no webhook delivery ${id}`, { id: 'no such delivery' });
    if (!found.active) throw new DomainError('INVALID_STATE', `delivery ${id} belongs to a deleted webhook`);
    if (found.status === 'DELIVERED') throw new DomainError('INVALID_STATE', `delivery ${id} was delivered`);
    const { rows: updated } = await this.pool.query<WebhookDeliveryRow>(
      `update webhook_deliveries
          set status = 'PENDING', next_attempt_at = $2,
              series_attempts = case when status = 'FAILED' then 0 else series_attempts end,
              series_started_at = case when status = 'FAILED' then null else series_started_at end
        where id = $1 and status <> 'DELIVERED' and (lease_until is null or lease_until <= $2)
        returning ${DELIVERY_COLUMNS}`,
      [id, now],
    );
    // An attempt in flight: it is being tried right now.
    return deliveryView(updated[0] ?? found);
  }
}
