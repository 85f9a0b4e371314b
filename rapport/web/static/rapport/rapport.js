// Rapport's small amount of behaviour on top of htmx.
(function () {
  "use strict";

  // Show the server's explanation when an htmx request is refused (4xx/5xx),
  // in the nearest [data-errors] region of the element that made the request.
  document.addEventListener("htmx:responseError", function (event) {
    var source = event.detail.elt;
    var region = source.closest("[data-errors-scope]");
    region = region ? region.querySelector("[data-errors]") : document.getElementById("page-errors");
    if (!region) return;
    var text = event.detail.xhr.responseText || "Something went wrong.";
    try { text = JSON.parse(text).error || text; } catch (ignored) { /* plain text */ }
    if (/^\s*</.test(text)) {
      var holder = document.createElement("div");
      holder.innerHTML = text;
      text = holder.textContent.trim();
    }
    region.textContent = text;
    region.hidden = false;
  });
  document.addEventListener("htmx:sendError", function () {
    var region = document.getElementById("page-errors");
    if (region) { region.textContent = "Offline: your change was not saved yet."; region.hidden = false; }
  });
  // A poll (hx-trigger="every …" on a [data-poll] element) skips its turn while the tab
  // is hidden, or when a listener of the cancelable rapport:poll event says the region is
  // busy. This replaces htmx's [condition] trigger filters, which need eval.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var source = event.detail.elt;
    if (!source.hasAttribute("data-poll")) return;
    var ask = new CustomEvent("rapport:poll", { bubbles: true, cancelable: true });
    if (document.hidden || !source.dispatchEvent(ask)) event.preventDefault();
  });

  // A form marked data-reset-on-success empties itself once its request succeeded and
  // puts the cursor back in its [data-focus-after-reset] field, ready for the next one.
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (!event.detail.successful || !form.matches("form[data-reset-on-success]")) return;
    form.reset();
    var again = form.querySelector("[data-focus-after-reset]");
    if (again) again.focus();
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var scope = event.detail.elt.closest("[data-errors-scope]");
    var region = scope && scope.querySelector("[data-errors]");
    if (region) { region.hidden = true; region.textContent = ""; }
  });
})();
