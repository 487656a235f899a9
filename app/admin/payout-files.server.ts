// A payout batch's files: the CSV for the merchant's records (every line, with
// the headings in the merchant's language), and PayPal's mass payment file.
//
// PayPal's Payouts Web file, as documented at
// https://developer.paypal.com/payouts/use-payouts/send-money/use-web-ui
// (also https://developer.paypal.com/docs/payouts/standard/payouts-web/): a
// .csv with no header row, one payout per row, columns in this order:
// recipient identifier (the PayPal account's email), payment amount,
// currency (ISO 4217, one currency per file), Customer ID (unique, no spaces,
// at most 30 characters), note to the recipient (at most 400 characters),
// recipient wallet (PAYPAL); the Venmo-only columns after it are left off, as
// in PayPal's own PayPal example row. Amounts use a period as the decimal
// separator, except for currencies such as EUR and BRL, which use a comma and
// are enclosed in double quotes; values with commas or quotes are quoted. At
// most 5,000 rows per file.
import type { Cell } from "./csv.server";
import { csvLine } from "./csv.server";
import type { BatchLine } from "./payout-batches.server";

export const PAYPAL_MAX_ROWS = 5000;
const PAYPAL_NOTE_MAX = 400;
/** The currencies PayPal's page names as written with a decimal comma. */
const DECIMAL_COMMA = new Set(["EUR", "BRL"]);

/**
 * The email PayPal is asked to pay, or null when it is not one: no spaces,
 * one @, a dotted domain, and no leading character a spreadsheet would run
 * as a formula (the file is opened in one before it is uploaded).
 */
export function paypalRecipient(email: string | null): string | null {
  const value = email?.trim() ?? "";
  return /^[^\s@=+\-"',][^\s@",]*@[^\s@"',]+\.[^\s@"',]+$/.test(value) && value.length <= 127 ? value : null;
}

/** RFC 4180 quoting only: the file is read by PayPal, and its cells are our own or checked above. */
function paypalCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** A line's amount (already at the currency's digits) as PayPal reads it in that currency. */
export function paypalAmount(amount: string, currencyCode: string): string {
  return DECIMAL_COMMA.has(currencyCode) ? amount.replace(".", ",") : amount;
}

export interface PaypalFile {
  body: string;
  rows: number;
  /** Lines left out: no email PayPal can pay (listed in the CSV for another way of paying). */
  leftOut: number;
}

/** PayPal's mass payment file of a batch's lines; `note` (cut to PayPal's 400 characters) goes to every recipient. */
export function paypalFile(lines: BatchLine[], note: string): PaypalFile {
  const text = note.slice(0, PAYPAL_NOTE_MAX);
  let body = "";
  let rows = 0;
  for (const line of lines) {
    const email = paypalRecipient(line.email);
    if (!email) continue;
    body += `${[email, paypalAmount(line.amount, line.currencyCode), line.currencyCode, line.payoutId, text, "PAYPAL"].map(paypalCell).join(",")}\r\n`;
    rows++;
  }
  return { body, rows, leftOut: lines.length - rows };
}

/** The batch's CSV: every line, in the merchant's language (`yes`/`no` for the partner column). */
export function batchCsv(lines: BatchLine[], headings: string[], words: { yes: string; no: string }): string {
  const rows: Cell[][] = lines.map((l) => [l.payoutId, l.referrerId, l.name, l.partner ? words.yes : words.no, l.email, l.code, l.fees, l.amount, l.currencyCode]);
  // The BOM makes Excel read the file as UTF-8.
  return `\uFEFF${[headings, ...rows].map(csvLine).join("")}`;
}

/** A file download of a text made in full (a batch holds at most a few thousand lines). */
export function fileResponse(body: string, filename: string): Response {
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${filename}"`,
      "Cache-Control": "no-store",
    },
  });
}
