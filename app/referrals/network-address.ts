// Client addresses in one form, whoever saw them: the storefront (app proxy),
// an extension request, or Shopify's order (browser_ip / clientIp).
import { isIPv4, isIPv6 } from "node:net";

/**
 * An address as the app keys it (rate limits, device signals): IPv4 as is,
 * IPv6 by its /64 (one subscriber's network: rotating addresses inside it is
 * free), a port or brackets some proxies add dropped, anything else cut to 64
 * characters.
 */
export function networkAddress(entry: string): string {
  const bare = entry.match(/^\[([^\]]+)\](?::\d+)?$/)?.[1] ?? entry.match(/^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/)?.[1] ?? entry;
  if (isIPv4(bare)) return bare;
  if (isIPv6(bare)) {
    const mapped = bare.match(/^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i)?.[1];
    if (mapped && isIPv4(mapped)) return mapped;
    return `${expandIPv6(bare).slice(0, 4).join(":")}::/64`;
  }
  return bare.slice(0, 64);
}

function expandIPv6(address: string): string[] {
  const [head, tail = ""] = address.toLowerCase().split("::");
  const left = head ? head.split(":") : [];
  const right = address.includes("::") && tail ? tail.split(":") : [];
  // An embedded IPv4 tail (::ffff:1.2.3.4) stands for two groups.
  const groups = (list: string[]) => list.reduce((n, group) => n + (group.includes(".") ? 2 : 1), 0);
  const missing = Math.max(0, 8 - groups(left) - groups(right));
  return [...left, ...Array<string>(missing).fill("0"), ...right].map((group) => group.replace(/^0+(?=.)/, ""));
}
