// A job's progress (bulk certificates, big exports) asked of the server every few seconds (the box's
// data-poll-ms, from JOB_PROGRESS_POLL_SECONDS; 2 s by default) and shown without reloading
// the page; when the job is done the bar becomes the download link, when it failed the error shows. Without
// JavaScript the page refreshes itself instead (its <noscript> refresh).
(function () {
  "use strict";

  function paragraph(text, className, role) {
    var node = document.createElement("p");
    if (className) { node.className = className; }
    if (role) { node.setAttribute("role", role); }
    node.textContent = text;
    return node;
  }

  function finish(box, job) {
    box.replaceChildren();
    if (job.state === "done") {
      box.appendChild(paragraph(job.text, "flash success", "status"));
      var link = document.createElement("a");
      link.className = "button primary";
      link.href = job.result_url;
      link.textContent = job.download_text;
      var holder = document.createElement("p");
      holder.appendChild(link);
      box.appendChild(holder);
    } else {
      box.appendChild(paragraph(job.text, "flash error", "alert"));
    }
  }

  function follow(box) {
    var EVERY = parseInt(box.dataset.pollMs, 10) || 2000;
    var bar = box.querySelector("progress");
    var text = box.querySelector("[data-job-text]");
    function poll() {
      fetch(box.dataset.jobStatusUrl, {headers: {"Accept": "application/json"}, credentials: "same-origin",
                                       cache: "no-store"})
        .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
        .then(function (job) {
          if (job.state === "done" || job.state === "failed") { finish(box, job); return; }
          bar.value = job.percent;
          bar.textContent = job.percent + " %";
          text.textContent = job.text;
          setTimeout(poll, EVERY);
        })
        .catch(function () { setTimeout(poll, 3 * EVERY); });
    }
    setTimeout(poll, EVERY);
  }

  document.querySelectorAll("[data-job-status-url]").forEach(follow);
})();
