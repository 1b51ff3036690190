import { Allow } from '../auth/allow.decorator.js';
import { Inject } from '@nestjs/common';
import { Context, Query, Resolver } from '@nestjs/graphql';
import { EVENT_STORE } from '#libs/application';
import type { EventStore } from '#libs/event-store';
import { LOCAL_ADMIN } from '#libs/access';
import type { GraphqlContext } from '../common/request-context.js';
import { Viewer } from './viewer.type.js';

@Resolver()
export class SystemResolver {
  constructor(@Inject(EVENT_STORE) private readonly eventStore: EventStore) {}

  @Query(() => String, { description: 'Global position of the newest event every reader can see ("0" when empty).' })
  @Allow('AGENT', 'FINANCE', 'INTEGRATION')
  async eventStoreHead(): Promise<string> {
    return String(await this.eventStore.headPosition());
  }

  @Query(() => Viewer, { description: "The caller's role and key name (the console's navigation follows it)." })
  @Allow('AGENT', 'FINANCE', 'INTEGRATION')
  viewer(@Context() context: GraphqlContext): Viewer {
    const principal = context.req.principal ?? context.connectionPrincipal ?? LOCAL_ADMIN;
    return { role: principal.role, name: principal.name, signedIn: principal !== LOCAL_ADMIN };
  }
}
