import { Inject } from '@nestjs/common';
import { Allow } from '../auth/allow.decorator.js';
import { Args, Context, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { ChangePromiseCommand, MakePromiseCommand, type CommandResult, type PromiseTransition } from '#libs/application';
import type { ReadSide } from '#libs/projections';
import { READ_SIDE } from '../common/read-side.token.js';
import { toConnection } from '../common/page.type.js';
import { found, pageSize } from '../common/paging.js';
import { commandContext, type GraphqlContext } from '../common/request-context.js';
import { Customer } from '../customers/customer.type.js';
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
  async makePromise(@Args('input') input: MakePromiseInput, @Context() context: GraphqlContext) {
    return this.reply(await this.commands.execute(new MakePromiseCommand(input, commandContext(context))));
  }

  @Mutation(() => CustomerPromise)
  @Allow('AGENT')
  amendPromise(@Args('input') input: AmendPromiseInput, @Context() context: GraphqlContext) {
    return this.change({ type: 'AmendPromise', promiseId: input.id, dueBy: input.dueBy, reason: input.reason }, input.expectedVersion, context);
  }

  @Mutation(() => CustomerPromise)
  @Allow('AGENT')
  keepPromise(@Args('input') input: KeepPromiseInput, @Context() context: GraphqlContext) {
    return this.change(
      { type: 'KeepPromise', promiseId: input.id, keptAt: input.keptAt ?? undefined, evidence: input.evidence ?? undefined },
      input.expectedVersion,
      context,
    );
  }

  @Mutation(() => CustomerPromise)
  @Allow('AGENT')
  breakPromise(@Args('input') input: BreakPromiseInput, @Context() context: GraphqlContext) {
    return this.change({ type: 'BreakPromise', promiseId: input.id, reason: input.reason }, input.expectedVersion, context);
  }

  @Mutation(() => CustomerPromise)
  @Allow('AGENT')
  releasePromise(@Args('input') input: ReleasePromiseInput, @Context() context: GraphqlContext) {
    return this.change({ type: 'ReleasePromise', promiseId: input.id, reason: input.reason }, input.expectedVersion, context);
  }

  @Mutation(() => CustomerPromise)
  @Allow('AGENT')
  fulfilPromiseLate(@Args('input') input: FulfilPromiseLateInput, @Context() context: GraphqlContext) {
    return this.change(
      { type: 'FulfilPromiseLate', promiseId: input.id, fulfilledAt: input.fulfilledAt ?? undefined, evidence: input.evidence ?? undefined },
      input.expectedVersion,
      context,
    );
  }

  private async change(transition: PromiseTransition, expectedVersion: number | null | undefined, context: GraphqlContext) {
    return this.reply(await this.commands.execute(new ChangePromiseCommand(transition, expectedVersion, commandContext(context))));
  }

  private async reply(result: CommandResult) {
    return found(await this.readSide.promises.promise(result.id), `promise ${result.id}`);
  }
}
