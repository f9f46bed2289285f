// The online class's media. The instructor sends their camera and voice
// (and their screen when they choose) to the server, which forwards them
// to every learner; each learner receives four fixed places (camera,
// screen, the instructor's voice, the voice of whoever may speak) and,
// when given the floor, sends their microphone. Offers and answers are
// plain POSTs to the class's address, with every ICE candidate gathered
// first. Hands and the floor are forms on the page (live.js renews them).
// A practice video call is the same room with two people: the instructor
// sends, and the learner's page ("answerer") rings, answers, and speaks.
(function () {
  "use strict";
  var box = document.getElementById("online");
  if (!box || !window.RTCPeerConnection || !window.fetch || !navigator.mediaDevices) { return; }
  box.hidden = false;
  var base = box.getAttribute("data-base");
  var role = box.getAttribute("data-role");
  var teacher = role === "teacher";
  // In a practice call the learner's camera comes in the screen's place.
  var call = box.hasAttribute("data-call");
  var say = document.getElementById("online-say");
  var start = document.getElementById("online-start");
  var share = document.getElementById("online-share");
  var camera = document.getElementById("online-camera");
  var screenBox = document.getElementById("online-screen-box");
  var screen = document.getElementById("online-screen");
  var places = [camera, screen, document.getElementById("online-voice"), document.getElementById("online-floor")];
  var sending = null, watching = null, speaking = null;
  // The relay, for a network that lets the browser reach nothing else.
  var config = { iceServers: JSON.parse(box.getAttribute("data-ice") || "[]") };

  function tell(name) { say.textContent = box.getAttribute("data-say-" + name) || ""; }

  // gathered waits for every ICE candidate (at most 3 s: what there is
  // by then is sent).
  function gathered(pc) {
    return new Promise(function (done) {
      if (pc.iceGatheringState === "complete") { done(); return; }
      var t = window.setTimeout(done, 3000);
      pc.addEventListener("icegatheringstatechange", function () {
        if (pc.iceGatheringState === "complete") { window.clearTimeout(t); done(); }
      });
    });
  }

  function offer(pc, path) {
    return pc.createOffer()
      .then(function (o) { return pc.setLocalDescription(o); })
      .then(function () { return gathered(pc); })
      .then(function () {
        return fetch(base + path, { method: "POST", body: pc.localDescription.sdp, credentials: "same-origin",
          headers: { "Content-Type": "application/sdp" } });
      })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (sdp) { return pc.setRemoteDescription({ type: "answer", sdp: sdp }); });
  }

  // answerer is the learner's side of a practice call: the phone rings
  // while the instructor is calling; "answer" receives them and sends the
  // learner's voice; the page's exercise is told when the call connects.
  function answerer() {
    var incoming = box.querySelector(".ring-incoming");
    var who = box.querySelector(".ring-who");
    var videoBox = box.querySelector(".ring-video");
    var hangup = box.querySelector(".ring-hangup");
    var declined = false;
    function end(name) {
      [watching, speaking].forEach(function (pc) { if (pc) { pc.close(); } });
      watching = speaking = null;
      videoBox.hidden = hangup.hidden = true;
      tell(name);
    }
    function poll() {
      fetch(base + "/state", { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (st) {
          if (st.ringing && !watching && !declined && incoming.hidden) {
            who.textContent = (box.getAttribute("data-say-incoming") || "").replace("{name}", st.caller || "");
            incoming.hidden = false;
            if (navigator.vibrate) { navigator.vibrate([400, 200, 400]); }
          }
          if (!st.ringing) {
            declined = false;
            incoming.hidden = true;
            if (watching) { end("ended"); }
          }
        })
        .catch(function () {});
    }
    box.querySelector(".ring-answer").addEventListener("click", function () {
      incoming.hidden = true;
      var pc = watching = new RTCPeerConnection(config);
      ["video", "video", "audio", "audio"].forEach(function (k) { pc.addTransceiver(k, { direction: "recvonly" }); });
      pc.ontrack = function (e) {
        var i = pc.getTransceivers().indexOf(e.transceiver);
        if (i === 0 || i === 2) {
          places[i].srcObject = new MediaStream([e.track]);
          places[i].play().catch(function () {});
        }
      };
      pc.addEventListener("connectionstatechange", function () {
        if (pc.connectionState === "connected") {
          videoBox.hidden = hangup.hidden = false;
          tell("connected");
          box.dispatchEvent(new CustomEvent("call:answered", { bubbles: true }));
        }
      });
      // The learner's voice and, when the phone lets it, their face.
      offer(pc, "/answer").then(function () {
        return navigator.mediaDevices.getUserMedia({ audio: true, video: { facingMode: "user" } })
          .catch(function () { return navigator.mediaDevices.getUserMedia({ audio: true }); });
      }).then(function (media) {
        speaking = new RTCPeerConnection(config);
        media.getTracks().forEach(function (track) { speaking.addTransceiver(track, { direction: "sendonly" }); });
        return offer(speaking, "/speak");
      }).catch(function () { tell("nomedia"); });
    });
    box.querySelector(".ring-decline").addEventListener("click", function () {
      declined = true;
      incoming.hidden = true;
      box.dispatchEvent(new CustomEvent("call:declined", { bubbles: true }));
    });
    hangup.addEventListener("click", function () { end("ended"); });
    window.setInterval(poll, 2000);
    poll();
  }

  function watchState(pc, live) {
    pc.addEventListener("connectionstatechange", function () {
      if (pc.connectionState === "connected") { tell(live); }
      if (pc.connectionState === "failed") { tell("failed"); start.hidden = false; }
    });
  }

  // watch receives the class; a teacher keeps only the floor's voice.
  function watch() {
    if (watching) { watching.close(); }
    var pc = watching = new RTCPeerConnection(config);
    ["video", "video", "audio", "audio"].forEach(function (k) { pc.addTransceiver(k, { direction: "recvonly" }); });
    pc.ontrack = function (e) {
      var i = pc.getTransceivers().indexOf(e.transceiver);
      if (i < 0 || (teacher && i !== 3 && !(call && i === 1))) { return; }
      places[i].srcObject = new MediaStream([e.track]);
      if (i === 1) { e.track.onunmute = function () { screenBox.hidden = false; }; e.track.onmute = function () { screenBox.hidden = true; }; }
      places[i].play().catch(function () {});
    };
    if (!teacher) { watchState(pc, "live"); }
    return offer(pc, "/watch");
  }

  // send is the instructor's camera and voice, with a place for the screen.
  function send() {
    return navigator.mediaDevices.getUserMedia({ audio: true, video: { width: { ideal: 1280 }, height: { ideal: 720 } } })
      .then(function (media) {
        var pc = sending = new RTCPeerConnection(config);
        pc.addTransceiver(media.getAudioTracks()[0], { direction: "sendonly" });
        pc.addTransceiver(media.getVideoTracks()[0], { direction: "sendonly" });
        pc.addTransceiver("video", { direction: "sendonly" });
        camera.srcObject = media;
        camera.muted = true;
        camera.play().catch(function () {});
        watchState(pc, "sending");
        return offer(pc, "/publish");
      });
  }

  function shareScreen() {
    navigator.mediaDevices.getDisplayMedia({ video: true }).then(function (media) {
      var track = media.getVideoTracks()[0];
      sending.getTransceivers()[2].sender.replaceTrack(track);
      screen.srcObject = media;
      screenBox.hidden = false;
      tell("sharing");
      track.onended = function () { sending.getTransceivers()[2].sender.replaceTrack(null); screenBox.hidden = true; };
    }).catch(function () {});
  }

  // follow starts and stops the learner's microphone with the floor.
  function follow() {
    fetch(base + "/state", { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (st) {
        if (st.my_floor && !speaking) { speak(); }
        if (!st.my_floor && speaking) { speaking.close(); speaking = null; tell("live"); }
        if (!st.live && !teacher) { tell("waiting"); }
      })
      .catch(function () {});
  }

  function speak() {
    speaking = new RTCPeerConnection(config);
    var pc = speaking;
    navigator.mediaDevices.getUserMedia({ audio: true }).then(function (media) {
      pc.addTransceiver(media.getAudioTracks()[0], { direction: "sendonly" });
      return offer(pc, "/speak");
    }).then(function () { tell("speaking"); }).catch(function () { tell("nomedia"); });
  }

  if (role === "answerer") { answerer(); return; }

  // The class's forms (a hand, the floor) are sent without leaving the
  // page, which would hang up; the people's list is then read again.
  var people = document.getElementById("online-people");
  function refresh() {
    fetch(window.location.href, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("online-people");
        if (fresh) { people.innerHTML = fresh.innerHTML; }
      })
      .catch(function () {});
  }
  if (people) {
    people.addEventListener("submit", function (e) {
      var form = e.target;
      e.preventDefault();
      fetch(form.action, { method: "POST", body: new URLSearchParams(new FormData(form)), credentials: "same-origin" })
        .then(refresh, refresh);
    });
  }

  start.addEventListener("click", function () {
    start.hidden = true;
    tell("connecting");
    var go = teacher ? send().then(function () { if (share) { share.hidden = false; } return watch(); }) : watch();
    go.catch(function () { tell(teacher ? "nomedia" : "failed"); start.hidden = false; });
    if (!teacher) { window.setInterval(follow, 2000); }
  });
  if (share) { share.addEventListener("click", shareScreen); }
})();
