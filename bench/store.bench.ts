import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { scratchDatabase, type ScratchDatabase } from './bench-database.js';
import { addSample, emptySample, summarise, type Sample } from './measure.js';
import { emptyResult, fmt, fmtMs, fmtRate, fmtRatio, judge, type Figure, type SectionResult } from './report.js';
import type { ContenderName, Diagnosis, StoreCommand } from './store-protocol.js';

export interface StoreOptions {
  quick: boolean;
  /** Write a V8 CPU profile of our contender's process into this folder. */
  profileDir?: string;
  /** Also measure es_append called with one choice changed each (what limits our appends). */
  diagnose?: boolean;
}

/** A contender worker process (store-contender.worker.ts). */
class ContenderProcess {
  private next = 0;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();

  private constructor(
    readonly name: ContenderName,
    private readonly child: ChildProcess,
  ) {
    child.on('message', (message: { id?: number; result?: unknown; error?: string }) => {
      if (message.id === undefined) return;
      const waiter = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error) waiter?.reject(new Error(`${name}: ${message.error}`));
      else waiter?.resolve(message.result);
    });
    child.on('exit', (code) => {
      for (const waiter of this.pending.values()) waiter.reject(new Error(`${name} worker exited with ${code}`));
      this.pending.clear();
    });
  }

  static start(name: ContenderName, url: string, profileDir?: string): Promise<ContenderProcess> {
    const worker = fileURLToPath(new URL('./store-contender.worker.js', import.meta.url));
    const execArgv = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=store-${name}.cpuprofile`] : [];
    const child = fork(worker, [name, url], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new Promise((resolve, reject) => {
      child.once('message', () => resolve(new ContenderProcess(name, child)));
      child.once('exit', (code) => reject(new Error(`${name} worker exited with ${code} before it was ready`)));
    });
  }

  run(command: StoreCommand): Promise<Sample> {
    return this.send(command) as Promise<Sample>;
  }

  send(command: StoreCommand): Promise<unknown> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ id, command });
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    await this.send({ op: 'close' }).catch(() => undefined);
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}

interface Pair {
  ours: Sample;
  emmett: Sample;
}

/**
 * Runs one measurement on both stores in alternating chunks (ours first, then Emmett first, …),
 * so a slow patch of the machine (another process, a checkpoint) hits both alike. `between` runs
 * between the two turns of each chunk (a third measurement that must see the same machine).
 */
async function duel(ours: ContenderProcess, emmett: ContenderProcess, chunks: number, command: (chunk: number) => StoreCommand, between?: () => Promise<void>): Promise<Pair> {
  const pair: Pair = { ours: emptySample(), emmett: emptySample() };
  for (let chunk = 0; chunk < chunks; chunk++) {
    const order = chunk % 2 === 0 ? [ours, emmett] : [emmett, ours];
    for (const [turn, contender] of order.entries()) {
      addSample(pair[contender.name], await contender.run(command(chunk)));
      if (turn === 0) await between?.();
    }
  }
  return pair;
}

/** Our PostgreSQL event store against Emmett's, same server, same run, each in its own database. */
export async function storeBench(serverUrl: string, options: StoreOptions): Promise<SectionResult> {
  const { quick } = options;
  const result = emptyResult();
  const databases: ScratchDatabase[] = [];
  const contenders: ContenderProcess[] = [];
  try {
    const oursDb = await scratchDatabase(serverUrl, 'store_ours');
    databases.push(oursDb);
    const emmettDb = await scratchDatabase(serverUrl, 'store_emmett');
    databases.push(emmettDb);
    const ours = await ContenderProcess.start('ours', oursDb.url, options.profileDir);
    contenders.push(ours);
    const emmett = await ContenderProcess.start('emmett', emmettDb.url);
    contenders.push(emmett);

    const durability = await Promise.all([ours.send({ op: 'synchronousCommit' }), emmett.send({ op: 'synchronousCommit' })]);
    if (durability.some((value) => value !== 'on')) throw new Error(`synchronous_commit must be on for both, got ours=${durability[0]} emmett=${durability[1]}`);

    // Warm-up: connections opened, plans cached, JIT warm; not measured.
    for (const contender of [ours, emmett]) {
      await contender.run({ op: 'appendOne', tag: 'warm', count: 200, workers: 16 });
      await contender.run({ op: 'appendBatch', tag: 'warm', count: 5, size: 100 });
    }

    const add = (name: string, pair: Pair, unit = 'ev/s') => {
      const [a, b] = [summarise(pair.ours), summarise(pair.emmett)];
      result.figures.push({ section: 'store', name, ours: fmtRate(a, unit), baseline: `Emmett ${fmtRate(b, unit)}`, ratio: fmtRatio(a.eventsPerSecond, b.eventsPerSecond, unit) });
      return [a, b] as const;
    };

    const seqChunks = quick ? 2 : 8;
    const seqPerChunk = quick ? 300 : 500;
    // The floor runs in the same chunks, between the two stores' turns, so the target's ratio to
    // it sees the same machine.
    const floorSample = emptySample();
    const seq = await duel(ours, emmett, seqChunks, () => ({ op: 'appendOne', tag: 'seq', count: seqPerChunk, workers: 1 }), async () => {
      addSample(floorSample, await ours.run({ op: 'floorInsert', count: seqPerChunk }));
    });
    const [seqOurs, seqEmmett] = add('(a) sequential single-event appends to new streams', seq);
    const floor = summarise(floorSample);
    result.figures.push({
      section: 'store',
      name: '(a) the floor: a one-row INSERT per commit, same server and durability (no event store)',
      ours: fmtRate(floor),
      baseline: `Emmett ${fmt(seqEmmett.eventsPerSecond)} ev/s`,
      ratio: fmtRatio(floor.eventsPerSecond, seqEmmett.eventsPerSecond, 'ev/s'),
    });
    result.targets.push(
      judge(
        'store.sequential',
        seqOurs.eventsPerSecond >= 3 * seqEmmett.eventsPerSecond,
        `${fmtRatio(seqOurs.eventsPerSecond, seqEmmett.eventsPerSecond, 'Emmett')} (${fmt(seqOurs.eventsPerSecond)} vs ${fmt(seqEmmett.eventsPerSecond)} ev/s; a bare one-row INSERT per commit: ${fmtRatio(floor.eventsPerSecond, seqEmmett.eventsPerSecond, 'Emmett')})`,
      ),
    );
    result.targets.push(
      judge(
        'perf3.storeFloor',
        seqOurs.eventsPerSecond >= 0.9 * floor.eventsPerSecond,
        `${fmtRatio(seqOurs.eventsPerSecond, floor.eventsPerSecond, 'the floor')} (${fmt(seqOurs.eventsPerSecond)} vs ${fmt(floor.eventsPerSecond)} ev/s, p50 ${fmtMs(seqOurs.p50)} vs ${fmtMs(floor.p50)})`,
      ),
    );

    const conChunks = quick ? 2 : 6;
    const conPerChunk = quick ? 800 : 1_500;
    const [conOurs, conEmmett] = add('(b) 16 concurrent writers, single events to new streams', await duel(ours, emmett, conChunks, () => ({ op: 'appendOne', tag: 'con', count: conPerChunk, workers: 16 })));
    result.targets.push(judge('store.writers16', conOurs.eventsPerSecond >= 5_000, `${fmt(conOurs.eventsPerSecond)} ev/s (Emmett ${fmt(conEmmett.eventsPerSecond)}, ${fmtRatio(conOurs.eventsPerSecond, conEmmett.eventsPerSecond, 'Emmett')})`));

    add('(c) batches of 100 events, one writer', await duel(ours, emmett, quick ? 2 : 6, () => ({ op: 'appendBatch', tag: 'b100', count: quick ? 15 : 50, size: 100 })));
    const [b1000Ours, b1000Emmett] = add('(c) batches of 1,000 events, one writer', await duel(ours, emmett, quick ? 2 : 6, () => ({ op: 'appendBatch', tag: 'b1000', count: quick ? 4 : 10, size: 1_000 })));
    result.targets.push(judge('store.batch1000', b1000Ours.eventsPerSecond >= 50_000, `${fmt(b1000Ours.eventsPerSecond)} ev/s (Emmett ${fmt(b1000Emmett.eventsPerSecond)}, ${fmtRatio(b1000Ours.eventsPerSecond, b1000Emmett.eventsPerSecond, 'Emmett')})`));
    result.targets.push(
      judge(
        'perf3.storeBatchEmmett',
        b1000Ours.eventsPerSecond >= 3 * b1000Emmett.eventsPerSecond,
        `${fmtRatio(b1000Ours.eventsPerSecond, b1000Emmett.eventsPerSecond, 'Emmett')} (${fmt(b1000Ours.eventsPerSecond)} vs ${fmt(b1000Emmett.eventsPerSecond)} ev/s, p50 ${fmtMs(b1000Ours.p50)} vs ${fmtMs(b1000Emmett.p50)} per batch)`,
      ),
    );

    for (const contender of [ours, emmett]) await contender.run({ op: 'seedStream', stream: 'promise-read1000', size: 1_000 });
    add('(d) read a 1,000-event stream (latency per read)', await duel(ours, emmett, 4, () => ({ op: 'readStream', stream: 'promise-read1000', count: quick ? 10 : 50 })));

    const catchUp = await duel(ours, emmett, quick ? 2 : 4, () => ({ op: 'catchUp', pageSize: 1_000 }));
    add('(e) catch-up read of the whole log, pages of 1,000 (latency per page)', catchUp);
    if (options.diagnose) result.figures.push(...(await diagnoseOurs(ours, quick)));

    const perPass = (s: Sample, passes: number) => Math.round(s.events / passes);
    result.notes.push(
      `store: (e) reads ${fmt(perPass(catchUp.ours, quick ? 2 : 4))} events per pass in ours and ${fmt(perPass(catchUp.emmett, quick ? 2 : 4))} in Emmett's store ` +
        `(the same appends went to both); ours pages with \`readAll\`, Emmett with \`readMessagesBatch\`, the primitive its consumers poll with.`,
      `store: each store runs in its own process and database on the same server, with a pool of 20 connections, \`synchronous_commit\` on (checked from each pool); ` +
        `measurements alternate in chunks (ours first, then Emmett first) so that noise from the machine hits both. Latency is per operation: one append, one read, one page.`,
      `store: ${fmtMs(seqOurs.p50)} vs ${fmtMs(seqEmmett.p50)} p50 per sequential append; the one-row INSERT floor shows what one durable commit costs on this disk.`,
    );
  } finally {
    await Promise.all(contenders.map((c) => c.stop()));
    for (const db of databases) await db.drop();
  }
  return result;
}

/** es_append called with one choice changed each, and the adapter itself, against the way the adapter calls es_append, on the log the section just wrote. */
async function diagnoseOurs(ours: ContenderProcess, quick: boolean): Promise<Figure[]> {
  const figures: Figure[] = [];
  const runs = [
    { label: 'one writer, single events', workers: 1, size: 1, count: quick ? 150 : 400 },
    { label: '16 writers, single events', workers: 16, size: 1, count: quick ? 400 : 1_500 },
    { label: 'one writer, batches of 1,000', workers: 1, size: 1_000, count: quick ? 3 : 8 },
  ];
  for (const run of runs) {
    const d = (await ours.send({ op: 'diagnose', workers: run.workers, size: run.size, count: run.count, chunks: quick ? 2 : 4 })) as Diagnosis;
    if (run === runs[0]) {
      figures.push({ section: 'store', name: `diagnosis: es_append's idempotency pre-check planned now (generic plan), log of ${fmt(d.logEvents)} events`, ours: d.preCheck, baseline: '—', ratio: '—' });
    }
    const base = summarise(d.variants[0]![1]!);
    for (const [name, sample] of d.variants.slice(1)) {
      const s = sample && summarise(sample);
      figures.push({
        section: 'store',
        name: `diagnosis, ${run.label}: ${name}`,
        ours: s ? fmtRate(s) : 'not applicable',
        baseline: `es_append as the adapter calls it: ${fmtRate(base)}`,
        ratio: s ? fmtRatio(s.eventsPerSecond, base.eventsPerSecond, 'ev/s') : '—',
      });
    }
  }
  return figures;
}
