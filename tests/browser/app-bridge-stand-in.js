// A local stand-in for https://cdn.shopify.com/shopifycloud/app-bridge.js,
// served to the browser test through Playwright's request interception (the
// real script cannot be fetched offline and only works inside the Shopify
// admin). It provides what this app uses of App Bridge:
// - the `shopify` global: config, idToken(), toast, loading, saveBar;
// - authenticated fetch: same-origin requests get `Authorization: Bearer <id_token>`,
//   as App Bridge adds the session token for the app's backend;
// - the ui-nav-menu / ui-save-bar / ui-title-bar / ui-modal elements. The save
//   bar, shown in the admin's chrome by the real App Bridge, is shown here as a
//   fixed bar at the top of the page with the app's own buttons in it.
(function () {
  var script = document.currentScript;
  var params = new URLSearchParams(location.search);
  var token = params.get("id_token") || sessionStorage.getItem("stand-in-id-token");
  if (token) sessionStorage.setItem("stand-in-id-token", token);
  var shop = params.get("shop") || sessionStorage.getItem("stand-in-shop");
  if (shop) sessionStorage.setItem("stand-in-shop", shop);

  var realFetch = window.fetch.bind(window);
  window.fetch = function (input, init) {
    var url = new URL(input instanceof Request ? input.url : String(input), location.href);
    if (url.origin === location.origin && token) {
      var headers = new Headers((init && init.headers) || (input instanceof Request ? input.headers : undefined));
      headers.set("Authorization", "Bearer " + token);
      init = Object.assign({}, init, { headers: headers });
    }
    return realFetch(input, init);
  };

  var toasts = (window.__toasts = []);
  var region = document.createElement("div");
  region.setAttribute("role", "status");
  region.setAttribute("aria-live", "polite");
  region.id = "stand-in-toast";
  region.style.cssText = "position:fixed;bottom:16px;left:50%;transform:translateX(-50%);z-index:1000;background:#303030;color:#fff;padding:8px 16px;border-radius:8px;font:14px system-ui;display:none";
  document.addEventListener("DOMContentLoaded", function () {
    document.body.appendChild(region);
  });

  window.shopify = {
    config: { apiKey: script && script.dataset.apiKey, shop: shop, locale: "en" },
    environment: { embedded: true, mobile: false, pos: false },
    idToken: function () {
      return Promise.resolve(token);
    },
    loading: function () {},
    toast: {
      show: function (message, options) {
        toasts.push({ message: message, isError: Boolean(options && options.isError) });
        region.textContent = message;
        region.style.display = "block";
        region.style.background = options && options.isError ? "#8e1f0b" : "#303030";
        return String(toasts.length);
      },
      hide: function () {
        region.style.display = "none";
      },
    },
    saveBar: {
      show: function (id) {
        var el = document.getElementById(id);
        return Promise.resolve(el && el.show());
      },
      hide: function (id) {
        var el = document.getElementById(id);
        return Promise.resolve(el && el.hide());
      },
      toggle: function (id) {
        var el = document.getElementById(id);
        return Promise.resolve(el && (el.hasAttribute("data-open") ? el.hide() : el.show()));
      },
      leaveConfirmation: function () {
        return Promise.resolve();
      },
    },
  };

  // Styled by a sheet, not by attributes: React hydrates these elements and
  // would report attributes the server did not render.
  var style = document.createElement("style");
  style.textContent =
    "ui-nav-menu,ui-title-bar,ui-modal,ui-save-bar{display:none}" +
    "ui-save-bar[data-open]{display:flex;position:fixed;top:0;left:0;right:0;z-index:999;background:#1a1a1a;padding:8px 16px;gap:8px;justify-content:flex-end}";
  document.head.appendChild(style);
  ["ui-nav-menu", "ui-title-bar", "ui-modal"].forEach(function (name) {
    customElements.define(name, class extends HTMLElement {});
  });

  customElements.define(
    "ui-save-bar",
    class extends HTMLElement {
      show() {
        this.setAttribute("data-open", "");
        this.dispatchEvent(new Event("show"));
      }
      hide() {
        if (!this.hasAttribute("data-open")) return;
        this.removeAttribute("data-open");
        this.dispatchEvent(new Event("hide"));
      }
    },
  );
})();
