// The client's address: the one function that every route, the per-address limits and the
// WebSocket upgrade use, so they all count the same person.
import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';
import type { TrustProxy } from '../config/config.js';

/**
 * Whether the address at `hop` (0: the socket's peer, 1: the right-most X-Forwarded-For entry,
 * ...) is a trusted proxy. The shape of Fastify's `trustProxy` function, so `request.ip` agrees.
 */
export type TrustFn = (address: string, hop: number) => boolean;

/** The ranges proxy-addr (Fastify's `trustProxy`) knows by name. */
const NAMED: Record<string, string[]> = {
  loopback: ['127.0.0.1/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

/** Builds the trust predicate of a setting: a hop count, or the proxies' addresses and CIDRs. */
export function trustFunction(trust: TrustProxy): TrustFn {
  if (typeof trust === 'number') {
    const hops = trust;
    return function trustHops(_address, hop) {
      return hop < hops;
    };
  }
  const list = new BlockList();
  for (const entry of trust.flatMap((e) => NAMED[e] ?? [e])) {
    const [address = '', prefix] = entry.split('/');
    const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return function trustListed(address) {
    const plain = unmapped(address);
    const kind = isIP(plain);
    return kind !== 0 && list.check(plain, kind === 6 ? 'ipv6' : 'ipv4');
  };
}

/**
 * The address the last trusted proxy saw: walking from the socket's peer through
 * X-Forwarded-For right to left, the first address that is not a trusted proxy. Entries left of
 * it were written by the client and prove nothing (the left-most one is whatever it likes).
 */
export function clientAddress(trust: TrustFn, req: IncomingMessage): string {
  let address = req.socket.remoteAddress ?? 'unknown';
  if (!trust(address, 0)) return address;
  const header = req.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',');
  for (let i = forwarded.length - 1, hop = 1; i >= 0; i--) {
    const entry = forwarded[i]!.trim();
    if (entry === '') continue;
    address = entry;
    if (!trust(address, hop++)) return address;
  }
  return address;
}

/** `::ffff:1.2.3.4` (an IPv4 peer of a dual-stack socket) as `1.2.3.4`. */
function unmapped(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}
