// The officer's desk, live: each counter's section follows the same
// stream as the hall's display board, and when the queue changes the
// section is fetched again (the server words it in the officer's
// language). Without this file the desk works the same after a reload.
(function () {
  "use strict";
  if (!window.EventSource || !window.DOMParser) { return; }
  var sections = document.querySelectorAll("section[data-board-events]");
  Array.prototype.forEach.call(sections, function (section) {
    var first = true;
    var source = new EventSource(section.getAttribute("data-board-events"));
    source.addEventListener("board", function () {
      if (first) { first = false; return; } // the page is already current
      fetch(window.location.href, { credentials: "same-origin" })
        .then(function (r) { return r.text(); })
        .then(function (html) {
          var doc = new DOMParser().parseFromString(html, "text/html");
          var fresh = doc.getElementById(section.id);
          // Keep the officer's focus where it is: only replace a section
          // that does not hold it.
          if (fresh && !section.contains(document.activeElement)) {
            section.innerHTML = fresh.innerHTML;
          }
        })
        .catch(function () {});
    });
    window.addEventListener("beforeunload", function () { source.close(); });
  });
})();
