import { Inject, Injectable } from '@nestjs/common';
import { isWrongExpectedRevision, type EventStore, type NewEvent } from '#libs/event-store';
import { DomainError, customerStream, foldEvents, type Clock, type Decider } from '#libs/domain';
import { APP_CONFIG, CLOCK, EVENT_STORE, ID_GENERATOR, READ_MODEL_SYNC, type IdGenerator } from '../tokens.js';
import type { AppConfig } from '#libs/config';
import type { CommandContext, CommandResult } from './command-context.js';
import type { ReadModelSync } from './read-model-sync.js';
import { PromiseClocks } from '../calendars/promise-clocks.js';
import { customerNotFound, decideOnStream, eventMetadata, expectedRevisionOf, targetOf, type AggregateCommand } from './aggregate-command.js';

interface DomainEvent {
  type: string;
  data: unknown;
}

export interface DecideOptions {
  /** The version the caller saw; a stream that moved since is a CONFLICT, never retried. */
  expectedVersion?: number | null;
  context: CommandContext;
  /** Refuse with NOT_FOUND instead of deciding on a stream that has no events. */
  mustExist?: string;
  /** Return once the read models include the events (default true; background work skips it). */
  awaitReadModels?: boolean;
  /**
   * The stream is named by an id this process just generated, so nobody can have written it: the
   * first attempt decides on the empty state and appends expecting no stream, without reading it.
   * Should the stream exist after all, that append is refused and the next attempt reads it.
   */
  newStream?: boolean;
}

export interface Decision<State> {
  state: State;
  /** The stream revision after the command (-1 when the stream is still empty). */
  version: number;
  /** Position of the stream's newest event (0n when empty). */
  position: bigint;
  appended: number;
}

const MAX_ATTEMPTS = 5;
/** Customers this process saw exist, remembered (a registered customer never stops existing: erasure keeps its stream). */
const KNOWN_CUSTOMERS_MAX = 10_000;

/**
 * The one command-handling loop: load the stream, fold it, decide, append at the revision it was
 * loaded at; on a concurrent write retry from the top unless the caller pinned expectedVersion.
 * Returns once every read model includes the stream's newest event (read-your-writes).
 */
@Injectable()
export class DecideAndAppend {
  /** The clocks promise commands need (calendars, risk thresholds). */
  readonly clocks: PromiseClocks;
  /** Customers whose stream this process found non-empty: asked once, not by every command for them. */
  private readonly knownCustomers = new Set<string>();

  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @Inject(READ_MODEL_SYNC) private readonly readModels: ReadModelSync,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.clocks = new PromiseClocks(eventStore, config);
  }

  /** A mutation's command: its rules checked, decided on its aggregate's stream and appended. */
  async execute(given: AggregateCommand, context: CommandContext): Promise<CommandResult> {
    const target = targetOf(given);
    if (given.requiresCustomer) await this.requireCustomer(given.requiresCustomer);
    const command = await this.clocks.prepare(given, context);
    const decision = await this.run(target.decider, target.stream, (now) => ({ ...command.command, now }), {
      context,
      expectedVersion: command.expectedVersion,
      mustExist: command.mustExist ? target.notFound : undefined,
      newStream: command.newStream,
    });
    return { id: target.id, version: decision.version, position: decision.position };
  }

  async run<Command, State, Event extends DomainEvent>(
    decider: Decider<Command, State, Event>,
    stream: string,
    command: (now: Date) => Command,
    options: DecideOptions,
  ): Promise<Decision<State>> {
    for (let attempt = 1; ; attempt++) {
      const history = attempt === 1 && options.newStream ? [] : await this.eventStore.readStream(stream);
      const version = history.length - 1;
      const loaded = { state: foldEvents(decider, history as unknown as Event[]), version };
      const decided = decideOnStream(decider, loaded, command(this.clock.now()), options);
      const tail = history.at(-1);
      if (decided.events.length === 0) {
        if (tail && options.awaitReadModels !== false) await this.awaitReadModels(tail.position);
        return { state: decided.state, version, position: tail?.position ?? 0n, appended: 0 };
      }
      try {
        const metadata = eventMetadata(options.context);
        const appended: NewEvent[] = decided.events.map((e) => ({ id: this.ids.next(), type: e.type, data: e.data, metadata }));
        const result = await this.eventStore.appendToStream(stream, appended, { expectedRevision: expectedRevisionOf(version) });
        const next = Number(result.nextExpectedRevision);
        if (options.awaitReadModels !== false) await this.awaitReadModels(result.position, appended.map((e) => e.id), next);
        return { state: decided.state, version: next, position: result.position, appended: decided.events.length };
      } catch (error) {
        if (!isWrongExpectedRevision(error)) throw error;
        if (options.expectedVersion != null) {
          throw new DomainError('CONFLICT', `stale expectedVersion ${options.expectedVersion}: the stream changed concurrently`);
        }
        if (attempt >= MAX_ATTEMPTS) {
          throw new DomainError('CONFLICT', `gave up after ${MAX_ATTEMPTS} concurrent writes to ${stream}; try again`);
        }
      }
    }
  }

  /**
   * Refuses with NOT_FOUND (naming `customerId`) when the customer's stream is empty. A stream
   * once written is never emptied (erasure destroys the key, not the events), so a customer found
   * once is remembered and not read again: a mutation for a known customer saves a round trip.
   */
  async requireCustomer(customerId: string): Promise<void> {
    if (this.knownCustomers.has(customerId)) return;
    const [first] = await this.eventStore.readStream(customerStream(customerId), { maxCount: 1 });
    if (!first) throw customerNotFound(customerId);
    if (this.knownCustomers.size >= KNOWN_CUSTOMERS_MAX) this.knownCustomers.delete(this.knownCustomers.values().next().value!);
    this.knownCustomers.add(customerId);
  }

  /** @throws DomainError UNAVAILABLE when a read model parked one of `eventIds` instead of applying it. */
  private async awaitReadModels(position: bigint, eventIds: readonly string[] = [], version?: number): Promise<void> {
    const unapplied = await this.readModels.waitFor(position, this.config.readYourWritesTimeoutMs, eventIds);
    if (unapplied.length > 0) {
      const projections = [...new Set(unapplied.map((u) => u.projection))].join(', ');
      throw new DomainError(
        'UNAVAILABLE',
        `the change was stored${version === undefined ? '' : ` (version ${version})`}, but the ${projections} read model could not apply it: ` +
          `it is parked for an operator ('ledger projections parked'), and views will not show it until it is retried`,
      );
    }
  }
}
