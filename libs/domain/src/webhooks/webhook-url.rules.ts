import { BlockList, isIP } from 'node:net';
import { badInput, type DomainError } from '../shared/domain-error.js';
import { unreachable } from '../shared/decider.js';

/**
 * Where a webhook may point (server-side request forgery): the server POSTs wherever an ADMIN
 * says, from inside the network, so a URL must not turn it into a way to reach what only the
 * server can reach. Link-local addresses (cloud metadata services live there and hand out
 * credentials), other metadata endpoints, unspecified, multicast and reserved addresses are
 * refused always; private ranges unless the operator allows them (LEDGER_WEBHOOK_ALLOW_PRIVATE);
 * loopback only when the URL names it (127.0.0.0/8, [::1], localhost), never through a host name
 * that resolves there (DNS rebinding). Plain http only to loopback, where nothing is on the wire.
 */
export interface WebhookUrlRules {
  allowPrivate: boolean;
}

export type AddressClass = 'loopback' | 'private' | 'forbidden' | 'public';

const MAX_URL_LENGTH = 2_000;
const METADATA_HOST_NAMES = new Set(['metadata', 'metadata.google.internal', 'metadata.goog', 'instance-data', 'instance-data.ec2.internal']);

const forbidden = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network": 0.0.0.0 reaches the server itself
  ['169.254.0.0', 16], // link-local, with 169.254.169.254 (AWS, GCP, Azure metadata)
  ['100.100.100.200', 32], // Alibaba Cloud metadata
  ['192.0.0.0', 24], // IETF protocol assignments (Oracle Cloud metadata is 192.0.0.192)
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  forbidden.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['fe80::', 10], // link-local
  ['fd00:ec2::254', 128], // AWS metadata over IPv6
  ['ff00::', 8], // multicast
] as const) {
  forbidden.addSubnet(net, prefix, 'ipv6');
}
const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');
const privateRanges = new BlockList();
for (const [net, prefix] of [
  ['10.0.0.0', 8],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['100.64.0.0', 10], // carrier-grade NAT, used inside clouds
  ['198.18.0.0', 15], // benchmarking networks
] as const) {
  privateRanges.addSubnet(net, prefix, 'ipv4');
}
privateRanges.addSubnet('fc00::', 7, 'ipv6'); // unique local

/** An IPv4 address written as IPv6 (`::ffff:a9fe:a9fe`, `::ffff:169.254.169.254`) is that IPv4 address. */
function unmapped(address: string): string {
  const mapped = /^::ffff:(?:0:)?(.+)$/i.exec(address);
  if (!mapped) return address;
  const rest = mapped[1]!;
  if (isIP(rest) === 4) return rest;
  const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(rest);
  if (!hex) return address;
  const [hi, lo] = [parseInt(hex[1]!, 16), parseInt(hex[2]!, 16)];
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** What an IP address is, as far as where a webhook may point. */
export function classifyAddress(address: string): AddressClass {
  const ip = unmapped(address);
  const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
  if (forbidden.check(ip, family)) return 'forbidden';
  if (loopback.check(ip, family)) return 'loopback';
  if (privateRanges.check(ip, family)) return 'private';
  return 'public';
}

/** A registered URL, checked: what to connect to is known once its host name resolves. */
export interface WebhookTarget {
  url: URL;
  /** The host without IPv6 brackets. */
  host: string;
  /** The URL names loopback itself (an address of 127.0.0.0/8, [::1], localhost). */
  namesLoopback: boolean;
  /** The URL's host is an IP address: nothing to resolve. */
  literal: boolean;
}

const refuse = (reason: string): DomainError => badInput('url', reason);

/**
 * Checks a webhook URL as written (scheme, the address it names, metadata host names).
 * @throws DomainError BAD_USER_INPUT naming `url`.
 */
export function checkWebhookUrl(raw: string, rules: WebhookUrlRules): WebhookTarget {
  if (raw.length > MAX_URL_LENGTH) throw refuse(`must be at most ${MAX_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refuse('must be an absolute URL such as https://example.com/hooks/ledger');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw refuse('must use https (or http to a loopback address)');
  if (url.hash) throw refuse('must not have a fragment (#…)');
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  const literal = isIP(host) !== 0;
  const namesLoopback = literal ? classifyAddress(host) === 'loopback' : host === 'localhost' || host.endsWith('.localhost');
  if (!literal && (METADATA_HOST_NAMES.has(host.replace(/\.$/, '')) || host === '')) {
    throw refuse('must not point to a cloud metadata service');
  }
  if (literal) {
    const refused = refusedAddress(host, { url, host, namesLoopback, literal }, rules);
    if (refused) throw refuse(refused);
  }
  if (url.protocol === 'http:' && !namesLoopback) throw refuse('must use https; plain http is only for loopback (127.0.0.1, [::1], localhost)');
  return { url, host, namesLoopback, literal };
}

/**
 * Why the server must not connect to `address` for `target` (the URL's literal address, or one
 * its host name resolved to, at registration and again before every delivery), if it must not.
 */
export function refusedAddress(address: string, target: WebhookTarget, rules: WebhookUrlRules): string | undefined {
  const kind = classifyAddress(address);
  switch (kind) {
    case 'forbidden':
      return `must not point to a link-local, cloud metadata, multicast or reserved address (${address})`;
    case 'loopback':
      if (target.namesLoopback || rules.allowPrivate) return undefined;
      return `${target.host} resolves to a loopback address (${address}); name loopback in the URL itself`;
    case 'private':
      if (rules.allowPrivate) return undefined;
      return `must not point to a private address (${address}) unless LEDGER_WEBHOOK_ALLOW_PRIVATE=true`;
    case 'public':
      return undefined;
    default:
      return unreachable(kind);
  }
}
