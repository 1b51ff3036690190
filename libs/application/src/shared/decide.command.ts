import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { inSpan, tracingOn } from '#libs/telemetry';
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
    if (!tracingOn()) return this.decisions.execute(command, context);
    const type = command.command.type;
    return inSpan(`command ${type}`, { 'ledger.command': type, 'ledger.aggregate': command.aggregate }, () => this.decisions.execute(command, context));
  }
}
