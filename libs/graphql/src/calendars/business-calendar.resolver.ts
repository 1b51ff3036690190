import { Inject } from '@nestjs/common';
import { Args, Context, Mutation, Query, Resolver } from '@nestjs/graphql';
import { CommandBus } from '@nestjs/cqrs';
import { DecideCommand } from '#libs/application';
import type { ReadSide } from '#libs/projections';
import { Allow } from '../auth/allow.decorator.js';
import { READ_SIDE } from '../common/read-side.token.js';
import { found } from '../common/paging.js';
import { commandContext, type GraphqlContext } from '../common/request-context.js';
import { toCommand } from '../commands/input-commands.mapping.js';
import { BusinessCalendar, SetBusinessCalendarInput } from './business-calendar.type.js';

@Resolver(() => BusinessCalendar)
export class BusinessCalendarResolver {
  constructor(
    @Inject(READ_SIDE) private readonly readSide: ReadSide,
    private readonly commands: CommandBus,
  ) {}

  @Query(() => [BusinessCalendar], { description: 'Every business calendar at its latest version.' })
  @Allow('AGENT', 'FINANCE', 'INTEGRATION')
  businessCalendars() {
    return this.readSide.calendars.businessCalendars();
  }

  @Mutation(() => BusinessCalendar, { description: 'Creates or changes a calendar: promises made afterwards follow the new version.' })
  @Allow('FINANCE')
  async setBusinessCalendar(@Args('input') input: SetBusinessCalendarInput, @Context() context: GraphqlContext) {
    const result = await this.commands.execute(new DecideCommand(toCommand.setBusinessCalendar(input), commandContext(context)));
    return found(await this.readSide.calendars.businessCalendar(input.id, result.version), `calendar ${input.id}`);
  }
}
