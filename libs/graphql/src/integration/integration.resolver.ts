import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { AppendIntegrationEventsCommand } from '#libs/application';
import { Allow } from '../auth/allow.decorator.js';
import { DomainError } from '#libs/domain';
import { commandContext, type GraphqlContext } from '../common/request-context.js';
import { argumentValidationPipe } from '../common/validation.pipe.js';
import { AppendEventsInput, AppendEventsResult, IntegrationEventInput } from './append-events.types.js';
import { toIntegrationItems } from './integration-payload.mapping.js';
import { compilePayloadCheck } from './integration-payload.validator.js';
import { jsonByteLength } from './json-size.js';

export const MAX_BATCH_BYTES = 5 * 1024 * 1024;

/**
 * The argument as GraphQL coerced it. Typed as a plain shape, not the class, so the global
 * ValidationPipe passes it by: turning 1,000 items (and their payloads) into class instances and
 * walking their metadata cost ~30-60 ms a batch. The compiled check below accepts what it is
 * certain of; anything else still goes through that pipe, for the same refusals.
 */
type AppendEventsArgs = Pick<AppendEventsInput, 'source' | 'events'>;

const certainEnvelope = compilePayloadCheck(AppendEventsInput, { events: IntegrationEventInput });

@Resolver()
export class IntegrationResolver {
  constructor(private readonly commands: CommandBus) {}

  @Mutation(() => AppendEventsResult, {
    description: 'ERP batches: each item is one command; idempotent per (source, externalId); bad items are rejected, good ones land.',
  })
  @Allow('INTEGRATION')
  async appendEvents(
    @Args('input', { type: () => AppendEventsInput }) args: AppendEventsArgs,
    @Context() context: GraphqlContext,
    @Args('awaitReadModels', {
      type: () => Boolean,
      defaultValue: true,
      description: 'Return once every read model includes the batch (default). A bulk import may pass false for all but its last batch.',
    })
    awaitReadModels: boolean,
  ): Promise<AppendEventsResult> {
    if (!certainEnvelope(args as unknown as Record<string, unknown>)) {
      // The envelope only: each payload is checked on its own, per item, and class-transformer
      // would recurse through a hostile payload nested thousands of levels deep.
      const envelope = { ...args, events: Array.isArray(args.events) ? args.events.map((e) => ({ ...e, payload: e.payload === undefined ? undefined : true })) : args.events };
      await argumentValidationPipe.transform(envelope, { type: 'body', metatype: AppendEventsInput, data: 'input' });
    }
    const input = args;
    const bytes = jsonByteLength(input.events);
    if (bytes > MAX_BATCH_BYTES) {
      throw new DomainError('BAD_USER_INPUT', `a batch may hold at most 5 MB of events (got ${bytes} bytes)`, { events: 'too large' });
    }
    const items = await toIntegrationItems(input.source, input.events);
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
