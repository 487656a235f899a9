// Money in the fake is kept in integer minor units (cents) so balances never
// drift; Shopify's Decimal strings go in and come out ("10.0", "12.5").
export function toCents(amount: string | number): number {
  const s = String(amount).trim();
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(s);
  if (!m) throw new Error(`Invalid decimal: ${s}`);
  const frac = (m[3] ?? "").padEnd(2, "0");
  // More than 2 decimals is rounded half-up, as Shopify rounds to the currency.
  const cents = Number(m[2]) * 100 + Number(frac.slice(0, 2)) + (Number(frac[2] ?? 0) >= 5 ? 1 : 0);
  return m[1] ? -cents : cents;
}

export function fromCents(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  const whole = Math.floor(abs / 100);
  const frac = String(abs % 100).padStart(2, "0").replace(/0$/, "");
  return `${sign}${whole}.${frac || "0"}`;
}

export function money(cents: number, currencyCode: string) {
  return { amount: fromCents(cents), currencyCode };
}
