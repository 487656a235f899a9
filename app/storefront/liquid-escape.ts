// Text going into a Liquid response must be inert twice over: as HTML (escape
// <, >, &, quotes) and as Liquid, which Shopify evaluates before the browser
// sees it. A merchant's terms or a shopper's email containing "{{ ... }}" or
// "{% ... %}" must print, not run, so braces become HTML entities too.
const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
  "{": "&#123;",
  "}": "&#125;",
};

export function escapeLiquidHtml(text: string): string {
  return text.replace(/[&<>"'{}]/g, (c) => ENTITIES[c]);
}
