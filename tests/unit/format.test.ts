// The admin's formats: times in the shop's zone, Shopify ids as admin links.
import { describe, expect, it } from "vitest";
import { adminLink, formatDate, formatDateTime } from "~/i18n/format";

describe("times in the shop's zone", () => {
  const at = "2026-12-07T23:30:00.000Z";
  it("says UTC when no zone is known, and the shop's zone (with its name) when it is", () => {
    expect(formatDateTime(at)).toBe("Dec 7, 2026, 11:30 PM UTC");
    expect(formatDateTime(at, "Europe/Malta")).toBe("Dec 8, 2026, 12:30 AM GMT+1");
    expect(formatDateTime(at, "Asia/Kolkata")).toBe("Dec 8, 2026, 5:00 AM GMT+5:30");
    expect(formatDate(at, "America/New_York")).toBe("Dec 7, 2026");
    expect(formatDate(at, "Europe/Malta")).toBe("Dec 8, 2026");
  });

  it("falls back to UTC for a zone Intl does not know", () => {
    expect(formatDateTime(at, "Mars/Olympus_Mons")).toBe("Dec 7, 2026, 11:30 PM UTC");
  });
});

describe("Shopify objects as admin links", () => {
  it("links the objects the admin has pages for, and nothing else", () => {
    expect(adminLink("gid://shopify/DiscountCodeNode/1044")).toBe("shopify://admin/discounts/1044");
    expect(adminLink("gid://shopify/Order/820982911946154508")).toBe("shopify://admin/orders/820982911946154508");
    expect(adminLink("gid://shopify/Customer/7")).toBe("shopify://admin/customers/7");
    expect(adminLink("gid://shopify/StoreCreditAccountTransaction/9")).toBeNull();
    expect(adminLink("gid://shopify/Order/12 and more")).toBeNull();
    expect(adminLink("javascript:alert(1)")).toBeNull();
  });
});
