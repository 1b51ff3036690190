import pg from 'pg';
import { NotifyPublisher } from '#libs/postgres';

/**
 * One LISTEN connection per store, shared by its subscriptions, and one session that publishes
 * the store's own appends after they commit. Connects lazily, reconnects after errors.
 */
export class PositionNotifier {
  latest = 0n;
  /** Notifications so far, older positions included (a commit out of order raises no `latest`). */
  notifications = 0;
  private client: pg.Client | undefined;
  private connecting: Promise<void> | undefined;
  private watchers = 0;
  private waiters = new Set<() => void>();
  private closed = false;
  private readonly publisher: NotifyPublisher;

  constructor(private readonly connectionString: string) {
    this.publisher = new NotifyPublisher(connectionString);
  }

  /**
   * After an append committed: wakes this process's subscriptions at once, and tells the others
   * through a NOTIFY sent after the commit (see NotifyPublisher: a NOTIFY inside appends running
   * side by side would serialise their commits), unless the append notified inside its own
   * transaction. A subscriber held back by an older transaction still running is woken again when
   * that one publishes.
   */
  publish(position: bigint, notifiedInside = false): void {
    this.noteLatest(position);
    if (!notifiedInside) this.publisher.publish('es_events', this.latest.toString());
  }

  private noteLatest(position: bigint): void {
    if (position > this.latest) this.latest = position;
    this.notifications++;
    for (const wake of [...this.waiters]) wake();
  }

  /** Keeps the connection open while the returned function has not been called. */
  watch(): () => void {
    this.watchers++;
    void this.ensureConnected();
    return () => {
      this.watchers--;
      if (this.watchers === 0) void this.disconnect();
    };
  }

  /** Resolves when a position beyond `position` is notified, after `timeoutMs`, or on abort. */
  waitBeyond(position: bigint, timeoutMs: number, signal: AbortSignal): Promise<void> {
    if (this.latest > position) return Promise.resolve();
    return this.sleep(timeoutMs, signal, true);
  }

  /** Resolves when a notification follows the `since`-th, after `timeoutMs`, or on abort. */
  waitForNotification(since: number, timeoutMs: number, signal: AbortSignal): Promise<void> {
    if (this.notifications !== since) return Promise.resolve();
    return this.sleep(timeoutMs, signal, true);
  }

  sleep(ms: number, signal: AbortSignal, wakeOnNotify = false): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
      if (wakeOnNotify) this.waiters.add(done);
    });
  }

  private ensureConnected(): Promise<void> {
    if (this.client || this.closed) return Promise.resolve();
    this.connecting ??= this.connect().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString, application_name: 'promise-ledger-listen' });
    client.on('notification', (message) => this.noteLatest(BigInt(message.payload ?? 0)));
    client.on('error', () => {
      if (this.client === client) this.client = undefined;
      client.end().catch(() => undefined);
      // Subscriptions keep polling meanwhile; try again shortly.
      if (!this.closed && this.watchers > 0) setTimeout(() => void this.ensureConnected(), 500).unref();
    });
    try {
      await client.connect();
      await client.query('listen es_events');
      if (this.closed || this.watchers === 0) {
        await client.end();
        return;
      }
      this.client = client;
    } catch {
      await client.end().catch(() => undefined);
      if (!this.closed && this.watchers > 0) setTimeout(() => void this.ensureConnected(), 500).unref();
    }
  }

  private async disconnect(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const wake of [...this.waiters]) wake();
    await this.connecting?.catch(() => undefined);
    await this.disconnect();
    await this.publisher.close();
  }
}
