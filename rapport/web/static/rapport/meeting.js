// The meeting room: a live agenda that never interrupts typing, notes merged per section,
// the shared timer and off the record (copying the recap is copy.js's).
(function () {
  "use strict";

  // The agenda polls every few seconds; it waits while someone is typing,
  // choosing a tag or editing a topic inside it, so nothing they do is replaced.
  function agendaIdle() {
    var region = document.getElementById("agenda-list");
    if (!region || document.hidden) return false;
    var active = document.activeElement;
    if (active && region.contains(active) && active.matches("input[type=text], textarea, select")) {
      return false;
    }
    return !region.querySelector("details[open]");
  }

  // rapport.js asks before each turn of a poll (see rapport:poll there).
  document.addEventListener("rapport:poll", function (event) {
    if (event.target.id === "agenda-list" && !agendaIdle()) event.preventDefault();
  });

  // A 409 from an autosave carries both versions to compare: show it like a success.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 409) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // --- Notes merged per section ----------------------------------------------------
  // Each textarea remembers the text it started from (data-base). Every save sends
  // those starting texts, so the server saves the sections nobody else changed and
  // reports a conflict only where both people changed the same section.
  function notesForm() {
    return document.getElementById("shared-notes-form");
  }

  document.addEventListener("htmx:configRequest", function (event) {
    var form = notesForm();
    if (!form) return;
    var source = event.detail.elt;
    if (source !== form && !(source.closest && source.closest("#shared-notes-conflict"))) return;
    var params = event.detail.parameters;
    form.querySelectorAll("textarea[data-base]").forEach(function (area) {
      var key = "base_" + area.name;
      // "Keep mine" sends their current text as the base: leave it alone.
      var has = params instanceof FormData ? params.has(key) : key in params;
      if (has) return;
      if (params instanceof FormData) params.set(key, area.dataset.base);
      else params[key] = area.dataset.base;
    });
  });

  // The save's answer names the sections it stored: they become the new starting points.
  document.addEventListener("htmx:afterSettle", function () {
    var holder = document.getElementById("shared-notes-bases");
    var form = notesForm();
    if (!holder || !form || !holder.dataset.bases) return;
    var bases = JSON.parse(holder.dataset.bases);
    delete holder.dataset.bases;
    Object.keys(bases).forEach(function (key) {
      var area = form.querySelector("textarea[name='" + key + "']");
      if (area) area.dataset.base = bases[key];
    });
  });

  // --- Off the record --------------------------------------------------------------
  // The scratch pad has no name and sits in no form, inside an hx-disable region:
  // nothing typed there is ever part of a request. Going back on the record empties it.
  function setOffRecord(on) {
    var toggle = document.getElementById("off-record-toggle");
    var pad = document.getElementById("off-record");
    var notes = document.getElementById("notes-on-record");
    var scratch = document.getElementById("off-record-scratch");
    if (!toggle || !pad || !notes || !scratch) return;
    if (!on && scratch.value.trim() &&
        !window.confirm("Go back on the record? What you typed off the record is thrown away.")) {
      return;
    }
    if (!on) scratch.value = "";
    pad.hidden = !on;
    notes.hidden = on;
    // The private note is saved too: it steps aside while nothing is kept.
    var privateNote = document.getElementById("private-note");
    if (privateNote) privateNote.hidden = on;
    document.body.classList.toggle("is-off-record", on);
    toggle.setAttribute("aria-pressed", on ? "true" : "false");
    toggle.textContent = on ? "Back on the record" : "Go off the record";
    if (on) scratch.focus();
    else toggle.focus();
  }

  document.addEventListener("click", function (event) {
    var toggle = event.target.closest && event.target.closest("#off-record-toggle");
    if (toggle) setOffRecord(toggle.getAttribute("aria-pressed") !== "true");
  });

  // --- The shared timer ------------------------------------------------------------
  // The section and its start come from the server (epoch ms); the browser only counts.
  var announced = "";

  function pad2(number) {
    return (number < 10 ? "0" : "") + number;
  }

  function clock(seconds) {
    return Math.floor(seconds / 60) + ":" + pad2(seconds % 60);
  }

  function tick() {
    var timer = document.getElementById("timer-clock");
    if (!timer || !timer.dataset.started) return;
    var display = timer.querySelector("[data-timer-display]");
    var caption = timer.querySelector("[data-timer-caption]");
    var status = timer.querySelector("[data-timer-status]");
    var skew = Number(timer.dataset.skew || 0);
    var elapsed = Math.max(0, Math.floor((Date.now() + skew - Number(timer.dataset.started)) / 1000));
    var left = Number(timer.dataset.minutes) * 60 - elapsed;
    var over = left < 0;
    display.textContent = over ? "+" + clock(-left) : clock(left);
    caption.textContent = over ? "over" : "left";
    timer.classList.toggle("over", over);
    var key = timer.dataset.started + (over ? ":over" : "");
    if (over && announced !== key) {
      announced = key;
      var section = timer.querySelector(".timer-section");
      status.textContent = (section ? section.textContent : "This part") +
        " has run over its time. Wrap it up or move on when you are ready.";
    }
  }

  // Moving the timer replaces the plan's buttons: keep keyboard focus on the current part.
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target.id !== "timer-live") return;
    if (!(event.detail.requestConfig && event.detail.requestConfig.verb === "post")) return;
    var current = event.detail.target.querySelector('[aria-current="step"]');
    if (current) current.focus();
  });

  // Correct for the browser's clock: the server says what time it was when it answered.
  document.addEventListener("htmx:afterSettle", function () {
    var timer = document.getElementById("timer-clock");
    if (timer && timer.dataset.serverNow && !timer.dataset.skew) {
      timer.dataset.skew = String(Number(timer.dataset.serverNow) - Date.now());
    }
    tick();
  });

  document.addEventListener("DOMContentLoaded", function () {
    var timer = document.getElementById("timer-clock");
    if (timer && timer.dataset.serverNow) {
      timer.dataset.skew = String(Number(timer.dataset.serverNow) - Date.now());
    }
    tick();
    window.setInterval(tick, 1000);
  });
})();
