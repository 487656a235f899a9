// The verdict of an incentive experiment: is a variant's conversion (referred
// orders per link click) really better or worse than the control's (position
// 0), in a way that stays true however often the merchant looks?
//
// A fixed-horizon test (a z-test's p < 0.05) is only valid when read once, at a
// sample size chosen in advance; read every day and stopped at the first
// "significant" day, it calls an A/A experiment a winner about a quarter of the
// time (tests/unit/experiment-stats.test.ts shows it). Instead this is the
// mixture sequential probability ratio test (mSPRT) of Johari, Koomen, Pekelis
// and Walsh, "Always valid inference: continuous monitoring of A/B tests"
// (Operations Research 70(3), 2022; arXiv:1512.04922), with a normal mixture
// on the difference of the two conversion rates and the normal approximation
// of the binomial (their section 4, two-stream Bernoulli data):
//
//   θ̂ = p̂₁ − p̂₀,   V = p̂₀(1−p̂₀)/n₀ + p̂₁(1−p̂₁)/n₁,
//   Λ = √(V/(V+τ²)) · exp(θ̂² τ² / (2V(V+τ²))).
//
// Λ is a likelihood ratio mixed over the alternatives θ ~ N(0, τ²): under "no
// difference" it is a martingale of mean 1, so by Ville's inequality the
// chance it EVER reaches 1/α, at any of any number of looks, is at most α.
// Hence the always-valid p-value min(1, 1/Λ) and the always-valid confidence
// interval {θ : Λ(θ̂ − θ) < 1/α} (a confidence sequence: it holds at every
// look at once). The merchant may look daily, stop whenever, and a "winner" is
// wrong at most α of the time. The report computes them from the current
// totals (no history is kept): the chance that ANY look shows a false verdict
// is still at most α, the guarantee stated on the page; a verdict may go back
// to "no difference yet" as data comes in (that is not a second error).
//
// Choices, and why (docs/decisions/0016-experiment-statistics.md):
// - τ, the spread of the differences the test is tuned to find, is
//   TAU_RELATIVE = 0.15 of the pooled conversion rate of the two arms: among
//   0.05 to 0.5, the one needing the fewest clicks to find a 20% lift (the
//   default question) at rates of 1%, 5% and 20%, within 10% of the best for
//   lifts of 10% to 50% too (the decision record's table). A fixed τ would be
//   wrong across shops converting at 1% and at 20%; the pooled rate settles
//   fast and does not depend on which arm is ahead, and the simulations check
//   the error rate with it.
// - Several variants: each is compared with the control at α / (k − 1)
//   (Bonferroni), so the chance of any false winner or loser among them stays
//   at most α. The p-values shown are the adjusted ones (compare with α).
// - The normal approximation is poor with few conversions: below MIN_CLICKS
//   clicks in an arm or MIN_CONVERSIONS conversions in the pair, the verdict is
//   NOT_ENOUGH_DATA, and no interval is given.
// - The interval is on the difference in conversion rate (valid as above); the
//   relative lift shown beside it is that interval over the control's observed
//   rate, which ignores the control rate's own uncertainty (small once the
//   control has MIN_CONVERSIONS / 2 conversions, approximate before).
// - The sample size stated for a lift (sampleSizePerVariant) is the clicks per
//   variant at which the verdict, read then, shows the winner with the stated
//   power: the normal approximation of Λ's threshold at that size, checked by
//   simulation in the tests.

/** One arm: its link clicks (trials) and referred orders (successes). */
export interface Arm {
  clicks: number;
  conversions: number;
}

export type Verdict = "CONTROL" | "WINNER" | "LOSER" | "NO_DIFFERENCE_YET" | "NOT_ENOUGH_DATA";

export interface Interval {
  estimate: number;
  low: number;
  high: number;
}

export interface VariantVerdict {
  verdict: Verdict;
  /** Conversion rate (null without clicks). */
  rate: number | null;
  /** The variant's rate minus the control's, with its always-valid interval (null for the control and without enough data). */
  difference: Interval | null;
  /** The same over the control's rate: 0.2 is 20% more orders per click than the control. */
  lift: Interval | null;
  /** Always-valid p-value, adjusted for the number of variants: significant when at most alpha. */
  pValue: number | null;
}

/** The mixing spread τ as a share of the pooled conversion rate. */
export const TAU_RELATIVE = 0.15;
/** Below these, the normal approximation is not trusted: NOT_ENOUGH_DATA. */
export const MIN_CLICKS = 100;
export const MIN_CONVERSIONS = 20;

const MAX_VARIANTS = 4;

/** The mSPRT statistic for one variant against the control, or null when the data cannot support it. */
interface Mixture {
  theta: number;
  variance: number;
  tau2: number;
}

function mixture(control: Arm, variant: Arm): Mixture | null {
  if (control.clicks < MIN_CLICKS || variant.clicks < MIN_CLICKS) return null;
  if (control.conversions + variant.conversions < MIN_CONVERSIONS) return null;
  const p0 = control.conversions / control.clicks;
  const p1 = variant.conversions / variant.clicks;
  const variance = (p0 * (1 - p0)) / control.clicks + (p1 * (1 - p1)) / variant.clicks;
  const pooled = (control.conversions + variant.conversions) / (control.clicks + variant.clicks);
  const tau2 = (TAU_RELATIVE * pooled) ** 2;
  if (!(variance > 0) || !(tau2 > 0)) return null;
  return { theta: p1 - p0, variance, tau2 };
}

/** log Λ for a difference `delta` away from the hypothesised one. */
function logLikelihoodRatio({ variance: v, tau2 }: Mixture, delta: number): number {
  return 0.5 * Math.log(v / (v + tau2)) + (delta * delta * tau2) / (2 * v * (v + tau2));
}

/** Half-width of the always-valid interval at level `alpha`: {θ : Λ(θ̂ − θ) < 1/alpha}. */
function halfWidth({ variance: v, tau2 }: Mixture, alpha: number): number {
  return Math.sqrt(((v * (v + tau2)) / tau2) * (2 * Math.log(1 / alpha) + Math.log((v + tau2) / v)));
}

function checkArm(arm: Arm, i: number) {
  const whole = (n: number) => Number.isInteger(n) && n >= 0;
  if (!whole(arm.clicks) || !whole(arm.conversions) || arm.conversions > arm.clicks) {
    throw new RangeError(`arm ${i}: clicks and conversions must be whole numbers with conversions <= clicks (got ${arm.conversions} of ${arm.clicks})`);
  }
}

function checkAlpha(alpha: number) {
  if (!(alpha > 0 && alpha < 0.5)) throw new RangeError(`alpha must be between 0 and 0.5, not ${alpha}`);
}

/**
 * Each variant against arms[0], the control, at family-wise level `alpha`.
 * Returns one verdict per arm, in order (the control's is CONTROL).
 */
export function compareVariants(arms: Arm[], { alpha }: { alpha: number }): VariantVerdict[] {
  checkAlpha(alpha);
  if (arms.length < 2 || arms.length > MAX_VARIANTS) throw new RangeError(`an experiment has 2 to ${MAX_VARIANTS} variants, not ${arms.length}`);
  arms.forEach(checkArm);
  const comparisons = arms.length - 1;
  const level = alpha / comparisons;
  const [control] = arms;
  const rateOf = (arm: Arm) => (arm.clicks ? arm.conversions / arm.clicks : null);
  return arms.map((arm, i): VariantVerdict => {
    const rate = rateOf(arm);
    if (i === 0) return { verdict: "CONTROL", rate, difference: null, lift: null, pValue: null };
    const m = mixture(control, arm);
    if (!m) return { verdict: "NOT_ENOUGH_DATA", rate, difference: null, lift: null, pValue: null };
    const logLambda = logLikelihoodRatio(m, m.theta);
    const pValue = Math.min(1, comparisons * Math.exp(-logLambda));
    const h = halfWidth(m, level);
    const difference = { estimate: m.theta, low: m.theta - h, high: m.theta + h };
    const base = rateOf(control)!;
    const lift = base > 0 ? { estimate: m.theta / base, low: difference.low / base, high: difference.high / base } : null;
    // Λ ≥ (k−1)/α exactly when the interval leaves out 0; decided on Λ, the interval follows it.
    const verdict = pValue <= alpha ? (m.theta > 0 ? "WINNER" : "LOSER") : "NO_DIFFERENCE_YET";
    return { verdict, rate, difference, lift, pValue };
  });
}

/** Standard normal distribution function (erfc of Numerical Recipes, relative error < 1.2e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const erfc =
    t *
    Math.exp(
      -x * x -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return z >= 0 ? 1 - erfc / 2 : erfc / 2;
}

export interface SampleSizeQuestion {
  /** The control's conversion rate (orders per click), 0 < rate < 1. */
  baselineRate: number;
  /** The relative lift to detect: 0.2 is a variant converting 20% better. */
  relativeLift?: number;
  /** Chance the verdict shows that variant as the winner when read at the size returned. */
  power?: number;
  alpha?: number;
  /** Variants including the control (2 to 4): the Bonferroni split of alpha. */
  variants?: number;
}

/**
 * Power of the verdict, read once at `clicks` per arm, when the control
 * converts at `p0` and a variant at `p1`: the chance Λ reaches its threshold
 * with θ̂ on the right side, under the normal approximation (θ̂ ~ N(θ, V)),
 * with V and τ at their expected values.
 */
export function verdictPower(clicks: number, p0: number, p1: number, alpha: number, variants = 2): number {
  const level = alpha / (variants - 1);
  const variance = (p0 * (1 - p0) + p1 * (1 - p1)) / clicks;
  const tau2 = (TAU_RELATIVE * ((p0 + p1) / 2)) ** 2;
  // Λ ≥ 1/level  ⇔  |θ̂| ≥ h, the interval's half-width at that level.
  const h = halfWidth({ theta: 0, variance, tau2 }, level);
  const theta = p1 - p0;
  const sd = Math.sqrt(variance);
  return theta >= 0 ? 1 - normalCdf((h - theta) / sd) : normalCdf((-h - theta) / sd);
}

/**
 * Clicks each variant needs for the verdict to find a variant converting
 * `relativeLift` better than the control, with probability `power`, read when
 * every variant has that many clicks (and never fewer than the verdict's own
 * minimums). Checked by simulation in tests/unit/experiment-stats.test.ts.
 */
export function sampleSizePerVariant({ baselineRate, relativeLift = 0.2, power = 0.8, alpha = 0.05, variants = 2 }: SampleSizeQuestion): number {
  checkAlpha(alpha);
  const p1 = baselineRate * (1 + relativeLift);
  if (!(baselineRate > 0 && p1 < 1 && p1 > 0)) throw new RangeError(`a baseline rate of ${baselineRate} and a lift of ${relativeLift} are not both conversion rates`);
  if (!(power > 0 && power < 1)) throw new RangeError(`power must be between 0 and 1, not ${power}`);
  if (!(relativeLift !== 0 && Number.isFinite(relativeLift))) throw new RangeError(`the lift must be a number other than 0, not ${relativeLift}`);
  if (!(Number.isInteger(variants) && variants >= 2 && variants <= MAX_VARIANTS)) throw new RangeError(`an experiment has 2 to ${MAX_VARIANTS} variants, not ${variants}`);
  // The minimums: MIN_CLICKS an arm, and MIN_CONVERSIONS expected in the pair.
  const floor = Math.max(MIN_CLICKS, Math.ceil(MIN_CONVERSIONS / (baselineRate + p1)));
  const enough = (n: number) => verdictPower(n, baselineRate, p1, alpha, variants) >= power;
  if (enough(floor)) return floor;
  // Power grows with n: double until enough, then bisect.
  let low = floor;
  let high = floor * 2;
  while (!enough(high)) {
    low = high;
    high *= 2;
  }
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (enough(mid)) high = mid;
    else low = mid;
  }
  return high;
}
