import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { COST_POLICY_STREAM, costPolicyDecider, parseMoney, type CustomerKind, type ErrorType } from '#libs/domain';
import type { CommandContext, CommandResult } from '../shared/command-context.js';
import { DecideAndAppend } from '../shared/decide-and-append.js';

export interface SetErrorCostPolicyInput {
  customerKind: CustomerKind;
  errorType: ErrorType;
  costPerError: { amount: string; currency: string };
  effectiveFrom: Date;
}

export class SetErrorCostPolicyCommand extends Command<CommandResult> {
  constructor(
    readonly input: SetErrorCostPolicyInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(SetErrorCostPolicyCommand)
export class SetErrorCostPolicyHandler implements ICommandHandler<SetErrorCostPolicyCommand, CommandResult> {
  constructor(private readonly decisions: DecideAndAppend) {}

  async execute({ input, context }: SetErrorCostPolicyCommand): Promise<CommandResult> {
    const costPerError = parseMoney(input.costPerError, 'costPerError.amount');
    const decision = await this.decisions.run(
      costPolicyDecider,
      COST_POLICY_STREAM,
      (now) => ({
        type: 'SetErrorCostPolicy' as const,
        customerKind: input.customerKind,
        errorType: input.errorType,
        costPerError,
        effectiveFrom: input.effectiveFrom,
        now,
      }),
      { context },
    );
    return { id: COST_POLICY_STREAM, version: decision.version, position: decision.position };
  }
}
