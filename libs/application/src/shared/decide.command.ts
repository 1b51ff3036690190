import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { AggregateCommand } from './aggregate-command.js';
import type { CommandContext, CommandResult } from './command-context.js';
import { DecideAndAppend } from './decide-and-append.js';

/** Any mutation: one aggregate command, decided on its stream and appended. */
export class DecideCommand extends Command<CommandResult> {
  constructor(
    readonly command: AggregateCommand,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(DecideCommand)
export class DecideHandler implements ICommandHandler<DecideCommand, CommandResult> {
  constructor(private readonly decisions: DecideAndAppend) {}

  execute({ command, context }: DecideCommand): Promise<CommandResult> {
    return this.decisions.execute(command, context);
  }
}
