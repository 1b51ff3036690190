import type pg from 'pg';
import { gql } from './graphql-client.js';

/**
 * A fingerprint of every read model (`rm_*` table): row count and an md5 of its rows in a stable
 * order. Two fingerprints are equal when the read models hold the same rows.
 */
export async function readModelChecksums(pool: pg.Pool): Promise<Record<string, string>> {
  const { rows: tables } = await pool.query<{ name: string }>(
    `select tablename as name from pg_tables where schemaname = 'public' and tablename like 'rm\\_%' order by tablename`,
  );
  const result: Record<string, string> = {};
  for (const { name } of tables) {
    const { rows } = await pool.query(`select count(*)::int as n, md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as sum from ${name} t`);
    result[name] = `${rows[0].n}:${rows[0].sum}`;
  }
  return result;
}

/** Resolves once every projection's checkpoint has reached the newest event in the log. */
export async function waitForProjections(pool: pg.Pool, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await pool.query<{ behind: number; head: string; min: string }>(
      `select (select coalesce(max(position), 0) from es_events)::text as head,
              (select coalesce(min(position), 0) from projection_checkpoints)::text as min,
              (select count(*)::int from projection_checkpoints) as behind`,
    );
    const { head, min, behind } = rows[0]!;
    if (behind > 0 && BigInt(min) >= BigInt(head)) return;
    if (Date.now() > deadline) throw new Error(`projections still behind after ${timeoutMs} ms: checkpoint ${min}, head ${head}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const APPEND_EVENTS = `mutation($input: AppendEventsInput!, $wait: Boolean!) {
  appendEvents(input: $input, awaitReadModels: $wait) { appended duplicates rejected results { externalId outcome code message } }
}`;

/** ERP items for `customers` customers, each with two promises (one kept, one broken) and a priced error. */
export function historyItems(prefix: string, customers: number): { externalId: string; type: string; payload: Record<string, unknown> }[] {
  const items: { externalId: string; type: string; payload: Record<string, unknown> }[] = [];
  const dueBy = '2030-01-01T00:00:00.000Z';
  for (let c = 0; c < customers; c++) {
    const customerId = `${prefix}-c${c}`;
    items.push({ externalId: customerId, type: 'CUSTOMER_REGISTERED', payload: { id: customerId, name: `Customer ${c}`, kind: 'DISTRIBUTOR' } });
    for (let p = 0; p < 2; p++) {
      const id = `${customerId}-p${p}`;
      items.push({ externalId: id, type: 'PROMISE_MADE', payload: { id, customerId, kind: 'DELIVERY', description: `order ${c}/${p}`, dueBy, madeAt: '2026-01-02T00:00:00.000Z' } });
      items.push(
        p === 0
          ? { externalId: `${id}-kept`, type: 'PROMISE_KEPT', payload: { id, keptAt: '2026-01-03T00:00:00.000Z' } }
          : { externalId: `${id}-broken`, type: 'PROMISE_BROKEN', payload: { id, reason: 'truck' } },
      );
    }
    items.push({ externalId: `${customerId}-e`, type: 'ERROR_RECORDED', payload: { id: `${customerId}-e`, customerId, type: 'SHIPPING', occurredAt: '2026-01-04T00:00:00.000Z' } });
  }
  return items;
}

/**
 * Appends `items` through `appendEvents` in batches of 1,000 without waiting for the read models
 * (the last batch too, unless `awaitLast`), and fails on any rejected item.
 */
export async function appendHistory(baseUrl: string, items: ReturnType<typeof historyItems>, options: { source?: string; awaitLast?: boolean; headers?: Record<string, string> } = {}): Promise<void> {
  for (let i = 0; i < items.length; i += 1_000) {
    const last = i + 1_000 >= items.length;
    const res = await gql<{ appendEvents: { rejected: number; results: { code: string; message: string }[] } }>(
      baseUrl,
      APPEND_EVENTS,
      { input: { source: options.source ?? 'history', events: items.slice(i, i + 1_000) }, wait: Boolean(last && options.awaitLast) },
      options.headers,
    );
    if (res.errors) throw new Error(`appendEvents failed: ${JSON.stringify(res.errors)}`);
    if (res.data!.appendEvents.rejected) throw new Error(`appendEvents rejected items: ${JSON.stringify(res.data!.appendEvents.results.find((r) => r.code))}`);
  }
}
