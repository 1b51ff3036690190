import { Args, ID, Resolver, Subscription } from '@nestjs/graphql';
import type { LedgerView, PromiseView } from '#libs/projections';
import { Allow } from '../auth/allow.decorator.js';
import { CustomerPromise } from '../promises/customer-promise.type.js';
import { PromiseLedger } from '../ledger/promise-ledger.type.js';
import { LEDGER_CHANGED, LiveUpdates, PROMISE_AT_RISK, PROMISE_BROKEN } from './live-updates.service.js';

@Resolver()
export class SubscriptionResolver {
  constructor(private readonly live: LiveUpdates) {}

  @Subscription(() => CustomerPromise, { description: 'A promise broke (reported, kept late, or its deadline passed); all customers when customerId is omitted.', resolve: (p: PromiseView) => p })
  @Allow('AGENT', 'FINANCE')
  async promiseBroken(@Args('customerId', { type: () => ID, nullable: true }) customerId: string | null) {
    return this.live.subscribe<PromiseView>(PROMISE_BROKEN, (p) => !customerId || p.customerId === customerId);
  }

  @Subscription(() => CustomerPromise, {
    description: 'A promise crossed into AT_RISK or CRITICAL (each recorded once); all customers when customerId is omitted.',
    resolve: (p: PromiseView) => p,
  })
  @Allow('AGENT', 'FINANCE')
  async promiseAtRisk(@Args('customerId', { type: () => ID, nullable: true }) customerId: string | null) {
    return this.live.subscribe<PromiseView>(PROMISE_AT_RISK, (p) => !customerId || p.customerId === customerId);
  }

  @Subscription(() => PromiseLedger, { description: "The customer's promise ledger, whenever one of its promises changes.", resolve: (u: { ledger: LedgerView }) => u.ledger })
  @Allow('AGENT', 'FINANCE')
  async ledgerChanged(@Args('customerId', { type: () => ID }) customerId: string) {
    return this.live.subscribe<{ customerId: string }>(LEDGER_CHANGED, (u) => u.customerId === customerId);
  }
}
