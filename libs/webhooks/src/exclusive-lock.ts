import { createHash } from 'node:crypto';
import pg from 'pg';

const key = (name: string): string => BigInt.asIntN(64, BigInt(`0x${createHash('sha256').update(name).digest('hex').slice(0, 16)}`)).toString();

/**
 * A session advisory lock on a dedicated connection: held while the session lives, so when the
 * holding process dies another takes it. `held()` says whether this process holds it now.
 */
export class ExclusiveLock {
  private client: pg.Client | undefined;
  private holding = false;

  constructor(
    private readonly connectionString: string,
    private readonly name: string,
  ) {}

  held(): boolean {
    return this.holding;
  }

  /** Tries to take the lock (or confirms it is still held). */
  async tryAcquire(): Promise<boolean> {
    if (this.holding && this.client) return true;
    if (!this.client) {
      const client = new pg.Client({ connectionString: this.connectionString, application_name: 'promise-ledger-webhook-lock' });
      const lost = () => {
        if (this.client !== client) return;
        this.client = undefined;
        this.holding = false;
      };
      client.on('error', lost);
      client.on('end', lost);
      try {
        await client.connect();
      } catch (error) {
        await client.end().catch(() => undefined);
        throw error;
      }
      this.client = client;
    }
    const { rows } = await this.client.query<{ locked: boolean }>('select pg_try_advisory_lock($1::bigint) as locked', [key(this.name)]);
    this.holding = rows[0]!.locked;
    return this.holding;
  }

  async release(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.holding = false;
    await client?.end().catch(() => undefined);
  }
}
