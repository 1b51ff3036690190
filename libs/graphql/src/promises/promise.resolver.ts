import { Inject } from '@nestjs/common';
import { Allow } from '../auth/allow.decorator.js';
import { Args, Context, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { DecideCommand, ID_GENERATOR, type AggregateCommand, type IdGenerator } from '#libs/application';
import type { ReadSide } from '#libs/projections';
import { READ_SIDE } from '../common/read-side.token.js';
import { toConnection } from '../common/page.type.js';
import { found, pageSize } from '../common/paging.js';
import { commandContext, type GraphqlContext } from '../common/request-context.js';
import { Customer } from '../customers/customer.type.js';
import { toCommand } from '../commands/input-commands.mapping.js';
import { CustomerPromise, PromiseConnection, PromiseFilter } from './customer-promise.type.js';
import {
  AmendPromiseInput,
  BreakPromiseInput,
  FulfilPromiseLateInput,
  KeepPromiseInput,
  MakePromiseInput,
  ReleasePromiseInput,
} from './promise.inputs.js';

@Resolver(() => CustomerPromise)
export class PromiseResolver {
  constructor(
    @Inject(READ_SIDE) private readonly readSide: ReadSide,
    private readonly commands: CommandBus,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  @Query(() => CustomerPromise, { nullable: true })
  @Allow('AGENT', 'FINANCE', 'INTEGRATION')
  promise(@Args('id', { type: () => ID }) id: string) {
    return this.readSide.promises.promise(id);
  }

  @Query(() => PromiseConnection)
  @Allow('AGENT', 'FINANCE')
  async promises(
    @Args('filter', { type: () => PromiseFilter, nullable: true }) filter: PromiseFilter | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 50 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ) {
    return toConnection(await this.readSide.promises.promises({ filter: filter ?? undefined, first: pageSize(first), after: after ?? undefined }));
  }

  @ResolveField(() => Customer)
  customer(@Parent() promise: CustomerPromise, @Context() context: GraphqlContext) {
    return context.loaders.customer.load(promise.customerId);
  }

  @Mutation(() => CustomerPromise)
  @Allow('AGENT')
  makePromise(@Args('input') input: MakePromiseInput, @Context() context: GraphqlContext) {
    return this.decide(toCommand.makePromise(input, () => this.ids.next()), context);
  }

  @Mutation(() => CustomerPromise)
  @Allow('AGENT')
  amendPromise(@Args('input') input: AmendPromiseInput, @Context() context: GraphqlContext) {
    return this.decide(toCommand.amendPromise(input), context);
  }

  @Mutation(() => CustomerPromise)
  @Allow('AGENT')
  keepPromise(@Args('input') input: KeepPromiseInput, @Context() context: GraphqlContext) {
    return this.decide(toCommand.keepPromise(input), context);
  }

  @Mutation(() => CustomerPromise)
  @Allow('AGENT')
  breakPromise(@Args('input') input: BreakPromiseInput, @Context() context: GraphqlContext) {
    return this.decide(toCommand.breakPromise(input), context);
  }

  @Mutation(() => CustomerPromise)
  @Allow('AGENT')
  releasePromise(@Args('input') input: ReleasePromiseInput, @Context() context: GraphqlContext) {
    return this.decide(toCommand.releasePromise(input), context);
  }

  @Mutation(() => CustomerPromise)
  @Allow('AGENT')
  fulfilPromiseLate(@Args('input') input: FulfilPromiseLateInput, @Context() context: GraphqlContext) {
    return this.decide(toCommand.fulfilPromiseLate(input), context);
  }

  private async decide(command: AggregateCommand, context: GraphqlContext) {
    const result = await this.commands.execute(new DecideCommand(command, commandContext(context)));
    return found(await this.readSide.promises.promise(result.id), `promise ${result.id}`);
  }
}
