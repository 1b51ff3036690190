import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type pg from 'pg';
import type { ApiKeyConfig, Role } from '#libs/config';
import { AuthenticationError, type Principal } from './principal.js';

export interface StoredApiKey {
  id: string;
  name: string;
  role: Role;
  createdAt: Date;
  revokedAt: Date | null;
}

const hash = (key: string) => createHash('sha256').update(key).digest('hex');
const CACHE_MS = 5_000;

/**
 * API keys: the ones given in LEDGER_API_KEYS, and the ones created with `ledger keys create`,
 * of which only a SHA-256 hash is stored. Lookups are cached for a few seconds.
 */
export class ApiKeyStore {
  private readonly configured: { role: Role; hash: Buffer; index: number }[];
  private cache = new Map<string, { principal: Principal | null; at: number }>();
  private storedCount: { value: number; at: number } | undefined;

  constructor(
    private readonly pool: pg.Pool,
    configuredKeys: readonly ApiKeyConfig[],
  ) {
    this.configured = configuredKeys.map((k, index) => ({ role: k.role, hash: Buffer.from(hash(k.key), 'hex'), index }));
  }

  /** Creates a key; the returned key is shown once and never stored. */
  async create(role: Role, name: string): Promise<{ id: string; key: string }> {
    const id = randomUUID();
    const key = `pl_${randomBytes(24).toString('base64url')}`;
    try {
      await this.pool.query('insert into api_keys (id, name, role, key_hash) values ($1, $2, $3, $4)', [id, name, role, hash(key)]);
    } catch (error) {
      if ((error as { code?: string }).code === '23505') throw new Error(`an active key named "${name}" exists already`, { cause: error });
      throw error;
    }
    this.storedCount = undefined;
    return { id, key };
  }

  async list(): Promise<StoredApiKey[]> {
    const { rows } = await this.pool.query(
      'select id, name, role, created_at, revoked_at from api_keys order by created_at, name',
    );
    return rows.map((r) => ({ id: r.id, name: r.name, role: r.role, createdAt: r.created_at, revokedAt: r.revoked_at }));
  }

  /** Revokes the active key with this id or name; false when there is none. */
  async revoke(idOrName: string): Promise<boolean> {
    const isUuid = /^[0-9a-f-]{36}$/i.test(idOrName);
    const { rowCount } = await this.pool.query(
      `update api_keys set revoked_at = now() where revoked_at is null and ${isUuid ? 'id = $1::uuid' : 'name = $1'}`,
      [idOrName],
    );
    this.cache.clear();
    this.storedCount = undefined;
    return (rowCount ?? 0) > 0;
  }

  /** True when no key exists anywhere: the server then runs open, and only on loopback. */
  async noKeysConfigured(): Promise<boolean> {
    if (this.configured.length > 0) return false;
    const now = Date.now();
    if (!this.storedCount || now - this.storedCount.at > CACHE_MS) {
      const { rows } = await this.pool.query<{ n: number }>('select count(*)::int as n from api_keys where revoked_at is null');
      this.storedCount = { value: rows[0]!.n, at: now };
    }
    return this.storedCount.value === 0;
  }

  /** The principal of a key, or AuthenticationError. */
  async authenticate(key: string | undefined): Promise<Principal> {
    if (!key) throw new AuthenticationError('an API key is required: send Authorization: Bearer <key>');
    const digest = hash(key);
    const now = Date.now();
    const cached = this.cache.get(digest);
    let principal: Principal | null;
    if (cached && now - cached.at < CACHE_MS) {
      principal = cached.principal;
    } else {
      principal = await this.lookup(digest);
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(digest, { principal, at: now });
    }
    if (!principal) throw new AuthenticationError('unknown or revoked API key');
    return principal;
  }

  private async lookup(digest: string): Promise<Principal | null> {
    const wanted = Buffer.from(digest, 'hex');
    for (const key of this.configured) {
      if (timingSafeEqual(key.hash, wanted)) return { role: key.role, name: `env-key-${key.index + 1}:${key.role}`, keyId: `env:${key.index}` };
    }
    const { rows } = await this.pool.query(
      'select id, name, role from api_keys where key_hash = $1 and revoked_at is null',
      [digest],
    );
    const row = rows[0];
    return row ? { role: row.role, name: `key:${row.name}`, keyId: row.id } : null;
  }
}
