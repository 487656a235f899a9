// The referral-discount function's run, target by target, on inputs shaped by
// its input queries (types generated from Shopify's Discount Function API
// 2026-10), as Shopify's function templates test theirs; every result is also
// checked to be a valid value of the target's result type in that schema.
import { describe, expect, it } from "vitest";
import { cartLinesDiscountsGenerateRun, cartDeliveryOptionsDiscountsGenerateRun } from "../../extensions/referral-discount/src/index";
import { parseConfig } from "../../extensions/referral-discount/src/config";
import { isReferralCode } from "../../extensions/referral-discount/src/friend-offer";
import { LANGUAGES, message } from "../../extensions/referral-discount/src/messages";
import { CODE_ALPHABET, CODE_RANDOM_LENGTH, generateReferralCode } from "~/referrals/codes";
import { deliveryInput, linesInput, percentOffer, resultErrors, type Buyer } from "../helpers/discount-function";

type LinesOptions = Parameters<typeof linesInput>[0];
type DeliveryOptions = Parameters<typeof deliveryInput>[0];

function runLines(o: LinesOptions = {}) {
  const result = cartLinesDiscountsGenerateRun(linesInput(o));
  expect(resultErrors("CartLinesDiscountsGenerateRunResult", result)).toEqual([]);
  return result;
}
function runDelivery(o: DeliveryOptions = {}) {
  const result = cartDeliveryOptionsDiscountsGenerateRun(deliveryInput(o));
  expect(resultErrors("CartDeliveryOptionsDiscountsGenerateRunResult", result)).toEqual([]);
  return result;
}

const CODE = "FRIEND-7KQ4XM9P";
const NEW_CUSTOMER: Buyer = { numberOfOrders: 0 };
const RETURNING: Buyer = { numberOfOrders: 2 };
/** The automatic referral check's run: no triggering code, the buyer's codes entered. */
const check = (o: LinesOptions = {}) => runLines({ triggering: null, entered: [{ code: CODE }], ...o });
const rejected = (o: LinesOptions = {}) =>
  check(o).operations.map((op) => op.enteredDiscountCodesReject && { codes: op.enteredDiscountCodesReject.codes.map((c) => c.code), message: op.enteredDiscountCodesReject.message });

describe("the friend discount's code run (cart lines)", () => {
  it("gives a new customer the percentage off their order", () => {
    expect(runLines({ buyer: NEW_CUSTOMER })).toEqual({
      operations: [
        {
          orderDiscountsAdd: {
            selectionStrategy: "FIRST",
            candidates: [
              {
                targets: [{ orderSubtotal: { excludedCartLineIds: [] } }],
                value: { percentage: { value: "10" } },
                message: "Referral: 10% off your first order",
              },
            ],
          },
        },
      ],
    });
  });

  it("gives a guest the offer: guests are not known at checkout, the order webhook checks them", () => {
    expect(runLines({ buyer: null }).operations).toHaveLength(1);
  });

  it("gives nothing to a logged-in customer who has ordered before", () => {
    expect(runLines({ buyer: RETURNING })).toEqual({ operations: [] });
    expect(runLines({ buyer: { numberOfOrders: 1 } })).toEqual({ operations: [] });
  });

  it("gives nothing for the referrer's own code, whatever its case, even before their first order", () => {
    expect(runLines({ buyer: { numberOfOrders: 0, ownCode: CODE }, triggering: CODE.toLowerCase() })).toEqual({ operations: [] });
    // Another referrer's code is fine for the same buyer.
    expect(runLines({ buyer: { numberOfOrders: 0, ownCode: "FRIEND-22222222" } }).operations).toHaveLength(1);
  });

  it("gives nothing to the referrer for a single-use friend code made from their own link", () => {
    // The friend code's own discount names the referrer whose link made it.
    const config = percentOffer({ referrerCode: CODE });
    const friendCode = "FRIEND-9ABCDEFG";
    expect(runLines({ config, buyer: { numberOfOrders: 0, ownCode: CODE.toLowerCase() }, triggering: friendCode })).toEqual({ operations: [] });
    // Anyone else new gets the offer with it, a guest too.
    expect(runLines({ config, buyer: { numberOfOrders: 0, ownCode: "FRIEND-22222222" }, triggering: friendCode }).operations).toHaveLength(1);
    expect(runLines({ config, buyer: null, triggering: friendCode }).operations).toHaveLength(1);
  });

  it("refuses a configuration whose referrer code is malformed (fails closed)", () => {
    expect(parseConfig({ ...percentOffer(), referrerCode: 42 })).toBeNull();
    expect(parseConfig({ ...percentOffer(), referrerCode: "<script>" })).toBeNull();
    expect(parseConfig({ ...percentOffer(), referrerCode: CODE })?.referrerCode).toBe(CODE);
    expect(runLines({ config: { ...percentOffer(), referrerCode: "" } as never, buyer: null })).toEqual({ operations: [] });
  });

  it("converts a fixed amount into the buyer's currency with the presentment rate, exactly", () => {
    const config = percentOffer({ offer: { kind: "FIXED_AMOUNT", value: "10.50" } });
    const [op] = runLines({ config, rate: "0.9312", currencyCode: "EUR" }).operations;
    expect(op.orderDiscountsAdd?.candidates[0].value).toEqual({ fixedAmount: { amount: "9.7776" } });
    expect(op.orderDiscountsAdd?.candidates[0].message).toBe("Referral: 9.78 EUR off your first order");
  });

  it("needs the minimum order, in the shop's currency converted to the buyer's", () => {
    const config = percentOffer({ minimumSubtotal: "50.00" });
    expect(runLines({ config, subtotal: "49.99" })).toEqual({ operations: [] });
    expect(runLines({ config, subtotal: "50.0" }).operations).toHaveLength(1);
    // 50 USD at 0.9 is 45 EUR.
    expect(runLines({ config, subtotal: "44.99", currencyCode: "EUR", rate: "0.9" })).toEqual({ operations: [] });
    expect(runLines({ config, subtotal: "45", currencyCode: "EUR", rate: "0.9" }).operations).toHaveLength(1);
  });

  it("leaves a free-shipping offer to the delivery target", () => {
    const config = percentOffer({ offer: { kind: "FREE_SHIPPING", value: "100" } });
    expect(runLines({ config })).toEqual({ operations: [] });
  });

  it("refuses the discount's hidden anchor code and anything that is not a referral code", () => {
    expect(runLines({ triggering: "FRIEND-PROGRAM-ABCDEFGHJKMNPQRS" })).toEqual({ operations: [] });
    expect(runLines({ triggering: "SUMMER" })).toEqual({ operations: [] });
  });
});

describe("combination rules", () => {
  it("applies an amount off only as an ORDER-class discount", () => {
    expect(runLines({ discountClasses: ["PRODUCT"] })).toEqual({ operations: [] });
    expect(runLines({ discountClasses: ["SHIPPING"] })).toEqual({ operations: [] });
    expect(runLines({ discountClasses: ["ORDER", "SHIPPING"] }).operations).toHaveLength(1);
  });

  it("applies free shipping only as a SHIPPING-class discount, and an amount off never on delivery", () => {
    const freeShipping = percentOffer({ offer: { kind: "FREE_SHIPPING", value: "100" } });
    expect(runDelivery({ config: freeShipping, discountClasses: ["ORDER"] })).toEqual({ operations: [] });
    expect(runDelivery({ config: percentOffer() })).toEqual({ operations: [] });
  });

  it("requires the combinations the discount was created with in the configuration", () => {
    const { combinesWith: _dropped, ...without } = percentOffer();
    expect(runLines({ config: without })).toEqual({ operations: [] });
    expect(runLines({ config: { ...percentOffer(), combinesWith: { productDiscounts: "no", orderDiscounts: false, shippingDiscounts: true } } })).toEqual({ operations: [] });
  });
});

describe("free shipping (delivery options target)", () => {
  const config = percentOffer({ offer: { kind: "FREE_SHIPPING", value: "100" } });

  it("takes 100% off every delivery group for a new customer", () => {
    const groups = ["gid://shopify/CartDeliveryGroup/1", "gid://shopify/CartDeliveryGroup/2"];
    expect(runDelivery({ config, deliveryGroups: groups })).toEqual({
      operations: [
        {
          deliveryDiscountsAdd: {
            selectionStrategy: "ALL",
            candidates: [
              {
                targets: groups.map((id) => ({ deliveryGroup: { id } })),
                value: { percentage: { value: "100" } },
                message: "Referral: free shipping on your first order",
              },
            ],
          },
        },
      ],
    });
  });

  it("refuses returning customers, own codes and orders below the minimum as the lines target does", () => {
    expect(runDelivery({ config, buyer: RETURNING })).toEqual({ operations: [] });
    expect(runDelivery({ config, buyer: { numberOfOrders: 0, ownCode: CODE } })).toEqual({ operations: [] });
    expect(runDelivery({ config: { ...config, minimumSubtotal: "500" } })).toEqual({ operations: [] });
    expect(runDelivery({ config, deliveryGroups: [] })).toEqual({ operations: [] });
  });

  it("leaves the referral check (no triggering code) to the lines target", () => {
    expect(runDelivery({ config, triggering: null, entered: [{ code: CODE }], buyer: RETURNING })).toEqual({ operations: [] });
  });
});

describe("bad configuration fails closed", () => {
  const bad: [string, unknown][] = [
    ["no metafield", null],
    ["not an object", "10%"],
    ["another version", { ...percentOffer(), version: 2 }],
    ["an unknown kind", { ...percentOffer(), offer: { kind: "BOGO", value: "10" } }],
    ["a percentage over 100", percentOffer({ offer: { kind: "PERCENTAGE", value: "150" } })],
    ["a zero amount", percentOffer({ offer: { kind: "FIXED_AMOUNT", value: "0" } })],
    ["a float instead of a decimal string", { ...percentOffer(), offer: { kind: "PERCENTAGE", value: 10 } }],
    ["a malformed minimum", percentOffer({ minimumSubtotal: "fifty" })],
    ["a malformed currency", percentOffer({ currencyCode: "dollars" })],
  ];

  it.each(bad)("gives no discount with %s", (_, config) => {
    expect(parseConfig(config)).toBeNull();
    expect(runLines({ config })).toEqual({ operations: [] });
  });

  it.each(bad)("and the referral check rejects the code with a clear message (%s)", (_, config) => {
    expect(rejected({ config, discountClasses: ["ORDER"] })).toEqual([
      { codes: [CODE], message: "This referral code can't be used right now. Please try again later or contact the store." },
    ]);
  });

  it("refuses an unusable presentment rate", () => {
    const config = percentOffer({ offer: { kind: "FIXED_AMOUNT", value: "5" } });
    expect(runLines({ config, rate: "n/a" })).toEqual({ operations: [] });
  });
});

describe("the referral check's run (an automatic discount: rejects with a reason)", () => {
  it("rejects a returning customer's referral code, saying why", () => {
    expect(rejected({ buyer: RETURNING })).toEqual([{ codes: [CODE], message: "Referral codes are for a first order, and you've ordered here before." }]);
  });

  it("rejects the referrer's own code, saying why", () => {
    expect(rejected({ buyer: { numberOfOrders: 0, ownCode: CODE } })).toEqual([
      { codes: [CODE], message: "This is your own referral code: share it with friends and they get the discount on their first order." },
    ]);
  });

  it("rejects below the minimum, naming the minimum in the buyer's currency", () => {
    expect(rejected({ config: percentOffer({ minimumSubtotal: "50" }), subtotal: "20", currencyCode: "EUR", rate: "0.9" })).toEqual([
      { codes: [CODE], message: "Referral codes need an order of at least 45.00 EUR." },
    ]);
  });

  it("lets a new customer's and a guest's code through", () => {
    expect(check({ buyer: NEW_CUSTOMER })).toEqual({ operations: [] });
    expect(check({ buyer: null })).toEqual({ operations: [] });
  });

  it("leaves other codes, and codes Shopify says cannot be rejected, alone", () => {
    expect(check({ buyer: RETURNING, entered: [{ code: "SUMMER10" }, { code: CODE, rejectable: false }] })).toEqual({ operations: [] });
  });

  it("groups codes by reason", () => {
    const other = "FRIEND-22222222";
    expect(rejected({ buyer: RETURNING, entered: [{ code: CODE }, { code: other }] })).toEqual([
      { codes: [CODE, other], message: "Referral codes are for a first order, and you've ordered here before." },
    ]);
  });
});

describe("the buyer's language", () => {
  it("refuses in the buyer's checkout language, English when the app has not got it", () => {
    expect(rejected({ buyer: RETURNING, language: "DE" })[0]?.message).toBe("Empfehlungscodes gelten für eine erste Bestellung, und Sie haben hier schon bestellt.");
    expect(rejected({ buyer: { numberOfOrders: 0, ownCode: CODE }, language: "FR" })[0]?.message).toMatch(/^C'est votre propre code de parrainage/);
    expect(rejected({ config: percentOffer({ minimumSubtotal: "50" }), subtotal: "20", language: "ES" })[0]?.message).toBe(
      "Los códigos de recomendación requieren un pedido de al menos 50.00 USD.",
    );
    expect(rejected({ buyer: RETURNING, language: "PT_BR" })[0]?.message).toBe("Referral codes are for a first order, and you've ordered here before.");
  });

  it.each(LANGUAGES)("has every refusal in %s, each its own words, the minimum with its amount", (language) => {
    const iso = language.toUpperCase() as "EN";
    const texts = [
      rejected({ buyer: RETURNING, language: iso }),
      rejected({ buyer: { numberOfOrders: 0, ownCode: CODE }, language: iso }),
      rejected({ config: null, language: iso, discountClasses: ["ORDER"] }),
      rejected({ config: percentOffer({ minimumSubtotal: "50" }), subtotal: "20", language: iso }),
    ].map((r) => r[0]?.message ?? "");
    expect(texts.every((t) => t.length > 10)).toBe(true);
    expect(new Set(texts).size).toBe(4);
    expect(texts[3]).toContain("50.00 USD");
    if (language !== "en") expect(texts[0]).not.toBe(message("RETURNING_CUSTOMER", "EN"));
  });
});

describe("referral codes", () => {
  it("recognises every code the app generates, and nothing shaped otherwise", () => {
    // The function keeps its own copy of the code shape (it is bundled alone): it must match the app's.
    expect(CODE_ALPHABET).toBe("23456789ABCDEFGHJKMNPQRSTUVWXYZ");
    expect(CODE_RANDOM_LENGTH).toBe(8);
    for (let i = 0; i < 200; i++) expect(isReferralCode(generateReferralCode(i % 2 ? "FRIEND" : "", undefined))).toBe(true);
    expect(isReferralCode(" friend-7kq4xm9p ")).toBe(true);
    expect(isReferralCode("FRIEND-7KQ4XM9O")).toBe(false);
    expect(isReferralCode("FRIEND-PROGRAM-7KQ4XM9P7KQ4XM9P")).toBe(false);
  });
});
