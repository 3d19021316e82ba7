/**
 * Outbound webhooks go only to public unicast addresses: an agency endpoint registered (or later
 * re-pointed) at a private network or the instance metadata service is refused. The local cloud's
 * agency simulator is on loopback, so the local stage allows private addresses explicitly.
 */
import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';

export class UnsafeEndpointError extends Error {
  override name = 'UnsafeEndpointError';
}

export async function assertPublicEndpoint(url: URL, allowPrivate: boolean): Promise<void> {
  if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:')) {
    throw new UnsafeEndpointError(`refusing ${url.protocol} endpoint`);
  }
  if (allowPrivate) return;
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
}
