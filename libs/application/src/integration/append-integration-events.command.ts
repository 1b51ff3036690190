import { Inject } from '@nestjs/common';
import { inSpan, tracingOn } from '#libs/telemetry';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { DomainError, STORABLE_TEXT_RULE, customerStream, foldEvents, isStorableText, type CalendarRef, type Clock, type ErrorCode } from '#libs/domain';
import { isWrongExpectedRevision, type EventStore, type StoredEvent } from '#libs/event-store';
import type { AppConfig } from '#libs/config';
import { APP_CONFIG, CLOCK, EVENT_STORE, ID_GENERATOR, INTEGRATION_LEDGER, READ_MODEL_SYNC, type IdGenerator } from '../tokens.js';
import { PromiseClocks } from '../calendars/promise-clocks.js';
import type { CommandContext } from '../shared/command-context.js';
import type { ReadModelSync } from '../shared/read-model-sync.js';
import {
  DECIDERS,
  customerNotFound,
  decideOnStream,
  eventMetadata,
  expectedRevisionOf,
  targetOf,
  type AggregateCommand,
  type AnyDecider,
} from '../shared/aggregate-command.js';
import { BatchCollisionError, IdempotencyRaceError, type AcceptedItem, type IntegrationLedger, type StreamWrite } from './integration-ledger.port.js';

export interface IntegrationItem {
  externalId: string;
  contentHash: string;
  action?: AggregateCommand;
  /** Set when the item failed validation at the edge. */
  rejection?: { code: ErrorCode; message: string };
}

export type IntegrationOutcome = 'APPENDED' | 'DUPLICATE' | 'REJECTED';

export interface IntegrationItemResult {
  externalId: string;
  outcome: IntegrationOutcome;
  code?: ErrorCode;
  message?: string;
}

export class AppendIntegrationEventsCommand extends Command<IntegrationItemResult[]> {
  constructor(
    readonly source: string,
    readonly items: readonly IntegrationItem[],
    readonly context: CommandContext,
    /** Return once the read models include the batch (the default); a bulk import waits only at its end. */
    readonly awaitReadModels = true,
  ) {
    super();
  }
}

interface StreamState {
  decider: AnyDecider;
  state: unknown;
  loadedVersion: number;
  /** Decided events, each with the index of the result of the item that decided it. */
  pending: { type: string; data: unknown; result: number }[];
}

const MAX_ATTEMPTS = 5;

/**
 * Applies an ERP batch in order, all decided in memory against the streams as loaded (so an item
 * may depend on an earlier one of the same batch), then commits every event and every
 * idempotency record in one transaction. A concurrent writer makes the whole batch retry.
 */
@CommandHandler(AppendIntegrationEventsCommand)
export class AppendIntegrationEventsHandler implements ICommandHandler<AppendIntegrationEventsCommand, IntegrationItemResult[]> {
  constructor(
    @Inject(INTEGRATION_LEDGER) private readonly ledger: IntegrationLedger,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @Inject(READ_MODEL_SYNC) private readonly readModels: ReadModelSync,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(EVENT_STORE) eventStore: EventStore,
  ) {
    this.clocks = new PromiseClocks(eventStore, config);
  }

  private readonly clocks: PromiseClocks;

  execute(command: AppendIntegrationEventsCommand): Promise<IntegrationItemResult[]> {
    if (!tracingOn()) return this.appendBatch(command);
    return inSpan('command AppendIntegrationEvents', { 'ledger.command': 'AppendIntegrationEvents', 'ledger.batch.items': command.items.length }, () => this.appendBatch(command));
  }

  private async appendBatch({ source, items: given, context, awaitReadModels }: AppendIntegrationEventsCommand): Promise<IntegrationItemResult[]> {
    // Each item with the clock it needs, in order (a promise made earlier in the batch lends its calendar).
    const madeInBatch = new Map<string, CalendarRef | undefined>();
    const items: IntegrationItem[] = [];
    for (const item of given) {
      if (!item.action) {
        items.push(item);
        continue;
      }
      try {
        items.push({ ...item, action: await this.clocks.prepare(item.action, { ...context, source: `erp:${source}` }, madeInBatch) });
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        items.push({ ...item, action: undefined, rejection: { code: error.code, message: error.message } });
      }
    }
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attempt(source, items, context, awaitReadModels);
      } catch (error) {
        const retriable = isWrongExpectedRevision(error) || error instanceof IdempotencyRaceError || error instanceof BatchCollisionError;
        if (!retriable) throw error;
        if (attempt >= MAX_ATTEMPTS) throw new DomainError('CONFLICT', 'the batch kept colliding with concurrent writes; send it again');
      }
    }
  }

  private async attempt(
    source: string,
    items: readonly IntegrationItem[],
    context: CommandContext,
    awaitReadModels: boolean,
  ): Promise<IntegrationItemResult[]> {
    const streamNames = new Set<string>();
    for (const item of items) {
      if (!item.action) continue;
      streamNames.add(targetOf(item.action).stream);
      if (item.action.requiresCustomer) streamNames.add(customerStream(item.action.requiresCustomer));
    }
    // Neither read needs the other: one wait instead of two.
    const [accepted, loaded] = await Promise.all([
      // A key that is not storable text was never stored, and looking it up would match another one.
      this.ledger.findAccepted(source, items.map((i) => i.externalId).filter(isStorableText)),
      this.ledger.loadStreams([...streamNames]),
    ]);
    const streams = new Map<string, StreamState>();
    const now = this.clock.now();
    const results: IntegrationItemResult[] = [];
    const newlyAccepted: AcceptedItem[] = [];
    const seenInBatch = new Map<string, string>();
    let lastPosition = 0n;

    const stateOf = (name: string, decider: AnyDecider): StreamState => {
      let stream = streams.get(name);
      if (!stream) {
        const history: StoredEvent[] = loaded.get(name) ?? [];
        const tail = history.at(-1);
        if (tail && tail.position > lastPosition) lastPosition = tail.position;
        stream = {
          decider,
          state: foldEvents(decider, history),
          loadedVersion: history.length - 1,
          pending: [],
        };
        streams.set(name, stream);
      }
      return stream;
    };
    const customerExists = (id: string) => {
      const stream = stateOf(customerStream(id), DECIDERS.customer);
      return stream.loadedVersion >= 0 || stream.pending.length > 0;
    };

    for (const item of items) {
      if (!isStorableText(item.externalId)) {
        results.push({ externalId: item.externalId, outcome: 'REJECTED', code: 'BAD_USER_INPUT', message: `externalId: ${STORABLE_TEXT_RULE}` });
        continue;
      }
      const earlier = accepted.get(item.externalId) ?? (seenInBatch.has(item.externalId) ? { contentHash: seenInBatch.get(item.externalId)! } : undefined);
      if (earlier) {
        results.push(
          earlier.contentHash === item.contentHash
            ? { externalId: item.externalId, outcome: 'DUPLICATE' }
            : { externalId: item.externalId, outcome: 'REJECTED', code: 'CONFLICT', message: `externalId ${item.externalId} was accepted earlier with different content` },
        );
        continue;
      }
      if (item.rejection || !item.action) {
        results.push({ externalId: item.externalId, outcome: 'REJECTED', ...(item.rejection ?? { code: 'BAD_USER_INPUT', message: 'no command' }) });
        continue;
      }
      const action = item.action;
      try {
        if (action.requiresCustomer && !customerExists(action.requiresCustomer)) throw customerNotFound(action.requiresCustomer);
        const target = targetOf(action);
        const stream = stateOf(target.stream, target.decider);
        const decided = decideOnStream(
          stream.decider,
          { state: stream.state, version: stream.loadedVersion + stream.pending.length },
          { ...action.command, now },
          { expectedVersion: action.expectedVersion, mustExist: action.mustExist ? target.notFound : undefined },
        );
        stream.state = decided.state;
        stream.pending.push(...decided.events.map((e) => ({ type: e.type, data: e.data, result: results.length })));
        results.push({ externalId: item.externalId, outcome: 'APPENDED' });
        newlyAccepted.push({ externalId: item.externalId, contentHash: item.contentHash });
        seenInBatch.set(item.externalId, item.contentHash);
      } catch (error) {
        if (error instanceof DomainError) {
          results.push({ externalId: item.externalId, outcome: 'REJECTED', code: error.code, message: error.message });
        } else {
          throw error;
        }
      }
    }

    const writes: StreamWrite[] = [];
    const itemIndex = new Map<string, number>();
    // Every event of the batch carries the same metadata: one object, not one per event.
    const metadata = eventMetadata({ ...context, source: `erp:${source}` });
    for (const [stream, s] of streams) {
      if (s.pending.length === 0) continue;
      writes.push({
        stream,
        expectedRevision: expectedRevisionOf(s.loadedVersion),
        events: s.pending.map((e) => {
          const id = this.ids.next();
          itemIndex.set(id, e.result);
          return { id, type: e.type, data: e.data, metadata };
        }),
      });
    }
    if (writes.length > 0 || newlyAccepted.length > 0) {
      const appended = await this.ledger.commit(source, writes, newlyAccepted);
      if (appended && appended.position > lastPosition) lastPosition = appended.position;
    }
    if (awaitReadModels && lastPosition > 0n) {
      const itemOf = new Map<string, IntegrationItemResult>();
      for (const write of writes) for (const event of write.events) itemOf.set(event.id, results[itemIndex.get(event.id)!]!);
      const unapplied = await this.readModels.waitFor(lastPosition, this.config.readYourWritesTimeoutMs, [...itemOf.keys()]);
      for (const { eventId, projection } of unapplied) {
        itemOf.get(eventId)!.message = `stored, but the ${projection} read model could not apply it: parked for an operator ('ledger projections parked')`;
      }
    }
    return results;
  }
}
