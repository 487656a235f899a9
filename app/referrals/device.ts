// Device signals: a browser's client IP and user agent, kept only as keyed
// hashes (HMAC-SHA256 with a key derived from the app's secret, per shop), so
// the app can tell "the same device" without holding either value. A hash of
// an IP alone could be reversed by trying every address; without the key it
// cannot. Where they are kept and for how long: Referrer.device*, LinkEvent
// ipHash/uaHash, Referral.friend*Hash (erased after the hold period and with
// the person).
import { createHmac } from "node:crypto";
import { env } from "~/env.server";
import { networkAddress } from "./network-address";

export interface DeviceHashes {
  ipHash: string | null;
  uaHash: string | null;
}

let derived: { secret: string; key: Buffer } | null = null;

function hashKey(): Buffer {
  const secret = env().SHOPIFY_API_SECRET;
  if (derived?.secret !== secret) derived = { secret, key: createHmac("sha256", secret).update("referral-device-signals-v1").digest() };
  return derived.key;
}

function keyed(shop: string, kind: "ip" | "ua", value: string): string {
  return createHmac("sha256", hashKey()).update(`${kind}\u0000${shop}\u0000${value}`).digest("base64url").slice(0, 32);
}

/**
 * The hashes of a client address (as networkAddress keys it: IPv6 by its /64)
 * and of a user agent (trimmed, 512 characters at most). Nulls for what is
 * unknown: a missing value never matches anything.
 */
export function deviceHashes(shop: string, { ip, userAgent }: { ip: string | null | undefined; userAgent: string | null | undefined }): DeviceHashes {
  const address = ip?.trim() ? networkAddress(ip.trim()) : null;
  const agent = userAgent?.trim().slice(0, 512) || null;
  return {
    ipHash: address && address !== "unknown" && address !== "direct" ? keyed(shop, "ip", address) : null,
    uaHash: agent ? keyed(shop, "ua", agent) : null,
  };
}

/** Both known and both equal: the same browser on the same network. */
export function sameDevice(a: DeviceHashes, b: DeviceHashes): boolean {
  return a.ipHash !== null && a.uaHash !== null && a.ipHash === b.ipHash && a.uaHash === b.uaHash;
}
