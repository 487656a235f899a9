// Shopify's REST-shaped webhook bodies carry 64-bit ids as bare JSON numbers
// (refunds/create has only `order_id` to name its order). JSON.parse would round
// any above 2^53; read those as strings instead, so ids survive exactly.
const STRING_OR_LONG_INTEGER = /"(?:[^"\\]|\\.)*"|-?\d{16,}(?![.\deE])/g;

export function parseShopifyJson(text: string): unknown {
  return JSON.parse(text.replace(STRING_OR_LONG_INTEGER, (token) => (token.startsWith('"') ? token : `"${token}"`)));
}
