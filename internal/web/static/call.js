// The video call page. Browsers send their camera and microphone to each
// other directly (WebRTC); this script talks to the others through
// Serambi's signalling socket. Rules that keep it simple and robust:
//  - whoever joins later makes the offer to each person already there, so
//    two browsers never offer to each other at the same time;
//  - the server relays messages in order, and each peer's messages are
//    handled one after the other;
//  - when the socket drops, every connection is closed and rebuilt after
//    reconnecting (the call itself lives on the server and goes on).
(function () {
  "use strict";
  var root = document.getElementById("call");
  if (!root || !window.RTCPeerConnection || !window.WebSocket) { return; }

  function t(name) { return root.getAttribute("data-t-" + name) || ""; }
  function $(id) { return document.getElementById(id); }

  var role = root.getAttribute("data-role");
  var query = root.getAttribute("data-query") || "";
  var docsURL = root.getAttribute("data-docs");
  var statusEl = $("call-status");
  var remotes = $("remotes");
  var local = null;          // our MediaStream, or null without devices
  var ice = [];              // STUN/TURN servers with our credentials
  var me = null;             // our peer in the call
  var peers = {};            // id -> {info, pc, tile, video, label, offerer, chain, pending, stream}
  var ws = null;
  var ended = false;
  var retry = 0;
  var audioOnly = false;
  var lowData = false;

  function say(text) { statusEl.textContent = text; }

  function send(msg) {
    if (ws && ws.readyState === WebSocket.OPEN) { ws.send(JSON.stringify(msg)); }
  }

  // --- local media -------------------------------------------------------

  function startMedia() {
    var video = { width: { ideal: 640 }, height: { ideal: 480 }, facingMode: "user" };
    var audio = { echoCancellation: true, noiseSuppression: true };
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { return Promise.resolve(null); }
    var both = { audio: audio, video: video };
    return navigator.mediaDevices.getUserMedia(both)
      .catch(function (e) {
        // A camera another app still holds, or one slow to start on a busy
        // phone, usually answers a moment later; a refusal does not.
        if (e && e.name === "NotAllowedError") { throw e; }
        return new Promise(function (ok) { setTimeout(ok, 1500); })
          .then(function () { return navigator.mediaDevices.getUserMedia(both); });
      })
      .catch(function () { return navigator.mediaDevices.getUserMedia({ audio: audio }); })
      .catch(function () { return null; });
  }

  function track(kind) {
    if (!local) { return null; }
    var ts = kind === "audio" ? local.getAudioTracks() : local.getVideoTracks();
    return ts.length ? ts[0] : null;
  }

  function mediaState() {
    var a = track("audio"), v = track("video");
    return { audio: !!(a && a.enabled), video: !!(v && v.enabled && !audioOnly) };
  }

  function showButtons() {
    var st = mediaState();
    setToggle($("btn-mic"), !!track("audio"), st.audio, "mic");
    setToggle($("btn-cam"), !!track("video"), st.video, "cam");
    var ao = $("btn-audio-only"), lo = $("btn-low");
    if (ao) { ao.disabled = !track("video"); ao.setAttribute("aria-pressed", String(audioOnly)); }
    if (lo) { lo.disabled = !track("video"); lo.setAttribute("aria-pressed", String(lowData)); }
  }

  function setToggle(btn, available, on, name) {
    if (!btn) { return; }
    btn.disabled = !available;
    btn.setAttribute("aria-pressed", String(on));
    btn.querySelector(".label").textContent = t(name + (on ? "-on" : "-off"));
  }

  // --- people ------------------------------------------------------------

  function tileFor(info) {
    var p = peers[info.id];
    if (p) { p.info = info; labelPeer(p); return p; }
    var fig = document.createElement("figure");
    fig.className = "remote";
    var video = document.createElement("video");
    video.autoplay = true;
    video.playsInline = true;
    video.setAttribute("data-peer", info.id);
    var cap = document.createElement("figcaption");
    fig.appendChild(video);
    fig.appendChild(cap);
    remotes.appendChild(fig);
    p = { info: info, tile: fig, video: video, label: cap, pc: null, offerer: false,
      chain: Promise.resolve(), pending: [], stream: null };
    peers[info.id] = p;
    labelPeer(p);
    return p;
  }

  function labelPeer(p) {
    var i = p.info;
    var parts = [t("role-" + i.role) || "", i.name || ""].filter(Boolean);
    var state = [];
    if (i.audio === false) { state.push(t("muted")); }
    if (i.video === false) { state.push(t("nocam")); }
    p.label.textContent = parts.join(" · ") + (state.length ? " (" + state.join(", ") + ")" : "");
  }

  function dropPeer(id) {
    var p = peers[id];
    if (!p) { return; }
    if (p.pc) { p.pc.close(); }
    p.tile.remove();
    delete peers[id];
    updateStatus();
  }

  function updateStatus() {
    if (ended) { return; }
    var ids = Object.keys(peers);
    if (!ids.length) { say(t("waiting")); return; }
    var up = ids.some(function (id) {
      var pc = peers[id].pc;
      return pc && (pc.connectionState === "connected" || pc.iceConnectionState === "connected" ||
        pc.iceConnectionState === "completed");
    });
    say(up ? t("connected") : t("connecting"));
  }

  // --- peer connections ----------------------------------------------------

  function makePC(p) {
    var pc = new RTCPeerConnection({ iceServers: ice });
    p.pc = pc;
    pc.onicecandidate = function (e) {
      if (e.candidate) { send({ type: "signal", to: p.info.id, data: { candidate: e.candidate.toJSON() } }); }
    };
    pc.ontrack = function (e) {
      if (!p.stream) { p.stream = new MediaStream(); }
      p.stream.addTrack(e.track);
      if (p.video.srcObject !== p.stream) { p.video.srcObject = p.stream; }
      var played = p.video.play();
      // A browser may refuse to play sound before a tap on the page: then
      // one big button asks for that tap instead of a silent call.
      if (played && played.catch) { played.catch(function () { $("btn-play").hidden = false; }); }
    };
    pc.onconnectionstatechange = function () {
      updateStatus();
      // The later joiner offers, so it also restarts a connection that
      // failed (a network switch from Wi-Fi to mobile data).
      if (pc.connectionState === "failed" && p.offerer) {
        p.chain = p.chain.then(function () { return offer(p, true); }).catch(function () {});
      }
    };
    return pc;
  }

  function offer(p, restart) {
    var pc = p.pc;
    return pc.createOffer(restart ? { iceRestart: true } : undefined)
      .then(function (o) { return pc.setLocalDescription(o); })
      .then(function () {
        send({ type: "signal", to: p.info.id, data: { description: pc.localDescription.toJSON() } });
      });
  }

  function callPeer(p) {
    p.offerer = true;
    var pc = makePC(p);
    ["audio", "video"].forEach(function (kind) {
      var tr = track(kind);
      pc.addTransceiver(tr || kind, { direction: tr ? "sendrecv" : "recvonly", streams: local ? [local] : [] });
    });
    applySending(p);
    p.chain = p.chain.then(function () { return offer(p, false); }).catch(function () {});
  }

  // onSignal handles one peer's negotiation messages in order: a candidate
  // may arrive while the offer before it is still being applied.
  function onSignal(from, data) {
    var p = peers[from] || tileFor({ id: from, role: "", name: "" });
    p.chain = p.chain.then(function () { return applySignal(p, data); }).catch(function () {});
  }

  function applySignal(p, data) {
    if (data.description) {
      var d = data.description;
      if (d.type === "offer") {
        if (!p.pc) { makePC(p); }
        var pc = p.pc;
        return pc.setRemoteDescription(d).then(function () {
          attachLocal(p);
          return pc.createAnswer();
        }).then(function (a) { return pc.setLocalDescription(a); }).then(function () {
          send({ type: "signal", to: p.info.id, data: { description: pc.localDescription.toJSON() } });
          return flush(p);
        });
      }
      return p.pc.setRemoteDescription(d).then(function () { return flush(p); });
    }
    if (data.candidate) {
      if (p.pc && p.pc.remoteDescription) { return p.pc.addIceCandidate(data.candidate); }
      p.pending.push(data.candidate);
    }
    return null;
  }

  function flush(p) {
    var list = p.pending;
    p.pending = [];
    return Promise.all(list.map(function (c) { return p.pc.addIceCandidate(c).catch(function () {}); }));
  }

  // attachLocal sends our camera and microphone on the transceivers the
  // other side's offer made (once per connection).
  function attachLocal(p) {
    if (p.attached) { return; }
    p.attached = true;
    p.pc.getTransceivers().forEach(function (tr) {
      var kind = tr.receiver.track && tr.receiver.track.kind;
      var mine = track(kind);
      if (mine) {
        tr.direction = "sendrecv";
        // The camera is put on by applySending, which knows audio-only.
        if (kind !== "video") { tr.sender.replaceTrack(mine); }
        if (tr.sender.setStreams && local) { tr.sender.setStreams(local); }
      }
    });
    applySending(p);
  }

  // applySending carries out audio-only and low-data mode on one
  // connection: audio-only stops sending video altogether; low-data sends
  // a smaller, slower picture. The video sender is found by its
  // transceiver's kind, not by its track: it has none in audio-only mode,
  // nor before an answer's replaceTrack has finished.
  function applySending(p) {
    if (!p.pc) { return; }
    var cam = track("video");
    p.pc.getTransceivers().forEach(function (tr) {
      if (!tr.receiver.track || tr.receiver.track.kind !== "video") { return; }
      var s = tr.sender;
      // Always set (replacing a track by itself changes nothing), so that
      // a quick second press wins over the first still under way.
      if (cam && tr.direction === "sendrecv") { s.replaceTrack(audioOnly ? null : cam).catch(function () {}); }
      var params = s.getParameters();
      if (!params.encodings || !params.encodings.length) { return; }
      params.encodings[0].maxBitrate = lowData ? 150000 : 900000;
      params.encodings[0].scaleResolutionDownBy = lowData ? 2 : 1;
      params.encodings[0].maxFramerate = lowData ? 12 : 30;
      s.setParameters(params).catch(function () {});
    });
  }

  // --- socket --------------------------------------------------------------

  function connect() {
    var scheme = location.protocol === "https:" ? "wss:" : "ws:";
    ws = new WebSocket(scheme + "//" + location.host + root.getAttribute("data-socket"));
    ws.onopen = function () { retry = 0; };
    ws.onmessage = function (e) {
      var msg;
      try { msg = JSON.parse(e.data); } catch (err) { return; }
      handle(msg);
    };
    ws.onclose = lost;
  }

  // lost: the socket closed (a dropped network, a server restart). Every
  // connection is closed and rebuilt once the socket is back.
  function lost(e) {
    Object.keys(peers).forEach(dropPeer);
    if (ended) { return; }
    if (e.reason === "full") { say(t("full")); }
    else { say(t("reconnecting")); }
    retry = Math.min(retry + 1, 6);
    setTimeout(connect, 500 * Math.pow(2, retry - 1) * (e.reason === "full" ? 4 : 1));
  }

  function handle(msg) {
    switch (msg.type) {
      case "welcome":
        me = msg.you;
        ice = (msg.extra && msg.extra.ice) || [];
        (msg.peers || []).forEach(function (info) { callPeer(tileFor(info)); });
        $("chat-log").textContent = "";
        (msg.chat || []).forEach(addChat);
        if (msg.doc) { showDoc(msg.doc, msg.marks || []); }
        send({ type: "media", data: mediaState() });
        updateStatus();
        break;
      case "join": tileFor(msg.peer); updateStatus(); break;
      case "leave": dropPeer(msg.from); break;
      case "signal": onSignal(msg.from, msg.data || {}); break;
      case "media": if (peers[msg.peer.id]) { peers[msg.peer.id].info = msg.peer; labelPeer(peers[msg.peer.id]); } break;
      case "chat":
        (msg.chat || []).forEach(addChat);
        // The chat sits in "more", closed on a resident's phone: a line
        // from someone else opens it, or nobody would see the line.
        if ((msg.chat || []).some(function (c) { return !me || c.from !== me.id; })) {
          var more = document.querySelector("details.more");
          if (more) { more.open = true; }
          setPanel(true);
        }
        break;
      case "show": showDoc(msg.doc, []); setPanel(true); break;
      case "marks": drawMarks(msg.marks || []); break;
      case "application": showApplication(msg.extra || {}); offerChoices((msg.extra || {}).requirements); break;
      case "attach_offer": askAttach(msg.doc, msg.extra || {}); setPanel(true); break;
      case "attached": attached(msg.doc, msg.extra || {}); break;
      case "confirm": askConfirm(msg.extra || {}); break;
      case "ice":
        ice = (msg.extra && msg.extra.ice) || ice;
        Object.keys(peers).forEach(function (id) {
          var pc = peers[id].pc;
          if (pc && pc.setConfiguration) { try { pc.setConfiguration({ iceServers: ice }); } catch (err) { /* keep the old */ } }
        });
        break;
      case "ended":
        ended = true;
        say(t("ended"));
        Object.keys(peers).forEach(dropPeer);
        if (local) { local.getTracks().forEach(function (tr) { tr.stop(); }); }
        setTimeout(function () { location.href = root.getAttribute("data-done") + query; }, 1500);
        break;
      case "bye":
        // Another tab or device of ours took over the call.
        ended = true;
        say(t("full"));
        break;
    }
  }

  // --- the application filled during the call ---------------------------------

  function appBox() {
    var box = $("call-app");
    box.hidden = false;
    return box;
  }

  function showApplication(a) {
    appBox();
    if (a.tracking_number) {
      $("call-app-text").textContent = t("app-sent") + " " + a.tracking_number;
      root.setAttribute("data-tracking", a.tracking_number);
      ["call-confirm", "call-app-code"].forEach(function (id) { if ($(id)) { $(id).hidden = true; } });
    } else {
      $("call-app-text").textContent = t("app-started");
    }
  }

  // askConfirm offers the resident one tap when they are signed in (the
  // server checks they are the applicant); otherwise the emailed code.
  function askConfirm(a) {
    appBox();
    $("call-app-text").textContent = t("app-confirm") + (a.service ? " (" + a.service + ")" : "");
    var form = $("call-confirm");
    if (!form) { return; }
    var signedIn = root.getAttribute("data-signed-in") === "true";
    form.action = a.confirm + query;
    form.hidden = !signedIn;
    $("call-app-code").hidden = signedIn;
    if ($("call-app-view") && signedIn) {
      $("call-app-view").hidden = false;
      $("call-app-view").querySelector("a").href = a.view;
    }
  }

  function setupConfirm() {
    var form = $("call-confirm");
    if (!form) { return; }
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      fetch(form.action, { method: "POST", credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) {
          if (!r.ok) { form.hidden = true; $("call-app-code").hidden = false; }
        })
        .catch(function () {});
    });
  }

  // --- adding a shown picture to the application ---------------------------------
  // The officer picks which of the service's documents the picture is;
  // the resident is asked on their own screen and says yes or no.

  var shownDoc = "";

  function label(labels) {
    var lang = document.documentElement.lang;
    return (labels && (labels[lang] || labels.en || labels.id || labels.ja)) || "";
  }

  function offerChoices(reqs) {
    var form = $("attach-form");
    if (!form || !reqs || !reqs.length) { return; }
    var sel = $("attach-req");
    sel.textContent = "";
    reqs.forEach(function (r) {
      var o = document.createElement("option");
      o.value = r.name;
      o.textContent = label(r.labels);
      sel.appendChild(o);
    });
    form.setAttribute("data-ready", "true");
    form.hidden = !shownDoc;
  }

  function askAttach(doc, req) {
    var box = $("attach-ask");
    if (!box || doc !== shownDoc) { return; }
    box.setAttribute("data-requirement", req.name);
    $("attach-ask-text").textContent = t("attach-question") + " " + label(req.labels);
    box.hidden = false;
  }

  function attached(doc, req) {
    if (doc !== shownDoc) { return; }
    if ($("attach-ask")) { $("attach-ask").hidden = true; }
    var done = $("attach-done");
    done.textContent = t("attach-done") + " " + label(req.labels);
    done.hidden = false;
  }

  function post(url, fields) {
    var body = new URLSearchParams();
    Object.keys(fields).forEach(function (k) { body.append(k, fields[k]); });
    return fetch(url + query, { method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json" } });
  }

  function setupAttach() {
    var form = $("attach-form");
    if (form) {
      var initial = root.getAttribute("data-requirements");
      if (initial) { try { offerChoices(JSON.parse(initial)); } catch (err) { /* none */ } }
      form.addEventListener("submit", function (e) {
        e.preventDefault();
        if (!shownDoc) { return; }
        post(docsURL + "/" + shownDoc + "/offer", { requirement: $("attach-req").value })
          .then(function (r) { if (!r.ok) { say(t("doc-refused")); } });
      });
    }
    var yes = $("attach-yes");
    if (yes) {
      yes.addEventListener("click", function () {
        var box = $("attach-ask");
        post(docsURL + "/" + shownDoc + "/attach", { requirement: box.getAttribute("data-requirement") })
          .then(function (r) { if (!r.ok) { box.hidden = true; say(t("doc-refused")); } });
      });
      $("attach-no").addEventListener("click", function () { $("attach-ask").hidden = true; });
    }
  }

  // --- inviting a helper -------------------------------------------------------------
  // The link is shown here, in the call, so asking for it does not take
  // the resident out of the call.

  function setupInvite() {
    var form = $("invite-form");
    if (!form) { return; }
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      fetch(form.action, { method: "POST", credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (v) {
          if (!v || !v.url) { say(t("doc-refused")); return; }
          $("invite-link").textContent = v.url;
          $("invite-result").hidden = false;
        })
        .catch(function () {});
    });
  }

  // --- chat ------------------------------------------------------------------

  function addChat(c) {
    var li = document.createElement("li");
    var who = document.createElement("strong");
    who.textContent = (me && c.from === me.id ? t("you") : (c.name || t("role-" + c.role))) + ": ";
    li.appendChild(who);
    li.appendChild(document.createTextNode(c.text));
    $("chat-log").appendChild(li);
  }

  // --- documents and highlights -----------------------------------------------

  function showDoc(id, marks) {
    var fig = $("doc");
    shownDoc = id;
    if ($("attach-ask")) { $("attach-ask").hidden = true; }
    $("attach-done").hidden = true;
    var af = $("attach-form");
    if (af) { af.hidden = af.getAttribute("data-ready") !== "true"; }
    $("doc-img").src = docsURL + "/" + id + query;
    fig.hidden = false;
    drawMarks(marks);
  }

  function drawMarks(marks) {
    var box = $("marks");
    box.textContent = "";
    marks.forEach(function (m) {
      var d = document.createElement("div");
      d.className = "mark";
      d.style.left = (m.x * 100) + "%";
      d.style.top = (m.y * 100) + "%";
      d.style.width = (m.w * 100) + "%";
      d.style.height = (m.h * 100) + "%";
      if (m.label) { d.textContent = m.label; }
      box.appendChild(d);
    });
    $("doc-marks-count").textContent = marks.length ? t("marked") : "";
    root.setAttribute("data-marks", String(marks.length));
  }

  function setupMarking() {
    var frame = $("doc-frame");
    if (role !== "officer" || !frame) { return; }
    var start = null, preview = null, pointer = null;
    function frac(e) {
      var r = $("doc-img").getBoundingClientRect();
      return { x: Math.min(Math.max((e.clientX - r.left) / r.width, 0), 1),
        y: Math.min(Math.max((e.clientY - r.top) / r.height, 0), 1) };
    }
    function stop() {
      start = null;
      pointer = null;
      if (preview) { preview.remove(); preview = null; }
    }
    frame.addEventListener("pointerdown", function (e) {
      // One highlight at a time, drawn with the main button, a finger or a pen.
      if (start || e.button !== 0) { return; }
      e.preventDefault();
      // Keep this pointer's events when it leaves the picture: a mouse let
      // go past the edge would otherwise never end the drag here, losing
      // the highlight and leaving a half-drawn box on the officer's screen.
      pointer = e.pointerId;
      if (frame.setPointerCapture) { frame.setPointerCapture(e.pointerId); }
      start = frac(e);
      preview = document.createElement("div");
      preview.className = "mark preview";
      $("marks").appendChild(preview);
    });
    frame.addEventListener("pointermove", function (e) {
      if (!start || e.pointerId !== pointer) { return; }
      var f = frac(e);
      preview.style.left = Math.min(start.x, f.x) * 100 + "%";
      preview.style.top = Math.min(start.y, f.y) * 100 + "%";
      preview.style.width = Math.abs(f.x - start.x) * 100 + "%";
      preview.style.height = Math.abs(f.y - start.y) * 100 + "%";
    });
    frame.addEventListener("pointerup", function (e) {
      if (!start || e.pointerId !== pointer) { return; }
      var f = frac(e);
      var m = { x: Math.min(start.x, f.x), y: Math.min(start.y, f.y), w: Math.abs(f.x - start.x), h: Math.abs(f.y - start.y) };
      stop();
      if (m.w > 0.01 && m.h > 0.01) { send({ type: "mark", data: m }); }
    });
    // The browser took the pointer back (a scroll, a system gesture).
    frame.addEventListener("pointercancel", function (e) {
      if (e.pointerId === pointer) { stop(); }
    });
    var clear = $("btn-unmark");
    if (clear) { clear.addEventListener("click", function () { send({ type: "unmark" }); }); }
  }

  function setupDocForm() {
    var form = $("doc-form");
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var file = $("doc-file");
      if (!file.files.length) { say(t("doc-refused")); return; }
      fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin",
        headers: { "Accept": "application/json" } })
        .then(function (r) { if (!r.ok) { say(t("doc-refused")); } else { file.value = ""; } })
        .catch(function () { say(t("doc-refused")); });
    });
  }

  // --- the document camera ----------------------------------------------------------
  // A kiosk's document camera (or a phone's back camera) shows a paper
  // form: the resident picks the camera, sees the picture, and takes it;
  // the still image is sent like a chosen file.

  var snapStream = null;

  function stopSnap() {
    if (snapStream) { snapStream.getTracks().forEach(function (tr) { tr.stop(); }); snapStream = null; }
    $("snap-box").hidden = true;
  }

  function startSnap(deviceId) {
    stopSnap();
    var video = deviceId ? { deviceId: { exact: deviceId }, width: { ideal: 1920 } } :
      { facingMode: "environment", width: { ideal: 1920 } };
    return navigator.mediaDevices.getUserMedia({ video: video }).then(function (stream) {
      snapStream = stream;
      $("snap-view").srcObject = stream;
      $("snap-box").hidden = false;
      return navigator.mediaDevices.enumerateDevices();
    }).then(function (devices) {
      var sel = $("snap-camera");
      var current = snapStream.getVideoTracks()[0].getSettings().deviceId;
      sel.textContent = "";
      devices.filter(function (d) { return d.kind === "videoinput"; }).forEach(function (d, i) {
        var o = document.createElement("option");
        o.value = d.deviceId;
        o.textContent = d.label || (t("snap-camera") + " " + (i + 1));
        o.selected = d.deviceId === current;
        sel.appendChild(o);
      });
    }).catch(function () { say(t("doc-refused")); });
  }

  function takeSnap() {
    var v = $("snap-view");
    if (!snapStream || !v.videoWidth) { return; }
    var canvas = document.createElement("canvas");
    canvas.width = v.videoWidth;
    canvas.height = v.videoHeight;
    canvas.getContext("2d").drawImage(v, 0, 0);
    canvas.toBlob(function (blob) {
      if (!blob) { say(t("doc-refused")); return; }
      var body = new FormData();
      body.append("file", blob, "camera.jpg");
      fetch($("doc-form").action, { method: "POST", body: body, credentials: "same-origin",
        headers: { "Accept": "application/json" } })
        .then(function (r) { if (!r.ok) { say(t("doc-refused")); } else { stopSnap(); } })
        .catch(function () { say(t("doc-refused")); });
    }, "image/jpeg", 0.85);
  }

  function setupSnap() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || !window.HTMLCanvasElement) { return; }
    $("snap").hidden = false;
    $("btn-snap-open").addEventListener("click", function () { startSnap(""); });
    $("snap-camera").addEventListener("change", function (e) { startSnap(e.target.value); });
    $("btn-snap").addEventListener("click", takeSnap);
    $("btn-snap-close").addEventListener("click", stopSnap);
  }

  // --- controls ------------------------------------------------------------------

  function setupPlay() {
    var btn = $("btn-play");
    btn.addEventListener("click", function () {
      btn.hidden = true;
      Object.keys(peers).forEach(function (id) {
        var v = peers[id].video.play();
        if (v && v.catch) { v.catch(function () { btn.hidden = false; }); }
      });
    });
  }

  // The panel with the document, the chat and the officer's tools opens on
  // request, so that on a phone the people and the controls fit one
  // screen; the officer, who works in it, starts with it open. Without
  // script it simply shows (and the button does not).
  function setPanel(open) {
    var panel = $("call-panel");
    var btn = $("btn-panel");
    if (!panel || !btn) { return; }
    panel.hidden = !open;
    btn.setAttribute("aria-expanded", open ? "true" : "false");
    root.setAttribute("data-panel", open ? "open" : "closed");
  }

  function setupPanel() {
    var btn = $("btn-panel");
    if (!btn) { return; }
    btn.hidden = false;
    btn.addEventListener("click", function () {
      setPanel(btn.getAttribute("aria-expanded") !== "true");
    });
    setPanel(role === "officer");
  }

  function setupControls() {
    $("btn-mic").addEventListener("click", function () {
      var a = track("audio");
      if (a) { a.enabled = !a.enabled; }
      showButtons();
      send({ type: "media", data: mediaState() });
    });
    $("btn-cam").addEventListener("click", function () {
      var v = track("video");
      if (v) { v.enabled = !v.enabled; }
      showButtons();
      send({ type: "media", data: mediaState() });
    });
    var ao = $("btn-audio-only");
    if (ao) {
      ao.addEventListener("click", function () {
        audioOnly = !audioOnly;
        Object.keys(peers).forEach(function (id) { applySending(peers[id]); });
        showButtons();
        send({ type: "media", data: mediaState() });
      });
    }
    var lo = $("btn-low");
    if (lo) {
      lo.addEventListener("click", function () {
        lowData = !lowData;
        Object.keys(peers).forEach(function (id) { applySending(peers[id]); });
        showButtons();
      });
    }
    $("chat-form").addEventListener("submit", function (e) {
      e.preventDefault();
      var input = $("chat-text");
      var text = input.value.trim();
      if (text) { send({ type: "chat", text: text }); }
      input.value = "";
    });
    // Keep the socket warm through proxies that close quiet connections.
    setInterval(function () { send({ type: "ping" }); }, 25000);
  }

  // --- connection quality ---------------------------------------------------------

  var lastStats = {};
  function measure() {
    var ids = Object.keys(peers);
    if (!ids.length) { $("call-quality").textContent = "—"; return; }
    var worst = 0;
    Promise.all(ids.map(function (id) {
      var pc = peers[id].pc;
      if (!pc) { return null; }
      return pc.getStats().then(function (stats) {
        var rtt = 0, lost = 0, got = 0;
        stats.forEach(function (s) {
          if (s.type === "candidate-pair" && s.nominated && s.currentRoundTripTime) { rtt = s.currentRoundTripTime; }
          if (s.type === "inbound-rtp") { lost += s.packetsLost || 0; got += s.packetsReceived || 0; }
        });
        var prev = lastStats[id] || { lost: 0, got: 0 };
        lastStats[id] = { lost: lost, got: got };
        var dl = lost - prev.lost, dg = got - prev.got;
        var loss = dg + dl > 0 ? dl / (dg + dl) : 0;
        var level = rtt < 0.3 && loss < 0.02 ? 0 : (rtt < 0.8 && loss < 0.08 ? 1 : 2);
        worst = Math.max(worst, level);
      });
    })).then(function () {
      $("call-quality").textContent = t(["quality-good", "quality-fair", "quality-poor"][worst]);
      root.setAttribute("data-quality", String(worst));
    }).catch(function () {});
  }

  // --- for tests and support ------------------------------------------------------
  // The browser tests ask whether the others' pictures really arrive, and a
  // support person can ask the same in the console: how many people the
  // page is connected with and how many video frames it has decoded from
  // them. serambiCallStats only reads statistics and changes nothing in the
  // call; serambiCallDrop (below) is the one hook that does, as a dropped
  // network would.

  window.serambiCallStats = function () {
    var ids = Object.keys(peers);
    return Promise.all(ids.map(function (id) {
      var p = peers[id];
      return p.pc ? p.pc.getStats().then(function (stats) { return { p: p, pc: p.pc, stats: stats }; }) : { p: p };
    })).then(function (all) {
      // each: one entry per person, with the frames decoded from them,
      // whether we send them our camera (not in audio-only mode) and the
      // most that video may use (low-data mode).
      var out = { peers: ids.length, connected: 0, framesDecoded: 0, each: [] };
      all.forEach(function (r) {
        var one = { id: r.p.info.id, role: r.p.info.role, connected: false, framesDecoded: 0, sending: false, maxBitrate: 0 };
        out.each.push(one);
        if (!r.pc) { return; }
        if (r.pc.connectionState === "connected") { out.connected++; one.connected = true; }
        r.stats.forEach(function (s) {
          if (s.type === "inbound-rtp" && s.kind === "video") { one.framesDecoded += s.framesDecoded || 0; }
        });
        out.framesDecoded += one.framesDecoded;
        r.pc.getTransceivers().forEach(function (tr) {
          if (!tr.receiver.track || tr.receiver.track.kind !== "video") { return; }
          one.sending = !!tr.sender.track;
          var enc = tr.sender.getParameters().encodings || [];
          if (enc.length && enc[0].maxBitrate) { one.maxBitrate = enc[0].maxBitrate; }
        });
      });
      return out;
    });
  };

  // serambiCallDrop loses the signalling socket as a dropped network does,
  // for the browser tests of reconnecting: the page stops reading it and
  // reconnects. With unnoticed, the socket is left open, as the server sees
  // a network that died without a word until the new connection replaces
  // the old; otherwise it is closed, as when the server hears of the drop.
  window.serambiCallDrop = function (unnoticed) {
    if (!ws || ended) { return; }
    var old = ws;
    old.onmessage = null;
    old.onclose = null;
    if (!unnoticed) { old.close(); }
    lost({ reason: "" });
  };

  // --- start -------------------------------------------------------------------------

  setupControls();
  setupPanel();
  setupPlay();
  setupDocForm();
  setupSnap();
  setupMarking();
  setupConfirm();
  setupInvite();
  setupAttach();
  startMedia().then(function (stream) {
    local = stream;
    if (stream) { $("self-view").srcObject = stream; } else { say(t("nomedia")); }
    showButtons();
    connect();
    setInterval(measure, 3000);
  });
})();
