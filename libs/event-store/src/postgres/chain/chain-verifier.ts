import type pg from 'pg';
import { AS_TEXT, CHAINED_COLUMNS_SQL, GENESIS_HASH, canonicalEvent, chainHash, fieldsOf } from './event-hash.js';

/** Anything that runs a query: a pool, or a client (inside its transaction). */
export type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>;

/** What a verification of the chain found. */
export interface ChainReport {
  verified: boolean;
  /** Chained events whose content was hashed again and matched (up to the first bad one). */
  eventsChecked: number;
  /** Position of the last event covered (0 when nothing is chained). */
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

/** Pages read at once (on a pool, each on its own connection). */
const PAGES_IN_FLIGHT = 3;

/** One position of a page: the event and its chain row side by side (either may be missing). */
type PageRow = [position: string, link: 'both' | 'event only' | 'chain only' | 'other event', hash: string | null, ...event: (string | null)[]];

// Events and chain rows of a range, side by side. Only the hashing is left to Node.
const PAGE_SQL = `
select coalesce(e.position, c.position)::text,
       case when c.position is null then 'event only' when e.position is null then 'chain only'
            when e.event_id <> c.event_id then 'other event' else 'both' end,
       encode(c.hash, 'hex'),
       ${CHAINED_COLUMNS_SQL}
  from (select * from es_events where position > $1 and position <= $2) e
  full join (select * from es_chain where position > $1 and position <= $2) c on c.position = e.position
 order by coalesce(e.position, c.position)`;

/**
 * Recomputes the chain from es_events and compares it with es_chain, position by position, in
 * pages of positions (the next page is read while this one is hashed). Stops at the first event
 * that does not verify and says what is wrong there.
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

  const report = async (bad?: { position: string; problem: string }, pending = 0): Promise<ChainReport> => {
    const { rows: [recorded] } = await db.query<{ at: Date | null }>('select recorded_at as at from es_events where position = $1', [head]);
    return {
      verified: bad === undefined,
      eventsChecked: checked,
      head: BigInt(head),
      digest: previous.toString('hex'),
      headRecordedAt: recorded?.at ?? undefined,
      firstBadPosition: bad ? BigInt(bad.position) : undefined,
      problem: bad?.problem,
      pending,
      checkedAt: new Date(),
    };
  };

  // Page boundaries up front (one pass over the chain's index), so several pages can be read at
  // once: PostgreSQL renders the next ones on other connections while Node hashes this one.
  const { rows: bounds } = await db.query<[string]>({
    text: `select position::text from (select position, row_number() over (order by position) as n from es_chain where position <= $1) c
            where n % $2 = 0 or position = $1 order by c.position`,
    values: [end, pageSize],
    rowMode: 'array',
  });
  const fetchPage = async (after: string, last: string): Promise<PageRow[]> => {
    const { rows } = await db.query<PageRow>({ text: PAGE_SQL, values: [after, last], rowMode: 'array', types: AS_TEXT });
    return rows;
  };

  const otherEvent = async (position: string): Promise<string> => {
    const { rows } = await db.query<{ event_id: string; chained_at: string | null }>(
      'select e.event_id::text as event_id, c.position::text as chained_at from es_events e left join es_chain c on c.event_id = e.event_id where e.position = $1',
      [position],
    );
    const { event_id: id, chained_at: at } = rows[0]!;
    return at ? `out of order: the event here (${id}) is chained at position ${at}` : `inserted: the event at ${position} (${id}) replaced the chained one`;
  };

  const pages = bounds.map(([last], i) => ({ after: i === 0 ? '0' : bounds[i - 1]![0], last }));
  const inFlight: Promise<PageRow[]>[] = [];
  const readAhead = () => {
    while (inFlight.length < PAGES_IN_FLIGHT && pages.length > 0) {
      const { after, last } = pages.shift()!;
      const page = fetchPage(after, last);
      // Keep a read-ahead from failing unobserved when an earlier page stops the walk.
      page.catch(() => undefined);
      inFlight.push(page);
    }
  };
  readAhead();
  while (inFlight.length > 0) {
    const rows: PageRow[] = await inFlight.shift()!;
    readAhead();
    for (const row of rows) {
      const [position, link, hash] = row;
      if (link === 'event only') return report({ position, problem: 'inserted: an event that is not in the chain' });
      if (link === 'chain only') return report({ position, problem: 'event missing: a chained event is no longer in the log' });
      if (link === 'other event') return report({ position, problem: await otherEvent(position) });
      const recomputed = chainHash(previous, canonicalEvent(fieldsOf(row, 3)));
      if (recomputed.toString('hex') !== hash) return report({ position, problem: 'data changed: the stored event no longer hashes to its chained hash' });
      previous = recomputed;
      head = position;
      checked++;
    }
    options.onProgress?.(BigInt(head), endPosition, checked);
  }
  let pending = 0;
  if (options.upTo === undefined) {
    const { rows: [after] } = await db.query<{ n: number }>('select count(*)::int as n from es_events where position > $1', [end]);
    pending = after!.n;
  }
  return report(undefined, pending);
}
