// A local stand-in for https://cdn.shopify.com/shopifycloud/app-bridge.js (the
// real script only works inside the Shopify admin). The app loads it when
// APP_BRIDGE_URL points here: the dev store's admin serves it, and the admin
// browser test serves it in place of the CDN's. It provides what this app uses
// of App Bridge:
// - the `shopify` global: config, environment, idToken(), toast, loading, saveBar, modal;
// - authenticated fetch: same-origin requests get `Authorization: Bearer <id_token>`;
// - the session-token bounce page (?shopify-reload=...): fetch a token, go back;
// - the ui-nav-menu / ui-save-bar / ui-title-bar / ui-modal elements;
// - scopes.request/query: the admin's grant dialog for optional scopes;
// - links to https://<shop>/admin/... (the theme editor's deep links) open the
//   dev store admin's own page, as Shopify's admin opens its own.
// Inside the dev store's admin (framed), session tokens come from the admin
// page by postMessage (the admin's server signs them with the app secret), and
// the nav menu, toasts and the current path go to the admin's chrome. Opened on
// its own (the admin browser test), the token comes from ?id_token= and toasts
// show in the page. The save bar shows as a fixed bar at the top of the app
// with the app's own buttons in it.
(function () {
  var script = document.currentScript;
  var params = new URLSearchParams(location.search);
  var framed = window.parent !== window;
  var adminOrigin = script && script.src ? new URL(script.src, location.href).origin : "*";
  var token = params.get("id_token") || sessionStorage.getItem("stand-in-id-token");
  if (token) sessionStorage.setItem("stand-in-id-token", token);
  var shop = params.get("shop") || sessionStorage.getItem("stand-in-shop");
  if (shop) sessionStorage.setItem("stand-in-shop", shop);

  function post(message) {
    if (framed) window.parent.postMessage(Object.assign({ source: "app-bridge-stand-in" }, message), adminOrigin);
  }

  function expiresAt(jwt) {
    try {
      return JSON.parse(atob(jwt.split(".")[1].replace(/-/g, "+").replace(/_/g, "/"))).exp * 1000;
    } catch {
      return 0; // not a JWT: treat as expired
    }
  }

  // Framed: ask the admin for a fresh token when ours has less than 10 s left.
  var pending = {};
  var nextRequest = 1;
  window.addEventListener("message", function (event) {
    if (event.source !== window.parent || !event.data || event.data.source !== "devstore-admin") return;
    if (event.data.type === "id-token" && pending[event.data.id]) {
      pending[event.data.id](event.data.token);
      delete pending[event.data.id];
    }
    if (event.data.type === "navigate") navigate(event.data.href);
    if (event.data.type === "scopes-request" && pending[event.data.id]) {
      pending[event.data.id](event.data);
      delete pending[event.data.id];
    }
  });
  function idToken() {
    if (!framed || (token && expiresAt(token) - Date.now() > 10000)) return Promise.resolve(token);
    return new Promise(function (resolve, reject) {
      var id = nextRequest++;
      pending[id] = function (fresh) {
        token = fresh;
        sessionStorage.setItem("stand-in-id-token", fresh);
        resolve(fresh);
      };
      setTimeout(function () {
        if (pending[id]) reject(new Error("the admin did not answer the session token request"));
      }, 10000);
      post({ type: "id-token", id: id });
    });
  }

  // The session-token bounce page: shopify-app-remix sends a document request
  // without a token here, to come back to `shopify-reload` with one.
  var reload = params.get("shopify-reload");
  if (reload) {
    idToken().then(function (fresh) {
      var target = new URL(reload, location.href);
      if (target.origin !== location.origin) throw new Error("shopify-reload must stay on the app's origin");
      target.searchParams.set("id_token", fresh);
      location.replace(target.href);
    });
    return;
  }

  var realFetch = window.fetch.bind(window);
  window.fetch = function (input, init) {
    var url = new URL(input instanceof Request ? input.url : String(input), location.href);
    if (url.origin !== location.origin) return realFetch(input, init);
    return idToken().then(function (fresh) {
      if (!fresh) return realFetch(input, init);
      var headers = new Headers((init && init.headers) || (input instanceof Request ? input.headers : undefined));
      headers.set("Authorization", "Bearer " + fresh);
      return realFetch(input, Object.assign({}, init, { headers: headers }));
    });
  };

  // Optional scopes: the admin shows its grant dialog and answers with Shopify's ScopesRequestResponse.
  var scopeRequests = (window.__scopeRequests = []);
  function requestScopes(scopes) {
    scopeRequests.push(scopes);
    if (!framed) return Promise.reject(new Error("scopes.request needs the admin: open the app from the dev store admin"));
    return new Promise(function (resolve, reject) {
      var id = nextRequest++;
      pending[id] = function (answer) {
        if (answer.error) reject(new Error(answer.error));
        else resolve(answer.response);
      };
      post({ type: "scopes-request", id: id, scopes: scopes });
    });
  }

  // The admin's own URLs (https://<shop>/admin/...) open in the dev store admin.
  document.addEventListener("click", function (event) {
    var link = event.target instanceof Element ? event.target.closest("a[href]") : null;
    if (!framed || !link || !shop) return;
    var url = new URL(link.href, location.href);
    if (url.host !== shop || url.pathname.indexOf("/admin/") !== 0) return;
    event.preventDefault();
    post({ type: "admin-link", path: url.pathname + url.search });
  });

  var toasts = (window.__toasts = []);
  var region = document.createElement("div");
  region.setAttribute("role", "status");
  region.setAttribute("aria-live", "polite");
  region.id = "stand-in-toast";
  region.style.cssText = "position:fixed;bottom:16px;left:50%;transform:translateX(-50%);z-index:1000;background:#303030;color:#fff;padding:8px 16px;border-radius:8px;font:14px system-ui;display:none";
  if (!framed) {
    document.addEventListener("DOMContentLoaded", function () {
      document.body.appendChild(region);
    });
  }

  function byId(id) {
    return document.getElementById(id);
  }

  window.shopify = {
    config: { apiKey: script && script.dataset.apiKey, shop: shop, locale: "en" },
    environment: { embedded: true, mobile: false, pos: false },
    idToken: idToken,
    scopes: {
      request: requestScopes,
      query: function () {
        return Promise.reject(new Error("scopes.query is not in the dev store's App Bridge stand-in"));
      },
      revoke: function () {
        return Promise.reject(new Error("scopes.revoke is not in the dev store's App Bridge stand-in"));
      },
    },
    loading: function (on) {
      post({ type: "loading", on: on !== false });
    },
    toast: {
      show: function (message, options) {
        var isError = Boolean(options && options.isError);
        toasts.push({ message: message, isError: isError });
        if (framed) {
          post({ type: "toast", message: message, isError: isError });
        } else {
          region.textContent = message;
          region.style.display = "block";
          region.style.background = isError ? "#8e1f0b" : "#303030";
        }
        return String(toasts.length);
      },
      hide: function () {
        region.style.display = "none";
      },
    },
    saveBar: {
      show: function (id) {
        var el = byId(id);
        return Promise.resolve(el && el.show());
      },
      hide: function (id) {
        var el = byId(id);
        return Promise.resolve(el && el.hide());
      },
      toggle: function (id) {
        var el = byId(id);
        return Promise.resolve(el && (el.hasAttribute("data-open") ? el.hide() : el.show()));
      },
      leaveConfirmation: function () {
        return Promise.resolve();
      },
    },
    modal: {
      show: function (id) {
        var el = byId(id);
        return Promise.resolve(el && el.setAttribute("data-open", ""));
      },
      hide: function (id) {
        var el = byId(id);
        return Promise.resolve(el && el.removeAttribute("data-open"));
      },
      toggle: function (id) {
        var el = byId(id);
        return Promise.resolve(el && el.toggleAttribute("data-open"));
      },
    },
  };

  // Navigation: the admin shows the app's nav menu and its current path, and
  // asks for a page by the menu's href; AppProvider routes `shopify:navigate`.
  function navigate(href) {
    var link = document.querySelector('ui-nav-menu a[href="' + CSS.escape(href) + '"]');
    if (link) link.dispatchEvent(new CustomEvent("shopify:navigate", { bubbles: true }));
  }
  function reportLocation() {
    post({ type: "location", path: location.pathname + location.search });
  }
  function reportMenu() {
    var items = Array.prototype.map.call(document.querySelectorAll("ui-nav-menu a"), function (a) {
      return { href: a.getAttribute("href"), label: a.textContent, home: a.getAttribute("rel") === "home" };
    });
    post({ type: "nav-menu", items: items });
  }
  ["pushState", "replaceState"].forEach(function (name) {
    var real = history[name].bind(history);
    history[name] = function () {
      var result = real.apply(null, arguments);
      reportLocation();
      return result;
    };
  });
  window.addEventListener("popstate", reportLocation);
  document.addEventListener("DOMContentLoaded", function () {
    reportLocation();
    reportMenu();
  });

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
