// Live parts of a page: every element with class "live", an id and
// data-every (seconds) is fetched again from the page's own address and
// swapped in, so the room's screen (the check-in code, who has come) and
// the help list need no one at them. Without this file each such page has
// a link that does the same by hand.
(function () {
  "use strict";
  if (!window.fetch || !window.DOMParser) { return; }
  Array.prototype.forEach.call(document.querySelectorAll(".live[id][data-every]"), function (live) {
    var every = parseInt(live.getAttribute("data-every"), 10) * 1000 || 30000;
    window.setInterval(function () {
      fetch(window.location.href, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
        .then(function (html) {
          var fresh = new DOMParser().parseFromString(html, "text/html").getElementById(live.id);
          if (fresh && fresh.innerHTML !== live.innerHTML) { live.innerHTML = fresh.innerHTML; }
        })
        .catch(function () {});
    }, every);
  });
})();
