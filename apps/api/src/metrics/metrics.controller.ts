import { Controller, Get, Header, Inject } from '@nestjs/common';
import { Gauge, collectDefaultMetrics, register } from 'prom-client';
import type pg from 'pg';
import { DATABASE_POOL } from '#libs/application';
import { countParkedEvents, ledgerProjections } from '#libs/projections';

collectDefaultMetrics({ prefix: 'ledger_' });

/** Prometheus metrics: process (memory, event loop), read-model query counts, parked events. */
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(DATABASE_POOL) pool: pg.Pool) {
    const existing = register.getSingleMetric('ledger_projection_parked_events');
    if (existing) register.removeSingleMetric('ledger_projection_parked_events');
    new Gauge({
      name: 'ledger_projection_parked_events',
      help: 'Events a projection could not apply and parked (ledger projections parked); 0 when healthy',
      labelNames: ['projection'],
      async collect() {
        const counts = await countParkedEvents(pool).catch(() => undefined);
        if (!counts) return;
        this.reset();
        for (const { name } of ledgerProjections()) this.set({ projection: name }, counts[name] ?? 0);
      },
    });
  }

  @Get()
  @Header('content-type', register.contentType)
  metrics(): Promise<string> {
    return register.metrics();
  }
}
