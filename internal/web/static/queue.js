// Live position on a queue ticket page. The page works without this file
// (a refresh button); with it, the position updates as the queue moves,
// through Server-Sent Events that reconnect by themselves.
(function () {
  "use strict";
  var box = document.getElementById("ticket");
  var status = document.getElementById("ticket-status");
  if (!box || !status || !window.EventSource) { return; }
  // The promise that the page updates itself holds only from here on.
  var keep = document.getElementById("ticket-keep");
  if (keep) { keep.hidden = false; }
  var wait = document.getElementById("ticket-wait");
  var callBox = document.getElementById("ticket-call");
  var source = new EventSource(box.getAttribute("data-events"));
  source.addEventListener("ticket", function (e) {
    var t = JSON.parse(e.data);
    if (t.status === "waiting") {
      // The server renders the sentence in the user's language; reload it
      // only when the position changes, to keep screen readers calm.
      if (box.getAttribute("data-position") !== String(t.position)) {
        box.setAttribute("data-position", String(t.position));
        fetch(window.location.href, { credentials: "same-origin" })
          .then(function (r) { return r.text(); })
          .then(function (html) {
            var doc = new DOMParser().parseFromString(html, "text/html");
            var fresh = doc.getElementById("ticket-status");
            var freshWait = doc.getElementById("ticket-wait");
            if (fresh) { status.textContent = fresh.textContent; }
            if (wait && freshWait) { wait.textContent = freshWait.textContent; }
          });
      }
    } else if (t.status === "called" || t.status === "serving") {
      status.textContent = status.getAttribute("data-called");
      if (wait) { wait.textContent = ""; }
      // The officer opened a video call for this number: show the way in.
      if (callBox) {
        if (t.call) { callBox.querySelector("a").setAttribute("href", t.call); }
        callBox.hidden = !t.call;
      }
    } else {
      status.textContent = status.getAttribute("data-done");
      source.close();
    }
  });
})();
