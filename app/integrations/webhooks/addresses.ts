// Which IP addresses a merchant's webhook may reach: only the public internet.
// Everything else (this machine, the hosting's private network, the cloud's
// metadata service at 169.254.169.254, carrier-grade NAT, multicast) is how a
// webhook URL would be turned against the app (server-side request forgery).
import { isIPv4, isIPv6 } from "node:net";

/** [first octets, prefix length] of the IPv4 ranges that are not the public internet. */
const IPV4_BLOCKED: Array<[number[], number]> = [
  [[0], 8], // "this network", incl. the unspecified 0.0.0.0
  [[10], 8], // private
  [[100, 64], 10], // carrier-grade NAT
  [[127], 8], // loopback
  [[169, 254], 16], // link-local (cloud metadata services)
  [[172, 16], 12], // private
  [[192, 0, 0], 24], // IETF protocol assignments
  [[192, 168], 16], // private
  [[198, 18], 15], // benchmarking
  [[224], 4], // multicast
  [[240], 4], // reserved, incl. broadcast 255.255.255.255
];

/** True when `address` (an IPv4 or IPv6 literal) is on the public internet. */
export function isPublicAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  if (isIPv4(bare)) return isPublicIPv4(bare.split(".").map(Number));
  if (isIPv6(bare)) return isPublicIPv6(ipv6Bytes(bare));
  return false;
}

function isPublicIPv4(octets: number[]): boolean {
  return !IPV4_BLOCKED.some(([prefix, bits]) => inPrefix(octets, prefix, bits));
}

function inPrefix(bytes: number[], prefix: number[], bits: number): boolean {
  for (let i = 0; i * 8 < bits; i++) {
    const take = Math.min(8, bits - i * 8);
    const mask = (0xff << (8 - take)) & 0xff;
    if ((bytes[i] & mask) !== ((prefix[i] ?? 0) & mask)) return false;
  }
  return true;
}

/**
 * IPv6 is allowed only in global unicast (2000::/3), less documentation
 * (2001:db8::/32); an address that carries an IPv4 one (IPv4-mapped
 * ::ffff:a.b.c.d, IPv4-compatible ::a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16)
 * is judged by that IPv4 address. Loopback ::1, unspecified ::, unique local
 * fc00::/7, link-local fe80::/10 and multicast ff00::/8 all fall outside 2000::/3.
 */
function isPublicIPv6(bytes: number[]): boolean {
  const zeros = (from: number, to: number) => bytes.slice(from, to).every((b) => b === 0);
  if (zeros(0, 10) && bytes[10] === 0xff && bytes[11] === 0xff) return isPublicIPv4(bytes.slice(12));
  if (zeros(0, 12)) return !zeros(12, 15) && isPublicIPv4(bytes.slice(12)); // ::, ::1 and IPv4-compatible
  if (inPrefix(bytes, [0x00, 0x64, 0xff, 0x9b], 96)) return isPublicIPv4(bytes.slice(12));
  if (inPrefix(bytes, [0x20, 0x02], 16)) return isPublicIPv4(bytes.slice(2, 6));
  if (inPrefix(bytes, [0x20, 0x01, 0x0d, 0xb8], 32)) return false;
  return inPrefix(bytes, [0x20], 3);
}

/** The 16 bytes of a valid IPv6 literal (with :: and an IPv4 tail expanded). */
function ipv6Bytes(address: string): number[] {
  let text = address.toLowerCase();
  const v4 = text.match(/(\d{1,3}(?:\.\d{1,3}){3})$/)?.[1];
  if (v4) {
    const [a, b, c, d] = v4.split(".").map(Number);
    text = `${text.slice(0, -v4.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right];
  return groups.flatMap((group) => {
    const value = parseInt(group, 16);
    return [value >> 8, value & 0xff];
  });
}
