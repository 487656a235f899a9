// Referral block (and the launcher's panel, the same markup): fetches the
// shopper's data from the app proxy once the block nears the viewport, then
// fills in the offer, the link, share buttons and stats.
// Plain ES2017, no framework: it must stay small (budget: 8 KB gzipped with the CSS).
(function () {
  'use strict';
  if (window.__referralBlock) return; // the block may be on the page more than once; one script serves all
  // The launcher calls it when it adds its panel to a page where this script already runs.
  window.__referralBlock = init;

  function el(root, name) {
    return root.querySelector('[data-rfl-' + name + ']');
  }

  function endpoint(root, path) {
    var query = new URLSearchParams({ locale: root.dataset.locale || '', origin: root.dataset.origin || location.origin });
    return root.dataset.proxy + path + '?' + query;
  }

  function post(root, path, body, keepalive) {
    return fetch(endpoint(root, path), {
      method: 'POST',
      credentials: 'same-origin',
      keepalive: !!keepalive,
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body),
    });
  }

  function say(root, text) {
    el(root, 'status').textContent = text || '';
  }

  function load(root) {
    fetch(endpoint(root, '/data'), { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (r) {
        return r.ok ? r.json() : Promise.reject(r.status);
      })
      .then(function (data) {
        show(root, data);
      })
      .catch(function () {
        say(root, root.dataset.tError);
      });
  }

  function show(root, data) {
    if (data.state === 'unavailable') return say(root, root.dataset.tUnavailable);
    var text = el(root, 'text');
    if (!text.textContent.trim()) text.textContent = text.dataset.template.replace('{offer}', data.offer);
    // A heading left empty by the merchant states the program's real offer.
    var heading = el(root, 'heading');
    if (heading) heading.textContent = heading.dataset.template.replace('{offer}', data.offer);
    say(root, '');
    if (data.state === 'referrer') showReferrer(root, data);
    else el(root, 'join').hidden = false;
  }

  function showReferrer(root, data) {
    root.__referral = data;
    el(root, 'join').hidden = true;
    el(root, 'referrer').hidden = false;
    el(root, 'link').value = data.share.channels.copy.link;
    // No code with single-use friend codes: the referrer shares the link alone.
    el(root, 'code').textContent = data.code || '';
    el(root, 'code').parentNode.hidden = !data.code;
    root.querySelectorAll('[data-rfl-channel]').forEach(function (a) {
      a.href = data.share.channels[a.dataset.rflChannel].url;
    });
    if (navigator.share) el(root, 'native').hidden = false;
    var stats = el(root, 'stats');
    if (stats && data.stats) {
      el(root, 'friends').textContent = data.stats.friendsOrdered;
      el(root, 'rewards').textContent = data.stats.rewardsEarned + (data.stats.earnedTotals.length ? ' (' + data.stats.earnedTotals.join(', ') + ')' : '');
      var list = el(root, 'codes');
      list.textContent = '';
      data.stats.unusedCodes.forEach(function (c) {
        var li = document.createElement('li');
        var code = document.createElement('code');
        code.textContent = c.code;
        li.append(code, ' ' + c.value + (c.expiresAt ? ' · ' + c.expiresAt : ''));
        list.append(li);
      });
      el(root, 'nocodes').hidden = data.stats.unusedCodes.length > 0;
      // Store credit that expires, and how far the next milestone is: sentences the app wrote in the shopper's language.
      var credits = data.stats.creditExpiry || [];
      var creditList = el(root, 'credits');
      creditList.textContent = '';
      credits.forEach(function (line) {
        var li = document.createElement('li');
        li.textContent = line;
        creditList.append(li);
      });
      el(root, 'credit').hidden = !credits.length;
      var milestone = el(root, 'milestone');
      milestone.textContent = data.stats.nextMilestone || '';
      milestone.hidden = !data.stats.nextMilestone;
      stats.hidden = false;
    }
  }

  // A guest is never shown a code: the same answer for every email (the link
  // was emailed to it when the shop sends email), and a sign-in link.
  function signIn(root, emailed) {
    el(root, 'join').hidden = true;
    var box = el(root, 'signin');
    box.hidden = false;
    say(root, emailed ? root.dataset.tJoinedGuestEmail : root.dataset.tJoinedGuest);
    box.querySelector('a').focus();
  }

  function track(root, channel) {
    var data = root.__referral;
    post(root, '/share', { channel: channel, code: data.code }, true).catch(function () {});
  }

  function copy(root) {
    var input = el(root, 'link');
    var done = function () {
      say(root, root.dataset.tCopied);
      track(root, 'copy');
    };
    var fallback = function () {
      input.select();
      // execCommand is deprecated but is the only copy path without the async clipboard (http, old browsers).
      if (document.execCommand && document.execCommand('copy')) done();
      else say(root, root.dataset.tCopyFailed);
    };
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(input.value).then(done, fallback);
    else fallback();
  }

  function share(root) {
    var channel = root.__referral.share.channels.native;
    navigator.share({ text: channel.text }).then(
      function () {
        track(root, 'native');
      },
      function () {}, // the shopper closed the sheet
    );
  }

  function fieldError(form, name, message) {
    var error = form.querySelector('[data-rfl-error="' + name + '"]');
    var input = form.elements[name];
    if (error) error.textContent = message || '';
    if (input) input.toggleAttribute('aria-invalid', !!message);
    return !!message;
  }

  function join(root, form) {
    var body = { terms: form.elements.terms.checked };
    if (form.elements.email) body.email = form.elements.email.value;
    var button = form.querySelector('button');
    button.disabled = true;
    say(root, root.dataset.tJoining);
    post(root, '/enrol', body)
      .then(function (r) {
        return r.json().then(function (json) {
          return { status: r.status, json: json };
        });
      })
      .then(function (res) {
        button.disabled = false;
        say(root, '');
        var errors = (res.json && res.json.errors) || {};
        var bad = ['email', 'terms'].filter(function (name) {
          return fieldError(form, name, errors[name]);
        });
        if (bad.length) return form.elements[bad[0]].focus();
        if (res.status === 429) return say(root, root.dataset.tRate);
        if (res.status >= 400) return say(root, errors.form || root.dataset.tError);
        if (res.json.state === 'sign_in' || res.json.state === 'check_email') return signIn(root, res.json.state === 'check_email');
        showReferrer(root, res.json);
        el(root, 'link').focus();
      })
      .catch(function () {
        button.disabled = false;
        say(root, root.dataset.tError);
      });
  }

  function wire(root) {
    if (root.__rflWired) return;
    root.__rflWired = true;
    root.addEventListener('click', function (event) {
      var target = event.target.closest('[data-rfl-copy],[data-rfl-native-btn],[data-rfl-channel]');
      if (!target || !root.__referral) return;
      if (target.hasAttribute('data-rfl-copy')) copy(root);
      else if (target.hasAttribute('data-rfl-native-btn')) share(root);
      else track(root, target.dataset.rflChannel);
    });
    el(root, 'join').addEventListener('submit', function (event) {
      event.preventDefault();
      join(root, event.target);
    });
    if (!('IntersectionObserver' in window)) return load(root);
    var observer = new IntersectionObserver(
      function (entries) {
        if (!entries.some(function (e) { return e.isIntersecting; })) return;
        observer.disconnect();
        load(root);
      },
      { rootMargin: '200px' },
    );
    observer.observe(root);
  }

  function init() {
    document.querySelectorAll('[data-referral-block]').forEach(wire);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
  // The theme editor adds blocks without a page load.
  document.addEventListener('shopify:section:load', init);
})();
