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

/** Refused when WEBHOOK_DENY_PRIVATE=true: loopback, RFC 1918, carrier-grade NAT, unique local, site-local. */
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
    ['fec0::', 10], // site-local: deprecated, still routed inside some networks
  ],
);

const METADATA_HOSTNAMES = new Set(['metadata.google.internal', 'metadata.goog', 'metadata.azure.internal']);

/**
 * Why this address may not receive webhooks, or null when it may. An IPv6 address that carries an IPv4 address
 * (mapped, compatible, NAT64, 6to4) reaches that IPv4 address, so it is judged as that address too.
 */
export function refusedAddress(address: string, denyPrivate: boolean): string | null {
  const family = isIP(address);
  if (family === 0) return `${address} is not an IP address`;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (ALWAYS_REFUSED.check(address, type)) return `${address} is a link-local, metadata or unroutable address`;
  if (denyPrivate && PRIVATE.check(address, type)) return `${address} is a private address (WEBHOOK_DENY_PRIVATE)`;
  const ipv4 = family === 6 ? embeddedIpv4(address) : undefined;
  const refusedIpv4 = ipv4 && refusedAddress(ipv4, denyPrivate);
  return refusedIpv4 ? `${address} embeds ${refusedIpv4}` : null;
}

/** The IPv4 address an IPv6 address routes to, by the prefixes that embed one, or undefined. */
export function embeddedIpv4(address: string): string | undefined {
  const words = ipv6Words(address);
  if (!words) return undefined;
  const ipv4At = (high: number, low: number): string => [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
  const zeros = (from: number, to: number): boolean => words.slice(from, to).every((word) => word === 0);
  // 6to4, 2002:AABB:CCDD::/48
  if (words[0] === 0x2002) return ipv4At(words[1], words[2]);
  // NAT64, 64:ff9b::/96
  if (words[0] === 0x64 && words[1] === 0xff9b && zeros(2, 6)) return ipv4At(words[6], words[7]);
  // IPv4-mapped ::ffff:0:0/96
  if (zeros(0, 5) && words[5] === 0xffff) return ipv4At(words[6], words[7]);
  // IPv4-compatible ::/96, except :: and ::1, which are IPv6's own unspecified and loopback addresses
  if (zeros(0, 6) && (words[6] !== 0 || words[7] > 1)) return ipv4At(words[6], words[7]);
  return undefined;
}

/** The eight 16-bit words of an IPv6 address, or undefined when it is not one. */
function ipv6Words(address: string): number[] | undefined {
  if (isIP(address) !== 6) return undefined;
  let text = address.toLowerCase().replace(/%.*$/, '');
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number);
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const parse = (part: string): number[] => (part ? part.split(':').map((word) => parseInt(word, 16)) : []);
  const front = parse(head);
  const back = tail === undefined ? [] : parse(tail);
  return [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
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
