// The dev store's own pages (login, cart, checkout, order status, admin chrome):
// plain HTML with a little CSS, every interpolated value escaped.
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

const STYLE = `body{margin:0;font-family:system-ui,sans-serif;color:#1a1a1a;background:#fff}
header,main{max-width:60rem;margin:0 auto;padding:1rem}table{border-collapse:collapse;margin:1rem 0;min-width:24rem}
td,th{border-bottom:1px solid #ddd;padding:.4rem .6rem;text-align:left}ul.plain{list-style:none;padding:0}ul.plain li{margin:.4rem 0}
.button,button{font:inherit;padding:.45rem .9rem;border-radius:6px;border:1px solid #1a1a1a;background:#1a1a1a;color:#fff;text-decoration:none;cursor:pointer}
form.inline{margin:1rem 0}input{font:inherit;padding:.35rem}.note{color:#555}[role=alert]{color:#8e1f0b}`;

/** A storefront page outside the theme (Shopify's own account, cart and checkout pages). */
export function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><header><a href="/">Home</a> · <a href="/cart">Cart</a></header><main>${body}</main></body></html>`;
}
