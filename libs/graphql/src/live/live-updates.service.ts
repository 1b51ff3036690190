import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Gauge, register } from 'prom-client';
import { APP_CONFIG, EVENT_STORE, READ_MODEL_SYNC, type ReadModelSync } from '#libs/application';
import type { AppConfig } from '#libs/config';
import type { AllSubscription, EventStore } from '#libs/event-store';
import type { ReadSide } from '#libs/projections';
import { READ_SIDE } from '../common/read-side.token.js';
import { LiveTopics } from './live-topics.pubsub.js';

export const PROMISE_BROKEN = 'promiseBroken';
export const LEDGER_CHANGED = 'ledgerChanged';
export const PROMISE_AT_RISK = 'promiseAtRisk';

const following =
  (register.getSingleMetric('ledger_live_following') as Gauge | undefined) ??
  new Gauge({ name: 'ledger_live_following', help: '1 while this process follows the log for GraphQL subscribers, else 0' });

/**
 * Feeds subscriptions from the event log, not from this process's command path: a breach appended
 * by another instance, the deadline watcher or the ERP reaches every subscriber. Each update is
 * published once the read models include it, so it carries their current view. The log is
 * followed only while someone listens: a reader of every promise event costs the write path
 * about a quarter of its throughput under load.
 */
@Injectable()
export class LiveUpdates implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('LiveUpdates');
  private current: { subscription: AllSubscription; loop: Promise<void> } | undefined;
  private starting: Promise<void> | undefined;

  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(READ_MODEL_SYNC) private readonly readModels: ReadModelSync,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(READ_SIDE) private readonly readSide: ReadSide,
    private readonly topics: LiveTopics,
  ) {}

  onModuleInit(): void {
    following.set(0);
    this.topics.onIdle(() => void this.stop());
  }

  /**
   * A subscriber to a topic, established once the log is followed: it sees every update of an
   * event that commits after this resolves. (If the last other subscriber left meanwhile and the
   * following stopped, it starts again before this resolves.)
   */
  async subscribe<T>(topic: string, accept: (payload: T) => boolean): Promise<AsyncIterableIterator<T>> {
    await this.follow();
    const iterator = this.topics.subscribe<T>(topic, accept);
    await this.follow();
    return iterator;
  }

  /**
   * Resolves once the log is followed from a position no later than any event that commits after
   * it resolves: the head of the committed prefix, read now (a transaction still running holds
   * larger positions than that prefix).
   */
  private async follow(): Promise<void> {
    if (this.current) return;
    this.starting ??= (async () => {
      try {
        const from = await this.eventStore.headPosition();
        const subscription = this.eventStore.subscribeToAll({ fromPosition: from, filter: { streamPrefixes: ['promise-'] } });
        this.current = { subscription, loop: this.run(subscription) };
        following.set(1);
      } finally {
        this.starting = undefined;
      }
    })();
    await this.starting;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.starting?.catch(() => undefined);
    await this.stop();
  }

  private async stop(): Promise<void> {
    const current = this.current;
    if (!current || this.topics.subscriberCount > 0) return;
    this.current = undefined;
    following.set(0);
    await current.subscription.close();
    await current.loop;
  }

  private async run(subscription: AllSubscription): Promise<void> {
    for await (const batch of subscription) {
      try {
        await this.readModels.waitFor(batch[batch.length - 1]!.position, this.config.readYourWritesTimeoutMs);
        const customers = new Set<string>();
        for (const event of batch) {
          const data = event.data as { promiseId?: string; customerId?: string };
          if (data.customerId) customers.add(data.customerId);
          if (event.type === 'PromiseBroken' && data.promiseId && this.topics.subscriberCount > 0) {
            const promise = await this.readSide.promises.promise(data.promiseId);
            if (promise) this.topics.publish(PROMISE_BROKEN, promise);
          }
          // Each crossing (AT_RISK, then CRITICAL) once, as recorded; the promise as the read model shows it now.
          if (event.type === 'PromiseAtRisk' && data.promiseId && this.topics.subscriberCount > 0) {
            const promise = await this.readSide.promises.promise(data.promiseId);
            if (promise) this.topics.publish(PROMISE_AT_RISK, promise);
          }
        }
        if (this.topics.subscriberCount === 0) continue;
        for (const customerId of customers) {
          this.topics.publish(LEDGER_CHANGED, { customerId, ledger: await this.readSide.ledgers.customerLedger(customerId) });
        }
      } catch (error) {
        this.logger.warn({ msg: 'live update skipped', error: String(error) });
      }
    }
  }
}
