import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { customerStream, promiseDecider, promiseStream, type PromiseKind, type TouchPoint } from '#libs/domain';
import { ID_GENERATOR, type IdGenerator } from '../tokens.js';
import type { CommandContext, CommandResult } from '../shared/command-context.js';
import { DecideAndAppend } from '../shared/decide-and-append.js';

export interface MakePromiseInput {
  id?: string | null;
  customerId: string;
  kind: PromiseKind;
  touchPoint?: TouchPoint | null;
  description: string;
  dueBy: Date;
  madeAt?: Date | null;
}

export class MakePromiseCommand extends Command<CommandResult> {
  constructor(
    readonly input: MakePromiseInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(MakePromiseCommand)
export class MakePromiseHandler implements ICommandHandler<MakePromiseCommand, CommandResult> {
  constructor(
    private readonly decisions: DecideAndAppend,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  async execute({ input, context }: MakePromiseCommand): Promise<CommandResult> {
    await this.decisions.requireStream(customerStream(input.customerId), `customer ${input.customerId} not found`, 'customerId');
    const id = input.id ?? this.ids.next();
    const decision = await this.decisions.run(
      promiseDecider,
      promiseStream(id),
      (now) => ({
        type: 'MakePromise' as const,
        promiseId: id,
        customerId: input.customerId,
        kind: input.kind,
        touchPoint: input.touchPoint ?? 'HUMAN',
        description: input.description,
        dueBy: input.dueBy,
        madeAt: input.madeAt ?? undefined,
        now,
      }),
      // A generated id names a stream nobody has written.
      { context, newStream: input.id == null },
    );
    return { id, version: decision.version, position: decision.position };
  }
}
