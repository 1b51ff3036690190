import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { loadConfig } from '#libs/config';
import { readCsv, readNdjson, type SourceLine } from '../import/import-source.reader.js';

const APPEND = `mutation($input: AppendEventsInput!, $wait: Boolean!) {
  appendEvents(input: $input, awaitReadModels: $wait) { appended duplicates rejected results { externalId outcome code message } }
}`;

/**
 * What a batch's items may weigh as JSON: the server refuses a batch over 5 MiB whole
 * (appendEvents), so batches are cut by size as well as by count, with room to spare.
 */
export const MAX_BATCH_JSON_BYTES = 4.5 * 1024 * 1024;

interface ImportOptions {
  source: string;
  url?: string;
  key?: string;
  format?: 'ndjson' | 'csv';
  batchSize: string;
  rejects?: string;
  progress: boolean;
}

interface BatchResult {
  appended: number;
  duplicates: number;
  rejected: number;
  results: { externalId: string; outcome: string; code: string | null; message: string | null }[];
}

async function send(url: string, key: string | undefined, source: string, items: SourceLine[], wait: boolean): Promise<BatchResult> {
  const body = JSON.stringify({ query: APPEND, variables: { input: { source, events: items.map((l) => l.item) }, wait } });
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
        body,
      });
      const json = (await res.json()) as { data?: { appendEvents: BatchResult }; errors?: { message: string; extensions?: { code?: string } }[] };
      if (json.data?.appendEvents) return json.data.appendEvents;
      const error = json.errors?.[0];
      const code = error?.extensions?.code;
      // A whole-batch refusal that retrying cannot fix stops the import.
      if (code !== 'UNAVAILABLE' && code !== 'RATE_LIMITED' && code !== 'CONFLICT' && res.status < 500) {
        throw new Error(`the server refused a batch: ${code ?? res.status} ${error?.message ?? ''}`);
      }
      if (attempt >= 5) throw new Error(`the server kept failing: ${code ?? res.status} ${error?.message ?? ''}`);
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('the server')) throw error;
      if (attempt >= 5) throw new Error(`cannot reach ${url}: ${(error as Error).message}`, { cause: error });
    }
    await new Promise((r) => setTimeout(r, 250 * 2 ** attempt));
  }
}

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('back-fill history from an NDJSON or CSV export through appendEvents (safe to stop and rerun)')
    .argument('<file>', 'NDJSON: one {"externalId","type","payload"} per line; CSV: header externalId,type,<payload fields>')
    .requiredOption('--source <name>', 'the system the export comes from; (source, externalId) makes items idempotent')
    .option('--url <url>', 'GraphQL endpoint (default: the local server from HOST/PORT)')
    .option('--key <key>', 'API key with the INTEGRATION or ADMIN role (default: $LEDGER_API_KEY)')
    .option('--format <format>', 'ndjson or csv (default: from the file name)')
    .option('--batch-size <n>', 'events per request, at most 1000', '1000')
    .option('--rejects <file>', 'where to write rejected lines (default: <file>.rejects.ndjson)')
    .option('--no-progress', 'no progress bar')
    .action(async (file: string, options: ImportOptions) => {
      const config = loadConfig();
      const url = options.url ?? `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}/graphql`;
      const key = options.key ?? process.env.LEDGER_API_KEY;
      const batchSize = Number(options.batchSize);
      if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1000) throw new Error('--batch-size must be 1 to 1000');
      const format = options.format ?? (/\.csv$/i.test(file) ? 'csv' : 'ndjson');
      if (format !== 'csv' && format !== 'ndjson') throw new Error('--format must be ndjson or csv');
      const size = (await stat(file)).size;
      const rejectsPath = options.rejects ?? `${file}.rejects.ndjson`;
      const rejects = createWriteStream(rejectsPath);

      const bar = options.progress
        ? new cliProgress.SingleBar(
            { format: '{bar} {percentage}% | {items} items | {rate} items/s | ETA {eta_formatted}', hideCursor: true, etaBuffer: 50 },
            cliProgress.Presets.shades_classic,
          )
        : undefined;
      bar?.start(size, 0, { items: 0, rate: 0 });
      const started = Date.now();
      const totals = { appended: 0, duplicates: 0, rejected: 0, items: 0 };
      const reject = (line: number, externalId: string | undefined, code: string, message: string) => {
        totals.rejected++;
        rejects.write(JSON.stringify({ line, externalId, code, message }) + '\n');
      };

      let batch: SourceLine[] = [];
      let batchBytes = 2; // the brackets of the JSON array
      let bytes = 0;
      // One batch at a time on the server (an item may depend on one of an earlier batch), but the
      // next batch is read and encoded here while the server works on the one in flight.
      let inFlight: Promise<void> | undefined;
      // Only the last batch waits for the read models: the import ends with them up to date.
      const flush = async (last = false) => {
        if (batch.length === 0) return;
        const sending = batch;
        batch = [];
        batchBytes = 2;
        await inFlight;
        inFlight = send(url, key, options.source, sending, last).then((result) => {
          totals.appended += result.appended;
          totals.duplicates += result.duplicates;
          result.results.forEach((r, i) => {
            if (r.outcome === 'REJECTED') reject(sending[i]!.line, r.externalId, r.code ?? 'REJECTED', r.message ?? '');
          });
          totals.items += sending.length;
          const seconds = (Date.now() - started) / 1000;
          bar?.update(bytes, { items: totals.items, rate: Math.round(totals.items / Math.max(seconds, 0.001)) });
        });
        // Awaited before the next batch goes (or at the end), which reports a failure.
        inFlight.catch(() => undefined);
      };

      for await (const line of format === 'csv' ? readCsv(file) : readNdjson(file)) {
        bytes = line.bytesRead;
        if (line.error) {
          totals.items++;
          reject(line.line, undefined, 'BAD_USER_INPUT', line.error);
          continue;
        }
        const itemBytes = Buffer.byteLength(JSON.stringify(line.item)) + 1; // and its comma
        if (itemBytes > MAX_BATCH_JSON_BYTES) {
          totals.items++;
          reject(line.line, line.item?.externalId, 'BAD_USER_INPUT', `the line is ${itemBytes} bytes as JSON: more than a batch may hold (${MAX_BATCH_JSON_BYTES} bytes)`);
          continue;
        }
        // Send a full batch only once another line exists, so the last batch is never empty.
        if (batch.length >= batchSize || batchBytes + itemBytes > MAX_BATCH_JSON_BYTES) await flush();
        batch.push(line);
        batchBytes += itemBytes;
      }
      await flush(true);
      await inFlight;
      bar?.update(size);
      bar?.stop();
      await new Promise<void>((resolve) => rejects.end(resolve));

      const seconds = (Date.now() - started) / 1000;
      console.log(
        `imported ${totals.items} items in ${seconds.toFixed(1)} s (${Math.round(totals.items / Math.max(seconds, 0.001))} items/s): ` +
          `${totals.appended} appended, ${totals.duplicates} duplicates, ${totals.rejected} rejected`,
      );
      if (totals.rejected > 0) {
        console.error(`rejected lines and reasons: ${rejectsPath}`);
        process.exitCode = 1;
      }
    });
}
