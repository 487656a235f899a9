import { describe, expect, it } from "vitest";
import { parseShopifyJson } from "~/webhooks/shopify-json";

describe("parseShopifyJson", () => {
  it("keeps 64-bit ids exact and leaves other numbers and strings alone", () => {
    const body = '{"id":820982911946154508,"order_id":820982911946154508,"amount":12.5,"n":123,"note":"id 820982911946154508 \\" ok","big":1e21}';
    expect(parseShopifyJson(body)).toEqual({
      id: "820982911946154508",
      order_id: "820982911946154508",
      amount: 12.5,
      n: 123,
      note: 'id 820982911946154508 " ok',
      big: 1e21,
    });
    expect((JSON.parse(body) as { id: number }).id.toString()).not.toBe("820982911946154508");
  });

  it("leaves long fractions and exponents alone (a latitude with 17 decimals)", () => {
    const body = '{"latitude":45.41634001234567891,"tiny":1.5e-12345678901234567,"neg":-820982911946154508,"x":[1.23456789012345678,-0.00000000000000001]}';
    // Every number but the 64-bit id is what JSON.parse makes of it.
    expect(parseShopifyJson(body)).toEqual({ ...(JSON.parse(body) as object), neg: "-820982911946154508" });
  });
});
