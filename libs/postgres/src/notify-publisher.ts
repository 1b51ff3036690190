import pg from 'pg';

/**
 * Sends NOTIFYs after the writes they announce have committed, from a session of its own with
 * synchronous_commit off. A NOTIFY inside a writing transaction holds PostgreSQL's notify lock
 * from before its commit until its WAL is flushed, so every transaction that notifies waits for
 * the previous one's fsync: commits that could share a flush are serialised.
 *
 * Coalesced per key: at most one round of NOTIFYs in flight, each key sending its newest payload,
 * and every publish is followed by at least one NOTIFY of its key sent after it. A failed send
 * drops the session (listeners fall back to their polls) and the next publish reconnects.
 */
export class NotifyPublisher {
  private session: Promise<pg.Client> | undefined;
  private readonly pending = new Map<string, { channel: string; payload: string }>();
  private sending = false;
  private closed = false;

  constructor(
    private readonly connectionString: string,
    private readonly applicationName = 'promise-ledger-publish',
  ) {}

  publish(channel: string, payload: string, key = channel): void {
    if (this.closed) return;
    this.pending.set(key, { channel, payload });
    if (!this.sending) void this.send();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.pending.clear();
    const session = this.session;
    this.session = undefined;
    await session?.then((client) => client.end()).catch(() => undefined);
  }

  private async send(): Promise<void> {
    this.sending = true;
    try {
      while (this.pending.size > 0 && !this.closed) {
        const round = [...this.pending.values()];
        this.pending.clear();
        const session = (this.session ??= this.connect());
        try {
          await (await session).query(
            `select ${round.map((_, i) => `pg_notify($${2 * i + 1}, $${2 * i + 2})`).join(', ')}`,
            round.flatMap((n) => [n.channel, n.payload]),
          );
        } catch {
          if (this.session === session) this.session = undefined;
          void session.then((client) => client.end()).catch(() => undefined);
          break;
        }
      }
    } finally {
      this.sending = false;
    }
  }

  private connect(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.connectionString, application_name: this.applicationName });
    const session = client
      .connect()
      .then(() => client.query('set synchronous_commit = off'))
      .then(() => client);
    client.on('error', () => {
      if (this.session === session) this.session = undefined;
      void client.end().catch(() => undefined);
    });
    return session;
  }
}
