import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { COST_POLICY_STREAM, defaultCostPolicyEvents, type Clock } from '#libs/domain';
import { NO_STREAM, isWrongExpectedRevision, type EventStore } from '#libs/event-store';
import { CLOCK, EVENT_STORE } from '../tokens.js';

// Fixed ids: two processes seeding a new store at once append the defaults once.
const DEFAULT_POLICY_EVENT_IDS = ['6d1f3a8e-2b6c-4f0e-9a57-5c1d2e7f9a01', '6d1f3a8e-2b6c-4f0e-9a57-5c1d2e7f9a02'];

/** Appends the shipped default cost policies once, when the store has no policy stream yet. */
@Injectable()
export class DefaultCostPoliciesSeeder implements OnApplicationBootstrap {
  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.seed();
  }

  async seed(): Promise<void> {
    const [existing] = await this.eventStore.readStream(COST_POLICY_STREAM, { maxCount: 1 });
    if (existing) return;
    const events = defaultCostPolicyEvents(this.clock.now()).map((event, index) => ({
      id: DEFAULT_POLICY_EVENT_IDS[index]!,
      type: event.type,
      data: event.data,
      metadata: { actor: 'system', source: 'default-cost-policies', schemaVersion: 1 },
    }));
    try {
      await this.eventStore.appendToStream(COST_POLICY_STREAM, events, { expectedRevision: NO_STREAM });
    } catch (error) {
      // Someone else seeded first, or set a policy first: either way there is a policy stream.
      // (A process seeding at the same moment appends the same ids with another `setAt`, which
      // the store refuses as an id reused with other content rather than as a revision conflict.)
      if (isWrongExpectedRevision(error)) return;
      const [seeded] = await this.eventStore.readStream(COST_POLICY_STREAM, { maxCount: 1 });
      if (!seeded) throw error;
    }
  }
}
