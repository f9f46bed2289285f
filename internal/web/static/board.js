// Display board: follows the counter's queue over Server-Sent Events and,
// when a new number is called, plays a chime and says the number aloud in
// the tenant's language. Browsers allow sound only after one tap, hence
// the "sound on" button for the hall's staff.
(function () {
  "use strict";
  var board = document.getElementById("board");
  if (!board || !window.EventSource) { return; }
  var calling = document.getElementById("board-calling");
  var recent = document.getElementById("board-recent");
  var waiting = document.getElementById("board-waiting");
  var button = document.getElementById("board-sound");
  var audio = null;
  var last = calling.textContent.trim();
  var lastCalls = -1; // unknown until the first event: do not announce a page load

  button.addEventListener("click", function () {
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (Ctx && !audio) { audio = new Ctx(); }
    button.hidden = true;
  });

  function chime() {
    if (!audio) { return; }
    [660, 880].forEach(function (freq, i) {
      var osc = audio.createOscillator();
      var gain = audio.createGain();
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.2, audio.currentTime + i * 0.35);
      gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + i * 0.35 + 0.3);
      osc.connect(gain); gain.connect(audio.destination);
      osc.start(audio.currentTime + i * 0.35); osc.stop(audio.currentTime + i * 0.35 + 0.3);
    });
  }

  function speak(label) {
    if (!window.speechSynthesis) { return; }
    // Spell the number so "P-012" is read as "P, 0, 1, 2".
    var spoken = label.replace("-", " ").split("").join(" ");
    var u = new SpeechSynthesisUtterance(board.getAttribute("data-speak").replace("%s", spoken));
    u.lang = board.getAttribute("data-speak-lang");
    u.rate = 0.85;
    window.speechSynthesis.speak(u);
  }

  var source = new EventSource(board.getAttribute("data-events"));
  source.addEventListener("board", function (e) {
    var b = JSON.parse(e.data);
    calling.textContent = b.calling || "—";
    waiting.textContent = String(b.waiting);
    recent.textContent = "";
    b.recent.forEach(function (l) {
      var li = document.createElement("li");
      li.textContent = l;
      recent.appendChild(li);
    });
    // A new number, or the same one called again, is announced.
    if (b.calling && (b.calling !== last || (lastCalls >= 0 && b.calls > lastCalls))) {
      chime();
      setTimeout(function () { speak(b.calling); }, 800);
    }
    last = b.calling || "";
    lastCalls = b.calls || 0;
  });
})();
