import { Inject } from '@nestjs/common';
import { Allow } from '../auth/allow.decorator.js';
import { Args, Context, Float, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { CLOCK, DecideCommand, ID_GENERATOR, type AggregateCommand, type IdGenerator } from '#libs/application';
import type { Clock } from '#libs/domain';
import type { CustomerView, PromiseView, ReadSide } from '#libs/projections';
import { BusinessCalendar } from '../calendars/business-calendar.type.js';
import { PromiseClockFigures } from './promise-clock.figures.js';
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
  PausePromiseInput,
  ReleasePromiseInput,
  ResumePromiseInput,
} from './promise.inputs.js';

@Resolver(() => CustomerPromise)
export class PromiseResolver {
  constructor(
    @Inject(READ_SIDE) private readonly readSide: ReadSide,
    private readonly commands: CommandBus,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.figures = new PromiseClockFigures(readSide.calendars);
  }

  private readonly figures: PromiseClockFigures;

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

  // No parameter decorators: Nest then hands graphql this method as it is, instead of running
  // its context creator and the global pipe for each promise of a page. A page brings its
  // customers (read in the same statement); a promise from elsewhere loads its own.
  @ResolveField(() => Customer)
  customer(promise: CustomerPromise & { customer?: CustomerView | null }, _args: unknown, context: GraphqlContext) {
    return promise.customer !== undefined ? promise.customer : context.loaders.customer.load(promise.customerId);
  }

  @ResolveField(() => BusinessCalendar, { nullable: true, description: "the calendar the promise's clock follows, at the version it was made with; null: around the clock" })
  calendar(@Parent() promise: PromiseView) {
    return promise.calendar ? this.readSide.calendars.businessCalendar(promise.calendar.id, promise.calendar.version) : null;
  }

  @ResolveField(() => Int, { description: 'clock time spent paused so far (business time when a calendar applies)' })
  pausedSeconds(@Parent() promise: PromiseView) {
    return this.figures.pausedSeconds(promise, this.clock.now());
  }

  @ResolveField(() => Float, { nullable: true, description: 'share of the promised clock time used up, 0 to 1+; null once settled' })
  elapsedRatio(@Parent() promise: PromiseView) {
    return this.figures.elapsedRatio(promise, this.clock.now());
  }

  @Mutation(() => CustomerPromise, { description: 'Stops the clock of an open promise not yet due (waiting on the customer).' })
  @Allow('AGENT')
  pausePromise(@Args('input') input: PausePromiseInput, @Context() context: GraphqlContext) {
    return this.decide(toCommand.pausePromise(input), context);
  }

  @Mutation(() => CustomerPromise, { description: 'Restarts the clock; dueBy moves later by the time paused.' })
  @Allow('AGENT')
  resumePromise(@Args('input') input: ResumePromiseInput, @Context() context: GraphqlContext) {
    return this.decide(toCommand.resumePromise(input), context);
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
