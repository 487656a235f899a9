// Exact decimal arithmetic on Shopify's Decimal strings ("12.5", "0.9312"), with
// BigInt: money is never a float, and the function stays small (no library).

interface Scaled {
  units: bigint;
  scale: number;
}

function parse(value: string): Scaled | null {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(value.trim());
  if (!m) return null;
  const fraction = m[3] ?? "";
  const units = BigInt(`${m[1]}${m[2]}${fraction}`);
  return { units, scale: fraction.length };
}

const align = (a: Scaled, b: Scaled): [bigint, bigint] => {
  const scale = Math.max(a.scale, b.scale);
  return [a.units * 10n ** BigInt(scale - a.scale), b.units * 10n ** BigInt(scale - b.scale)];
};

/** a >= b, or null when either is not a decimal. */
export function greaterOrEqual(a: string, b: string): boolean | null {
  const x = parse(a);
  const y = parse(b);
  if (!x || !y) return null;
  const [ax, by] = align(x, y);
  return ax >= by;
}

/** a × b, exact, or null when either is not a decimal. */
export function multiply(a: string, b: string): string | null {
  const x = parse(a);
  const y = parse(b);
  if (!x || !y) return null;
  return format(x.units * y.units, x.scale + y.scale);
}

/** Rounds half up to exactly `places` decimals, trailing zeros kept (amounts shown to buyers: "45.00"). */
export function round(value: string, places: number): string | null {
  const x = parse(value);
  if (!x) return null;
  if (x.scale <= places) return format(x.units * 10n ** BigInt(places - x.scale), places, true);
  const divisor = 10n ** BigInt(x.scale - places);
  const negative = x.units < 0n;
  const abs = negative ? -x.units : x.units;
  const rounded = (abs + divisor / 2n) / divisor;
  return format(negative ? -rounded : rounded, places, true);
}

function format(units: bigint, scale: number, keepZeros = false): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, "0");
  const whole = digits.slice(0, digits.length - scale);
  const fraction = keepZeros ? digits.slice(digits.length - scale) : digits.slice(digits.length - scale).replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}`;
}
