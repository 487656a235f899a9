// Browser code for the dev store's extension pages: the Polaris web components
// the referral UI extensions use (`s-*`), as plain accessible HTML. Shopify
// renders them with its own design system; here a button is a real <button>
// (or <a> with an href), a link an <a>, a banner a status (or alert) region, a
// heading an <h2>, lists are lists, and <s-clipboard-item> copies its text when
// a button with command="--copy" names it. Only what the extensions use.

type Props = Record<string, string | boolean | null>;

/** Where `extension://referral-account` (the referral home's full page) leads in the dev store. */
let extensionPageUrl = "/account/referrals";
export function setExtensionPageUrl(url: string) {
  extensionPageUrl = url;
}

const escape = (value: string) => value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
// `extension://<handle>` opens another of the app's extensions; the only one linked to is the referral home.
const resolveHref = (href: string) => (href === "extension://referral-account" ? extensionPageUrl : href);
/** A link's target: the extension's own page replaces the whole page, not the frame the extension runs in. */
const targetOf = (href: string, target: string | boolean | null) =>
  href.startsWith("extension:") ? ' target="_top"' : target ? ` target="${escape(String(target))}" rel="noopener"` : "";

/** An element whose listed properties (set by Preact as properties) are kept and re-rendered. */
function element(names: string[], render: (host: HTMLElement, props: Props) => void) {
  return class extends HTMLElement {
    static observedAttributes = names.map((n) => n.toLowerCase());
    props: Props = {};
    constructor() {
      super();
      for (const name of names) {
        Object.defineProperty(this, name, {
          get: () => this.props[name] ?? null,
          set: (value: string | boolean | null) => {
            this.props[name] = value;
            this.update();
          },
        });
      }
    }
    attributeChangedCallback(name: string, _old: string | null, value: string | null) {
      const prop = names.find((n) => n.toLowerCase() === name)!;
      this.props[prop] = value;
      this.update();
    }
    connectedCallback() {
      this.update();
    }
    update() {
      render(this, this.props);
    }
  };
}

function shadow(host: HTMLElement, html: string) {
  const root = host.shadowRoot ?? host.attachShadow({ mode: "open" });
  if (root.innerHTML !== html) root.innerHTML = html;
}

const BUTTON_CSS = `<style>:host{display:inline-block}button,a{font:inherit;display:inline-block;padding:.5rem 1rem;border-radius:8px;border:1px solid #1a1a1a;cursor:pointer;text-decoration:none;line-height:1.3}
.primary{background:#1a1a1a;color:#fff}.secondary{background:#fff;color:#1a1a1a}button[disabled]{opacity:.6;cursor:progress}:focus-visible{outline:3px solid #005bd3;outline-offset:2px}</style>`;

export const ELEMENTS: Record<string, CustomElementConstructor> = {
  "s-button": element(["variant", "href", "target", "loading", "commandFor", "command"], (host, p) => {
    const variant = p.variant === "primary" ? "primary" : "secondary";
    if (p.href) {
      const href = String(p.href);
      return shadow(host, `${BUTTON_CSS}<a class="${variant}" href="${escape(resolveHref(href))}"${targetOf(href, p.target)}><slot></slot></a>`);
    }
    const busy = p.loading === true || p.loading === "" || p.loading === "true";
    shadow(host, `${BUTTON_CSS}<button type="button" class="${variant}"${busy ? ' disabled aria-busy="true"' : ""}><slot></slot></button>`);
  }),
  "s-link": element(["href", "target"], (host, p) => {
    const href = String(p.href ?? "");
    shadow(host, `<style>a{color:#005bd3}</style><a href="${escape(resolveHref(href))}"${targetOf(href, p.target)}><slot></slot></a>`);
  }),
  "s-banner": element(["tone", "heading"], (host, p) => {
    host.setAttribute("role", p.tone === "critical" ? "alert" : "status");
    const colours: Record<string, string> = { critical: "#fee9e8;border-color:#8e1f0b", success: "#cdfee1;border-color:#0c5132", info: "#eaf4ff;border-color:#005bd3" };
    const heading = p.heading ? `<strong class="heading">${escape(String(p.heading))}</strong>` : "";
    shadow(host, `<style>:host{display:block}div{padding:.75rem 1rem;border:1px solid;border-radius:8px;background:${colours[String(p.tone)] ?? colours.info}}.heading{display:block;margin-bottom:.25rem}</style><div>${heading}<slot></slot></div>`);
  }),
  "s-page": element(["heading"], (host, p) => {
    shadow(host, `<style>:host{display:block}h1{font-size:1.6rem;margin:0 0 1rem}</style>${p.heading ? `<h1>${escape(String(p.heading))}</h1>` : ""}<slot></slot>`);
  }),
  "s-section": element(["heading"], (host, p) => {
    if (p.heading) host.setAttribute("aria-label", String(p.heading));
    host.setAttribute("role", "region");
    shadow(host, `<style>:host{display:block;border:1px solid #ddd;border-radius:12px;padding:1rem;margin:0 0 1rem}h2{font-size:1.2rem;margin:0 0 .75rem}</style>${p.heading ? `<h2>${escape(String(p.heading))}</h2>` : ""}<slot></slot>`);
  }),
  "s-stack": element(["direction", "gap"], (host, p) => {
    const gap = p.gap === "large" ? "1.25rem" : p.gap === "small-200" ? ".4rem" : ".75rem";
    const inline = p.direction === "inline";
    host.style.cssText = `display:flex;flex-direction:${inline ? "row" : "column"};${inline ? "flex-wrap:wrap;align-items:center;" : ""}gap:${gap}`;
  }),
  "s-paragraph": element([], (host) => {
    host.style.cssText = "display:block;margin:0;line-height:1.5";
  }),
  "s-text": element(["type"], (host, p) => {
    host.style.cssText = p.type === "strong" ? "font-weight:600" : p.type === "small" ? "font-size:.875rem;color:#4a4a4a" : "";
  }),
  "s-unordered-list": element([], (host) => {
    host.setAttribute("role", "list");
    host.style.cssText = "display:block;padding-left:1.25rem;margin:0";
  }),
  "s-list-item": element([], (host) => {
    host.setAttribute("role", "listitem");
    host.style.cssText = "display:list-item;list-style:disc";
  }),
  "s-skeleton-paragraph": element([], (host) => {
    host.setAttribute("role", "status");
    host.setAttribute("aria-label", "Loading");
    shadow(host, `<style>:host{display:block}i{display:block;height:.8rem;margin:.4rem 0;border-radius:4px;background:#e3e3e3}</style><i></i><i style="width:70%"></i>`);
  }),
  "s-clipboard-item": element(["text"], (host) => {
    host.hidden = true;
  }),
};

/** Copies a clipboard item's text (the Clipboard API, else a selected textarea) and tells it. */
async function copy(item: HTMLElement & { props?: Props }) {
  const text = String(item.props?.text ?? item.getAttribute("text") ?? "");
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const area = document.createElement("textarea");
    area.value = text;
    document.body.append(area);
    area.select();
    const copied = document.execCommand("copy");
    area.remove();
    if (!copied) return;
  }
  item.dispatchEvent(new Event("copy"));
}

export function defineElements() {
  for (const [name, constructor] of Object.entries(ELEMENTS)) {
    if (!customElements.get(name)) customElements.define(name, constructor);
  }
  // Polaris' commands: a button with command="--copy" copies the clipboard item it names.
  document.addEventListener("click", (event) => {
    const button = (event.target as Element | null)?.closest?.("s-button") as (HTMLElement & { props?: Props }) | null;
    if (!button || button.props?.command !== "--copy") return;
    const id = String(button.props.commandFor ?? "");
    const item = id ? document.getElementById(id) : null;
    if (item) void copy(item);
  });
}
