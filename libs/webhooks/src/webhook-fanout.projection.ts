import type pg from 'pg';
import { LEDGER_EVENT_TYPES, personalFieldsOf, webhookEventTypeOf, type Clock, type LedgerEvent } from '#libs/domain';
import type { StoredEvent } from '#libs/event-store';
import type { Projection } from '#libs/projections';
import { deliveryIdOf } from './webhook-secret.js';

/** The worker's checkpoint in projection_checkpoints (not a read model: the rebuild leaves it alone). */
export const WEBHOOK_CHECKPOINT = 'webhooks';

const KNOWN: ReadonlySet<string> = new Set(LEDGER_EVENT_TYPES);

/**
 * What a receiver gets: the Standard Webhooks envelope around the event's own data, without its
 * personal fields (names, e-mails, free texts: personalFieldsOf). Those stay behind the customer's
 * key: a body waiting in the outbox, or a copy in another system, can never outlive an erasure.
 */
export function webhookPayload(event: StoredEvent, type: string): string {
  const personal = new Set(KNOWN.has(event.type) ? personalFieldsOf(event as unknown as LedgerEvent) : []);
  const data = Object.fromEntries(Object.entries(event.data as Record<string, unknown>).filter(([field]) => !personal.has(field)));
  return JSON.stringify({
    type,
    timestamp: event.recordedAt.toISOString(),
    data: {
      eventType: event.type,
      eventId: event.id,
      position: event.position.toString(),
      stream: event.stream,
      ...data,
    },
  });
}

/**
 * Fans the log out into the deliveries outbox: each event a webhook subscribes to becomes one
 * `PENDING` row per webhook, written by the projection runner in the transaction that moves the
 * `webhooks` checkpoint, so after a crash an event is fanned out exactly once, never lost.
 */
export class WebhookFanout implements Projection {
  readonly name = WEBHOOK_CHECKPOINT;
  readonly tables = ['webhook_deliveries'] as const;

  constructor(
    private readonly clock: Clock,
    /** Told after each batch with deliveries, with the batch's last position (to wake the sender). */
    private readonly fannedOut: (position: bigint) => void = () => undefined,
  ) {}

  async apply(events: readonly StoredEvent[], client: pg.PoolClient): Promise<void> {
    const typed = events.flatMap((event) => {
      const type = KNOWN.has(event.type) ? webhookEventTypeOf(event as unknown as LedgerEvent) : undefined;
      return type ? [{ event, type }] : [];
    });
    if (typed.length === 0) return;
    const { rows: webhooks } = await client.query<{ id: string; events: string[]; from_position: string }>(
      'select id, events, from_position::text from webhooks where active',
    );
    if (webhooks.length === 0) return;
    const columns: [string[], string[], string[], string[], string[], string[], (string | null)[], string[]] = [[], [], [], [], [], [], [], []];
    for (const { event, type } of typed) {
      const payload = webhookPayload(event, type);
      const customerId = (event.data as { customerId?: unknown }).customerId;
      for (const webhook of webhooks) {
        if (!webhook.events.includes(type) || event.position <= BigInt(webhook.from_position)) continue;
        const row = [
          deliveryIdOf(webhook.id, event.id),
          webhook.id,
          event.id,
          type,
          event.stream,
          event.position.toString(),
          typeof customerId === 'string' ? customerId : null,
          payload,
        ] as const;
        row.forEach((value, i) => (columns[i] as (string | null)[]).push(value));
      }
    }
    if (columns[0].length === 0) return;
    await client.query(
      `insert into webhook_deliveries (id, webhook_id, event_id, event_type, stream, position, customer_id, payload, next_attempt_at)
       select *, $9::timestamptz from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[], $8::text[])
       on conflict (webhook_id, event_id) do nothing`,
      [...columns, this.clock.now()],
    );
    this.fannedOut(events[events.length - 1]!.position);
  }
}
