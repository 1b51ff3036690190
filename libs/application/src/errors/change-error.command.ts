import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { errorIncidentDecider, errorStream, type ErrorIncidentCommand } from '#libs/domain';
import type { CommandContext, CommandResult } from '../shared/command-context.js';
import { DecideAndAppend } from '../shared/decide-and-append.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** Resolve or void an existing error incident. */
export type ErrorTransition = DistributiveOmit<Exclude<ErrorIncidentCommand, { type: 'RecordError' }>, 'now'>;

export class ChangeErrorCommand extends Command<CommandResult> {
  constructor(
    readonly transition: ErrorTransition,
    readonly expectedVersion: number | null | undefined,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(ChangeErrorCommand)
export class ChangeErrorHandler implements ICommandHandler<ChangeErrorCommand, CommandResult> {
  constructor(private readonly decisions: DecideAndAppend) {}

  async execute({ transition, expectedVersion, context }: ChangeErrorCommand): Promise<CommandResult> {
    const decision = await this.decisions.run(
      errorIncidentDecider,
      errorStream(transition.errorId),
      (now) => ({ ...transition, now }) as ErrorIncidentCommand,
      { context, expectedVersion, mustExist: `error incident ${transition.errorId} not found` },
    );
    return { id: transition.errorId, version: decision.version, position: decision.position };
  }
}
