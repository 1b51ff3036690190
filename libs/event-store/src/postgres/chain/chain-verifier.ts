import type pg from 'pg';
import { CHAINED_COLUMNS, GENESIS_HASH, eventHash, type ChainedEventRow } from './event-hash.js';

/** Anything that runs a query: a pool, or a client (inside its transaction). */
export type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>;

/** What a verification of the chain found. */
export interface ChainReport {
  verified: boolean;
  /** Chained events whose content was hashed again and matched (up to the first bad one). */
  eventsChecked: number;
  /** Position of the last event covered ("0" when nothing is chained). */
  head: bigint;
  /** Hex hash committing to every event up to head (the chain's hash there, recomputed from the log). */
  digest: string;
  /** When the event at head was recorded (undefined when nothing is chained). */
  headRecordedAt: Date | undefined;
  firstBadPosition: bigint | undefined;
  /** What is wrong at firstBadPosition, in one line. */
  problem: string | undefined;
  /** Committed events after the chain's head, not chained yet (only counted when verifying to the end). */
  pending: number;
  checkedAt: Date;
}

export interface VerifyOptions {
  /** Verify up to this position (default: the chain's head). */
  upTo?: bigint;
  /** Chain rows per page (default 20,000). */
  pageSize?: number;
  /** After each page: the position reached, the position verification ends at, the events checked so far. */
  onProgress?: (position: bigint, end: bigint, eventsChecked: number) => void;
}

interface ChainRow {
  position: string;
  event_id: string;
  hash: Buffer;
}

interface Page {
  chain: ChainRow[];
  events: ChainedEventRow[];
}

/** Decimal position strings without leading zeros compare by length, then as text. */
const comparePositions = (a: string, b: string): number => (a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0);

/**
 * Recomputes the chain from es_events and compares it with es_chain, position by position,
 * reading both in keyset pages (the next page is fetched while this one is hashed). Stops at the
 * first event that does not verify and says what is wrong there.
 */
export async function verifyLedgerChain(db: Queryable, options: VerifyOptions = {}): Promise<ChainReport> {
  const pageSize = options.pageSize ?? 20_000;
  const { rows: [target] } = await db.query<{ position: string | null }>(
    'select max(position)::text as position from es_chain where $1::bigint is null or position <= $1',
    [options.upTo === undefined ? null : String(options.upTo)],
  );
  const end = target!.position ?? '0';
  const endPosition = BigInt(end);
  let previous = GENESIS_HASH;
  let checked = 0;
  let head = '0';
  let recordedUs: string | undefined;
  const report = (bad?: { position: string; problem: string }, pending = 0): ChainReport => ({
    verified: bad === undefined,
    eventsChecked: checked,
    head: BigInt(head),
    digest: previous.toString('hex'),
    headRecordedAt: recordedUs === undefined ? undefined : new Date(Number(BigInt(recordedUs) / 1000n)),
    firstBadPosition: bad ? BigInt(bad.position) : undefined,
    problem: bad?.problem,
    pending,
    checkedAt: new Date(),
  });

  const fetchPage = async (after: string): Promise<Page> => {
    const { rows: chain } = await db.query<ChainRow>(
      'select position::text as position, event_id::text as event_id, hash from es_chain where position > $1 and position <= $2 order by es_chain.position limit $3',
      [after, end, pageSize],
    );
    if (chain.length === 0) return { chain, events: [] };
    const { rows: events } = await db.query<ChainedEventRow>(
      `select ${CHAINED_COLUMNS} from es_events e where e.position > $1 and e.position <= $2 order by e.position`,
      [after, chain[chain.length - 1]!.position],
    );
    return { chain, events };
  };

  const replaced = async (position: string, eventId: string): Promise<string> => {
    const { rows } = await db.query<{ position: string }>('select position::text as position from es_chain where event_id = $1', [eventId]);
    return rows[0]
      ? `out of order: the event here (${eventId}) is chained at position ${rows[0].position}`
      : `inserted: the event at ${position} (${eventId}) replaced the chained one`;
  };

  let next: Promise<Page> | undefined = fetchPage('0');
  while (next) {
    const page: Page = await next;
    if (page.chain.length === 0) break;
    next = page.chain.length === pageSize ? fetchPage(page.chain[page.chain.length - 1]!.position) : undefined;
    // Keep a prefetch from failing unobserved when this page stops the walk.
    next?.catch(() => undefined);
    const { chain, events } = page;
    let j = 0;
    for (const link of chain) {
      const event = events[j];
      const order = event ? comparePositions(event.position, link.position) : 1;
      if (order < 0) return report({ position: event!.position, problem: 'inserted: an event that is not in the chain' });
      if (order > 0) return report({ position: link.position, problem: `event missing: the chained event ${link.event_id} is no longer in the log` });
      j++;
      if (event!.event_id !== link.event_id) return report({ position: link.position, problem: await replaced(link.position, event!.event_id) });
      const hash = eventHash(previous, event!);
      if (!hash.equals(link.hash)) return report({ position: link.position, problem: 'data changed: the stored event no longer hashes to its chained hash' });
      previous = hash;
      head = link.position;
      recordedUs = event!.recorded_us;
      checked++;
    }
    options.onProgress?.(BigInt(head), endPosition, checked);
  }
  if (comparePositions(head, end) !== 0) return report({ position: end, problem: 'event missing: the chain ends before its recorded head' });
  let pending = 0;
  if (options.upTo === undefined) {
    const { rows: [after] } = await db.query<{ n: number }>('select count(*)::int as n from es_events where position > $1', [end]);
    pending = after!.n;
  }
  return report(undefined, pending);
}
