import { Inject } from '@nestjs/common';
import { Allow } from '../auth/allow.decorator.js';
import { Args, Context, ID, Info, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Kind, type GraphQLResolveInfo } from 'graphql';
import { CommandBus } from '@nestjs/cqrs';
import { DecideCommand, ForgetCustomerCommand, ID_GENERATOR, type IdGenerator } from '#libs/application';
import type { LedgerView, ReadSide } from '#libs/projections';
import { READ_SIDE } from '../common/read-side.token.js';
import { DateTimeScalar } from '../scalars.js';
import { toCommand } from '../commands/input-commands.mapping.js';
import { CustomerKind, ErrorStatus, PromiseStatus } from '../common/enums.js';
import { toConnection } from '../common/page.type.js';
import { found, pageSize } from '../common/paging.js';
import { commandContext, type GraphqlContext } from '../common/request-context.js';
import { PromiseLedger } from '../ledger/promise-ledger.type.js';
import { ErrorCostSummary } from '../costs/error-cost.types.js';
import { ErrorIncidentConnection } from '../errors/error-incident.type.js';
import { PromiseConnection } from '../promises/customer-promise.type.js';
import { TimelineConnection } from '../timeline/timeline.types.js';
import { Customer, CustomerConnection } from './customer.type.js';
import { ForgetCustomerInput, RegisterCustomerInput } from './register-customer.input.js';

const AS_OF = 'as the ledger knew it then: only events recorded by that moment count';

/** A customer read with its ledger now (one statement instead of two). */
type CustomerAnswer = Customer & { ledgerNow?: LedgerView };

/** Whether the operation asks this customer's ledger now (`ledger` without arguments, directly in its selection). */
const asksLedgerNow = (info: GraphQLResolveInfo) =>
  info.fieldNodes.some((node) => node.selectionSet?.selections.some((s) => s.kind === Kind.FIELD && s.name.value === 'ledger' && !s.arguments?.length));

@Resolver(() => Customer)
export class CustomerResolver {
  constructor(
    @Inject(READ_SIDE) private readonly readSide: ReadSide,
    private readonly commands: CommandBus,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  @Query(() => Customer, { nullable: true })
  @Allow('AGENT', 'FINANCE', 'INTEGRATION')
  async customer(@Args('id', { type: () => ID }) id: string, @Info() info: GraphQLResolveInfo): Promise<CustomerAnswer | null> {
    if (!asksLedgerNow(info)) return this.readSide.customers.customer(id);
    const found = await this.readSide.ledgers.customerWithLedger(id);
    return found && { ...found.customer, ledgerNow: found.ledger };
  }

  @Query(() => CustomerConnection)
  @Allow('AGENT', 'FINANCE')
  async customers(
    @Args('kind', { type: () => CustomerKind, nullable: true }) kind: CustomerKind | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 50 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ) {
    return toConnection(await this.readSide.customers.customers({ kind: kind ?? undefined, first: pageSize(first), after: after ?? undefined }));
  }

  @Query(() => [Customer], {
    description:
      'Customers whose id, name, email or region has a word starting with every word of `text` (case and accents ignored), or whose id, promise id or error reference is `text` whole; best first. Blank text finds no one; `first` 1..100, `text` at most 320 characters.',
  })
  @Allow('AGENT', 'FINANCE')
  searchCustomers(
    @Args('text', { type: () => String }) text: string,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first: number | null,
  ) {
    return this.readSide.customers.searchCustomers({ text, first: first ?? 20 });
  }

  @Mutation(() => Customer)
  @Allow('AGENT')
  async registerCustomer(@Args('input') input: RegisterCustomerInput, @Context() context: GraphqlContext) {
    const command = toCommand.registerCustomer(input, () => this.ids.next());
    const result = await this.commands.execute(new DecideCommand(command, commandContext(context)));
    return found(await this.readSide.customers.customer(result.id), `customer ${result.id}`);
  }

  /** ADMIN only (no @Allow): destroys the customer's data key and clears its personal data everywhere. */
  @Mutation(() => Customer)
  async forgetCustomer(@Args('input') input: ForgetCustomerInput, @Context() context: GraphqlContext) {
    const result = await this.commands.execute(new ForgetCustomerCommand(input.id, input.reason, commandContext(context)));
    return found(await this.readSide.customers.customer(result.id), `customer ${result.id}`);
  }

  @ResolveField(() => PromiseLedger)
  ledger(@Parent() customer: CustomerAnswer, @Args('asOf', { type: () => DateTimeScalar, nullable: true }) asOf: Date | null) {
    if (!asOf && customer.ledgerNow) return customer.ledgerNow;
    return this.readSide.ledgers.customerLedger(customer.id, asOf ?? undefined);
  }

  @ResolveField(() => PromiseConnection)
  async promises(
    @Parent() customer: Customer,
    @Args('status', { type: () => PromiseStatus, nullable: true }) status: PromiseStatus | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 50 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
    @Args('asOf', { type: () => DateTimeScalar, nullable: true, description: AS_OF }) asOf: Date | null,
  ) {
    return toConnection(
      await this.readSide.promises.promises({
        filter: { customerId: customer.id, status: status ?? undefined },
        first: pageSize(first),
        after: after ?? undefined,
        asOf: asOf ?? undefined,
      }),
    );
  }

  @ResolveField(() => ErrorIncidentConnection)
  async errors(
    @Parent() customer: Customer,
    @Args('status', { type: () => ErrorStatus, nullable: true }) status: ErrorStatus | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 50 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
    @Args('asOf', { type: () => DateTimeScalar, nullable: true, description: AS_OF }) asOf: Date | null,
  ) {
    return toConnection(
      await this.readSide.errorCosts.errors({
        customerId: customer.id, status: status ?? undefined, first: pageSize(first), after: after ?? undefined, asOf: asOf ?? undefined,
      }),
    );
  }

  @ResolveField(() => ErrorCostSummary)
  errorCosts(
    @Parent() customer: Customer,
    @Args('from', { type: () => DateTimeScalar, nullable: true }) from: Date | null,
    @Args('to', { type: () => DateTimeScalar, nullable: true }) to: Date | null,
    @Args('asOf', { type: () => DateTimeScalar, nullable: true }) asOf: Date | null,
  ) {
    return this.readSide.errorCosts.errorCostSummary({ customerId: customer.id, from: from ?? undefined, to: to ?? undefined, asOf: asOf ?? undefined });
  }

  @ResolveField(() => TimelineConnection)
  async timeline(
    @Parent() customer: Customer,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 50 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
    @Args('asOf', { type: () => DateTimeScalar, nullable: true, description: AS_OF }) asOf: Date | null,
    @Args('newestFirst', { type: () => Boolean, nullable: true, defaultValue: false, description: 'newest first instead of oldest first' })
    newestFirst: boolean | null,
  ) {
    const page = await this.readSide.timeline.timeline({
      customerId: customer.id, first: pageSize(first), after: after ?? undefined, asOf: asOf ?? undefined, newestFirst: newestFirst ?? false,
    });
    return { nodes: page.nodes, pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor } };
  }
}
