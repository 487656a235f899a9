// Referral link capture, on every page: keeps ?ref=CODE for 30 days, reports
// the click (with the share channel), applies the friend discount once via
// /discount/CODE (the friend's own single-use code when the click's answer
// gives one), puts the code on the cart as the _referral_code attribute
// (attribution survives when the code is never typed) with the link's share
// channel as _referral_channel, and shows the offer banner. Budget: 2 KB gzipped.
(function () {
  'use strict';
  var root = document.querySelector('[data-referral-embed]');
  if (!root) return;
  var KEY = 'rfl';
  var TTL = 30 * 864e5;
  var CODE = /^[A-Z0-9-]{4,40}$/;

  function read() {
    try {
      var s = JSON.parse(localStorage.getItem(KEY));
      if (s && CODE.test(s.c) && Date.now() - s.t < TTL) return s;
    } catch {
      // storage blocked or unreadable: fall back to the cookie
    }
    // localStorage can be blocked or cleared; the cookie keeps the code alone.
    var m = document.cookie.match(/(?:^|; )rfl_code=([A-Z0-9-]{4,40})/);
    return m ? { c: m[1], t: Date.now() } : null;
  }

  function save(s) {
    try {
      localStorage.setItem(KEY, JSON.stringify(s));
    } catch {
      // storage blocked: the cookie below still keeps the code
    }
    document.cookie = 'rfl_code=' + s.c + ';max-age=' + Math.round((s.t + TTL - Date.now()) / 1e3) + ';path=/;samesite=lax';
  }

  function banner(s) {
    if (!root.dataset.banner || s.d || s.o === null) return;
    // The referrer's first name only when they allowed it (the app answers null otherwise).
    var text = s.o ? (s.n ? root.dataset.tNamed : root.dataset.tBanner).replace('{offer}', s.o) : root.dataset.tGeneric;
    root.querySelector('[data-rfl-banner-text]').textContent = text.replace('{name}', function () {
      return s.n;
    });
    root.hidden = false;
    root.querySelector('[data-rfl-dismiss]').onclick = function () {
      s.d = 1;
      save(s);
      root.hidden = true;
    };
  }

  function session(value) {
    try {
      return value ? sessionStorage.setItem('rfl_attr', value) : sessionStorage.getItem('rfl_attr');
    } catch {
      // storage blocked: the attribute is simply written again
    }
  }

  function attribute(s) {
    // Once per browsing session, code and channel: the attributes stay on the cart.
    var key = s.c + '|' + (s.h || '');
    if (session() === key) return;
    fetch(root.dataset.cart + '.js', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ attributes: { _referral_code: s.c, _referral_channel: s.h || '' } }),
    })
      .then(function (r) {
        if (r.ok) session(key);
      })
      .catch(function () {});
  }

  var url = new URL(location.href);
  var params = url.searchParams;
  var ref = (params.get('ref') || '').trim().toUpperCase();
  var s = read();

  if (!CODE.test(ref)) {
    if (s) {
      attribute(s);
      banner(s);
      // A friend code that arrived after the redirect: applied once, in the background.
      if (s.f && s.fa !== s.f) {
        s.fa = s.f;
        save(s);
        fetch('/discount/' + encodeURIComponent(s.f), { credentials: 'same-origin' }).catch(function () {});
      }
    }
    return;
  }

  // A new code (or a new friend's link) replaces the old one and is applied again.
  var channel = params.get('ch') || params.get('utm_source') || '';
  if (!s || s.c !== ref) s = { c: ref, t: Date.now() };
  s.h = channel;
  save(s);
  var left = false;
  function next() {
    if (left) return;
    left = true;
    if (s.a) {
      attribute(s);
      return banner(s);
    }
    s.a = 1;
    // The friend's own single-use code when the program gives one, else the referrer's.
    if (s.f) s.fa = s.f;
    save(s);
    params.delete('ref');
    params.delete('ch');
    var back = url.pathname + (params.toString() ? '?' + params : '') + url.hash;
    location.replace('/discount/' + encodeURIComponent(s.f || ref) + '?redirect=' + encodeURIComponent(back));
  }
  // Wait briefly for the offer (for the banner after the redirect), never longer than 1.5 s.
  setTimeout(next, 1500);
  fetch(root.dataset.proxy + '/click?locale=' + encodeURIComponent(root.dataset.locale || ''), {
    method: 'POST',
    credentials: 'same-origin',
    keepalive: true,
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ code: ref, channel: channel }),
  })
    .then(function (r) {
      return r.json();
    })
    .then(function (d) {
      s.o = d.offer;
      s.n = d.referrer || '';
      if (d.code && CODE.test(d.code)) s.f = d.code;
      save(s);
    })
    .catch(function () {})
    .then(next);
})();
