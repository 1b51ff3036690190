import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fmt } from './report.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a function lives: a package, one of our rooms, Node itself, or V8's own buckets. */
function owner(url: string, name: string): string {
  if (!url) return `(${name || 'native'})`;
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const [first, second] = url.slice(modules + '/node_modules/'.length).split('/');
    return first!.startsWith('@') ? `${first}/${second}` : first!;
  }
  const ours = /\/dist\/(libs\/[^/]+|apps\/[^/]+|bench)\//.exec(url);
  if (ours) return ours[1]!;
  if (url.startsWith('node:')) return 'node (internals)';
  return url;
}

/** Self time per function and per owner, largest first, for every `.cpuprofile` in `dir`. */
export async function summariseProfiles(dir: string, top = 15): Promise<string> {
  const out: string[] = [];
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile')).sort()) {
    const profile = JSON.parse(await readFile(join(dir, file), 'utf8')) as CpuProfile;
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const self = new Map<number, number>();
    profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
    const total = [...self.values()].reduce((a, b) => a + b, 0);
    const byFunction = new Map<string, number>();
    const byOwner = new Map<string, number>();
    for (const [id, us] of self) {
      const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
      const where = owner(url, functionName);
      const key = `${functionName || '(anonymous)'} — ${where}${url && !where.startsWith('(') ? `:${lineNumber + 1}` : ''}`;
      byFunction.set(key, (byFunction.get(key) ?? 0) + us);
      byOwner.set(where, (byOwner.get(where) ?? 0) + us);
    }
    const list = (m: Map<string, number>) =>
      [...m.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, top)
        .map(([k, us]) => `  ${fmt((100 * us) / total, 1).padStart(5)}%  ${k}`)
        .join('\n');
    out.push(`${file}: ${fmt(total / 1e6, 1)} s sampled\n by owner (self time):\n${list(byOwner)}\n by function (self time):\n${list(byFunction)}`);
  }
  return out.join('\n\n');
}
