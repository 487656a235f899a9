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

const ADMIN_STYLE = `body{font:14px system-ui,sans-serif;color:#1a1a1a;margin:0 auto;max-width:70rem;padding:16px}table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #ddd;padding:6px;text-align:left}table.headers th,table.headers td{vertical-align:top}table.headers th{width:11rem;white-space:nowrap}.actions{display:flex;gap:6px}.actions form{margin:0}
nav.admin{display:flex;gap:16px;align-items:baseline}nav.admin a[aria-current]{font-weight:600;color:#1a1a1a;text-decoration:none}
.note{color:#555}.muted{color:#616161}.kind{display:inline-block;padding:1px 8px;border-radius:10px;background:#e4e5e7;font-size:12px;white-space:nowrap}
.kind.good{background:#cdfee1}.kind.bad{background:#fedad9}.kind.info{background:#e0f0ff}td.wrap{overflow-wrap:anywhere}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f7f7f7;border:1px solid #ddd;border-radius:6px;padding:12px;margin:0}
dl.headers{margin:0}dl.headers dt{font-size:12px;color:#616161}dl.headers dd{margin:0 0 4px}iframe.email{display:block;width:100%;height:600px;resize:vertical;overflow:auto;border:1px solid #ddd;border-radius:6px;background:#fff}h2{font-size:16px;margin:24px 0 8px}`;

/** The dev store admin's own pages (Orders, Mailbox, Webhooks, Klaviyo, Flow, the theme editor): the admin's links on top. */
export function adminPage(title: string, current: "orders" | "mailbox" | "theme" | "webhooks" | "klaviyo" | "flow", body: string): string {
  const link = (href: string, label: string, name?: string) => `<a href="${href}"${name === current ? ' aria-current="page"' : ""}>${label}</a>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} · Dev store admin</title>
<style>${ADMIN_STYLE}</style></head>
<body><nav class="admin" aria-label="Dev store admin">${link("/apps/referrals", "← Referrals app")}${link("/orders", "Orders", "orders")}${link("/mailbox", "Mailbox", "mailbox")}${link("/webhooks", "Webhooks", "webhooks")}${link("/klaviyo", "Klaviyo", "klaviyo")}${link("/flow", "Flow", "flow")}${link("/admin/themes/current/editor", "Theme editor", "theme")}${link("/api", "Control API")}</nav>
${body}</body></html>`;
}
