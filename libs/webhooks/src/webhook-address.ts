import { lookup } from 'node:dns/promises';
import { badInput, refusedAddress, type WebhookTarget, type WebhookUrlRules } from '#libs/domain';

/** A host name's addresses (node:dns by default; tests may answer for the network). */
export type HostResolver = (host: string) => Promise<string[]>;

export const systemResolver: HostResolver = async (host) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/**
 * The addresses the server may connect to for `target`: its literal address, or every address its
 * host name resolves to now, each checked against the rules (at registration and again before
 * every delivery, so a name that later resolves elsewhere (DNS rebinding) is refused then).
 * @throws DomainError BAD_USER_INPUT naming `url` when the name does not resolve or any address is refused.
 */
export async function allowedAddresses(target: WebhookTarget, rules: WebhookUrlRules, resolve: HostResolver): Promise<string[]> {
  let addresses: string[];
  if (target.literal) {
    addresses = [target.host];
  } else {
    try {
      addresses = await resolve(target.host);
    } catch (error) {
      throw badInput('url', `${target.host} does not resolve (${(error as { code?: string }).code ?? String(error)})`);
    }
    if (addresses.length === 0) throw badInput('url', `${target.host} does not resolve`);
  }
  for (const address of addresses) {
    const refused = refusedAddress(address, target, rules);
    if (refused) throw badInput('url', refused);
  }
  return addresses;
}
