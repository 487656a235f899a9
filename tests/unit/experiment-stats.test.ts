// The experiment verdict (app/experiments/stats.ts) checked by simulation, as
// issue 16 asks: simulated experiments whose truth is known, looked at daily,
// with a seeded generator so every run of this file sees the same draws.
//
// Every rate measured over RUNS simulated experiments is compared with its
// claim with a tolerance that is only the binomial sampling error of RUNS runs:
// Z99 standard errors of a proportion at the claimed rate (one-sided 99%).
// Each claim is paired with a demonstration that the same check fails on a
// test that does not keep it (a fixed-horizon p-value read daily, comparisons
// without the Bonferroni split, too few clicks), so the checks have teeth.
import { describe, expect, it } from "vitest";
import {
  compareVariants,
  MIN_CLICKS,
  MIN_CONVERSIONS,
  normalCdf,
  sampleSizePerVariant,
  verdictPower,
  type Arm,
} from "~/experiments/stats";

const RUNS = 1_000;
const ALPHA = 0.05;
const DAYS = 60;
/** One-sided 99% quantile of the standard normal. */
const Z99 = 2.3263;
/** The binomial sampling error allowed around a rate `p` measured over RUNS runs. */
const tolerance = (p: number) => Z99 * Math.sqrt((p * (1 - p)) / RUNS);

/** mulberry32: a small seeded generator of uniform numbers in [0, 1). */
function generator(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Scenario {
  /** True conversion rate of each arm; arms[0] is the control. */
  rates: number[];
  /** Clicks each arm gets over the DAYS days, spread evenly (the last day takes the remainder). */
  clicks: number;
  seed: number;
}

/**
 * RUNS experiments of the scenario, each click a Bernoulli draw at its arm's
 * rate; `look` sees the running totals at the end of every day.
 */
function simulate({ rates, clicks, seed }: Scenario, look: (arms: Arm[], day: number, run: number) => void) {
  const random = generator(seed);
  const perDay = Math.floor(clicks / DAYS);
  for (let run = 0; run < RUNS; run++) {
    const arms = rates.map(() => ({ clicks: 0, conversions: 0 }));
    for (let day = 0; day < DAYS; day++) {
      const today = day === DAYS - 1 ? clicks - perDay * (DAYS - 1) : perDay;
      rates.forEach((rate, i) => {
        let converted = 0;
        for (let c = 0; c < today; c++) if (random() < rate) converted++;
        arms[i].clicks += today;
        arms[i].conversions += converted;
      });
      look(arms, day, run);
    }
  }
}

/** The usual fixed-horizon test: two-sided pooled two-proportion z-test p-value. */
function fixedHorizonP(control: Arm, variant: Arm): number {
  const pooled = (control.conversions + variant.conversions) / (control.clicks + variant.clicks);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / control.clicks + 1 / variant.clicks));
  if (!(se > 0)) return 1;
  const z = (variant.conversions / variant.clicks - control.conversions / control.clicks) / se;
  return 2 * (1 - normalCdf(Math.abs(z)));
}

/** Share of runs in which `happened` was true at some look. */
function rateOfRuns(scenario: Scenario, happened: (arms: Arm[], day: number) => boolean): number {
  const hit = new Set<number>();
  simulate(scenario, (arms, day, run) => {
    if (!hit.has(run) && happened(arms, day)) hit.add(run);
  });
  return hit.size / RUNS;
}

const significant = (arms: Arm[]) => compareVariants(arms, { alpha: ALPHA }).some((v) => v.verdict === "WINNER" || v.verdict === "LOSER");

describe("the experiment verdict, simulated", () => {
  it("calls at most alpha of 1,000 A/A experiments a winner or loser at ANY of 60 daily looks (a daily fixed-horizon p-value: far more)", () => {
    const scenario = { rates: [0.05, 0.05], clicks: 12_000, seed: 11 };
    const flagged = { ours: new Set<number>(), fixed: new Set<number>() };
    let finalFixed = 0;
    simulate(scenario, (arms, day, run) => {
      if (significant(arms)) flagged.ours.add(run);
      const p = fixedHorizonP(arms[0], arms[1]);
      if (p < ALPHA) flagged.fixed.add(run);
      if (day === DAYS - 1 && p < ALPHA) finalFixed++;
    });
    const falseVerdicts = flagged.ours.size / RUNS;
    const peekedFixed = flagged.fixed.size / RUNS;
    expect(falseVerdicts).toBeLessThanOrEqual(ALPHA + tolerance(ALPHA));
    // The same check on a z-test read daily fails it, by far...
    expect(peekedFixed).toBeGreaterThan(ALPHA + tolerance(ALPHA));
    expect(peekedFixed).toBeGreaterThan(0.15);
    // ...though that z-test is right when read once, at the end, as it is meant to be.
    expect(finalFixed / RUNS).toBeLessThanOrEqual(ALPHA + tolerance(ALPHA));
  });

  it("keeps alpha at low traffic, where the first looks have a handful of orders", () => {
    // 30 clicks a day an arm at 2%: under one order a day, MIN_CONVERSIONS reached after weeks.
    const rate = rateOfRuns({ rates: [0.02, 0.02], clicks: 1_800, seed: 12 }, significant);
    expect(rate).toBeLessThanOrEqual(ALPHA + tolerance(ALPHA));
  });

  for (const variants of [3, 4]) {
    it(`keeps the family-wise false-winner rate at most alpha with ${variants} variants, looked at daily (uncorrected comparisons read once: above it)`, () => {
      const scenario = { rates: Array(variants).fill(0.05), clicks: 12_000, seed: 20 + variants };
      const flagged = new Set<number>();
      let uncorrected = 0;
      simulate(scenario, (arms, day, run) => {
        if (significant(arms)) flagged.add(run);
        // Each variant against the control at alpha, no split, read once at the end.
        if (day === DAYS - 1 && arms.slice(1).some((arm) => fixedHorizonP(arms[0], arm) < ALPHA)) uncorrected++;
      });
      expect(flagged.size / RUNS).toBeLessThanOrEqual(ALPHA + tolerance(ALPHA));
      expect(uncorrected / RUNS).toBeGreaterThan(ALPHA + tolerance(ALPHA));
    });
  }

  it("finds a true 20% lift as a WINNER with the stated power at the stated sample size (and not with fewer clicks)", () => {
    const power = 0.8;
    const clicks = sampleSizePerVariant({ baselineRate: 0.05, relativeLift: 0.2, power, alpha: ALPHA, variants: 2 });
    const found = (n: number, seed: number) => {
      let winners = 0;
      let losers = 0;
      simulate({ rates: [0.05, 0.06], clicks: n, seed }, (arms, day) => {
        const [, variant] = compareVariants(arms, { alpha: ALPHA });
        if (variant.verdict === "LOSER") losers++;
        // Read when every variant has the stated clicks: the last day.
        if (day === DAYS - 1 && variant.verdict === "WINNER") winners++;
      });
      return { power: winners / RUNS, losers };
    };
    const atStated = found(clicks, 31);
    expect(atStated.power).toBeGreaterThanOrEqual(power - tolerance(power));
    expect(atStated.losers).toBe(0);
    // A size 25% short of it falls below the claim: the check would catch an understated size.
    expect(found(Math.round(clicks * 0.75), 32).power).toBeLessThan(power - tolerance(power));
  });

  it("finds a true 20% lift among 4 variants with the stated power at the size stated for 4 variants", () => {
    const power = 0.8;
    const clicks = sampleSizePerVariant({ baselineRate: 0.05, relativeLift: 0.2, power, alpha: ALPHA, variants: 4 });
    let winners = 0;
    let falseVerdicts = 0;
    simulate({ rates: [0.05, 0.06, 0.05, 0.05], clicks, seed: 41 }, (arms, day) => {
      const verdicts = compareVariants(arms, { alpha: ALPHA });
      if (day === DAYS - 1 && verdicts[1].verdict === "WINNER") winners++;
      if (day === DAYS - 1 && verdicts.slice(2).some((v) => v.verdict !== "NO_DIFFERENCE_YET")) falseVerdicts++;
    });
    expect(winners / RUNS).toBeGreaterThanOrEqual(power - tolerance(power));
    expect(falseVerdicts / RUNS).toBeLessThanOrEqual(ALPHA + tolerance(ALPHA));
  });
});

describe("the experiment verdict", () => {
  const arm = (clicks: number, conversions: number): Arm => ({ clicks, conversions });

  it("says NOT_ENOUGH_DATA below the minimum clicks an arm or conversions a pair, whatever the rates", () => {
    expect(compareVariants([arm(MIN_CLICKS - 1, 50), arm(5_000, 500)], { alpha: ALPHA })[1].verdict).toBe("NOT_ENOUGH_DATA");
    expect(compareVariants([arm(5_000, 500), arm(MIN_CLICKS - 1, 0)], { alpha: ALPHA })[1].verdict).toBe("NOT_ENOUGH_DATA");
    const few = compareVariants([arm(10_000, 1), arm(10_000, MIN_CONVERSIONS - 2)], { alpha: ALPHA })[1];
    expect(few).toMatchObject({ verdict: "NOT_ENOUGH_DATA", difference: null, lift: null, pValue: null });
    expect(few.rate).toBeCloseTo((MIN_CONVERSIONS - 2) / 10_000, 12);
    expect(compareVariants([arm(0, 0), arm(0, 0)], { alpha: ALPHA }).map((v) => [v.verdict, v.rate])).toEqual([
      ["CONTROL", null],
      ["NOT_ENOUGH_DATA", null],
    ]);
  });

  it("calls a clear difference a WINNER or LOSER, with an interval that leaves out 0 exactly then", () => {
    const [control, better, worse, same] = compareVariants([arm(20_000, 1_000), arm(20_000, 1_300), arm(20_000, 700), arm(20_000, 1_010)], { alpha: ALPHA });
    expect(control).toEqual({ verdict: "CONTROL", rate: 0.05, difference: null, lift: null, pValue: null });
    expect(better.verdict).toBe("WINNER");
    expect(better.difference!.estimate).toBeCloseTo(0.015, 12);
    expect(better.lift!.estimate).toBeCloseTo(0.3, 12);
    expect(better.difference!.low).toBeGreaterThan(0);
    expect(better.lift!.low).toBeCloseTo(better.difference!.low / 0.05, 12);
    expect(better.pValue).toBeLessThanOrEqual(ALPHA);
    expect(worse.verdict).toBe("LOSER");
    expect(worse.difference!.high).toBeLessThan(0);
    expect(same.verdict).toBe("NO_DIFFERENCE_YET");
    expect(same.difference!.low).toBeLessThan(0);
    expect(same.difference!.high).toBeGreaterThan(0);
    expect(same.pValue).toBeGreaterThan(ALPHA);
    // The always-valid interval is wider than the fixed-horizon one (1.96 standard errors): the price of looking daily.
    const se = Math.sqrt((0.05 * 0.95 + 0.0505 * 0.9495) / 20_000);
    expect(same.difference!.high - same.difference!.estimate).toBeGreaterThan(1.96 * se);
  });

  it("splits alpha between the variants: the same data is less significant among more variants", () => {
    const data = [arm(20_000, 1_000), arm(20_000, 1_140)];
    const two = compareVariants(data, { alpha: ALPHA })[1];
    const four = compareVariants([...data, arm(20_000, 1_000), arm(20_000, 1_000)], { alpha: ALPHA })[1];
    expect(four.pValue).toBeCloseTo(Math.min(1, two.pValue! * 3), 12);
    expect(four.difference!.high - four.difference!.low).toBeGreaterThan(two.difference!.high - two.difference!.low);
  });

  it("refuses impossible input", () => {
    expect(() => compareVariants([arm(10, 11), arm(10, 1)], { alpha: ALPHA })).toThrow(RangeError);
    expect(() => compareVariants([arm(10, 1)], { alpha: ALPHA })).toThrow(RangeError);
    expect(() => compareVariants(Array(5).fill(arm(10, 1)), { alpha: ALPHA })).toThrow(RangeError);
    expect(() => compareVariants([arm(10, 1), arm(10.5, 1)], { alpha: ALPHA })).toThrow(RangeError);
    expect(() => compareVariants([arm(10, 1), arm(10, 1)], { alpha: 0 })).toThrow(RangeError);
    expect(() => sampleSizePerVariant({ baselineRate: 0 })).toThrow(RangeError);
    expect(() => sampleSizePerVariant({ baselineRate: 0.9, relativeLift: 0.2 })).toThrow(RangeError);
    expect(() => sampleSizePerVariant({ baselineRate: 0.05, variants: 5 })).toThrow(RangeError);
  });

  it("states sample sizes that grow with fewer conversions, smaller lifts and more variants, above a fixed-horizon test's", () => {
    const n = (q: Partial<Parameters<typeof sampleSizePerVariant>[0]>) => sampleSizePerVariant({ baselineRate: 0.05, ...q });
    const base = n({});
    expect(verdictPower(base, 0.05, 0.06, ALPHA)).toBeGreaterThanOrEqual(0.8);
    expect(verdictPower(base - 1, 0.05, 0.06, ALPHA)).toBeLessThan(0.8);
    expect(n({ baselineRate: 0.02 })).toBeGreaterThan(base);
    expect(n({ relativeLift: 0.1 })).toBeGreaterThan(base);
    expect(n({ variants: 3 })).toBeGreaterThan(base);
    expect(n({ variants: 4 })).toBeGreaterThan(n({ variants: 3 }));
    expect(n({ power: 0.9 })).toBeGreaterThan(base);
    // A fixed-horizon test read once would need (1.96 + 0.84)² (σ₀² + σ₁²) / δ² clicks; looking daily costs more.
    const fixed = ((1.959964 + 0.841621) ** 2 * (0.05 * 0.95 + 0.06 * 0.94)) / 0.01 ** 2;
    expect(base).toBeGreaterThan(fixed);
    expect(base).toBeLessThan(2.5 * fixed);
    // Never under the verdict's own minimums, even for a huge lift.
    expect(n({ baselineRate: 0.3, relativeLift: 1 })).toBeGreaterThanOrEqual(Math.max(MIN_CLICKS, MIN_CONVERSIONS / (0.3 + 0.6)));
  });
});
