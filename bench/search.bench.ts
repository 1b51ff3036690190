import { eventStoreMigrations } from '#libs/event-store';
import pg from 'pg';
import { createPool, runMigrations } from '#libs/postgres';
import { projectionMigrations } from '#libs/projections';
import { AUTH_HEADERS, startApi, type ApiProcess } from './api-process.js';
import { scratchDatabase } from './bench-database.js';
import { PROBE_PROMISE, PROBE_REFERENCE, ZEPHYR, seedCustomers, seededCustomerId } from './customers.seed.js';
import { summarise, type Summary } from './measure.js';
import { emptyResult, fmt, fmtMs, fmtX, judge, type SectionResult } from './report.js';

export interface SearchOptions {
  quick: boolean;
  log(message: string): void;
}

const CUSTOMERS = 100_000;
const TARGET_MS = 20;
const SEARCH = 'query($text: String!, $first: Int) { searchCustomers(text: $text, first: $first) { id name email region } }';
const CUSTOMER = 'query($id: ID!) { customer(id: $id) { id name email region } }';

// The ranking before migration 0105, on the same tables: every match ranked, then the limit.
const RANK_EVERY_MATCH = `
with lookup as (select array(select customer_id from rm_promises where id = $1
                             union all select customer_id from rm_errors where reference = $1) as ids)
select c.id from rm_customers c, lookup
 where c.id = $1 or c.id = any(lookup.ids) or c.search_vector @@ ledger_search_query($1)
 order by case when c.id = $1 then 0 when c.id = any(lookup.ids) then 1
               when c.name_words @> ledger_search_words($1) then 2 else 3 end,
          c.search_name collate "C", c.id
 limit $2`;
// What searchCustomers runs now (customer.queries.ts), its customer columns aside.
const WALK_IN_ORDER = 'select id from ledger_search_customers($1, $2, 2000) with ordinality as found (id, position) order by position';

interface Case {
  name: string;
  text: string;
  /** What the first answer must be (an id), or how many answers there must be. */
  expect: { firstId: string } | { count: number } | { refused: true };
}

/** The fixed mix: every kind of text an agent (or a hostile client) types. */
const CASES: readonly Case[] = [
  { name: 'distinctive name prefix ("dvor logis")', text: 'dvor logis', expect: { count: 20 } },
  { name: 'broad one-letter prefix ("a")', text: 'a', expect: { count: 20 } },
  { name: 'very common word ("gmbh")', text: 'gmbh', expect: { count: 20 } },
  { name: 'region ("bayern")', text: 'bayern', expect: { count: 20 } },
  { name: 'email prefix ("contact42424@")', text: 'contact42424@', expect: { firstId: seededCustomerId(42_424) } },
  { name: 'exact id', text: seededCustomerId(77_777), expect: { firstId: seededCustomerId(77_777) } },
  { name: 'promise id typed whole', text: PROBE_PROMISE, expect: { firstId: ZEPHYR.id } },
  { name: 'error reference typed whole', text: PROBE_REFERENCE, expect: { firstId: ZEPHYR.id } },
  { name: 'accent-free text for an accented name ("zephyr buro")', text: 'zephyr buro', expect: { firstId: ZEPHYR.id } },
  { name: 'matching nobody ("qqqxz")', text: 'qqqxz', expect: { count: 0 } },
  { name: 'hostile text, 320 chars (quotes, backslashes, % _ :* & | !)', text: `'"\\%_:*&|!() zz`.repeat(23).slice(0, 320), expect: { count: 0 } },
  { name: 'hostile text, 2,000 chars (refused: over 320)', text: `%_\\'":*&|!`.repeat(200), expect: { refused: true } },
];

async function post(url: string, query: string, variables: Record<string, unknown>): Promise<{ data?: Record<string, unknown>; errors?: { extensions?: { code?: string } }[] }> {
  const response = await fetch(url, { method: 'POST', headers: AUTH_HEADERS, body: JSON.stringify({ query, variables }) });
  if (!response.ok && response.status !== 400) throw new Error(`HTTP ${response.status}: ${(await response.text()).slice(0, 300)}`);
  return (await response.json()) as { data?: Record<string, unknown>; errors?: { extensions?: { code?: string } }[] };
}

function check(c: Case, answer: Awaited<ReturnType<typeof post>>): void {
  const fail = (why: string) => {
    throw new Error(`search bench: ${c.name}: ${why}: ${JSON.stringify(answer).slice(0, 300)}`);
  };
  if ('refused' in c.expect) {
    if (answer.errors?.[0]?.extensions?.code !== 'BAD_USER_INPUT') fail('expected BAD_USER_INPUT');
    return;
  }
  if (answer.errors) fail('unexpected errors');
  const found = answer.data!.searchCustomers as { id: string }[];
  if ('count' in c.expect && found.length !== c.expect.count) fail(`expected ${c.expect.count} answers`);
  if ('firstId' in c.expect && found[0]?.id !== c.expect.firstId) fail(`expected ${c.expect.firstId} first`);
}

/**
 * searchCustomers at 100,000 customers over the API, one request in flight, each text of the mix
 * in turn (round-robin, so that every text meets the same conditions), beside `customer(id)` (a
 * primary-key read over the same API path) measured in the same rounds.
 */
export async function searchBench(serverUrl: string, options: SearchOptions): Promise<SectionResult> {
  const { quick, log } = options;
  const result = emptyResult();
  const db = await scratchDatabase(serverUrl, 'search');
  let api: ApiProcess | undefined;
  try {
    const pool = createPool({ connectionString: db.url, max: 2, applicationName: 'bench-search' });
    try {
      await runMigrations(pool, [...eventStoreMigrations, ...projectionMigrations]);
      log(`search: seeding ${fmt(CUSTOMERS)} customers`);
      await seedCustomers(pool, CUSTOMERS);
    } finally {
      await pool.end();
    }
    // The read cache is off: these figures are about the tables and their indexes.
    api = await startApi(db.url, { LEDGER_RUN_DEADLINE_WATCHER: 'false', LEDGER_READ_CACHE_ENTRIES: '0' });
    const url = api.url;
    for (const c of CASES) check(c, await post(url, SEARCH, { text: c.text, first: 20 }));

    const rounds = quick ? 60 : 300;
    const latencies = new Map<string, number[]>(CASES.map((c) => [c.name, []]));
    const baseline: number[] = [];
    const all: number[] = [];
    const time = async (query: string, variables: Record<string, unknown>) => {
      const t = performance.now();
      await post(url, query, variables);
      return performance.now() - t;
    };
    for (let warm = 0; warm < 5; warm++) for (const c of CASES) await post(url, SEARCH, { text: c.text, first: 20 });
    log(`search: ${rounds} rounds of ${CASES.length} texts and one customer(id)`);
    for (let round = 0; round < rounds; round++) {
      baseline.push(await time(CUSTOMER, { id: seededCustomerId(1 + ((round * 7919) % CUSTOMERS)) }));
      for (const c of CASES) {
        const ms = await time(SEARCH, { text: c.text, first: 20 });
        latencies.get(c.name)!.push(ms);
        all.push(ms);
      }
    }
    const stats = (values: number[]): Summary => summarise({ events: values.length, seconds: values.reduce((a, b) => a + b, 0) / 1000, latencies: values });
    const base = stats(baseline);
    const baseText = `\`customer(id)\`: p50 ${fmtMs(base.p50)}, p99 ${fmtMs(base.p99)}`;
    let worst = { name: '', p99: 0 };
    for (const c of CASES) {
      const s = stats(latencies.get(c.name)!);
      if (s.p99 > worst.p99) worst = { name: c.name, p99: s.p99 };
      result.figures.push({
        section: 'search',
        name: `searchCustomers at ${fmt(CUSTOMERS)} customers: ${c.name}`,
        ours: `p50 ${fmtMs(s.p50)}, p99 ${fmtMs(s.p99)} (${fmtX(s.p99 / TARGET_MS)} of the ${TARGET_MS} ms target)`,
        baseline: baseText,
        ratio: `${fmtX(s.p99 / base.p99)} p99 latency (p50: ${fmtX(s.p50 / base.p50)})`,
      });
    }
    // Before and after in the same rounds, straight on one connection (no HTTP, no GraphQL): the
    // same texts, answers compared.
    const sqlRounds = quick ? 20 : 100;
    const before = new Map<string, number[]>(CASES.map((c) => [c.name, []]));
    const after = new Map<string, number[]>(CASES.map((c) => [c.name, []]));
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const accepted = CASES.filter((c) => !('refused' in c.expect));
      for (const c of accepted) {
        const [a, b] = [await client.query(RANK_EVERY_MATCH, [c.text, 20]), await client.query(WALK_IN_ORDER, [c.text, 20])];
        if (JSON.stringify(a.rows) !== JSON.stringify(b.rows)) result.notes.push(`search: ${c.name}: the walk answered differently from ranking every match.`);
      }
      log(`search: ${sqlRounds} rounds of the same texts in SQL, before and after`);
      for (let round = 0; round < sqlRounds; round++) {
        for (const c of accepted) {
          for (const [sql, into] of (round % 2 ? [[RANK_EVERY_MATCH, before], [WALK_IN_ORDER, after]] : [[WALK_IN_ORDER, after], [RANK_EVERY_MATCH, before]]) as [string, Map<string, number[]>][]) {
            const t = performance.now();
            await client.query(sql, [c.text, 20]);
            into.get(c.name)!.push(performance.now() - t);
          }
        }
      }
    } finally {
      await client.end();
    }
    for (const c of CASES.filter((x) => !('refused' in x.expect))) {
      const [a, b] = [stats(after.get(c.name)!), stats(before.get(c.name)!)];
      result.figures.push({
        section: 'search',
        name: `SQL only, ${c.name}: walking each rank in name order (now) vs ranking every match (before 0105)`,
        ours: `p50 ${fmtMs(a.p50)}, p99 ${fmtMs(a.p99)}`,
        baseline: `p50 ${fmtMs(b.p50)}, p99 ${fmtMs(b.p99)}`,
        ratio: `${fmtX(a.p99 / b.p99)} p99 latency (p50: ${fmtX(a.p50 / b.p50)})`,
      });
    }
    const overall = stats(all);
    result.figures.push({
      section: 'search',
      name: `searchCustomers at ${fmt(CUSTOMERS)} customers: the whole mix (${fmt(all.length)} requests)`,
      ours: `p50 ${fmtMs(overall.p50)}, p99 ${fmtMs(overall.p99)}`,
      baseline: baseText,
      ratio: `${fmtX(overall.p99 / base.p99)} p99 latency`,
    });
    result.targets.push(judge('search.p99', worst.p99 < TARGET_MS, `worst text p99 ${fmtMs(worst.p99)} (${worst.name}); whole mix p99 ${fmtMs(overall.p99)}; \`customer(id)\` p99 ${fmtMs(base.p99)}`));
    result.notes.push(
      `search: ${fmt(CUSTOMERS)} customers written straight into rm_customers by SQL (company names from 40 family names × 20 trades × 12 legal forms, a quarter GmbH, accents included; 12 regions; an email each), then VACUUM ANALYZE (what autovacuum does after so many inserts); ` +
        `the API (read cache and deadline watcher off) answers ${CASES.length} texts in turn, one request in flight, first: 20, each answer checked once before timing; ` +
        '`customer(id)` for a seeded customer is timed in the same rounds as the baseline (the same HTTP, GraphQL and pool path, one primary-key read). ' +
        'The SQL-only lines time the query searchCustomers runs now against the ranking it ran before migration 0105 (every match ranked, then the limit) on one connection, alternating which goes first, answers compared.',
    );
  } finally {
    await api?.stop();
    await db.drop();
  }
  return result;
}
