import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, EVENT_STORE, READ_MODEL_SYNC, type ReadModelSync } from '#libs/application';
import type { AppConfig } from '#libs/config';
import type { AllSubscription, EventStore } from '#libs/event-store';
import { LedgerQueries } from '#libs/projections';
import { LiveTopics } from './live-topics.pubsub.js';

export const PROMISE_BROKEN = 'promiseBroken';
export const LEDGER_CHANGED = 'ledgerChanged';

/**
 * Feeds subscriptions from the event log, not from this process's command path: a breach appended
 * by another instance, the deadline watcher or the ERP reaches every subscriber. Each update is
 * published once the read models include it, so it carries their current view.
 */
@Injectable()
export class LiveUpdates implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('LiveUpdates');
  private subscription: AllSubscription | undefined;
  private loop: Promise<void> | undefined;

  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(READ_MODEL_SYNC) private readonly readModels: ReadModelSync,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly queries: LedgerQueries,
    private readonly topics: LiveTopics,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const from = await this.eventStore.headPosition();
    const subscription = this.eventStore.subscribeToAll({ fromPosition: from, filter: { streamPrefixes: ['promise-'] } });
    this.subscription = subscription;
    this.loop = (async () => {
      for await (const batch of subscription) {
        try {
          await this.readModels.waitFor(batch[batch.length - 1]!.position, this.config.readYourWritesTimeoutMs);
          const customers = new Set<string>();
          for (const event of batch) {
            const data = event.data as { promiseId?: string; customerId?: string };
            if (data.customerId) customers.add(data.customerId);
            if (event.type === 'PromiseBroken' && data.promiseId && this.topics.subscriberCount > 0) {
              const promise = await this.queries.promise(data.promiseId);
              if (promise) this.topics.publish(PROMISE_BROKEN, promise);
            }
          }
          if (this.topics.subscriberCount === 0) continue;
          for (const customerId of customers) {
            this.topics.publish(LEDGER_CHANGED, { customerId, ledger: await this.queries.customerLedger(customerId) });
          }
        } catch (error) {
          this.logger.warn({ msg: 'live update skipped', error: String(error) });
        }
      }
    })();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.close();
    await this.loop;
  }
}
