import { Inject } from '@nestjs/common';
import { Allow } from '../auth/allow.decorator.js';
import { Args, Context, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { DecideCommand, ID_GENERATOR, type AggregateCommand, type IdGenerator } from '#libs/application';
import type { ReadSide } from '#libs/projections';
import { READ_SIDE } from '../common/read-side.token.js';
import { found } from '../common/paging.js';
import { commandContext, type GraphqlContext } from '../common/request-context.js';
import { Customer } from '../customers/customer.type.js';
import { toCommand } from '../commands/input-commands.mapping.js';
import { ErrorIncident, RecordErrorInput, ResolveErrorInput, VoidErrorInput } from './error-incident.type.js';

@Resolver(() => ErrorIncident)
export class ErrorIncidentResolver {
  constructor(
    @Inject(READ_SIDE) private readonly readSide: ReadSide,
    private readonly commands: CommandBus,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
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
  recordError(@Args('input') input: RecordErrorInput, @Context() context: GraphqlContext) {
    return this.decide(toCommand.recordError(input, () => this.ids.next()), context);
  }

  @Mutation(() => ErrorIncident)
  @Allow('FINANCE')
  resolveError(@Args('input') input: ResolveErrorInput, @Context() context: GraphqlContext) {
    return this.decide(toCommand.resolveError(input), context);
  }

  @Mutation(() => ErrorIncident)
  @Allow('FINANCE')
  voidError(@Args('input') input: VoidErrorInput, @Context() context: GraphqlContext) {
    return this.decide(toCommand.voidError(input), context);
  }

  private async decide(command: AggregateCommand, context: GraphqlContext) {
    const result = await this.commands.execute(new DecideCommand(command, commandContext(context)));
    return found(await this.readSide.errorCosts.errorIncident(result.id), `error incident ${result.id}`);
  }
}
