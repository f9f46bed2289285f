// Practice on the learner's own phone: each exercise page holds a stage
// (#practice, data-kind) that this file brings to life with Pointer
// Events, so a finger, a pen and a mouse all work. Every success is
// praised at once, every miss gets a kind hint (read out by screen
// readers through the status line), and when the goal is reached the
// result (done, and how many misses) is saved for the practiser. The
// page says what to do without this file; the gestures need it.
(function () {
  "use strict";
  var box = document.getElementById("practice");
  var target = document.getElementById("target");
  if (!box || !target || !window.fetch) { return; }
  box.hidden = false;
  var say = document.getElementById("practice-say");
  var goal = parseInt(target.getAttribute("data-goal"), 10) || 1;
  var count = 0, misses = 0, finished = false;

  function text(name) { return box.getAttribute("data-say-" + name) || ""; }
  function tell(msg) { say.textContent = msg; }

  // good counts one success; at the goal the exercise ends.
  function good() {
    if (finished) { return; }
    count++;
    var c = text("count").replace("{n}", count).replace("{goal}", goal);
    tell(goal > 1 ? text("good") + " " + c : text("good"));
    box.setAttribute("data-count", count);
    if (count >= goal) { finish(); }
  }

  function miss() {
    if (finished) { return; }
    misses++;
    tell(text("again"));
  }

  function finish() {
    finished = true;
    var end = document.getElementById("practice-end");
    end.hidden = false;
    document.getElementById("practice-end-h").focus();
    var saved = document.getElementById("practice-saved");
    var body = new URLSearchParams({ done: "1", misses: String(misses) });
    fetch(box.getAttribute("data-save"), {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (r) {
      saved.textContent = r.ok ? text("saved") : text("unsaved");
      box.setAttribute("data-saved", r.ok ? "yes" : "no");
    }).catch(function () {
      saved.textContent = text("unsaved");
      box.setAttribute("data-saved", "no");
    });
  }

  // A touch on the stage that misses the target is a miss.
  function missesOutside(stage) {
    stage.addEventListener("pointerdown", function (e) {
      if (!target.contains(e.target)) { miss(); }
    });
  }

  var kinds = {
    tap: function (stage) {
      missesOutside(stage);
      target.addEventListener("click", function () {
        good();
        target.setAttribute("data-at", String(count % 3));
      });
    },

    double_tap: function (stage) {
      // Our own timing, the same for finger and mouse: two ups within
      // 450 ms close together. A lone tap is a hint, not yet a miss.
      var last = 0, lx = 0, ly = 0, pending = 0;
      missesOutside(stage);
      target.addEventListener("pointerup", function (e) {
        var now = Date.now();
        if (now - last < 450 && Math.abs(e.clientX - lx) < 40 && Math.abs(e.clientY - ly) < 40) {
          clearTimeout(pending);
          last = 0;
          target.classList.toggle("grown");
          good();
          return;
        }
        last = now; lx = e.clientX; ly = e.clientY;
        pending = setTimeout(miss, 500);
      });
    },

    long_press: function () {
      var timer = 0;
      function start(e) {
        e.preventDefault();
        target.classList.add("holding");
        timer = setTimeout(function () {
          timer = 0;
          target.classList.remove("holding");
          good();
        }, 900);
      }
      function stop() {
        target.classList.remove("holding");
        if (timer) { clearTimeout(timer); timer = 0; miss(); }
      }
      target.addEventListener("pointerdown", start);
      target.addEventListener("pointerup", stop);
      target.addEventListener("pointercancel", stop);
      target.addEventListener("pointerleave", stop);
      // A long press would open the phone's own menu.
      target.addEventListener("contextmenu", function (e) { e.preventDefault(); });
    },

    swipe: function () {
      var x0 = null, y0 = 0, id = null;
      var cards = target.querySelectorAll(".swipe-card");
      function next() {
        cards[count % cards.length].hidden = true;
        good();
        cards[count % cards.length].hidden = false;
      }
      target.addEventListener("pointerdown", function (e) {
        x0 = e.clientX; y0 = e.clientY; id = e.pointerId;
      });
      target.addEventListener("pointermove", function (e) {
        if (x0 === null || e.pointerId !== id) { return; }
        target.style.transform = "translateX(" + Math.min(0, e.clientX - x0) + "px)";
      });
      function up(e) {
        if (x0 === null || e.pointerId !== id) { return; }
        var dx = e.clientX - x0, dy = e.clientY - y0;
        x0 = null;
        target.style.transform = "";
        if (dx < -60 && Math.abs(dx) > Math.abs(dy)) { next(); } else { miss(); }
      }
      target.addEventListener("pointerup", up);
      target.addEventListener("pointercancel", up);
      target.addEventListener("keydown", function (e) {
        if (e.key === "ArrowLeft") { e.preventDefault(); next(); }
      });
    },

    scroll: function (stage) {
      missesOutside(stage);
      target.addEventListener("click", good);
    },

    pinch: function () {
      // Two fingers: the picture grows with the distance between them.
      var picture = document.getElementById("pinch-picture");
      var pts = new Map(), d0 = 0, s0 = 1, scale = 1;
      function spread() {
        var p = Array.from(pts.values());
        return Math.hypot(p[0].x - p[1].x, p[0].y - p[1].y);
      }
      function show(s) {
        scale = Math.max(1, Math.min(4, s));
        picture.style.transform = "scale(" + scale + ")";
        if (scale >= 2 && count === 0) { good(); }
      }
      target.addEventListener("pointerdown", function (e) {
        pts.set(e.pointerId, { x: e.clientX, y: e.clientY });
        if (pts.size === 2) { d0 = spread(); s0 = scale; }
      });
      target.addEventListener("pointermove", function (e) {
        if (!pts.has(e.pointerId)) { return; }
        pts.set(e.pointerId, { x: e.clientX, y: e.clientY });
        if (pts.size === 2 && d0 > 0) { show(s0 * spread() / d0); }
      });
      function up(e) {
        if (pts.size === 1 && count === 0 && pts.has(e.pointerId)) { miss(); }
        pts.delete(e.pointerId);
        d0 = 0;
      }
      target.addEventListener("pointerup", up);
      target.addEventListener("pointercancel", up);
      // A computer's pinch: the trackpad, or Ctrl and the wheel.
      target.addEventListener("wheel", function (e) {
        if (!e.ctrlKey) { return; }
        e.preventDefault();
        show(scale * Math.exp(-e.deltaY / 200));
      }, { passive: false });
    },

    // call: online.js answers the instructor's practice call; a declined
    // call is a miss (the hint says to press the green button).
    call: function () {
      target.addEventListener("call:answered", function () { good(); });
      target.addEventListener("call:declined", function () { miss(); });
    },
    // qr: scan.js reads the code; reading any code is the goal.
    qr: function () {
      target.addEventListener("scan:read", function () { good(); });
    },
    typing: function () {
      var input = document.getElementById("typing");
      var want = norm(document.getElementById("typing-word").textContent);
      function norm(s) { return s.normalize("NFKC").trim().replace(/\s+/g, " ").toLowerCase(); }
      function check(strict) {
        if (norm(input.value) === want) { good(); } else if (strict) { miss(); }
      }
      // Checked as they type too, but not mid-way through composing kana.
      input.addEventListener("input", function (e) { if (!e.isComposing) { check(false); } });
      input.addEventListener("compositionend", function () { check(false); });
      input.addEventListener("keydown", function (e) {
        if (e.key === "Enter" && !e.isComposing) { e.preventDefault(); check(true); }
      });
      target.addEventListener("click", function () { check(true); });
    },

    form: function () {
      // Nothing typed here leaves the phone: only "done" and the misses.
      var rules = [
        ["pf-name", function () { return document.getElementById("pf-name").value.trim() !== ""; }],
        ["pf-year", function () {
          var y = parseInt(document.getElementById("pf-year").value.normalize("NFKC").trim(), 10);
          return /^\s*\d{4}\s*$/.test(document.getElementById("pf-year").value.normalize("NFKC")) && y >= 1900 && y <= new Date().getFullYear();
        }],
        ["pf-want", function () { return !!target.querySelector("input[name=want]:checked"); }],
        ["pf-agree", function () { return document.getElementById("pf-agree").checked; }]
      ];
      target.addEventListener("submit", function (e) {
        e.preventDefault();
        var first = null;
        rules.forEach(function (r) {
          var ok = r[1](), err = document.getElementById(r[0] + "-error");
          var field = document.getElementById(r[0]);
          var input = field.matches("fieldset") ? field.querySelector("input") : field;
          err.hidden = ok;
          input.setAttribute("aria-invalid", ok ? "false" : "true");
          if (!ok) {
            input.setAttribute("aria-describedby", r[0] + "-error");
            if (!first) { first = input; }
          }
        });
        if (first) { first.focus(); miss(); } else { good(); }
      });
    }
  };

  var run = kinds[box.getAttribute("data-kind")];
  if (run) { run(document.getElementById("stage") || target); }
  // When the exercise answers touches: the page-speed benchmark reads it.
  if (window.performance && performance.mark) { performance.mark("practice-ready"); }
})();
