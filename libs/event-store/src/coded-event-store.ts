import type {
  AllSubscription,
  AppendOptions,
  AppendResult,
  EventStore,
  GlobalPosition,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  StoredEvent,
  SubscribeOptions,
} from './event-store.port.js';

/**
 * How events are stored, as opposed to how the domain writes and reads them (for example with
 * personal data encrypted, and older shapes upcast). Every writer and reader goes through one.
 */
export interface EventCodec {
  /** The events as they are to be stored. Keeps ids, types and order. */
  encode(events: readonly NewEvent[]): Promise<NewEvent[]>;
  /**
   * Stored events, of any version, in the current shape.
   * @param options.fresh use no cached secrets: readers whose output outlives the call (read
   *   models) must not see a key destroyed a moment ago in another process.
   */
  decode(events: readonly StoredEvent[], options?: { fresh?: boolean }): Promise<StoredEvent[]>;
}

/**
 * An event store whose appends are encoded and whose reads are decoded by a codec, over any
 * adapter: what the applications, the projections, a rebuild and the CLI use. Log readers
 * (`readAll`, `subscribeToAll`) decode fresh; stream reads (a command loading its aggregate) may
 * use cached keys.
 */
export class CodedEventStore implements EventStore {
  constructor(
    /** The adapter, storing what it is given. */
    readonly inner: EventStore,
    readonly codec: EventCodec,
  ) {}

  async appendToStream(stream: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    return this.inner.appendToStream(stream, await this.codec.encode(events), options);
  }

  async readStream(stream: string, options?: ReadStreamOptions): Promise<StoredEvent[]> {
    return this.codec.decode(await this.inner.readStream(stream, options));
  }

  async readAll(options?: ReadAllOptions): Promise<StoredEvent[]> {
    return this.codec.decode(await this.inner.readAll(options), { fresh: true });
  }

  subscribeToAll(options?: SubscribeOptions): AllSubscription {
    const inner = this.inner.subscribeToAll(options);
    const codec = this.codec;
    async function* decoded(): AsyncGenerator<readonly StoredEvent[]> {
      for await (const batch of inner) yield await codec.decode(batch, { fresh: true });
    }
    const iterator = decoded();
    return {
      [Symbol.asyncIterator]: () => iterator,
      async close() {
        await inner.close();
        await iterator.return(undefined);
      },
    };
  }

  headPosition(): Promise<GlobalPosition> {
    return this.inner.headPosition();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
