// The desk board's few lines of script: Telegram's theme, signing in once, and the live list.
(function () {
  "use strict";
  var hash = new URLSearchParams(location.hash.slice(1));
  // Kept for the tab's life: when the session ends, the board signs in again with it (the
  // server refuses it once it is older than a day, and says to open the board again).
  if (hash.get("tgWebAppData")) { sessionStorage.setItem("boardInitData", hash.get("tgWebAppData")); }
  var theme = hash.get("tgWebAppThemeParams");
  if (theme) { sessionStorage.setItem("boardTheme", theme); }
  theme = sessionStorage.getItem("boardTheme");
  if (theme) {
    try {
      var params = JSON.parse(theme);
      Object.keys(params).forEach(function (key) {
        document.documentElement.style.setProperty(
          "--tg-theme-" + key.replace(/_/g, "-"), params[key]);
      });
    } catch (e) { /* a theme we cannot read: the defaults stay */ }
  }
  // Tell the Telegram app the page is ready and may take the whole height (what
  // telegram-web-app.js does, without loading it from telegram.org).
  var post = function (type) {
    var data = JSON.stringify({eventType: type, eventData: {}});
    try {
      if (window.TelegramWebviewProxy) { TelegramWebviewProxy.postEvent(type, "{}"); }
      else if (window.external && "notify" in window.external) { window.external.notify(data); }
      else if (window.parent !== window) { window.parent.postMessage(data, "*"); }
    } catch (e) { /* not in Telegram */ }
  };
  post("web_app_ready");
  post("web_app_expand");
  var justSignedIn = sessionStorage.getItem("boardJustSignedIn");
  sessionStorage.removeItem("boardJustSignedIn");
  var base = document.body.dataset.base;
  var signIn = document.getElementById("sign-in");
  if (signIn) {
    var initData = hash.get("tgWebAppData") ||
      (window.Telegram && Telegram.WebApp && Telegram.WebApp.initData) ||
      sessionStorage.getItem("boardInitData") || "";
    if (initData && justSignedIn) {
      // Signed in just before this load and asked again: the cookie was not kept (a browser
      // that blocks it in Telegram Web's frame). Say so rather than sign in round and round.
      signIn.hidden = true;
      document.getElementById("blocked").hidden = false;
    } else if (initData) {
      fetch(base + "/auth", {method: "POST", credentials: "same-origin",
        headers: {"Content-Type": "application/x-www-form-urlencoded"},
        body: "init_data=" + encodeURIComponent(initData)})
        .then(function (r) {
          if (r.ok) {
            sessionStorage.setItem("boardJustSignedIn", "1");
            location.replace(location.pathname + location.search);
            return null;
          }
          return r.text().then(function (t) { document.body.innerHTML = t; });
        });
    } else {
      var widget = document.getElementById("widget");
      var script = document.createElement("script");
      script.async = true;
      script.src = widget.dataset.widget;
      script.dataset.telegramLogin = widget.dataset.bot;
      script.dataset.size = "large";
      script.dataset.authUrl = widget.dataset.authUrl;
      widget.hidden = false;
      signIn.hidden = true;
      widget.appendChild(script);
    }
  }
  var rows = document.getElementById("rows");
  if (rows) {
    var poll = function () {
      var url = base + "/rows" + location.search +
        (location.search ? "&" : "?") + "v=" + encodeURIComponent(rows.dataset.version);
      fetch(url, {credentials: "same-origin"}).then(function (r) {
        if (r.status === 401) { location.reload(); return null; }  // the session ended
        if (r.status === 200) {
          return r.text().then(function (t) {
            rows.outerHTML = t; rows = document.getElementById("rows");
          });
        }
        return null;
      }).catch(function () { return null; }).then(function () {
        setTimeout(poll, Number(document.body.dataset.poll));
      });
    };
    setTimeout(poll, Number(document.body.dataset.poll));
  }
  document.querySelectorAll("form.filters select, form.filters input[type=checkbox]")
    .forEach(function (el) { el.addEventListener("change", function () { el.form.submit(); }); });
})();
