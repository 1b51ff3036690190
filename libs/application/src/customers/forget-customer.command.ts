import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { badInput } from '#libs/domain';
import { PERSONAL_DATA_VAULT } from '../tokens.js';
import type { CommandContext, CommandResult } from '../shared/command-context.js';
import { DecideAndAppend } from '../shared/decide-and-append.js';
import type { PersonalDataVault } from './personal-data.port.js';

/** Forget a customer (ADMIN): its data key is destroyed, then CustomerErased is appended. */
export class ForgetCustomerCommand extends Command<CommandResult> {
  constructor(
    readonly customerId: string,
    readonly reason: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/**
 * The key goes first: once it is destroyed nothing sealed under it can be read, whatever happens
 * next. Should the append then fail, forgetting again appends it (a destroyed key is no obstacle:
 * the customer's events read as erased, and the decider still sees it registered).
 */
@CommandHandler(ForgetCustomerCommand)
export class ForgetCustomerHandler implements ICommandHandler<ForgetCustomerCommand, CommandResult> {
  constructor(
    private readonly decisions: DecideAndAppend,
    @Inject(PERSONAL_DATA_VAULT) private readonly vault: PersonalDataVault,
  ) {}

  async execute({ customerId, reason, context }: ForgetCustomerCommand): Promise<CommandResult> {
    // Checked before anything is destroyed: a refused erasure destroys nothing.
    if (typeof reason !== 'string' || reason.trim() === '') throw badInput('reason', 'must not be empty');
    if (reason.trim().length > 2_000) throw badInput('reason', 'must be at most 2000 characters');
    await this.decisions.requireCustomer(customerId);
    await this.vault.destroyKey(customerId);
    const result = await this.decisions.execute(
      { aggregate: 'customer', command: { type: 'ForgetCustomer', customerId, reason, requestedBy: context.actor }, mustExist: true },
      context,
    );
    await this.vault.refreshSamples();
    return result;
  }
}
