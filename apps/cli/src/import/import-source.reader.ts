import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse';

/** One line of an export: the item to send, or why it cannot be read. */
export interface SourceLine {
  line: number;
  /** Bytes of the file read so far, for progress. */
  bytesRead: number;
  item?: { externalId: string; type: string; payload: Record<string, unknown> };
  error?: string;
}

/** NDJSON: one `{ "externalId", "type", "payload" }` object per line; blank lines are skipped. */
export async function* readNdjson(path: string): AsyncGenerator<SourceLine> {
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    if (!text.trim()) continue;
    const bytesRead = stream.bytesRead;
    try {
      const value = JSON.parse(text) as { externalId?: unknown; type?: unknown; payload?: unknown };
      if (typeof value.externalId !== 'string' || typeof value.type !== 'string' || typeof value.payload !== 'object' || value.payload === null) {
        yield { line, bytesRead, error: 'expected {"externalId": string, "type": string, "payload": object}' };
        continue;
      }
      yield { line, bytesRead, item: { externalId: value.externalId, type: value.type, payload: value.payload as Record<string, unknown> } };
    } catch (error) {
      yield { line, bytesRead, error: `not JSON: ${(error as Error).message}` };
    }
  }
}

/**
 * CSV with a header: `externalId,type` then any payload fields as columns (`customerId`, `dueBy`,
 * `cost.amount`, `cost.currency`, …). Empty cells are left out; a dot nests; `expectedVersion`
 * becomes a number.
 */
export async function* readCsv(path: string): AsyncGenerator<SourceLine> {
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  const parser = stream.pipe(parse({ columns: true, skip_empty_lines: true, trim: true, relax_column_count: false, info: true }));
  for await (const record of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
    const { externalId, type, ...fields } = record.record;
    const line = record.info.lines;
    const bytesRead = stream.bytesRead;
    if (!externalId || !type) {
      yield { line, bytesRead, error: 'externalId and type are required columns' };
      continue;
    }
    const payload: Record<string, unknown> = {};
    for (const [column, cell] of Object.entries(fields)) {
      if (cell === '' || cell === undefined) continue;
      const path = column.split('.');
      let target = payload;
      for (const key of path.slice(0, -1)) target = (target[key] ??= {}) as Record<string, unknown>;
      const leaf = path.at(-1)!;
      target[leaf] = leaf === 'expectedVersion' && /^\d+$/.test(cell) ? Number(cell) : cell;
    }
    yield { line, bytesRead, item: { externalId, type, payload } };
  }
}
