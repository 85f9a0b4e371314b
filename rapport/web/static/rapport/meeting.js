// The meeting room: a live agenda that never interrupts typing, and autosave conflicts shown in place.
(function () {
  "use strict";

  // The agenda polls every few seconds; it waits while someone is typing,
  // choosing a tag or editing a topic inside it, so nothing they do is replaced.
  window.rapportAgendaIdle = function () {
    var region = document.getElementById("agenda-list");
    if (!region || document.hidden) return false;
    var active = document.activeElement;
    if (active && region.contains(active) && active.matches("input[type=text], textarea, select")) {
      return false;
    }
    return !region.querySelector("details[open]");
  };

  // A 409 from an autosave carries both versions to compare: show it like a success.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 409) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
