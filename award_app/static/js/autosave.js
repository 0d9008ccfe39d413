// A draft (score sheet, dossier) saved in the background as the user types: 2 s after the last change, and
// when the page is hidden. The server checks the form's version as for "Save draft": a version changed
// elsewhere is never overwritten, and the user keeps their text. Only the buttons submit; this never does.
// Without JavaScript nothing changes: the buttons save as before.
// Signed out meanwhile (the session ended after a time without activity, or from another device): the text
// stays on the page and, until it is saved, in this tab's sessionStorage (it survives a reload and the trip
// through the sign-in page, and goes when the tab is closed); saving is tried again every few seconds and
// resumes by itself once the user has signed in again (in another tab, or here: the page then puts the
// text back, when nothing was saved elsewhere meanwhile).
(function () {
  "use strict";
  var DELAY = 2000;
  var RETRY = 10000;

  function attach(form) {
    var status = form.querySelector("[data-autosave-status]");
    var version = form.querySelector("input[name='version']");
    var token = form.querySelector("input[name='csrf_token']");
    if (!status || !version || !token) { return; }
    var timer = null;
    var running = null;      // the save under way, if any
    var dirty = false;       // changed since the last save was sent
    var stopped = false;     // a stale version or a refused token: only the buttons save now
    var leaving = false;     // the form is being sent by its buttons
    var kept = "award-autosave:" + form.dataset.autosaveUrl;

    function show(text, kind, link) {
      status.textContent = text;
      status.className = "autosave-status" + (kind ? " " + kind : "");
      if (link) {
        var anchor = document.createElement("a");
        anchor.href = link;
        anchor.target = "_blank";
        anchor.rel = "noopener";
        anchor.textContent = form.dataset.msgSignIn;
        status.appendChild(document.createTextNode(" "));
        status.appendChild(anchor);
      }
    }

    function keep(params) {
      try {
        sessionStorage.setItem(kept, JSON.stringify({version: version.value, fields: params.toString()}));
      } catch (e) { /* storage full or refused: the text is still on the page */ }
    }

    function forget() {
      try { sessionStorage.removeItem(kept); } catch (e) { /* nothing kept */ }
    }

    function putBack() {
      var saved;
      try { saved = JSON.parse(sessionStorage.getItem(kept) || "null"); } catch (e) { saved = null; }
      if (!saved) { return; }
      if (saved.version !== version.value) {  // saved elsewhere since: never overwrite it
        forget();
        show(form.dataset.msgNotPutBack, "error");
        return;
      }
      var seen = {};
      new URLSearchParams(saved.fields).forEach(function (value, name) {
        var fields = form.querySelectorAll('[name="' + CSS.escape(name) + '"]');
        var index = seen[name] || 0;
        seen[name] = index + 1;
        fields.forEach(function (field, position) {
          if (field.type === "checkbox" || field.type === "radio") {
            if (field.value === value) { field.checked = true; }
          } else if (field.type !== "file" && position === index) {
            field.value = value;
          }
        });
      });
      dirty = true;
      show(form.dataset.msgPutBack, "saved");
      schedule(DELAY);
    }

    function body() {
      var params = new URLSearchParams();
      new FormData(form).forEach(function (value, name) {
        if (typeof value === "string" && name !== "csrf_token" && name !== "action") {
          params.append(name, value);
        }
      });
      return params;
    }

    function showErrors(errors) {
      form.querySelectorAll(".autosave-error").forEach(function (node) { node.remove(); });
      Object.keys(errors || {}).forEach(function (name) {
        var field = form.elements.namedItem(name);
        if (field && !field.tagName && field.length) { field = field[field.length - 1]; }
        if (!field || !field.insertAdjacentElement) { return; }
        var message = document.createElement("p");
        message.className = "error autosave-error";
        message.textContent = errors[name].join(" ");
        field.insertAdjacentElement("afterend", message);
      });
    }

    function answered(response) {
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") === -1) { throw new Error("no answer"); }
      return response.json().then(function (answer) {
        if (answer.ok) {
          version.value = String(answer.version);
          if (!dirty) { forget(); }
          show(answer.message, "saved");
          showErrors(answer.errors);
          document.dispatchEvent(new CustomEvent("award:server-contact"));
          return;
        }
        if (answer.signed_out) {  // keep the text, try again until the user has signed in again
          dirty = true;
          show(answer.message, "error", form.dataset.loginUrl);
          schedule(RETRY);
          return;
        }
        if (answer.stale || response.status === 400) { stopped = true; }
        show(answer.message, "error");
      });
    }

    function save(keepalive) {
      if (stopped || !dirty) { return Promise.resolve(); }
      dirty = false;
      show(form.dataset.msgSaving);
      var params = body();
      keep(params);
      running = fetch(form.dataset.autosaveUrl, {
        method: "POST", body: params, credentials: "same-origin", keepalive: !!keepalive,
        headers: {"X-CSRFToken": token.value, "Accept": "application/json"}
      }).then(answered).catch(function () {
        dirty = true;
        show(form.dataset.msgOffline, "error");
        schedule(RETRY);
      }).then(function () { running = null; });
      return running;
    }

    function schedule(delay) {
      clearTimeout(timer);
      timer = setTimeout(function () {
        (running || Promise.resolve()).then(function () { save(false); });
      }, delay);
    }

    function changed(event) {
      if (leaving || stopped || (event.target && event.target.type === "file")) { return; }
      dirty = true;
      schedule(DELAY);
    }

    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    form.addEventListener("submit", function (event) {
      clearTimeout(timer);
      if (running) {  // let the background save finish, so the buttons send the version it got back
        event.preventDefault();
        var button = event.submitter;
        running.then(function () { form.requestSubmit(button); });
        return;
      }
      leaving = true;
    });
    function hidden() {
      if (!leaving && !running) {
        clearTimeout(timer);
        save(true);
      }
    }
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") { hidden(); }
    });
    window.addEventListener("pagehide", hidden);
    putBack();
  }

  document.querySelectorAll("form[data-autosave-url]").forEach(attach);
})();
