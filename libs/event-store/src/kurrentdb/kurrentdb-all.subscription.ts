import { setImmediate as nextTurn } from 'node:timers/promises';
import type { AllSubscription, StoredEvent } from '../event-store.port.js';
import { EventStoreError } from '../event-store.errors.js';

/** The part of the client's $all subscription (a Node stream of resolved events) used here. */
export interface AllEventsSource<Raw> {
  on(event: 'data', listener: (raw: Raw) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  pause(): unknown;
  resume(): unknown;
  unsubscribe(): Promise<void>;
}

export interface BatchingOptions<Raw> {
  /** Our event for a raw one, or undefined to skip it (system events, filtered out, before the checkpoint). */
  select: (raw: Raw) => StoredEvent | undefined;
  batchSize: number;
  translateError: (error: unknown) => unknown;
  onClosed?: () => void;
}

/**
 * Turns the client's push subscription into our pull-based batches: events that arrived while the
 * consumer was busy go out together (up to batchSize); an idle consumer gets the next event as soon
 * as it arrives, after one turn of the event loop to gather the rest of that burst. The source is
 * paused while two batches wait, so a slow consumer holds back the server (gRPC flow control).
 */
export class KurrentDbAllSubscription<Raw> implements AllSubscription {
  private readonly queue: StoredEvent[] = [];
  private readonly iterator: AsyncGenerator<readonly StoredEvent[], void, undefined>;
  private failure: { error: unknown } | undefined;
  private ended = false;
  private closed = false;
  private paused = false;
  private wake: (() => void) | undefined;
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly source: AllEventsSource<Raw>,
    private readonly options: BatchingOptions<Raw>,
  ) {
    if (!(options.batchSize >= 1)) throw new RangeError(`batchSize must be at least 1, got ${options.batchSize}`);
    source.on('data', (raw) => this.receive(raw));
    source.on('error', (error) => this.fail(error));
    source.on('end', () => {
      this.ended = true;
      this.notify();
    });
    this.iterator = this.batches();
  }

  [Symbol.asyncIterator](): AsyncIterator<readonly StoredEvent[]> {
    return this.iterator;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.notify();
    await this.stop();
    await this.iterator.return(undefined);
  }

  private receive(raw: Raw): void {
    if (this.closed || this.failure) return;
    let event: StoredEvent | undefined;
    try {
      event = this.options.select(raw);
    } catch (error) {
      this.fail(error);
      return;
    }
    if (!event) return;
    this.queue.push(event);
    if (!this.paused && this.queue.length >= 2 * this.options.batchSize) {
      this.paused = true;
      this.source.pause();
    }
    this.notify();
  }

  private fail(error: unknown): void {
    // Cancelling our own subscription on close may surface as an error: not a failure.
    if (this.closed || this.failure) return;
    this.failure = { error: this.options.translateError(error) };
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private async *batches(): AsyncGenerator<readonly StoredEvent[], void, undefined> {
    try {
      for (;;) {
        if (this.closed) return;
        if (this.queue.length > 0) {
          const batch = this.queue.splice(0, this.options.batchSize);
          if (this.paused && this.queue.length < this.options.batchSize) {
            this.paused = false;
            this.source.resume();
          }
          yield batch;
          continue;
        }
        // Events received before a failure are delivered first: delivery is at-least-once anyway.
        if (this.failure) throw this.failure.error;
        if (this.ended) {
          throw new EventStoreError('UNAVAILABLE', 'KurrentDB ended the $all subscription; resubscribe from the last checkpoint');
        }
        await new Promise<void>((resolve) => (this.wake = resolve));
        await nextTurn();
      }
    } finally {
      // Also reached when the consumer leaves its for-await loop early.
      this.closed = true;
      await this.stop();
    }
  }

  private stop(): Promise<void> {
    this.stopping ??= this.source
      .unsubscribe()
      .catch(() => undefined)
      .finally(() => this.options.onClosed?.());
    return this.stopping;
  }
}
