import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { promiseDecider, promiseStream, type PromiseCommand } from '#libs/domain';
import type { CommandContext, CommandResult } from '../shared/command-context.js';
import { DecideAndAppend } from '../shared/decide-and-append.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** Any transition of an existing promise (amend, keep, break, release, fulfil late, flags). */
export type PromiseTransition = DistributiveOmit<Exclude<PromiseCommand, { type: 'MakePromise' }>, 'now'>;

export class ChangePromiseCommand extends Command<CommandResult> {
  constructor(
    readonly transition: PromiseTransition,
    readonly expectedVersion: number | null | undefined,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(ChangePromiseCommand)
export class ChangePromiseHandler implements ICommandHandler<ChangePromiseCommand, CommandResult> {
  constructor(private readonly decisions: DecideAndAppend) {}

  async execute({ transition, expectedVersion, context }: ChangePromiseCommand): Promise<CommandResult> {
    const decision = await this.decisions.run(
      promiseDecider,
      promiseStream(transition.promiseId),
      (now) => ({ ...transition, now }) as PromiseCommand,
      { context, expectedVersion, mustExist: `promise ${transition.promiseId} not found` },
    );
    return { id: transition.promiseId, version: decision.version, position: decision.position };
  }
}
