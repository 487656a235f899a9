// Shopify's REST-shaped webhook bodies carry 64-bit ids as bare JSON numbers
// (refunds/create has only `order_id` to name its order). JSON.parse would round
// any above 2^53; read those as strings instead, so ids survive exactly.
// Only a whole integer token: not the digits of a fraction or an exponent.
const STRING_OR_LONG_INTEGER = /"(?:[^"\\]|\\.)*"|(?<![\d.eE+-])-?\d{16,}(?![.\deE])/g;

// "\u0000" in a string parses to a NUL, which PostgreSQL text cannot store
// (SQLite can): a name or note carrying one would fail its job on one database
// only. It becomes U+FFFD; an escaped backslash followed by "u0000" is left alone.
const NUL_ESCAPE = /\\u0000|\\./g;

export function parseShopifyJson(text: string): unknown {
  return JSON.parse(
    text.replace(STRING_OR_LONG_INTEGER, (token) =>
      token.startsWith('"') ? (token.includes("\\u0000") ? token.replace(NUL_ESCAPE, (e) => (e === "\\u0000" ? "\\ufffd" : e)) : token) : `"${token}"`,
    ),
  );
}
