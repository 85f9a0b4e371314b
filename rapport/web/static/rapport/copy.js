// Copy to the clipboard, the same way on every page.
//
//   <div data-copy-scope>
//     <input id="feed-url" readonly value="…">
//     <button type="button" data-copy="#feed-url" data-copied="Copied.">Copy</button>
//     <span data-copy-status aria-live="polite"></span>
//   </div>
//
// data-copy names what to copy (a CSS selector of an input or textarea); the message
// goes to the [data-copy-status] of the button's [data-copy-scope]. Where the clipboard
// is out of reach (plain http, a refused permission) the text is selected instead and
// the message says how to copy it by hand.
(function () {
  "use strict";

  function statusFor(button) {
    var scope = button.closest("[data-copy-scope]");
    return scope ? scope.querySelector("[data-copy-status]") : null;
  }

  function say(status, text) {
    if (status) status.textContent = text;
  }

  function copyBySelection(source, status, copied) {
    source.focus();
    source.select();
    var done = false;
    try { done = document.execCommand("copy"); } catch (ignored) { done = false; }
    say(status, done ? copied : "Selected: press Ctrl+C (⌘C) to copy.");
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-copy]");
    if (!button) return;
    var source = document.querySelector(button.dataset.copy);
    if (!source) return;
    var status = statusFor(button);
    var copied = button.dataset.copied || "Copied.";
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(source.value).then(
        function () { say(status, copied); },
        function () { copyBySelection(source, status, copied); }
      );
    } else {
      copyBySelection(source, status, copied);
    }
  });
})();
