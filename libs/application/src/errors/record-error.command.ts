import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { customerStream, errorIncidentDecider, errorStream, parseMoney, type ErrorType } from '#libs/domain';
import { ID_GENERATOR, type IdGenerator } from '../tokens.js';
import type { CommandContext, CommandResult } from '../shared/command-context.js';
import { DecideAndAppend } from '../shared/decide-and-append.js';

export interface RecordErrorInput {
  id?: string | null;
  customerId: string;
  type: ErrorType;
  occurredAt?: Date | null;
  reference?: string | null;
  description?: string | null;
  cost?: { amount: string; currency: string } | null;
}

export class RecordErrorCommand extends Command<CommandResult> {
  constructor(
    readonly input: RecordErrorInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(RecordErrorCommand)
export class RecordErrorHandler implements ICommandHandler<RecordErrorCommand, CommandResult> {
  constructor(
    private readonly decisions: DecideAndAppend,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  async execute({ input, context }: RecordErrorCommand): Promise<CommandResult> {
    const cost = input.cost ? parseMoney(input.cost, 'cost.amount') : undefined;
    await this.decisions.requireStream(customerStream(input.customerId), `customer ${input.customerId} not found`, 'customerId');
    const id = input.id ?? this.ids.next();
    const decision = await this.decisions.run(
      errorIncidentDecider,
      errorStream(id),
      (now) => ({
        type: 'RecordError' as const,
        errorId: id,
        customerId: input.customerId,
        errorType: input.type,
        occurredAt: input.occurredAt ?? undefined,
        reference: input.reference ?? undefined,
        description: input.description ?? undefined,
        cost,
        now,
      }),
      // A generated id names a stream nobody has written.
      { context, newStream: input.id == null },
    );
    return { id, version: decision.version, position: decision.position };
  }
}
