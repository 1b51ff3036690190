import { Allow } from '../auth/allow.decorator.js';
import { Args, Context, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { CLOCK, DecideCommand } from '#libs/application';
import { DomainError, type Clock } from '#libs/domain';
import { Inject } from '@nestjs/common';
import type { ReadSide } from '#libs/projections';
import { READ_SIDE } from '../common/read-side.token.js';
import { DateTimeScalar } from '../scalars.js';
import { CustomerKind, ErrorCostGroup } from '../common/enums.js';
import { commandContext, type GraphqlContext } from '../common/request-context.js';
import { toCommand } from '../commands/input-commands.mapping.js';
import { PromiseLedger } from '../ledger/promise-ledger.type.js';
import { ErrorCostForecast, ErrorCostPolicy, ErrorCostRow, SetErrorCostPolicyInput } from './error-cost.types.js';

const MAX_WINDOW_DAYS = 3_650;

@Resolver()
export class ErrorCostResolver {
  constructor(
    @Inject(READ_SIDE) private readonly readSide: ReadSide,
    private readonly commands: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Query(() => PromiseLedger)
  @Allow('AGENT', 'FINANCE')
  brandLedger(
    @Args('customerKind', { type: () => CustomerKind, nullable: true }) customerKind: CustomerKind | null,
    @Args('asOf', { type: () => DateTimeScalar, nullable: true }) asOf: Date | null,
  ) {
    return this.readSide.ledgers.brandLedger({ customerKind: customerKind ?? undefined, asOf: asOf ?? undefined });
  }

  @Query(() => [ErrorCostRow])
  @Allow('FINANCE')
  errorCosts(
    @Args('groupBy', { type: () => ErrorCostGroup }) groupBy: ErrorCostGroup,
    @Args('from', { type: () => DateTimeScalar, nullable: true }) from: Date | null,
    @Args('to', { type: () => DateTimeScalar, nullable: true }) to: Date | null,
    @Args('customerKind', { type: () => CustomerKind, nullable: true }) customerKind: CustomerKind | null,
    @Args('asOf', { type: () => DateTimeScalar, nullable: true }) asOf: Date | null,
  ) {
    return this.readSide.errorCosts.errorCosts({
      groupBy,
      from: from ?? undefined,
      to: to ?? undefined,
      customerKind: customerKind ?? undefined,
      asOf: asOf ?? undefined,
    });
  }

  @Query(() => ErrorCostForecast)
  @Allow('FINANCE')
  errorCostForecast(
    @Args('customerId', { type: () => ID, nullable: true }) customerId: string | null,
    @Args('windowDays', { type: () => Int, nullable: true, defaultValue: 90 }) windowDays: number,
  ) {
    if (!Number.isInteger(windowDays) || windowDays < 1 || windowDays > MAX_WINDOW_DAYS) {
      throw new DomainError('BAD_USER_INPUT', `windowDays must be between 1 and ${MAX_WINDOW_DAYS}`, {
        windowDays: `must be between 1 and ${MAX_WINDOW_DAYS}`,
      });
    }
    return this.readSide.errorCosts.errorCostForecast({ customerId: customerId ?? undefined, windowDays, now: this.clock.now() });
  }

  @Query(() => [ErrorCostPolicy])
  @Allow('FINANCE')
  errorCostPolicies() {
    return this.readSide.errorCosts.errorCostPolicies();
  }

  @Mutation(() => ErrorCostPolicy)
  @Allow('FINANCE')
  async setErrorCostPolicy(@Args('input') input: SetErrorCostPolicyInput, @Context() context: GraphqlContext) {
    await this.commands.execute(new DecideCommand(toCommand.setErrorCostPolicy(input), commandContext(context)));
    const policies = await this.readSide.errorCosts.errorCostPolicies();
    const set = policies.findLast(
      (p) =>
        p.customerKind === input.customerKind &&
        p.errorType === input.errorType &&
        p.effectiveFrom.getTime() === input.effectiveFrom.getTime(),
    );
    if (!set) throw new DomainError('UNAVAILABLE', 'the policy is not in the read model yet');
    return set;
  }
}
