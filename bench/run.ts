// npm run bench -- [store] [graphql] [scale] [import] [deadlines] [console] [search] [privacy] [webhooks] [integrity] [soak] [--quick] [--profile] [--diagnose] [--only=TEXT] [--events=10m] [--no-doc]
// Every figure is paired with a baseline measured in the same run; the table is printed and
// written to docs/benchmarks.md (the hand-written part of that file below the marker is kept).
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBenchServer } from './bench-database.js';
import { summariseProfiles } from './cpu-profile.summary.js';
import { writeBenchmarksDoc } from './benchmarks.doc.js';
import { consoleBench } from './console.bench.js';
import { deadlinesBench } from './deadlines.bench.js';
import { graphqlBench } from './graphql.bench.js';
import { importBench } from './import.bench.js';
import { integrityBench } from './integrity.bench.js';
import { DEFAULT_SECTIONS, QUICK_SECTIONS, SECTIONS, TARGETS, emptyResult, figuresTable, fmt, targetsTable, type SectionName, type SectionResult, type TargetId, type TargetResult } from './report.js';
import { scaleBench } from './scale.bench.js';
import { searchBench } from './search.bench.js';
import { soakBench } from './soak.bench.js';
import { storeBench } from './store.bench.js';
import { personalDataBench } from './personal-data.bench.js';
import { webhooksBench } from './webhooks.bench.js';

const USAGE = `usage: npm run bench -- [${SECTIONS.join('] [')}] [--quick] [--profile] [--diagnose] [--only=TEXT] [--events=10m] [--no-doc]
  sections   which to run (default: all but soak, which runs only when named; --quick also
             leaves out search, which seeds 100,000 customers, unless it is named)
  --quick    short runs and smaller data sets: the whole run takes under 2 minutes;
             soak runs 30 s instead of 10 minutes (SOAK_SECONDS sets any length)
  --profile  write V8 CPU profiles of our event-store process (store) and of the API (graphql)
             into a temporary folder, and print where their time goes
  --diagnose store: also measure es_append called with one choice changed each (what limits appends)
  --only=TEXT graphql: only the scenarios whose name contains TEXT (the baselines still run);
             implies --no-doc
  --events=N scale: the bigger store's size (default 1m, --quick 100k; 10m is the opt-in scale
             point of issue 18, about 25 minutes and 10+ GB of disk); k and m suffixes
  --no-doc   print the tables, leave docs/benchmarks.md alone`;

const args = process.argv.slice(2);
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const eventsArg = args.find((a) => a.startsWith('--events='))?.slice('--events='.length);
/** `--events=10m` → 10,000,000 (k and m suffixes); undefined when absent or unreadable (then refused below). */
const scaleEvents = eventsArg === undefined ? undefined : /^(\d+)([km]?)$/i.exec(eventsArg);
const events = scaleEvents ? Number(scaleEvents[1]) * { '': 1, k: 1_000, m: 1_000_000 }[scaleEvents[2]!.toLowerCase() as '' | 'k' | 'm'] : undefined;
const flags = new Set(args.filter((a) => a.startsWith('--') && !a.startsWith('--only=') && !(a.startsWith('--events=') && events !== undefined && events > 10_000)));
const unknownFlags = [...flags].filter((f) => !['--quick', '--profile', '--diagnose', '--no-doc', '--help'].includes(f));
const named = args.filter((a) => !a.startsWith('--'));
const unknownSections = named.filter((s) => !(SECTIONS as readonly string[]).includes(s));
if (flags.has('--help') || unknownFlags.length || unknownSections.length) {
  if (unknownFlags.length || unknownSections.length) console.error(`unknown: ${[...unknownFlags, ...unknownSections].join(', ')}`);
  console.error(USAGE);
  process.exit(flags.has('--help') ? 0 : 2);
}
const quick = flags.has('--quick');
const chosen: SectionName[] = named.length ? SECTIONS.filter((s) => named.includes(s)) : [...(quick ? QUICK_SECTIONS : DEFAULT_SECTIONS)];
const profileDir = flags.has('--profile') ? mkdtempSync(join(tmpdir(), 'ledger-bench-profile-')) : undefined;

const loadAtStart = loadavg()[0]!;
const log = (message: string) => console.error(`[bench ${fmt(process.uptime(), 0)} s] ${message}`);

const server = await startBenchServer();
log(`PostgreSQL ${server.version} (${server.embedded ? 'embedded' : 'DATABASE_URL'}): ${server.durability}`);
const results = new Map<SectionName, SectionResult>();
let failed = false;
try {
  for (const section of chosen) {
    log(`${section}${quick ? ' (quick)' : ''}…`);
    const started = process.uptime();
    try {
      const run = {
        store: () => storeBench(server.url, { quick, profileDir, diagnose: flags.has('--diagnose') }),
        graphql: () => graphqlBench(server.url, { quick, log, profileDir, only }),
        scale: () => scaleBench(server.url, { quick, log, events }),
        import: () => importBench(server.url, { quick, log }),
        deadlines: () => deadlinesBench(server.url, { quick }),
        console: () => consoleBench(server.url, { quick, log }),
        search: () => searchBench(server.url, { quick, log }),
        privacy: () => personalDataBench(server.url, { quick }),
        webhooks: () => webhooksBench(server.url, { quick, log }),
        integrity: () => integrityBench(server.url, { quick, log }),
        soak: () => soakBench(server.url, { quick, log }),
      }[section];
      results.set(section, await run());
    } catch (error) {
      // One broken section must not hide the others' figures.
      failed = true;
      const message = error instanceof Error ? error.message : String(error);
      log(`${section} failed: ${error instanceof Error ? error.stack : message}`);
      const reason = `the section failed: ${message.split('\n')[0]!.slice(0, 200)}`;
      const targets = (Object.entries(TARGETS) as [TargetId, (typeof TARGETS)[TargetId]][])
        .filter(([, t]) => t.section === section)
        .map(([id]): TargetResult => ({ id, verdict: 'not run', measured: reason }));
      results.set(section, { ...emptyResult(), targets, notes: [`${section}: ${reason}`] });
    }
    log(`${section} done in ${fmt(process.uptime() - started)} s`);
  }
} finally {
  await server.stop();
}

const all = [...results.values()];
const figures = all.flatMap((r) => r.figures);
const targets: TargetResult[] = all.flatMap((r) => r.targets);
const elapsed = process.uptime();
if (quick && QUICK_SECTIONS.every((s) => chosen.includes(s))) {
  targets.push({ id: 'run.quick', verdict: elapsed < 120 ? 'met' : 'missed', measured: `${fmt(elapsed)} s after the build` });
}
const notes = all.flatMap((r) => r.notes);

console.log(`\n${figuresTable(figures)}\n\n${targetsTable(targets)}\n`);
for (const note of notes) console.log(`- ${note}`);
if (profileDir) console.log(`\nCPU profiles (open in Chrome DevTools or speedscope): ${profileDir}\n\n${await summariseProfiles(profileDir)}`);

if (!flags.has('--no-doc') && only === undefined) {
  const commit = (() => {
    try {
      const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
      const dirty = execFileSync('git', ['status', '--porcelain', '--', 'apps', 'libs', 'bench'], { encoding: 'utf8' }).trim() !== '';
      return dirty ? `${sha} with uncommitted changes` : sha;
    } catch {
      return 'unknown';
    }
  })();
  await writeBenchmarksDoc({ args, quick, sections: chosen, server, commit, figures, targets, notes, elapsedSeconds: elapsed, load: { start: loadAtStart, end: loadavg()[0]! } });
  log('wrote docs/benchmarks.md');
}
process.exit(failed ? 1 : 0);
