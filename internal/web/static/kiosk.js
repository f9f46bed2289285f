// Kiosk mode in a community hall. Two jobs:
//  - on the waiting page, follow the number live and open the video call
//    by itself when the officer starts it (the resident need not touch);
//  - on pages with an idle limit, reset the kiosk (the server's privacy
//    reset) when nobody has touched it for that long, so the next person
//    never sees the previous one's number, call or answers.
// Every page still works without it: buttons do the same by hand.
(function () {
  "use strict";
  var main = document.getElementById("main");
  var reset = document.getElementById("kiosk-reset");
  if (!main || !reset) { return; }

  // On the start screen, "Back" must not lead into the previous visitor's
  // pages: the screen keeps itself as the only step back.
  if (location.pathname === main.getAttribute("data-kiosk-home") && window.history && history.pushState) {
    history.pushState(null, "", location.href);
    window.addEventListener("popstate", function () { history.pushState(null, "", location.href); });
  }

  var idle = parseInt(main.getAttribute("data-kiosk-idle") || "0", 10);
  if (idle > 0) {
    // No silent timeout: 20 seconds before the reset a large notice says
    // so, and any touch (or its button) keeps the page.
    var warnAhead = Math.min(20, Math.floor(idle / 3));
    var warning = document.getElementById("kiosk-warning");
    var timer = null, warnTimer = null;
    var arm = function () {
      if (timer) { clearTimeout(timer); }
      if (warnTimer) { clearTimeout(warnTimer); }
      if (warning) { warning.hidden = true; }
      warnTimer = setTimeout(function () { if (warning) { warning.hidden = false; } }, (idle - warnAhead) * 1000);
      timer = setTimeout(function () { reset.submit(); }, idle * 1000);
    };
    var stay = document.getElementById("kiosk-stay");
    if (stay) { stay.addEventListener("click", arm); }
    ["pointerdown", "keydown", "touchstart", "scroll"].forEach(function (ev) {
      document.addEventListener(ev, arm, { passive: true });
    });
    arm();
  }

  // The number page: follow the ticket; go to the call when it opens.
  var box = document.getElementById("ticket");
  if (!box || !window.EventSource) { return; }
  var source = new EventSource(box.getAttribute("data-events"));
  // Once the page is being left (the give-up or Finish button, the idle
  // reset), the stream must not reload it: the reload would cut off the
  // reset's navigation, leaving the number on the screen, not the start.
  window.addEventListener("beforeunload", function () { source.close(); });
  source.addEventListener("ticket", function (e) {
    var t = JSON.parse(e.data);
    if (t.call) {
      source.close();
      // replace: "back" must not lead to the number page of a past visitor.
      location.replace(t.call);
      return;
    }
    if (t.status !== box.getAttribute("data-status") ||
        (t.status === "waiting" && box.getAttribute("data-position") !== String(t.position))) {
      // The server words the status in the kiosk's language: reload it.
      location.replace(location.href);
    }
  });
  box.setAttribute("data-position", box.getAttribute("data-position") || "");
})();
