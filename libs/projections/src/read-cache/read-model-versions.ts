import { VIEWS_BY_CHECKPOINT } from '../views/registry.js';
import pg from 'pg';

const READ_MODEL_CHECKPOINTS = Object.keys(VIEWS_BY_CHECKPOINT).map((name) => `'${name}'`).join(', ');

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
    // The read models' checkpoints only: others in the table (the webhook worker's) change no answer.
    const sql = `select string_agg(name || ':' || position || ':' || extract(epoch from updated_at), ',' order by name) as version
                   from projection_checkpoints where name in (${READ_MODEL_CHECKPOINTS})`;
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

