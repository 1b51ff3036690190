/**
 * Which Host headers the API answers. A page on another site can make a browser send requests to
 * a loopback server under the attacker's name (DNS rebinding); refusing unknown Host names stops
 * that. Names are compared without their port; `*.example.com` matches subdomains; `*` allows all.
 */
export class HostAllowList {
  private readonly exact = new Set<string>();
  private readonly suffixes: string[] = [];
  private readonly any: boolean;

  constructor(hosts: readonly string[]) {
    this.any = hosts.includes('*');
    for (const host of hosts) {
      if (host.startsWith('*.')) this.suffixes.push(host.slice(1));
      else this.exact.add(host.replace(/^\[|\]$/g, ''));
    }
  }

  allows(hostHeader: string | undefined): boolean {
    if (this.any) return true;
    if (!hostHeader) return false;
    const name = hostName(hostHeader.trim().toLowerCase());
    return this.exact.has(name) || this.suffixes.some((suffix) => name.endsWith(suffix));
  }
}

/** The name in a Host header: `[::1]:3000` → `::1`, `example.com:3000` → `example.com`. */
function hostName(header: string): string {
  if (header.startsWith('[')) return header.slice(1, header.indexOf(']') >>> 0);
  const colon = header.lastIndexOf(':');
  return colon > 0 && header.indexOf(':') === colon ? header.slice(0, colon) : header;
}
