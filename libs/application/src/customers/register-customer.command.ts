import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { customerDecider, customerStream, type CustomerKind } from '#libs/domain';
import { Inject } from '@nestjs/common';
import { ID_GENERATOR, type IdGenerator } from '../tokens.js';
import type { CommandContext, CommandResult } from '../shared/command-context.js';
import { DecideAndAppend } from '../shared/decide-and-append.js';

export interface RegisterCustomerInput {
  id?: string | null;
  name: string;
  kind: CustomerKind;
  region?: string | null;
  email?: string | null;
}

export class RegisterCustomerCommand extends Command<CommandResult> {
  constructor(
    readonly input: RegisterCustomerInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(RegisterCustomerCommand)
export class RegisterCustomerHandler implements ICommandHandler<RegisterCustomerCommand, CommandResult> {
  constructor(
    private readonly decisions: DecideAndAppend,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  async execute({ input, context }: RegisterCustomerCommand): Promise<CommandResult> {
    const id = input.id ?? this.ids.next();
    const decision = await this.decisions.run(
      customerDecider,
      customerStream(id),
      (now) => ({
        type: 'RegisterCustomer' as const,
        customerId: id,
        name: input.name,
        kind: input.kind,
        region: input.region ?? undefined,
        email: input.email ?? undefined,
        now,
      }),
      // A generated id names a stream nobody has written.
      { context, newStream: input.id == null },
    );
    return { id, version: decision.version, position: decision.position };
  }
}
