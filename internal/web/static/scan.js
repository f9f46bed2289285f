// Reading a QR code with the phone's camera: a box with data-scan (the
// address that reads a frame) shows a "use the camera" button; once the
// camera is allowed, a frame goes to the server twice a second until it
// finds a code. The server reads it (no decoder to download on a slow
// phone) and says what the code holds and, for a link to this city's own
// pages, its path. With data-scan-follow that page opens at once (the
// check-in code); otherwise the text is shown and a "scan:read" event
// tells the page (the QR practice). Without a camera or this file, the
// page still offers to type the code.
(function () {
  "use strict";
  var box = document.querySelector("[data-scan]");
  if (!box || !window.fetch || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { return; }
  var start = box.querySelector(".scan-start");
  var video = box.querySelector("video");
  var say = box.querySelector(".scan-say");
  var canvas = document.createElement("canvas");
  var stream = null, busy = false, timer = 0;
  box.hidden = false;

  function text(name) { return box.getAttribute("data-say-" + name) || ""; }

  function stop() {
    window.clearInterval(timer);
    if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); }
    stream = null;
    video.hidden = true;
  }

  // send posts the frame now on the video, unless one is on its way.
  function send() {
    if (busy || !stream || video.readyState < 2 || !video.videoWidth) { return; }
    var w = Math.min(480, video.videoWidth); // enough for a code; 20–40 KB a frame on mobile data
    canvas.width = w;
    canvas.height = Math.round(video.videoHeight * w / video.videoWidth);
    canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
    busy = true;
    canvas.toBlob(function (blob) {
      if (!blob) { busy = false; return; }
      fetch(box.getAttribute("data-scan"), {
        method: "POST", body: blob, credentials: "same-origin",
        headers: { "Content-Type": "image/jpeg", "Accept": "application/json" }
      }).then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (a) { busy = false; if (a.text && stream) { found(a); } })
        .catch(function () { busy = false; });
    }, "image/jpeg", 0.7);
  }

  function found(a) {
    stop();
    box.setAttribute("data-read", a.text);
    if (box.hasAttribute("data-scan-follow") && a.next) {
      say.textContent = text("opening");
      window.location.assign(a.next);
      return;
    }
    var shown = box.querySelector(".scan-found");
    if (shown) {
      shown.querySelector(".scan-text").textContent = a.text;
      var open = shown.querySelector(".scan-open");
      open.hidden = !a.next;
      if (a.next) { open.setAttribute("href", a.next); }
      shown.hidden = false;
    }
    say.textContent = a.next ? text("link") : text("other");
    box.dispatchEvent(new CustomEvent("scan:read", { detail: a, bubbles: true }));
    start.hidden = false;
  }

  start.addEventListener("click", function () {
    say.textContent = text("asking");
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (s) {
        stream = s;
        video.srcObject = s;
        video.hidden = false;
        start.hidden = true;
        return video.play();
      })
      .then(function () {
        say.textContent = text("looking");
        timer = window.setInterval(send, 500);
      })
      .catch(function () {
        stop();
        start.hidden = false;
        say.textContent = text("nocamera");
      });
  });
})();
