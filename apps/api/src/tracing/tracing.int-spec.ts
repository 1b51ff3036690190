import 'reflect-metadata';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { loadConfig } from '#libs/config';
import { bootInfrastructure, type LedgerInfrastructure } from '#libs/infrastructure';
import { ledgerProjections } from '#libs/projections';
import { startTracing, tracedEventCount, type Tracing } from '#libs/telemetry';
import { AppModule } from '../app.module.js';
import { TEST_MASTER_KEY } from '../../../../test/support/api-process.js';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/test-database.js';

// The API in this process (the spans are read from the SDK's in-memory exporter), with tracing
// switched per test exactly as main.ts switches it: from the OTEL_* variables through the config.
const AGENT = 'agent-key-0001';
const INTEGRATION = 'integration-key-0001';

let db: TestDatabase;
let dataDir: string;
let infrastructure: LedgerInfrastructure;
let app: NestFastifyApplication;
let url: string;
let tracing: Tracing | undefined;
let exporter = new InMemorySpanExporter();

const config = (env: Record<string, string>) =>
  loadConfig({
    DATABASE_URL: db.url,
    LEDGER_DATA_DIR: dataDir,
    LEDGER_SCHEMA_FILE: '',
    LEDGER_MASTER_KEY: TEST_MASTER_KEY,
    LEDGER_API_KEYS: `AGENT:${AGENT},INTEGRATION:${INTEGRATION}`,
    LEDGER_RUN_DEADLINE_WATCHER: 'false',
    LOG_LEVEL: 'warn',
    ...env,
  });

async function gql<T>(key: string, query: string, variables: Record<string, unknown>): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  const json = (await res.json()) as { data?: T; errors?: unknown };
  if (!json.data || json.errors) throw new Error(`GraphQL answered ${JSON.stringify(json)}`);
  return json.data;
}

const registerCustomer = async () =>
  (await gql<{ registerCustomer: { id: string } }>(AGENT, 'mutation($c: RegisterCustomerInput!) { registerCustomer(input: $c) { id } }', {
    c: { name: 'Ada Lovelace', kind: 'END_USER', region: 'EU-West' },
  })).registerCustomer.id;

const makePromise = (customerId: string) =>
  gql<{ makePromise: { id: string } }>(AGENT, 'mutation MakeOne($i: MakePromiseInput!) { makePromise(input: $i) { id status } }', {
    i: { customerId, kind: 'SERVICE', description: 'call back about ticket 7', dueBy: '2099-01-01T00:00:00Z' },
  });

/** Switches tracing as a restart with these variables would. */
async function traceWith(env: Record<string, string>): Promise<void> {
  await tracing?.shutdown();
  // A shut-down exporter stays stopped: each start has its own.
  exporter = new InMemorySpanExporter();
  tracing = startTracing({ ...config(env).tracing, exporter });
}

/** Every span of the trace whose root is the operation named `name`, once its projection spans are in. */
async function traceOf(name: string, expected: (spans: ReadableSpan[]) => boolean): Promise<ReadableSpan[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    await tracing!.flush();
    const root = exporter.getFinishedSpans().find((s) => s.name === name);
    const spans = root ? exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === root.spanContext().traceId) : [];
    if (expected(spans) || Date.now() > deadline) return spans;
    await new Promise((r) => setTimeout(r, 50));
  }
}

const parentOf = (spans: ReadableSpan[], span: ReadableSpan) => spans.find((s) => s.spanContext().spanId === span.parentSpanContext?.spanId);
const named = (spans: ReadableSpan[], name: string) => spans.filter((s) => s.name === name);

beforeAll(async () => {
  db = await createTestDatabase();
  dataDir = await mkdtemp(join(tmpdir(), 'ledger-tracing-'));
  const booted = config({});
  infrastructure = await bootInfrastructure(booted);
  app = await NestFactory.create<NestFastifyApplication>(AppModule.create(infrastructure), new FastifyAdapter(), { logger: false });
  await app.listen(0, '127.0.0.1');
  url = `${await app.getUrl()}/graphql`.replace('[::1]', '127.0.0.1');
});

afterAll(async () => {
  await tracing?.shutdown();
  await app?.close();
  await infrastructure?.close();
  await db?.drop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('tracing', () => {
  it('records nothing when no OTLP endpoint is configured', async () => {
    await traceWith({});
    await makePromise(await registerCustomer());
    expect(tracing!.exporting).toBe(false);
    await tracing!.flush();
    expect(exporter.getFinishedSpans()).toEqual([]);
    expect(tracedEventCount()).toBe(0);
  });

  it('makes one trace of makePromise: the operation, the command, the append, each projection applying its event, the wait', async () => {
    await traceWith({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' });
    const customerId = await registerCustomer();
    exporter.reset();
    await makePromise(customerId);
    const projections = projectionNames();
    const spans = await traceOf('mutation MakeOne', (s) => named(s, 'read-your-writes wait').length === 1 && s.filter((x) => x.name.startsWith('projection ')).length >= projections.length);

    const [root] = named(spans, 'mutation MakeOne');
    expect(root!.parentSpanContext).toBeUndefined();
    expect(root!.attributes).toMatchObject({ 'graphql.operation.type': 'mutation', 'graphql.operation.name': 'MakeOne', 'ledger.role': 'AGENT' });
    // Never personal data: no variable, no customer name or description reaches a span.
    expect(JSON.stringify(spans.map((s) => s.attributes))).not.toMatch(/Ada|ticket 7|\$i|customerId/);

    const [command] = named(spans, 'command MakePromise');
    expect(parentOf(spans, command!)).toBe(root);
    const [append] = named(spans, 'es_append');
    expect(parentOf(spans, append!)).toBe(command);
    expect(append!.attributes).toMatchObject({ 'db.operation.name': 'es_append', 'ledger.events': 1 });
    const [wait] = named(spans, 'read-your-writes wait');
    expect(parentOf(spans, wait!)).toBe(command);

    const applied = spans.filter((s) => s.name.startsWith('projection '));
    // The read models, and the webhooks' outbox (fed by a runner of its own).
    expect(applied.map((s) => s.name)).toEqual(expect.arrayContaining(projections.map((p) => `projection ${p}`)));
    for (const span of applied) {
      expect(parentOf(spans, span)).toBe(append);
      expect(span.attributes['ledger.events']).toBe(1);
    }
    expect(new Set(spans.map((s) => s.spanContext().traceId)).size).toBe(1);
  });

  it('makes one trace of an appendEvents batch, with one append span for the whole batch', async () => {
    await traceWith({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:9/v1/traces' });
    const customerId = await registerCustomer();
    exporter.reset();
    const events = Array.from({ length: 20 }, (_, k) => ({
      externalId: `made-${customerId}-${k}`,
      type: 'PROMISE_MADE',
      payload: { id: `P-${customerId}-${k}`, customerId, kind: 'DELIVERY', description: `ship order ${k}`, dueBy: '2099-01-01T00:00:00Z', madeAt: '2026-10-01T09:00:00Z' },
    }));
    const { appendEvents } = await gql<{ appendEvents: { appended: number } }>(
      INTEGRATION,
      'mutation Batch($i: AppendEventsInput!) { appendEvents(input: $i) { appended } }',
      { i: { source: 'erp-test', events } },
    );
    expect(appendEvents.appended).toBe(20);
    const projections = projectionNames();
    const spans = await traceOf('mutation Batch', (s) => s.filter((x) => x.name.startsWith('projection ')).length >= projections.length);

    const roots = spans.filter((s) => !s.parentSpanContext);
    expect(roots.map((s) => s.name)).toEqual(['mutation Batch']);
    expect(named(spans, 'command AppendIntegrationEvents')).toHaveLength(1);
    const appends = named(spans, 'es_append');
    expect(appends).toHaveLength(1);
    expect(appends[0]!.attributes['ledger.events']).toBe(20);
    const applied = spans.filter((s) => s.name.startsWith('projection '));
    expect(applied.length).toBeGreaterThanOrEqual(projections.length);
    for (const span of applied) expect(parentOf(spans, span)).toBe(appends[0]);
    expect(applied.filter((s) => s.name === `projection ${projections[0]}`).reduce((n, s) => n + Number(s.attributes['ledger.events']), 0)).toBe(20);
    expect(named(spans, 'read-your-writes wait')).toHaveLength(1);
  });
});

const projectionNames = (): string[] => ledgerProjections().map((p) => p.name);
