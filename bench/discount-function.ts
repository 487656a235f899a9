// The referral-discount function's run time in Node, printed (never asserted):
// Shopify runs a function compiled to WebAssembly and counts its instructions
// (budget: 11 million per run); Node's time on the same JavaScript is only a
// proxy for that count, so each figure is given beside a trivial function
// (one that returns no operations) measured in the same run, in alternating
// rounds so drifting load weighs on both alike.
//
// Input: a 200-line cart as Shopify would hand it to a discount function over
// stdin (JSON), carrying the fields of the function's own input query and each
// line's id and cost (which a function selecting lines would get). A run is
// what the Wasm module does: parse the JSON, run, serialise the result. Also
// the function's own work alone (the input already parsed), beside the
// trivial function's.
//
//   npx tsx bench/discount-function.ts [--runs 5000] [--rounds 5] [--lines 200]
import { cartLinesDiscountsGenerateRun } from "../extensions/referral-discount/src/cart_lines_discounts_generate_run";
import { option } from "./lib/cli";
import { reportFigures, type Figure } from "./lib/figures";
import { fmt, keyValueTable, machineInfo, table, verdict } from "./lib/report";

const RUNS = Number(option("runs", "5000"));
const ROUNDS = Number(option("rounds", "5"));
const LINES = Number(option("lines", "200"));
if (!(RUNS > 0) || !(ROUNDS > 0) || !(LINES > 0)) {
  console.error("usage: npx tsx bench/discount-function.ts [--runs 5000] [--rounds 5] [--lines 200]");
  process.exit(2);
}
// Stated next to the figures, not asserted: the function's own work should be
// lost in the cost of reading its input, as a trivial function's is.
const TARGET_RATIO = 2;
const CODE = "FRIEND-7KQ4XM9P";

function cartInput(triggering: string | null) {
  const lines = Array.from({ length: LINES }, (_, i) => ({
    id: `gid://shopify/CartLine/${i + 1}`,
    quantity: 1 + (i % 3),
    cost: { subtotalAmount: { amount: (12.5 + (i % 17)).toFixed(2), currencyCode: "USD" } },
  }));
  const subtotal = lines.reduce((sum, l) => sum + Number(l.cost.subtotalAmount.amount), 0).toFixed(2);
  return JSON.stringify({
    cart: {
      lines,
      buyerIdentity: { isAuthenticated: true, customer: { numberOfOrders: 0, referralCode: { value: "FRIEND-22222222" } } },
      cost: { subtotalAmount: { amount: subtotal, currencyCode: "USD" } },
    },
    discount: {
      discountClasses: ["ORDER"],
      config: {
        jsonValue: { version: 1, offer: { kind: "PERCENTAGE", value: "10" }, minimumSubtotal: "50", currencyCode: "USD", combinesWith: { productDiscounts: false, orderDiscounts: false, shippingDiscounts: true } },
      },
    },
    enteredDiscountCodes: [{ code: CODE, rejectable: true }],
    triggeringDiscountCode: triggering,
    presentmentCurrencyRate: "1.0",
    localization: { language: { isoCode: "EN" } },
  });
}

type Run = (json: string) => string;
const referral: Run = (json) => JSON.stringify(cartLinesDiscountsGenerateRun(JSON.parse(json)));
const trivial: Run = (json) => {
  JSON.parse(json);
  return JSON.stringify({ operations: [] });
};

/** Microseconds per run of `fn` on `input`, median over rounds alternating with the baseline. */
function measure<I>(cases: { name: string; fn: (input: I) => unknown; input: I }[]) {
  const perRound = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  for (const c of cases) for (let i = 0; i < Math.min(RUNS, 2000); i++) c.fn(c.input); // warm-up (JIT)
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of round % 2 ? [...cases].reverse() : cases) {
      const started = process.hrtime.bigint();
      let sink = 0;
      for (let i = 0; i < RUNS; i++) sink += c.fn(c.input) ? 1 : 0;
      const micros = Number(process.hrtime.bigint() - started) / 1000 / RUNS;
      if (sink === 0) throw new Error("no output");
      perRound.get(c.name)!.push(micros);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return new Map([...perRound].map(([name, xs]) => [name, median(xs)]));
}

const code = cartInput(CODE);
const check = cartInput(null);
// The shapes are right: a discount for the code run, nothing to reject for a new customer.
if (!JSON.parse(referral(code)).operations[0]?.orderDiscountsAdd) throw new Error("the code run gave no discount");

const times = measure([
  { name: "trivial", fn: trivial, input: code },
  { name: "code run", fn: referral, input: code },
  { name: "referral check run", fn: referral, input: check },
]);
const baseline = times.get("trivial")!;
// The function's own work: the input already parsed, the result not serialised.
const parsedCode = JSON.parse(code);
const parsedCheck = JSON.parse(check);
const logic = measure<Record<string, unknown>>([
  { name: "trivial", fn: () => ({ operations: [] }), input: parsedCode },
  { name: "code run", fn: (i) => cartLinesDiscountsGenerateRun(i as never), input: parsedCode },
  { name: "referral check run", fn: (i) => cartLinesDiscountsGenerateRun(i as never), input: parsedCheck },
]);

console.log(keyValueTable("Machine", machineInfo()));
console.log(
  table(
    `referral-discount in Node (parse input JSON, run, serialise), ${LINES}-line cart, ${fmt(code.length)} B input; median of ${ROUNDS} rounds of ${RUNS} runs`,
    ["run", "µs per run", "trivial function µs", "ratio", `target <= ${TARGET_RATIO}x`],
    [...times].filter(([n]) => n !== "trivial").map(([name, us]) => [name, us.toFixed(2), baseline.toFixed(2), (us / baseline).toFixed(2), verdict(us / baseline <= TARGET_RATIO)]),
  ),
);
console.log(
  table(
    `the function's own work alone (input already parsed, result not serialised); median of ${ROUNDS} rounds of ${RUNS} runs`,
    ["run", "µs per run", "trivial function µs"],
    [...logic].filter(([n]) => n !== "trivial").map(([name, us]) => [name, us.toFixed(3), logic.get("trivial")!.toFixed(3)]),
  ),
);
console.log("Node time is only a proxy: Shopify counts WebAssembly instructions (11 million per run) of the CLI-compiled module.");

const figures: Figure[] = [...times]
  .filter(([n]) => n !== "trivial")
  .map(([name, us]) => ({
    bench: "discount-function",
    figure: `referral-discount ${name}, ${LINES}-line cart (µs in Node, a proxy for Wasm instructions)`,
    value: Number(us.toFixed(2)),
    unit: "µs",
    baseline: "trivial function (no operations), same input",
    baselineValue: Number(baseline.toFixed(2)),
    ratio: Number((us / baseline).toFixed(2)),
    target: `<= ${TARGET_RATIO}x trivial (lower is better)`,
    met: us / baseline <= TARGET_RATIO,
  }));
reportFigures(figures);
