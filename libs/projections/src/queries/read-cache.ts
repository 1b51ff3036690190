import { LRUCache } from 'lru-cache';
import pg from 'pg';
import type { LedgerQueries } from './ledger.queries.js';

/** The read models' version: every projection's checkpoint, and when it last moved. */
export interface ReadModelVersion {
  version: string;
  /** When the version was read: an answer validated by it is true as of this moment. */
  readAt: Date;
}

/**
 * Reads the read models' version, sharing reads between concurrent callers: a caller gets the
 * result of a read that started after it asked (never one already under way), so what it sees is
 * at least as new as anything committed before its request arrived. Under load, one small query
 * serves every request that arrived while the previous one ran. With a connection string the
 * reads have a session of their own (at most one read runs at a time), so they never queue in the
 * pool behind the queries they save.
 */
export class ReadModelVersions {
  private current: Promise<ReadModelVersion> | undefined;
  private next: Promise<ReadModelVersion> | undefined;
  private session: Promise<pg.Client> | undefined;
  private closed = false;
  /** Reads made, for tests and metrics. */
  reads = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly connectionString?: string,
  ) {}

  fresh(): Promise<ReadModelVersion> {
    if (this.next) return this.next;
    if (!this.current) return this.start();
    const settled = () => undefined;
    this.next = this.current.then(settled, settled).then(() => {
      this.next = undefined;
      return this.start();
    });
    return this.next;
  }

  async close(): Promise<void> {
    this.closed = true;
    const session = this.session;
    this.session = undefined;
    await session?.then((client) => client.end()).catch(() => undefined);
  }

  private start(): Promise<ReadModelVersion> {
    this.reads++;
    const read = this.query()
      .then((rows) => ({ version: rows[0]?.version ?? '', readAt: new Date() }));
    this.current = read;
    const clear = () => {
      if (this.current === read) this.current = undefined;
    };
    read.then(clear, clear);
    return read;
  }

  private async query(): Promise<{ version: string | null }[]> {
    const sql = `select string_agg(name || ':' || position || ':' || extract(epoch from updated_at), ',' order by name) as version
                   from projection_checkpoints`;
    if (!this.connectionString || this.closed) return (await this.pool.query<{ version: string | null }>(sql)).rows;
    const session = (this.session ??= this.connect());
    try {
      return (await (await session).query<{ version: string | null }>(sql)).rows;
    } catch (error) {
      // A broken session is replaced on the next read; this one fails (the caller skips the cache).
      if (this.session === session) this.session = undefined;
      void session.then((client) => client.end()).catch(() => undefined);
      throw error;
    }
  }

  private connect(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.connectionString, application_name: 'promise-ledger-read-cache' });
    const session = client.connect().then(() => client);
    client.on('error', () => {
      if (this.session === session) this.session = undefined;
      void client.end().catch(() => undefined);
    });
    return session;
  }
}

type Method = (...args: never[]) => Promise<unknown>;

/** Methods whose answers depend only on their arguments and the read models (not on the clock). */
const CACHED = {
  customer: undefined,
  customersByIds: undefined,
  customers: undefined,
  promise: undefined,
  promises: undefined,
  errorIncident: undefined,
  errors: undefined,
  errorCostSummary: undefined,
  errorCosts: undefined,
  errorCostPolicies: undefined,
  timeline: undefined,
  // A ledger "now" is true as of the moment its version was checked, not when it was computed.
  customerLedger: (value: unknown, args: unknown[], readAt: Date) => (args[1] ? value : { ...(value as object), asOf: readAt }),
  brandLedger: (value: unknown, args: unknown[], readAt: Date) =>
    (args[0] as { asOf?: Date } | undefined)?.asOf ? value : { ...(value as object), asOf: readAt },
} satisfies Partial<Record<keyof LedgerQueries, ((value: unknown, args: unknown[], readAt: Date) => unknown) | undefined>>;

export interface ReadCacheOptions {
  /** Answers kept (least recently used go first); 0 turns the cache off. */
  maxEntries: number;
  /** Gives the version reads a session of their own (else they use the pool). */
  connectionString?: string;
}

export interface ReadCacheStats {
  hits: number;
  misses: number;
  versionReads: number;
}

/**
 * LedgerQueries with an answer cache in front: an answer is served again only while the read
 * models' version (every projection checkpoint) is the one it was computed under, checked against
 * the database after the request arrived. So it is never staler than a direct query would be, in
 * any process; any projection batch, rebuild or swap empties it in effect. Support agents looking
 * at the same customers again and again are served without touching the read-model tables; under
 * a steady stream of writes most answers miss and cost one shared, tiny version query more.
 */
export type CachedLedgerQueries = LedgerQueries & {
  readCacheStats(): ReadCacheStats;
  /** Closes the version reads' session. */
  closeReadCache(): Promise<void>;
};

export function cachedQueries(queries: LedgerQueries, pool: pg.Pool, options: ReadCacheOptions): CachedLedgerQueries {
  const stats = { hits: 0, misses: 0 };
  const versions = new ReadModelVersions(pool, options.maxEntries > 0 ? options.connectionString : undefined);
  const cache = options.maxEntries > 0 ? new LRUCache<string, { version: string; value: unknown }>({ max: options.maxEntries }) : undefined;
  const readCacheStats = (): ReadCacheStats => ({ ...stats, versionReads: versions.reads });

  return new Proxy(queries, {
    get(target, property, receiver) {
      if (property === 'readCacheStats') return readCacheStats;
      if (property === 'closeReadCache') return () => versions.close();
      const value = Reflect.get(target, property, receiver);
      if (!cache || typeof value !== 'function' || typeof property !== 'string' || !(property in CACHED)) return value;
      const present = CACHED[property as keyof typeof CACHED];
      return async (...args: unknown[]) => {
        const call = () => (value as Method).apply(target, args as never[]);
        let version: ReadModelVersion;
        try {
          version = await versions.fresh();
        } catch {
          return call(); // the version could not be read: answer without the cache
        }
        const key = `${property}:${JSON.stringify(args)}`;
        const entry = cache.get(key);
        let answer: unknown;
        if (entry?.version === version.version) {
          stats.hits++;
          answer = entry.value;
        } else {
          stats.misses++;
          // Read after the version: the answer is at least as new as it, so tagging it with the
          // version can only make it look older than it is (a later check then misses), never newer.
          answer = await call();
          cache.set(key, { version: version.version, value: answer });
        }
        return present ? present(answer, args, version.readAt) : answer;
      };
    },
  }) as CachedLedgerQueries;
}
