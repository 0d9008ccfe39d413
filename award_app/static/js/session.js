// Before the session ends for want of activity, a warning with a button to stay signed in; when it has
// ended, a note that says how to go on without losing anything. The clock restarts whenever the page
// reaches the server (a page load, an autosave, the button). Without JavaScript the session simply ends;
// a form sent afterwards comes back with what was typed (see accounts.views.unauthorized).
(function () {
  "use strict";
  var body = document.body;
  var idle = Number(body.dataset.idleSeconds);
  var warn = Number(body.dataset.warnSeconds);
  if (!idle) { return; }
  var lastContact = Date.now();
  var banner = null;

  function note(text, withButton) {
    if (!banner) {
      banner = document.createElement("div");
      banner.className = "flash info session-warning";
      banner.setAttribute("role", "alert");
      document.getElementById("main").prepend(banner);
    }
    banner.textContent = text + " ";
    if (withButton) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = body.dataset.msgStay;
      button.addEventListener("click", stay);
      banner.appendChild(button);
    } else {
      var link = document.createElement("a");
      link.href = body.dataset.loginUrl;
      link.target = "_blank";
      link.rel = "noopener";
      link.textContent = body.dataset.msgSignIn;
      banner.appendChild(link);
    }
  }

  function contact() {
    lastContact = Date.now();
    if (banner) { banner.remove(); banner = null; }
  }

  function stay() {
    fetch(body.dataset.aliveUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) {
        if (response.ok) { contact(); } else { note(body.dataset.msgEnded, false); }
      })
      .catch(function () { /* offline: the next tick says so if it lasts */ });
  }

  function tick() {
    var quiet = (Date.now() - lastContact) / 1000;
    if (quiet >= idle) {
      note(body.dataset.msgEnded, false);
    } else if (quiet >= idle - warn) {
      note(body.dataset.msgWarning, true);
    }
  }

  document.addEventListener("award:server-contact", contact);
  setInterval(tick, 15000);
})();
