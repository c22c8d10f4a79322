// Where WAGO may send webhooks: http(s) only, no credentials, never cloud metadata or link-local, private ranges on demand.
import { BlockList, isIP } from 'node:net';

type Subnet = [address: string, prefix: number];

function blockList(ipv4: Subnet[], ipv6: Subnet[]): BlockList {
  const list = new BlockList();
  for (const [address, prefix] of ipv4) list.addSubnet(address, prefix, 'ipv4');
  for (const [address, prefix] of ipv6) list.addSubnet(address, prefix, 'ipv6');
  return list;
}

/** Never a webhook receiver, whatever the configuration: metadata services, link-local, unroutable addresses. */
const ALWAYS_REFUSED = blockList(
  [
    ['0.0.0.0', 8], // "this network": Linux connects it to localhost
    ['169.254.0.0', 16], // link-local, including 169.254.169.254 (AWS, GCP, Azure, OpenStack metadata)
    ['100.100.100.200', 32], // Alibaba Cloud metadata
    ['224.0.0.0', 4], // multicast
    ['240.0.0.0', 4], // reserved and broadcast
  ],
  [
    ['::', 128], // unspecified
    ['fe80::', 10], // link-local
    ['fd00:ec2::254', 128], // AWS metadata over IPv6
    ['ff00::', 8], // multicast
  ],
);

/** Refused when WEBHOOK_DENY_PRIVATE=true: loopback, RFC 1918, carrier-grade NAT, unique local. */
const PRIVATE = blockList(
  [
    ['127.0.0.0', 8],
    ['10.0.0.0', 8],
    ['172.16.0.0', 12],
    ['192.168.0.0', 16],
    ['100.64.0.0', 10],
    ['198.18.0.0', 15],
  ],
  [
    ['::1', 128],
    ['fc00::', 7],
  ],
);

const METADATA_HOSTNAMES = new Set(['metadata.google.internal', 'metadata.goog', 'metadata.azure.internal']);

/** Why this address may not receive webhooks, or null when it may. IPv4-mapped IPv6 addresses count as IPv4. */
export function refusedAddress(address: string, denyPrivate: boolean): string | null {
  const family = isIP(address);
  if (family === 0) return `${address} is not an IP address`;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (ALWAYS_REFUSED.check(address, type)) return `${address} is a link-local, metadata or unroutable address`;
  if (denyPrivate && PRIVATE.check(address, type)) return `${address} is a private address (WEBHOOK_DENY_PRIVATE)`;
  return null;
}

/** The URL's host without IPv6 brackets. */
export function urlHost(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

/** Why this URL may not be a webhook receiver before any DNS lookup, or null when its form is acceptable. */
export function refusedUrl(value: string, denyPrivate: boolean): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'url must be an absolute http(s) URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'url must use http or https';
  if (url.username || url.password) return 'url must not contain credentials';
  const host = urlHost(url).toLowerCase().replace(/\.$/, '');
  if (!host) return 'url must have a host';
  if (METADATA_HOSTNAMES.has(host)) return `${host} is a cloud metadata service`;
  return isIP(host) ? refusedAddress(host, denyPrivate) : null;
}
