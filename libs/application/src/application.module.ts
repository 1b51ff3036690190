import { randomUUID } from 'node:crypto';
import { Global, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { systemClock } from '#libs/domain';
import { DefaultCostPoliciesSeeder } from './cost-policies/default-cost-policies.seeder.js';
import { DecideAndAppend } from './shared/decide-and-append.js';
import { DecideHandler } from './shared/decide.command.js';
import { AppendIntegrationEventsHandler } from './integration/append-integration-events.command.js';
import { DeadlineWatcher } from './deadlines/deadline-watcher.js';
import { ForgetCustomerHandler } from './customers/forget-customer.command.js';
import { CLOCK, ID_GENERATOR, type IdGenerator } from './tokens.js';

const uuidGenerator: IdGenerator = { next: () => randomUUID() };

/**
 * Command handlers and the deadline watcher. Expects EVENT_STORE, INTEGRATION_LEDGER, READ_MODEL_SYNC,
 * DEADLINE_FINDER, PERSONAL_DATA_VAULT and APP_CONFIG from a global module of
 * the app that composes it.
 */
@Global()
@Module({
  imports: [CqrsModule],
  providers: [
    { provide: CLOCK, useValue: systemClock },
    { provide: ID_GENERATOR, useValue: uuidGenerator },
    DecideAndAppend,
    DecideHandler,
    DefaultCostPoliciesSeeder,
    AppendIntegrationEventsHandler,
    ForgetCustomerHandler,
    DeadlineWatcher,
  ],
  exports: [CLOCK, ID_GENERATOR, DecideAndAppend, DeadlineWatcher],
})
export class ApplicationModule {}
