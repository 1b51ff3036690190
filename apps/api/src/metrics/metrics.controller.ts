import { Controller, Get, Header, Inject } from '@nestjs/common';
import { Gauge, collectDefaultMetrics, register } from 'prom-client';
import type pg from 'pg';
import { DATABASE_POOL } from '#libs/application';
import { countParkedEvents, ledgerProjections } from '#libs/projections';
import { WEBHOOK_CHECKPOINT } from '#libs/webhooks';
import { projectionLag, webhookBacklog, type ProjectionLag, type WebhookBacklog } from './backlog.queries.js';

collectDefaultMetrics({ prefix: 'ledger_' });

/** A gauge registered afresh (a second app in the process replaces the first's). */
function gauge(name: string, help: string, labelNames: string[], collect?: (this: Gauge) => Promise<void>): Gauge {
  if (register.getSingleMetric(name)) register.removeSingleMetric(name);
  return new Gauge({ name, help, labelNames, collect });
}

/** One reading shared by the gauges a scrape collects side by side. */
function perScrape<T>(read: () => Promise<T>): () => Promise<T | undefined> {
  let last: { at: number; reading: Promise<T | undefined> } | undefined;
  return () => {
    const now = Date.now();
    if (!last || now - last.at > 500) last = { at: now, reading: read().catch(() => undefined) };
    return last.reading;
  };
}

/** Prometheus metrics: process (memory, event loop), read-model query counts, parked events, projection lag, webhook backlog. */
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(DATABASE_POOL) pool: pg.Pool) {
    gauge(
      'ledger_projection_parked_events',
      'Events a projection could not apply and parked (ledger projections parked); 0 when healthy',
      ['projection'],
      async function () {
        const counts = await countParkedEvents(pool).catch(() => undefined);
        if (!counts) return;
        this.reset();
        for (const { name } of ledgerProjections()) this.set({ projection: name }, counts[name] ?? 0);
      },
    );

    const checkpoints = [...ledgerProjections().map((p) => p.name), WEBHOOK_CHECKPOINT];
    const lag = perScrape(() => projectionLag(pool, checkpoints));
    const lagGauge = (name: string, help: string, value: (l: ProjectionLag) => number) =>
      gauge(name, help, ['projection'], async function () {
        const rows = await lag();
        if (!rows) return;
        this.reset();
        for (const row of rows) this.set({ projection: row.name }, value(row));
      });
    lagGauge('ledger_projection_lag_events', 'Log positions a projection (or the webhooks outbox) has still to apply: head position minus its checkpoint', (l) => l.events);
    lagGauge('ledger_projection_lag_seconds', 'Age of the oldest event a projection has not applied yet; 0 when caught up', (l) => l.seconds);

    const backlog = perScrape(() => webhookBacklog(pool));
    const backlogGauge = (name: string, help: string, value: (b: WebhookBacklog) => number) =>
      gauge(name, help, [], async function () {
        const reading = await backlog();
        if (reading) this.set(value(reading));
      });
    backlogGauge('ledger_webhook_deliveries_pending', 'Webhook deliveries not yet delivered (including those waiting for a retry)', (b) => b.pending);
    backlogGauge('ledger_webhook_oldest_pending_seconds', 'Age of the oldest pending webhook delivery; 0 when none is pending', (b) => b.oldestSeconds);
  }

  @Get()
  @Header('content-type', register.contentType)
  metrics(): Promise<string> {
    return register.metrics();
  }
}
