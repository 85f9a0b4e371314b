// The meeting room: a live agenda that never interrupts typing, notes merged per section
// that never lose text and are live for both people, presence, the shared timer and off
// the record (copying the recap is copy.js's).
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

  // A 409 from "Keep mine" carries both versions to compare again: show it like a success.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 409) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // --- Notes that never lose text ---------------------------------------------------
  // Each shared section carries the text it started from (a hidden base_<section> field,
  // which the form without JavaScript posts too), so the server saves the sections nobody
  // else changed and reports a conflict only where both people changed the same one.
  // Saves go out shortly after typing stops, before any navigation away, and as keepalive
  // requests that outlive the page; what cannot be saved stays in the page (and, for the
  // shared notes only, in localStorage) and is retried.
  var SAVE_DELAY = 500; // ms after the last keystroke
  var RETRY_DELAY = 2000; // ms between tries while the server cannot be reached
  var KEEPALIVE_LIMIT = 60000; // bytes: browsers refuse larger keepalive requests
  var KINDS = ["shared", "private"];
  var PREFIX = { shared: "shared-notes", private: "private-note" };
  var savers = {};

  function saverFor(kind) {
    if (!savers[kind]) {
      savers[kind] = { timer: null, retry: null, inflight: null, sent: null, failure: "" };
    }
    return savers[kind];
  }

  function formFor(kind) {
    return document.getElementById(PREFIX[kind] + "-form");
  }

  function kindOf(form) {
    if (!form) return null;
    if (form.id === "shared-notes-form") return "shared";
    if (form.id === "private-note-form") return "private";
    return null;
  }

  function baseOf(form, name) {
    return form.querySelector("input[name='base_" + name + "']");
  }

  function csrf(form) {
    var input = form.querySelector("[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // The private note remembers the text last stored, to know whether anything is unsaved.
  function privateBody(form) {
    var body = form.querySelector("textarea[name=body]");
    if (body && body.dataset.saved === undefined) body.dataset.saved = body.defaultValue;
    return body;
  }

  // What this page holds that the server does not, as a request body (null: nothing).
  // `sent` is what a save still on its way carries: count it as stored already.
  function unsaved(kind, sent) {
    var form = formFor(kind);
    if (!form) return null;
    var data = new FormData();
    var texts = {};
    var changed = false;
    data.set("csrfmiddlewaretoken", csrf(form));
    if (kind === "shared") {
      form.querySelectorAll("textarea[name]").forEach(function (area) {
        var base = baseOf(form, area.name);
        if (!base) return;
        var start = sent && area.name in sent ? sent[area.name] : base.value;
        if (area.value === start) return;
        data.set(area.name, area.value);
        data.set("base_" + area.name, start);
        texts[area.name] = area.value;
        changed = true;
      });
    } else {
      var body = privateBody(form);
      var stored = sent ? sent.body : body && body.dataset.saved;
      if (body && body.value !== stored) {
        data.set("body", body.value);
        texts.body = body.value;
        changed = true;
      }
    }
    var version = Number(form.querySelector("[name=version]").value) + (sent ? 1 : 0);
    data.set("version", String(version));
    return changed ? { data: data, texts: texts, url: form.action, token: csrf(form) } : null;
  }

  function post(payload) {
    var size = 0;
    payload.data.forEach(function (value) {
      size += String(value).length * 3 + 100; // an upper bound in UTF-8, with the part headers
    });
    return window.fetch(payload.url, {
      method: "POST",
      body: payload.data,
      credentials: "same-origin",
      keepalive: size < KEEPALIVE_LIMIT,
      headers: { "HX-Request": "true", "X-CSRFToken": payload.token },
    });
  }

  function setStatus(kind, text) {
    var status = document.getElementById(PREFIX[kind] + "-status");
    if (status) status.textContent = text;
  }

  function setSaving(kind, on) {
    var indicator = document.getElementById(PREFIX[kind] + "-saving");
    if (indicator) indicator.classList.toggle("htmx-request", on);
  }

  function showError(kind, text) {
    var editor = document.getElementById(PREFIX[kind] + "-editor");
    var region = editor && editor.querySelector("[data-errors]");
    if (!region) return;
    region.textContent = text;
    region.hidden = !text;
  }

  function schedule(kind) {
    var saver = saverFor(kind);
    window.clearTimeout(saver.timer);
    saver.timer = window.setTimeout(function () {
      saver.timer = null;
      save(kind);
    }, SAVE_DELAY);
  }

  // Save now; resolves true once everything typed so far is stored.
  function save(kind) {
    var saver = saverFor(kind);
    window.clearTimeout(saver.timer);
    saver.timer = null;
    if (saver.inflight) {
      return saver.inflight.then(function () {
        return save(kind);
      });
    }
    var payload = unsaved(kind);
    if (!payload) {
      saver.failure = "";
      if (kind === "shared") keepDraft();
      return Promise.resolve(true);
    }
    window.clearTimeout(saver.retry);
    saver.sent = payload.texts;
    setSaving(kind, true);
    saver.inflight = post(payload)
      .then(
        function (response) {
          // Sent to the sign-in page: signed out elsewhere, nothing was saved.
          if (response.redirected) return refusedWith(kind, SIGNED_OUT);
          return response.text().then(function (text) {
            return answered(kind, response.status, text, payload);
          });
        },
        function () {
          return unreachable(kind);
        }
      )
      .then(function (stored) {
        saver.inflight = null;
        saver.sent = null;
        setSaving(kind, false);
        if (kind === "shared") keepDraft();
        return stored && !unsaved(kind);
      });
    return saver.inflight;
  }

  function answered(kind, status, text, payload) {
    var saver = saverFor(kind);
    if (status >= 500) return unreachable(kind);
    if (status !== 200 && status !== 409) {
      var message = text;
      try {
        message = JSON.parse(text).error || text;
      } catch (ignored) {
        /* plain text */
      }
      return refusedWith(kind, /^\s*</.test(message) ? "The server refused this save." : message);
    }
    showError(kind, "");
    var box = document.getElementById(PREFIX[kind] + "-conflict");
    if (box && window.htmx) window.htmx.swap(box, text, { swapStyle: "innerHTML" });
    takeBases();
    if (kind === "private" && status === 200) privateBody(formFor(kind)).dataset.saved = payload.texts.body;
    saver.failure = status === 409 ? "conflict" : "";
    return status === 200;
  }

  var SIGNED_OUT = "You are signed out: sign in again in another tab, then save here.";

  function refusedWith(kind, message) {
    saverFor(kind).failure = "refused";
    showError(kind, message);
    setStatus(kind, "Not saved");
    return false;
  }

  function unreachable(kind) {
    var saver = saverFor(kind);
    saver.failure = "offline";
    setStatus(kind, "Not saved — will retry");
    window.clearTimeout(saver.retry);
    saver.retry = window.setTimeout(function () {
      save(kind);
    }, RETRY_DELAY);
    return false;
  }

  // A save's answer names the text now stored per section: the next save starts from it.
  function takeBases() {
    var holder = document.getElementById("shared-notes-bases");
    var form = formFor("shared");
    if (!holder || !form || !holder.dataset.bases) return;
    var bases = JSON.parse(holder.dataset.bases);
    delete holder.dataset.bases;
    Object.keys(bases).forEach(function (key) {
      var base = baseOf(form, key);
      if (base) base.value = bases[key];
    });
  }

  // "Keep mine" and "Take theirs" answer through htmx: the page is saved again after them.
  document.addEventListener("htmx:afterSettle", function (event) {
    takeBases();
    var config = event.detail.requestConfig;
    if (!event.detail.xhr || !config || event.detail.xhr.status !== 200) return;
    KINDS.forEach(function (kind) {
      var form = formFor(kind);
      if (!form || new URL(config.path, window.location.href).pathname !== new URL(form.action).pathname) return;
      var sent = config.formData;
      if (sent && sent.get("intent") === "preview") return;
      if (kind === "private" && sent && sent.has("body") && !sent.has("intent")) {
        privateBody(form).dataset.saved = sent.get("body");
      }
      if (!unsaved(kind)) saverFor(kind).failure = "";
      if (kind === "shared") keepDraft();
    });
  });

  function pending() {
    return KINDS.some(function (kind) {
      var saver = saverFor(kind);
      return saver.timer || saver.inflight || unsaved(kind);
    });
  }

  function cannotSave() {
    return KINDS.some(function (kind) {
      return saverFor(kind).failure && unsaved(kind);
    });
  }

  function saveAll() {
    return Promise.all(KINDS.map(save)).then(function (results) {
      return results.every(Boolean);
    });
  }

  // The page is going away: send what is left at once, without waiting for a save on its way.
  var discarding = false;
  function sendRest() {
    if (discarding) return;
    KINDS.forEach(function (kind) {
      var saver = saverFor(kind);
      if (!saver.inflight) {
        save(kind);
        return;
      }
      var payload = unsaved(kind, saver.sent);
      if (payload) post(payload).catch(function () {});
    });
  }

  // Once, and at once, if the server did not answer: a restarting server often does next time.
  function saveAllBeforeLeaving() {
    return saveAll().then(function (stored) {
      return stored || saveAll();
    });
  }

  // The shared notes that could not be saved, kept in this browser until they are.
  // Never the private note, never what is typed off the record (it sits in no form).
  function draftKey() {
    var form = formFor("shared");
    return form && form.dataset.draftKey;
  }

  function keepDraft() {
    var key = draftKey();
    if (!key) return;
    var form = formFor("shared");
    var sections = {};
    var any = false;
    if (saverFor("shared").failure) {
      form.querySelectorAll("textarea[name]").forEach(function (area) {
        var base = baseOf(form, area.name);
        if (base && area.value !== base.value) {
          sections[area.name] = { text: area.value, base: base.value };
          any = true;
        }
      });
    }
    try {
      if (any) window.localStorage.setItem(key, JSON.stringify({ sections: sections }));
      else window.localStorage.removeItem(key);
    } catch (ignored) {
      /* storage full or disabled: the text is still in the page */
    }
  }

  function restoreDraft() {
    var key = draftKey();
    var form = formFor("shared");
    if (!key || !form) return;
    var draft = null;
    try {
      draft = JSON.parse(window.localStorage.getItem(key) || "null");
    } catch (ignored) {
      draft = null;
    }
    if (!draft || !draft.sections) return;
    Object.keys(draft.sections).forEach(function (name) {
      var area = form.querySelector("textarea[name='" + name + "']");
      var base = baseOf(form, name);
      if (!area || !base) return;
      // Its own starting point comes back too: if they changed it since, the save says so.
      area.value = draft.sections[name].text;
      base.value = draft.sections[name].base;
    });
    setStatus("shared", "Restored what was not saved — saving");
    save("shared");
  }

  document.addEventListener("input", function (event) {
    var kind = kindOf(event.target.form);
    if (!kind) return;
    schedule(kind);
    if (kind === "shared" && saverFor(kind).failure) keepDraft();
  });

  // In-app links and forms that leave the page wait for the notes to be saved.
  document.addEventListener(
    "click",
    function (event) {
      if (event.defaultPrevented || event.button !== 0) return;
      if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      var link = event.target.closest && event.target.closest("a[href]");
      if (!link || link.target || link.hasAttribute("download")) return;
      if (link.hasAttribute("data-tool") && document.querySelector(".is-tabbed")) return; // a tab
      if (link.hasAttribute("data-discard")) {
        discarding = true; // "Take theirs": what is typed here is meant to go
        return;
      }
      var to = new URL(link.href, window.location.href);
      var here = window.location;
      if (to.origin !== here.origin) return;
      if (to.pathname === here.pathname && to.search === here.search && to.hash) return;
      var away = to.pathname !== here.pathname; // another mode of this meeting is still here
      if (!pending() && !(away && reportsPresence())) return;
      event.preventDefault();
      saveAllBeforeLeaving()
        .then(function () {
          return away ? leave() : null;
        })
        .then(function () {
          window.location.assign(link.href); // what could not be saved asks before leaving
        });
    },
    true
  );

  var released = [];
  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      var kind = kindOf(form);
      if (kind) {
        event.preventDefault();
        save(kind);
        return;
      }
      if (form.matches("[hx-post], [hx-get], [hx-put], [hx-delete]") || released.indexOf(form) >= 0) return;
      if (!pending()) return;
      event.preventDefault();
      var submitter = event.submitter;
      saveAllBeforeLeaving().then(function () {
        released.push(form);
        try {
          if (submitter && form.requestSubmit) form.requestSubmit(submitter);
          else form.submit();
        } finally {
          released.splice(released.indexOf(form), 1);
        }
      });
    },
    true
  );

  // Leaving through a link tells the other person at once; a closed tab stops polling and
  // lapses from their page within seconds.
  function reportsPresence() {
    return !!document.getElementById("meeting-live");
  }

  function leave() {
    var live = document.getElementById("meeting-live");
    var token = document.querySelector("[name=csrfmiddlewaretoken]");
    if (!live || !token) return Promise.resolve();
    var data = new FormData();
    data.set("csrfmiddlewaretoken", token.value);
    return window
      .fetch(live.dataset.url, { method: "POST", body: data, credentials: "same-origin" })
      .catch(function () {});
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") sendRest();
  });
  window.addEventListener("pagehide", sendRest);
  window.addEventListener("beforeunload", function (event) {
    if (discarding) return;
    if (cannotSave()) {
      event.preventDefault();
      event.returnValue = ""; // older browsers need it to ask
      return;
    }
    sendRest();
  });
  window.addEventListener("online", function () {
    KINDS.forEach(function (kind) {
      if (saverFor(kind).failure === "offline") save(kind);
    });
  });

  // --- Live notes and presence --------------------------------------------------------
  // Every few seconds the page asks what changed since its fingerprint ("204 Not modified"
  // when nothing did). Sections this page has not touched take the other person's text;
  // a section being typed in here is left alone: it says who else is editing it, and the
  // next save merges or shows both versions.
  var POLL_EVERY = 1500; // ms: the other person's save shows here within about 2 s
  var EDITING_FOR = 8000; // ms a section says someone else is editing it after their save
  var polling = false;

  function poll() {
    var live = document.getElementById("meeting-live");
    if (!live || polling || document.hidden) return;
    polling = true;
    var url = live.dataset.url + "?since=" + encodeURIComponent(live.dataset.since || "");
    window
      .fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.status === 200 ? response.json() : null;
      })
      .then(function (state) {
        if (state) takeLive(live, state);
      })
      .catch(function () {
        /* offline: the next poll tries again */
      })
      .then(function () {
        polling = false;
      });
  }

  function takeLive(live, state) {
    live.dataset.since = state.since;
    var presence = document.getElementById("presence");
    if (presence) {
      presence.textContent = state.presence;
      presence.classList.toggle("good", state.present.length > 0);
    }
    var form = formFor("shared");
    var notes = state.notes;
    if (!form || !notes) return;
    var version = form.querySelector("[name=version]");
    if (notes.version < Number(version.value)) return; // older than this page's own save
    version.value = String(notes.version);
    var sent = saverFor("shared").sent || {};
    Object.keys(notes.sections).forEach(function (name) {
      var area = form.querySelector("textarea[name='" + name + "']");
      var base = baseOf(form, name);
      var text = notes.sections[name];
      if (!area || !base || text === base.value || name in sent) return;
      if (!notes.mine) editing(area, notes.by);
      if (area.value !== base.value) return; // typed here: the save merges it
      replaceText(area, text);
      base.value = text;
    });
  }

  // Replace a section's text without moving the caret of whoever has it focused.
  function replaceText(area, text) {
    var focused = document.activeElement === area;
    var start = area.selectionStart;
    var end = area.selectionEnd;
    area.value = text;
    if (focused) area.setSelectionRange(Math.min(start, text.length), Math.min(end, text.length));
  }

  function editing(area, name) {
    var field = area.closest(".notes-section") || area.parentNode;
    var label = field.querySelector(".notes-editing");
    if (!label) {
      label = document.createElement("span");
      label.className = "notes-editing small";
      label.setAttribute("role", "status");
      var hint = field.querySelector("label");
      hint.parentNode.insertBefore(label, hint.nextSibling);
    }
    label.textContent = name + " is editing…";
    window.clearTimeout(label.timer);
    label.timer = window.setTimeout(function () {
      label.textContent = "";
    }, EDITING_FOR);
  }

  document.addEventListener("DOMContentLoaded", function () {
    restoreDraft();
    window.setInterval(poll, POLL_EVERY);
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

  // Moving the timer replaces the plan's buttons, and so does a poll that answers
  // meanwhile: keep keyboard focus on the current part, or on the part that had it.
  var focusedPart = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (!target || target.id !== "timer-live") return;
    var active = document.activeElement;
    var form = active && target.contains(active) ? active.closest("form") : null;
    var section = form && form.querySelector('input[name="section"]');
    focusedPart = section ? section.value : null;
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target || target.id !== "timer-live") return; // not a swap of an htmx request
    var posted = event.detail.requestConfig && event.detail.requestConfig.verb === "post";
    var button = posted
      ? target.querySelector('[aria-current="step"]')
      : focusedPart &&
        target.querySelector('input[name="section"][value="' + CSS.escape(focusedPart) + '"] ~ button');
    focusedPart = null;
    if (button) button.focus();
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
  // --- Run mode: the sticky run bar and the side panels, one tab at a time -------------
  // Without JavaScript every panel shows, one after the other, and each tab is a plain link.
  var TOOL_DEFAULT = "private";

  function toolKey() {
    return "rapport:tool:" + window.location.pathname;
  }

  function showTool(tools, key, focus) {
    var tabs = tools.querySelectorAll("[data-tool]");
    var known = Array.prototype.some.call(tabs, function (tab) {
      return tab.dataset.tool === key;
    });
    if (!known) key = TOOL_DEFAULT;
    tabs.forEach(function (tab) {
      var selected = tab.dataset.tool === key;
      tab.setAttribute("aria-selected", selected ? "true" : "false");
      tab.tabIndex = selected ? 0 : -1;
      if (selected && focus) tab.focus();
    });
    tools.querySelectorAll("[data-tool-panel]").forEach(function (panel) {
      panel.hidden = panel.dataset.toolPanel !== key;
    });
    try {
      window.sessionStorage.setItem(toolKey(), key);
    } catch (error) {
      /* private browsing: the first tab shows next time */
    }
  }

  function startTools() {
    var tools = document.querySelector("[data-tools]");
    if (!tools) return;
    var nav = tools.querySelector("[data-tool-tabs]");
    nav.setAttribute("role", "tablist");
    tools.querySelectorAll("[data-tool]").forEach(function (tab) {
      tab.setAttribute("role", "tab");
    });
    tools.querySelectorAll("[data-tool-panel]").forEach(function (panel) {
      panel.setAttribute("role", "tabpanel");
    });
    tools.classList.add("is-tabbed");
    var stored = null;
    try {
      stored = window.sessionStorage.getItem(toolKey());
    } catch (error) {
      stored = null;
    }
    showTool(tools, stored || TOOL_DEFAULT, false);
  }

  document.addEventListener("click", function (event) {
    var tab = event.target.closest && event.target.closest("a[data-tool]");
    var tools = document.querySelector("[data-tools].is-tabbed");
    if (!tab || !tools) return;
    event.preventDefault();
    showTool(tools, tab.dataset.tool, true); // a link elsewhere on the page opens its tab too
  });

  document.addEventListener("keydown", function (event) {
    var tab = event.target.closest && event.target.closest(".is-tabbed [data-tool]");
    if (!tab) return;
    var step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
    var tabs = Array.prototype.slice.call(tab.closest("[data-tool-tabs]").querySelectorAll("[data-tool]"));
    var index = tabs.indexOf(tab);
    if (step) index = (index + step + tabs.length) % tabs.length;
    else if (event.key === "Home") index = 0;
    else if (event.key === "End") index = tabs.length - 1;
    else return;
    event.preventDefault();
    showTool(tab.closest("[data-tools]"), tabs[index].dataset.tool, true);
  });

  // The side column and the page's anchors keep clear of the sticky run bar.
  function measureBar() {
    var bar = document.querySelector("[data-room-bar]");
    if (!bar) return;
    document.documentElement.style.setProperty("--room-bar-height", bar.offsetHeight + "px");
  }

  document.addEventListener("DOMContentLoaded", function () {
    startTools();
    measureBar();
    var bar = document.querySelector("[data-room-bar]");
    if (bar && window.ResizeObserver) new window.ResizeObserver(measureBar).observe(bar);
  });
})();
