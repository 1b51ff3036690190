// npm run bench -- [store] [graphql] [--quick]: figures paired with a baseline from the same run.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import pg from 'pg';
import { graphqlBench } from './graphql.bench.js';
import { storeBench } from './store.bench.js';
import { importBench } from './import.bench.js';
import { deadlinesBench } from './deadlines.bench.js';
import { benchServer, machine, type Row } from './support.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const all = ['store', 'graphql', 'import', 'deadlines'];
const sections = args.filter((a) => !a.startsWith('--'));
const unknown = sections.filter((s) => !all.includes(s));
if (unknown.length) {
  console.error(`unknown section ${unknown.join(', ')}; sections: ${all.join(', ')}`);
  process.exit(2);
}
const chosen = sections.length ? sections : all;

const server = await benchServer();
const rows: Row[] = [];
const client = new pg.Client({ connectionString: server.url });
await client.connect();
const pgVersion = (await client.query('show server_version')).rows[0].server_version as string;
await client.end();
try {
  for (const section of chosen) {
    console.error(`running ${section}${quick ? ' (quick)' : ''}…`);
    const run = { store: storeBench, graphql: graphqlBench, import: importBench, deadlines: deadlinesBench }[section as 'store' | 'graphql' | 'import' | 'deadlines'];
    rows.push(...(await run(server.url, quick)));
  }
} finally {
  await server.stop();
}

const header = `| section | measurement | ours | baseline (same run) | ratio | target | verdict |\n|---|---|---|---|---|---|---|`;
const table = [header, ...rows.map((r) => `| ${r.section} | ${r.name} | ${r.ours} | ${r.baseline} | ${r.ratio} | ${r.target} | ${r.verdict} |`)].join('\n');
console.log(table);

const git = (() => {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
})();
const doc = `# Benchmarks

Produced by \`npm run bench${args.length ? ` -- ${args.join(' ')}` : ''}\` on ${new Date().toISOString()} (commit ${git}).
Machine: ${machine()}; Node ${process.version}; PostgreSQL ${pgVersion} on the same machine
(${process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded'}), \`synchronous_commit\` on.
Every figure is paired with a baseline measured in the same run: compare ratios, not raw numbers.
${quick ? '\n**Quick mode**: short runs, small samples; figures are indicative.\n' : ''}
${table}

Run one section with \`npm run bench -- store\` (or \`graphql\`, \`import\`); add \`--quick\` for a
run under two minutes. Not yet in the bench: the scale section (10k vs 1M stored events); the 1M
rebuild was measured by hand (see docs/architecture.md).
`;
writeFileSync('docs/benchmarks.md', doc);
console.error('wrote docs/benchmarks.md');
