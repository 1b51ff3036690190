import type pg from 'pg';
import type { Clock, RetrySchedule, WebhookUrlRules } from '#libs/domain';
import type { EventStore } from '#libs/event-store';
import { createPool } from '#libs/postgres';
import { ProjectionRunner, type ProjectionLog } from '#libs/projections';
import { ExclusiveLock } from './exclusive-lock.js';
import { systemResolver, type HostResolver } from './webhook-address.js';
import { WebhookFanout } from './webhook-fanout.projection.js';
import { WebhookSender } from './webhook-sender.js';

export interface WebhookDeliveryOptions {
  pool: pg.Pool;
  connectionString: string;
  eventStore: EventStore;
  clock: Clock;
  rules: WebhookUrlRules;
  timeoutMs: number;
  schedule: RetrySchedule;
  concurrency: number;
  log: ProjectionLog;
  resolve?: HostResolver;
}

/**
 * Delivers the log to webhooks, in two halves that each run in one process at a time: the
 * fan-out, a projection (its own runner and checkpoint `webhooks`, so mutations never wait for
 * it) writing the deliveries outbox; and the sender, draining the outbox over HTTP.
 */
export class WebhookDeliveryWorker {
  private readonly fanout: ProjectionRunner;
  private readonly sender: WebhookSender;
  private readonly senderPool: pg.Pool;

  constructor(options: WebhookDeliveryOptions) {
    // The sender's claims and outcomes commit without waiting for the disk: a crash that loses
    // the last few only makes those deliveries due again, sent with the same id (at least once).
    this.senderPool = createPool({
      connectionString: options.connectionString,
      max: 2,
      applicationName: 'promise-ledger-webhook-sender',
      asynchronousCommit: true,
    });
    this.sender = new WebhookSender({
      pool: this.senderPool,
      clock: options.clock,
      rules: options.rules,
      resolve: options.resolve ?? systemResolver,
      timeoutMs: options.timeoutMs,
      schedule: options.schedule,
      concurrency: options.concurrency,
      lock: new ExclusiveLock(options.connectionString, 'webhooks:sender'),
      log: options.log,
    });
    const projection = new WebhookFanout(options.clock, (position) => {
      // Woken once the batch has committed (the runner notes its checkpoint right after).
      this.fanout.waitFor(position, 60_000).then(
        () => this.sender.wake(),
        () => undefined,
      );
    });
    this.fanout = new ProjectionRunner({
      pool: options.pool,
      connectionString: options.connectionString,
      eventStore: options.eventStore,
      projections: [projection],
      log: options.log,
      batchSize: 500,
    });
  }

  async start(): Promise<void> {
    await this.fanout.start();
    this.sender.start();
  }

  async stop(): Promise<void> {
    await this.fanout.stop();
    await this.sender.stop();
    await this.senderPool.end();
  }
}
