// Coupon and deal sites that collect codes and post them for anyone: an order
// coming from one of them (its referring site, or a landing page carrying
// their tracking) is evidence that the referrer's code leaked there.
// Import-free; matched on the host name, so "www.retailmenot.com" and
// "retailmenot.co.uk" both count, "notretailmenot.com" does not.

export const COUPON_SITES: readonly { name: string; domains: readonly string[] }[] = [
  { name: "RetailMeNot", domains: ["retailmenot"] },
  { name: "Honey", domains: ["joinhoney", "honey"] },
  { name: "CouponFollow", domains: ["couponfollow"] },
  { name: "Dealspotr", domains: ["dealspotr"] },
  { name: "Wethrift", domains: ["wethrift"] },
  { name: "Knoji", domains: ["knoji"] },
  { name: "Coupert", domains: ["coupert"] },
  { name: "Slickdeals", domains: ["slickdeals"] },
  { name: "CouponBirds", domains: ["couponbirds"] },
  { name: "CouponCabin", domains: ["couponcabin"] },
  { name: "Karma", domains: ["karmanow"] },
  { name: "DealDrop", domains: ["dealdrop"] },
];

/** The host of a URL Shopify recorded (absolute, or a bare "host/path"), lower case, or null. */
function hostOf(url: string): string | null {
  const trimmed = url.trim();
  if (!trimmed) return null;
  try {
    return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`).hostname.toLowerCase();
  } catch {
    return null;
  }
}

/** The coupon site a host belongs to: one of its labels (not the last, the top-level domain) is the site's name. */
function siteOfHost(host: string): string | null {
  const labels = host.split(".");
  const names = labels.slice(0, -1);
  for (const site of COUPON_SITES) {
    if (site.domains.some((d) => names.includes(d))) return site.name;
  }
  return null;
}

/**
 * The known coupon site an order came from: its referring site's host, else a
 * utm_source or ref_source naming one on its landing page. Null when neither does.
 */
export function couponSiteOf(referringSite: string | null, landingSite: string | null): string | null {
  const host = referringSite ? hostOf(referringSite) : null;
  const fromReferrer = host ? siteOfHost(host) : null;
  if (fromReferrer) return fromReferrer;
  if (!landingSite) return null;
  let params: URLSearchParams;
  try {
    params = new URL(landingSite, "https://shop.invalid").searchParams;
  } catch {
    return null;
  }
  for (const key of ["utm_source", "ref_source"]) {
    const value = params.get(key)?.trim().toLowerCase();
    if (!value) continue;
    const site = siteOfHost(value.includes(".") ? (hostOf(value) ?? value) : `${value}.x`);
    if (site) return site;
  }
  return null;
}
