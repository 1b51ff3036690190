import { LRUCache } from 'lru-cache';
import type pg from 'pg';
import { ReadModelVersions, type ReadModelVersion } from './read-model-versions.js';

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
 * Answers kept while the read models' version (every projection checkpoint) is the one they were
 * computed under, checked against the database after the request arrived. So an answer is never
 * staler than a direct query would be, in any process; any projection batch, rebuild or swap
 * empties the cache in effect.
 */
export class ReadCache {
  private readonly versions: ReadModelVersions;
  private readonly entries: LRUCache<string, { version: string; value: unknown }> | undefined;
  private hits = 0;
  private misses = 0;

  constructor(pool: pg.Pool, options: ReadCacheOptions) {
    this.versions = new ReadModelVersions(pool, options.maxEntries > 0 ? options.connectionString : undefined);
    this.entries = options.maxEntries > 0 ? new LRUCache({ max: options.maxEntries }) : undefined;
  }

  /**
   * The answer of `run` for this query and arguments, computed now or earlier under the current version.
   * `present` adapts a reused answer to the moment its version was checked.
   */
  async answer<R>(query: string, args: readonly unknown[], run: () => Promise<R>, present?: (answer: R, readAt: Date) => R): Promise<R> {
    if (!this.entries) return run();
    const key = `${query}:${JSON.stringify(args)}`;
    let version: ReadModelVersion;
    try {
      version = await this.versions.fresh();
    } catch {
      return run(); // the version could not be read: answer without the cache
    }
    const entry = this.entries.get(key);
    let answer: R;
    if (entry?.version === version.version) {
      this.hits++;
      answer = entry.value as R; // stored under this key by this method with this R
    } else {
      this.misses++;
      // Read after the version: the answer is at least as new as it, so tagging it with the
      // version can only make it look older than it is (a later check then misses), never newer.
      answer = await run();
      this.entries.set(key, { version: version.version, value: answer });
    }
    return present ? present(answer, version.readAt) : answer;
  }

  stats(): ReadCacheStats {
    return { hits: this.hits, misses: this.misses, versionReads: this.versions.reads };
  }

  /** Closes the version reads' session. */
  close(): Promise<void> {
    return this.versions.close();
  }
}
