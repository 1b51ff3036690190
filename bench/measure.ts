/** Events handled, time spent and per-operation latencies (ms), summed over the chunks of a run. */
export interface Sample {
  events: number;
  seconds: number;
  latencies: number[];
}

export interface Summary {
  events: number;
  seconds: number;
  eventsPerSecond: number;
  p50: number;
  p99: number;
  max: number;
}

export const emptySample = (): Sample => ({ events: 0, seconds: 0, latencies: [] });

export function addSample(total: Sample, chunk: Sample): Sample {
  total.events += chunk.events;
  total.seconds += chunk.seconds;
  for (const latency of chunk.latencies) total.latencies.push(latency);
  return total;
}

/** Nearest-rank percentile of ascending values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function summarise(sample: Sample): Summary {
  const sorted = [...sample.latencies].sort((a, b) => a - b);
  return {
    events: sample.events,
    seconds: sample.seconds,
    eventsPerSecond: sample.seconds > 0 ? sample.events / sample.seconds : 0,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
  };
}

/**
 * Runs `operations` calls of `op` (each returns how many events it handled) over `workers`
 * concurrent loops; the clock runs from the first call to the last answer.
 */
export async function timeOperations(operations: number, workers: number, op: (index: number) => Promise<number>): Promise<Sample> {
  const latencies: number[] = [];
  let next = 0;
  let events = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(workers, operations) }, async () => {
      while (next < operations) {
        const index = next++;
        const t = performance.now();
        const handled = await op(index);
        latencies.push(performance.now() - t);
        events += handled;
      }
    }),
  );
  return { events, seconds: (performance.now() - started) / 1000, latencies };
}
