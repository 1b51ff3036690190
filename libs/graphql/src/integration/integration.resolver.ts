import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { AppendIntegrationEventsCommand } from '#libs/application';
import { Allow } from '../auth/allow.decorator.js';
import { ApiError } from '../errors/api-error.js';
import { commandContext, type GraphqlContext } from '../common/request-context.js';
import { AppendEventsInput, AppendEventsResult } from './append-events.types.js';
import { toIntegrationItem } from './integration-payload.mapping.js';

export const MAX_BATCH_BYTES = 5 * 1024 * 1024;

@Resolver()
export class IntegrationResolver {
  constructor(private readonly commands: CommandBus) {}

  @Mutation(() => AppendEventsResult, {
    description: 'ERP batches: each item is one command; idempotent per (source, externalId); bad items are rejected, good ones land.',
  })
  @Allow('INTEGRATION')
  async appendEvents(
    @Args('input') input: AppendEventsInput,
    @Context() context: GraphqlContext,
    @Args('awaitReadModels', {
      type: () => Boolean,
      defaultValue: true,
      description: 'Return once every read model includes the batch (default). A bulk import may pass false for all but its last batch.',
    })
    awaitReadModels: boolean,
  ): Promise<AppendEventsResult> {
    const bytes = Buffer.byteLength(JSON.stringify(input.events));
    if (bytes > MAX_BATCH_BYTES) {
      throw new ApiError('BAD_USER_INPUT', `a batch may hold at most 5 MB of events (got ${bytes} bytes)`, { events: 'too large' });
    }
    const items = await Promise.all(input.events.map((event) => toIntegrationItem(input.source, event)));
    const results = await this.commands.execute(new AppendIntegrationEventsCommand(input.source, items, commandContext(context), awaitReadModels));
    const count = (outcome: string) => results.filter((r) => r.outcome === outcome).length;
    return {
      appended: count('APPENDED'),
      duplicates: count('DUPLICATE'),
      rejected: count('REJECTED'),
      results: results.map((r) => ({ externalId: r.externalId, outcome: r.outcome, code: r.code ?? null, message: r.message ?? null })),
    };
  }
}
