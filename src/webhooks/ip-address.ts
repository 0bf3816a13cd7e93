// IP addresses as MLflow's SSRF check sees them: Python 3.11's `ipaddress` (`is_global`, and `str`
// of an address, which MLflow's messages print), after MLflow's unwrapping of IPv4 carried inside
// IPv6 (mapped, 6to4, NAT64), so a wrapped private address cannot pass for a public one.
import net from 'node:net';

/** 4 bytes (IPv4) or 16 (IPv6). */
export type IpBytes = Uint8Array;

function parseIpv4(text: string): IpBytes | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p))) return undefined;
  const bytes = parts.map(Number);
  return bytes.every((b) => b <= 255) ? Uint8Array.from(bytes) : undefined;
}

function parseIpv6(text: string): IpBytes | undefined {
  if (!net.isIPv6(text)) return undefined;
  // Hex groups, with a dotted IPv4 tail counting as two groups.
  const groupsOf = (part: string): number[] =>
    part === ''
      ? []
      : part.split(':').flatMap((g) => {
          if (!g.includes('.')) return [parseInt(g, 16)];
          const v4 = parseIpv4(g)!;
          return [(v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]];
        });
  // net.isIPv6 has checked the shape, so a `::` stands for at least one zero group.
  const [head, tail] = text.split('::');
  let groups = groupsOf(head);
  if (tail !== undefined) {
    const after = groupsOf(tail);
    groups = [...groups, ...Array<number>(8 - groups.length - after.length).fill(0), ...after];
  }
  if (groups.length !== 8) return undefined;
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    bytes[2 * i] = g >> 8;
    bytes[2 * i + 1] = g & 0xff;
  });
  return bytes;
}

/**
 * A canonical IPv4 literal or any IPv6 literal, as `getaddrinfo` writes addresses; a zone
 * (`fe80::1%eth0`) is dropped, the address alone decides.
 */
export function parseIp(text: string): IpBytes | undefined {
  return text.includes(':') ? parseIpv6(text.split('%')[0]) : parseIpv4(text);
}

/** Python's `str(ip_address(...))`: dotted IPv4; IPv6 in hex groups, longest zero run as `::`. */
export function formatIp(bytes: IpBytes): string {
  if (bytes.length === 4) return bytes.join('.');
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i] << 8) | bytes[i + 1]);
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestLen < 2) return hex.join(':');
  const head = hex.slice(0, best).join(':');
  const tail = hex.slice(best + bestLen).join(':');
  return `${head}::${tail}`;
}

interface Network {
  base: IpBytes;
  prefix: number;
}

function inNetwork(ip: IpBytes, { base, prefix }: Network): boolean {
  if (ip.length !== base.length) return false;
  for (let bit = 0; bit < prefix; bit += 8) {
    const take = Math.min(8, prefix - bit);
    const mask = (0xff << (8 - take)) & 0xff;
    if ((ip[bit / 8] & mask) !== (base[bit / 8] & mask)) return false;
  }
  return true;
}

/** `10.0.0.0/8`, `fc00::/7` or a single address; undefined if malformed. */
export function parseNetwork(text: string): Network | undefined {
  const [addr, bits, extra] = text.split('/');
  if (extra !== undefined) return undefined;
  const base = parseIp(addr);
  if (!base) return undefined;
  const max = base.length * 8;
  if (bits === undefined) return { base, prefix: max };
  if (!/^\d{1,3}$/.test(bits) || Number(bits) > max) return undefined;
  return { base, prefix: Number(bits) };
}

export function networkContains(network: Network, ip: IpBytes): boolean {
  return inNetwork(ip, network);
}

const nets = (list: string[]): Network[] => list.map((n) => parseNetwork(n)!);

/** Python 3.11's IPv4 `_private_networks`, plus `_public_network` (100.64/10: not global). */
const IPV4_NOT_GLOBAL = nets([
  '0.0.0.0/8',
  '10.0.0.0/8',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/29',
  '192.0.0.170/31',
  '192.0.2.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '240.0.0.0/4',
  '255.255.255.255/32',
  '100.64.0.0/10',
]);

/** Python 3.11's IPv6 `_private_networks` (IPv4-mapped ones are unwrapped before this). */
const IPV6_NOT_GLOBAL = nets([
  '::1/128',
  '::/128',
  '::ffff:0:0/96',
  '100::/64',
  '2001::/23',
  '2001:2::/48',
  '2001:db8::/32',
  '2001:10::/28',
  'fc00::/7',
  'fe80::/10',
]);

const MAPPED = parseNetwork('::ffff:0:0/96')!;
const SIX_TO_FOUR = parseNetwork('2002::/16')!;
const NAT64 = parseNetwork('64:ff9b::/96')!;
/** Deprecated IPv4-compatible `::a.b.c.d`; Python calls these global, we unwrap them too. */
const COMPATIBLE = parseNetwork('::/96')!;

/** MLflow's `_embedded_ipv4`: the IPv4 address an IPv6 transition address carries, or itself. */
export function embeddedIpv4(ip: IpBytes): IpBytes {
  if (ip.length === 4) return ip;
  if (inNetwork(ip, MAPPED) || inNetwork(ip, NAT64)) return ip.slice(12, 16);
  if (inNetwork(ip, SIX_TO_FOUR)) return ip.slice(2, 6);
  // `::` and `::1` stay IPv6 (unspecified and loopback); other `::a.b.c.d` carry an IPv4 address.
  if (inNetwork(ip, COMPATIBLE) && (ip.slice(12, 15).some((b) => b !== 0) || ip[15] > 1)) {
    return ip.slice(12, 16);
  }
  return ip;
}

/** MLflow's `_is_public_ip`: Python's `is_global` of the address or the IPv4 it carries. */
export function isPublicIp(ip: IpBytes): boolean {
  const target = embeddedIpv4(ip);
  const notGlobal = target.length === 4 ? IPV4_NOT_GLOBAL : IPV6_NOT_GLOBAL;
  return !notGlobal.some((n) => inNetwork(target, n));
}
