import type { AppConfig } from '#libs/config';
import { calendarClock } from '#libs/business-time';
import {
  DomainError,
  aroundTheClock,
  businessCalendarDecider,
  calendarStream,
  foldEvents,
  promiseStream,
  type BusinessCalendarEvent,
  type CalendarRef,
  type PromiseClock,
  type PromiseEvent,
} from '#libs/domain';
import type { EventStore } from '#libs/event-store';
import type { AggregateCommand } from '../shared/aggregate-command.js';
import type { CommandContext } from '../shared/command-context.js';

const CACHED_CLOCKS = 500;

const calendarNotFound = (id: string) => new DomainError('NOT_FOUND', `calendar ${id} not found`, { calendarId: 'not found' });

/**
 * Hands the promise decider the clock a command needs: the calendar named by a new promise (its
 * current version), or the one an existing promise was made with (that version: a calendar
 * changed later never moves its dates), with the configured risk thresholds. Calendars are read
 * from their streams (the facts), never from a read model that may lag.
 */
export class PromiseClocks {
  /** A calendar version never changes: its clock is kept. */
  private readonly clocks = new Map<string, PromiseClock>();

  constructor(
    private readonly store: EventStore,
    private readonly config: Pick<AppConfig, 'riskThresholds' | 'atRiskWindowMs'>,
  ) {}

  /**
   * The command with its clock (make, amend, resume) and, for a pause, who asked.
   * @param madeInBatch calendars of promises made earlier in the same ERP batch (not stored yet).
   * @throws DomainError NOT_FOUND naming calendarId for an unknown calendar.
   */
  async prepare(action: AggregateCommand, context: CommandContext, madeInBatch?: Map<string, CalendarRef | undefined>): Promise<AggregateCommand> {
    if (action.aggregate !== 'promise') return action;
    const command = action.command;
    switch (command.type) {
      case 'MakePromise': {
        const clock = command.calendarId == null ? this.aroundTheClock() : await this.clockOf(command.calendarId);
        madeInBatch?.set(command.promiseId, clock.calendar);
        return { ...action, command: { ...command, clock } };
      }
      case 'AmendPromise':
      case 'ResumePromise': {
        const calendar = madeInBatch?.has(command.promiseId) ? madeInBatch.get(command.promiseId) : await this.calendarOfPromise(command.promiseId);
        const clock = calendar ? await this.clockOf(calendar.id, calendar.version) : this.aroundTheClock();
        return { ...action, command: { ...command, clock } };
      }
      case 'PausePromise':
        return { ...action, command: { ...command, pausedBy: context.actor } };
      case 'KeepPromise':
      case 'BreakPromise':
      case 'BreakPromiseForDeadline':
      case 'ReleasePromise':
      case 'FulfilPromiseLate':
      case 'FlagPromiseAtRisk':
        return action;
      default:
        return command satisfies never;
    }
  }

  aroundTheClock(): PromiseClock {
    return aroundTheClock(this.config.riskThresholds, this.config.atRiskWindowMs);
  }

  /** The clock of a calendar at a version (default: its latest). */
  async clockOf(calendarId: string, version?: number): Promise<PromiseClock> {
    const cached = version === undefined ? undefined : this.clocks.get(`${calendarId}@${version}`);
    if (cached) return cached;
    const history = (await this.store.readStream(calendarStream(calendarId))) as unknown as BusinessCalendarEvent[];
    const at = version === undefined ? history.length - 1 : version;
    if (at < 0 || at >= history.length) throw calendarNotFound(calendarId);
    const state = foldEvents(businessCalendarDecider, history.slice(0, at + 1));
    if (state.status !== 'SET') throw calendarNotFound(calendarId);
    const clock = calendarClock({ id: calendarId, version: at }, state, this.config);
    if (this.clocks.size >= CACHED_CLOCKS) this.clocks.clear();
    this.clocks.set(`${calendarId}@${at}`, clock);
    return clock;
  }

  /** The calendar a promise was made with, from its first event (undefined: none, or no such promise yet). */
  private async calendarOfPromise(promiseId: string): Promise<CalendarRef | undefined> {
    const [first] = (await this.store.readStream(promiseStream(promiseId), { maxCount: 1 })) as unknown as PromiseEvent[];
    return first?.type === 'PromiseMade' ? first.data.calendar : undefined;
  }
}
