import type pg from 'pg';
import type { Migration } from '#libs/postgres';
import { masterKeyId, newDataKey, sealingKeysOf, unwrapDataKey, wrapDataKey, type SealingKeys } from './sealing.js';

export const dataKeyMigrations: Migration[] = [
  {
    // A customer's data key, wrapped by the master key; never in the log. Erasure sets
    // wrapped_key to null and keeps the row, so no later append can give the customer a new key.
    id: '0400_data_keys',
    sql: `
create table ledger_data_keys (
  customer_id text primary key,
  wrapped_key bytea,
  master_key_id text,
  created_at timestamptz not null default now(),
  destroyed_at timestamptz,
  check ((wrapped_key is null) = (destroyed_at is not null))
);
`,
  },
];

/** A master key and the id stored beside what it wraps. */
export interface MasterKey {
  key: Buffer;
  id: string;
}

export const masterKey = (key: Buffer): MasterKey => ({ key, id: masterKeyId(key) });

/** A customer's keys, or null once they were destroyed. */
export type CustomerKeys = SealingKeys | null;

const CACHE_TTL_MS = 60_000;
const CACHE_MAX = 10_000;

/**
 * The customers' data keys (ledger_data_keys). Writers and stream reads may use keys unwrapped in
 * the last minute; `fresh` reads always ask the table, so a read model never sees a key another
 * process destroyed.
 */
export class DataKeyStore {
  private readonly cache = new Map<string, { keys: CustomerKeys; until: number }>();
  /**
   * Keys already unwrapped and derived, by the wrapped bytes they came from: a fresh read still asks
   * the table (a destroyed key reads as destroyed), but does not unwrap and derive again.
   */
  private readonly unwrapped = new Map<string, { wrapped: Buffer; keys: SealingKeys }>();

  constructor(
    private readonly pool: pg.Pool,
    private master: MasterKey,
  ) {}

  /**
   * Each customer's keys: null for an erased one; absent when it has none (and `create` is off).
   * @param options.create give a customer without a key a new one (writers).
   */
  async keysOf(customerIds: Iterable<string>, options: { create?: boolean; fresh?: boolean } = {}): Promise<Map<string, CustomerKeys>> {
    const found = new Map<string, CustomerKeys>();
    const wanted: string[] = [];
    const now = Date.now();
    for (const id of new Set(customerIds)) {
      const cached = options.fresh ? undefined : this.cache.get(id);
      if (cached && cached.until > now) found.set(id, cached.keys);
      else wanted.push(id);
    }
    if (wanted.length === 0) return found;
    await this.load(wanted, found);
    const missing = options.create ? wanted.filter((id) => !found.has(id)) : [];
    if (missing.length > 0) {
      const keys = missing.map((id) => wrapDataKey(this.master.key, newDataKey(), id));
      // A concurrent writer may create the same customer's key: the first one stays, and both use it.
      await this.pool.query(
        `insert into ledger_data_keys (customer_id, wrapped_key, master_key_id)
         select id, k, $3 from unnest($1::text[], $2::bytea[]) as t(id, k)
         on conflict (customer_id) do nothing`,
        [missing, keys, this.master.id],
      );
      await this.load(missing, found);
    }
    return found;
  }

  private async load(ids: string[], into: Map<string, CustomerKeys>): Promise<void> {
    const { rows } = await this.pool.query<{ customer_id: string; wrapped_key: Buffer | null; master_key_id: string | null }>(
      'select customer_id, wrapped_key, master_key_id from ledger_data_keys where customer_id = any($1::text[])',
      [ids],
    );
    const until = Date.now() + CACHE_TTL_MS;
    for (const row of rows) {
      let keys: CustomerKeys = null;
      if (row.wrapped_key) {
        if (row.master_key_id !== this.master.id) throw wrongMasterKey(row.master_key_id, this.master.id);
        keys = this.open(row.customer_id, row.wrapped_key);
      }
      into.set(row.customer_id, keys);
      this.remember(row.customer_id, keys, until);
    }
  }

  private open(customerId: string, wrapped: Buffer): SealingKeys {
    const known = this.unwrapped.get(customerId);
    if (known && known.wrapped.equals(wrapped)) return known.keys;
    const keys = sealingKeysOf(unwrapDataKey(this.master.key, wrapped, customerId));
    this.unwrapped.delete(customerId);
    this.unwrapped.set(customerId, { wrapped, keys });
    if (this.unwrapped.size > CACHE_MAX) this.unwrapped.delete(this.unwrapped.keys().next().value!);
    return keys;
  }

  private remember(id: string, keys: CustomerKeys, until: number): void {
    this.cache.delete(id);
    this.cache.set(id, { keys, until });
    if (this.cache.size > CACHE_MAX) this.cache.delete(this.cache.keys().next().value!);
  }

  /** Destroys a customer's key for good (erasure); a customer without one gets a tombstone. */
  async destroy(customerId: string): Promise<void> {
    await this.pool.query(
      `insert into ledger_data_keys (customer_id, wrapped_key, master_key_id, destroyed_at) values ($1, null, null, now())
       on conflict (customer_id) do update set wrapped_key = null, master_key_id = null,
         destroyed_at = coalesce(ledger_data_keys.destroyed_at, now())`,
      [customerId],
    );
    this.remember(customerId, null, Date.now() + CACHE_TTL_MS);
    this.unwrapped.delete(customerId);
  }

  /** Refuses to start with a master key other than the one the stored data keys are wrapped by. */
  async checkMasterKey(): Promise<void> {
    const { rows } = await this.pool.query<{ master_key_id: string }>(
      'select master_key_id from ledger_data_keys where master_key_id is not null and master_key_id <> $1 limit 1',
      [this.master.id],
    );
    if (rows[0]) throw wrongMasterKey(rows[0].master_key_id, this.master.id);
  }

  /**
   * Re-wraps every data key under a new master key, in one transaction: either all are under the
   * new key or none. Returns how many were re-wrapped.
   */
  async rotateMasterKey(next: MasterKey): Promise<number> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      const { rows } = await client.query<{ customer_id: string; wrapped_key: Buffer; master_key_id: string }>(
        'select customer_id, wrapped_key, master_key_id from ledger_data_keys where wrapped_key is not null for update',
      );
      const ids: string[] = [];
      const wrapped: Buffer[] = [];
      for (const row of rows) {
        if (row.master_key_id === next.id) continue; // already under the new key
        if (row.master_key_id !== this.master.id) throw wrongMasterKey(row.master_key_id, this.master.id);
        ids.push(row.customer_id);
        wrapped.push(wrapDataKey(next.key, unwrapDataKey(this.master.key, row.wrapped_key, row.customer_id), row.customer_id));
      }
      await client.query(
        `update ledger_data_keys d set wrapped_key = t.k, master_key_id = $3
           from unnest($1::text[], $2::bytea[]) as t(id, k) where d.customer_id = t.id`,
        [ids, wrapped, next.id],
      );
      await client.query('commit');
      this.master = next;
      return ids.length;
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}

function wrongMasterKey(stored: string | null, configured: string): Error {
  return new Error(
    `the customers' data keys are wrapped by master key ${stored}, but the configured master key is ${configured}: ` +
      'set LEDGER_MASTER_KEY (or restore the key file) to the key in use; see docs/deploy.md, "Master key"',
  );
}
