import { Allow } from '../auth/allow.decorator.js';
import { Inject } from '@nestjs/common';
import { Query, Resolver } from '@nestjs/graphql';
import { EVENT_STORE } from '#libs/application';
import type { EventStore } from '#libs/event-store';

@Resolver()
export class SystemResolver {
  constructor(@Inject(EVENT_STORE) private readonly eventStore: EventStore) {}

  @Query(() => String, { description: 'Global position of the newest event every reader can see ("0" when empty).' })
  @Allow('AGENT', 'FINANCE', 'INTEGRATION')
  async eventStoreHead(): Promise<string> {
    return String(await this.eventStore.headPosition());
  }
}
