import { Inject } from '@nestjs/common';
import { Allow } from '../auth/allow.decorator.js';
import { Args, Context, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { ChangeErrorCommand, RecordErrorCommand, type CommandResult, type ErrorTransition } from '#libs/application';
import type { ReadSide } from '#libs/projections';
import { READ_SIDE } from '../common/read-side.token.js';
import { found } from '../common/paging.js';
import { commandContext, type GraphqlContext } from '../common/request-context.js';
import { Customer } from '../customers/customer.type.js';
import { ErrorIncident, RecordErrorInput, ResolveErrorInput, VoidErrorInput } from './error-incident.type.js';

@Resolver(() => ErrorIncident)
export class ErrorIncidentResolver {
  constructor(
    @Inject(READ_SIDE) private readonly readSide: ReadSide,
    private readonly commands: CommandBus,
  ) {}

  @Query(() => ErrorIncident, { nullable: true })
  @Allow('AGENT', 'FINANCE', 'INTEGRATION')
  errorIncident(@Args('id', { type: () => ID }) id: string) {
    return this.readSide.errorCosts.errorIncident(id);
  }

  @ResolveField(() => Customer)
  customer(@Parent() incident: ErrorIncident, @Context() context: GraphqlContext) {
    return context.loaders.customer.load(incident.customerId);
  }

  @Mutation(() => ErrorIncident)
  @Allow('AGENT')
  async recordError(@Args('input') input: RecordErrorInput, @Context() context: GraphqlContext) {
    return this.reply(await this.commands.execute(new RecordErrorCommand(input, commandContext(context))));
  }

  @Mutation(() => ErrorIncident)
  @Allow('FINANCE')
  resolveError(@Args('input') input: ResolveErrorInput, @Context() context: GraphqlContext) {
    return this.change({ type: 'ResolveError', errorId: input.id, resolution: input.resolution }, input.expectedVersion, context);
  }

  @Mutation(() => ErrorIncident)
  @Allow('FINANCE')
  voidError(@Args('input') input: VoidErrorInput, @Context() context: GraphqlContext) {
    return this.change({ type: 'VoidError', errorId: input.id, reason: input.reason }, input.expectedVersion, context);
  }

  private async change(transition: ErrorTransition, expectedVersion: number | null | undefined, context: GraphqlContext) {
    return this.reply(await this.commands.execute(new ChangeErrorCommand(transition, expectedVersion, commandContext(context))));
  }

  private async reply(result: CommandResult) {
    return found(await this.readSide.errorCosts.errorIncident(result.id), `error incident ${result.id}`);
  }
}
