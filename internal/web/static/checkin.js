// The check-in screen, live: every 30 seconds the code (digits and QR
// code) and the count of arrivals are fetched again and swapped in, so
// the room's screen needs no one at it. Without this file the "New code"
// link does the same by hand (a code stays valid for a minute).
(function () {
  "use strict";
  var live = document.getElementById("checkin-live");
  if (!live || !window.fetch || !window.DOMParser) { return; }
  var every = parseInt(live.getAttribute("data-every"), 10) * 1000 || 30000;
  window.setInterval(function () {
    fetch(window.location.href, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("checkin-live");
        if (fresh) { live.innerHTML = fresh.innerHTML; }
      })
      .catch(function () {});
  }, every);
})();
