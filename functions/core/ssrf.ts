/**
 * Outbound webhooks go only to public unicast addresses: an agency endpoint registered (or later
 * re-pointed) at a private network or the instance metadata service is refused. The vetted address
 * is returned so the caller connects to exactly it (no second look-up a rebinding DNS could answer
 * differently). The local cloud's agency simulator is on loopback, so the local stage allows private
 * addresses explicitly.
 */
import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';

export class UnsafeEndpointError extends Error {
  override name = 'UnsafeEndpointError';
}

export interface VettedAddress {
  address: string;
  family: 4 | 6;
}

/** The address to connect to, or undefined where private endpoints are allowed (ordinary resolution). */
export async function vetEndpoint(url: URL, allowPrivate: boolean): Promise<VettedAddress | undefined> {
  if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:')) {
    throw new UnsafeEndpointError(`refusing ${url.protocol} endpoint`);
  }
  if (allowPrivate) return undefined;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = ipaddr.isValid(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
  for (const address of addresses) {
    let parsed = ipaddr.parse(address);
    if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
      parsed = (parsed as ipaddr.IPv6).toIPv4Address();
    }
    if (parsed.range() !== 'unicast')
      throw new UnsafeEndpointError(`refusing non-public address (${parsed.range()})`);
  }
  const first = ipaddr.parse(addresses[0]!);
  return { address: first.toString(), family: first.kind() === 'ipv6' ? 6 : 4 };
}
