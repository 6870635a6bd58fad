/* Progress of background jobs: every .job-progress element polls its data-job-status-url until the job
   ends, then fires "job:finished" (detail = the job_status JSON) and, with data-reload-on-done, reloads
   the page when the job is done — only if this page saw it unfinished: a page opened after the jobs ended
   already shows their outcome, and reloading it would start over, for ever. Safe to load more than once
   (each box polls once). */
(function () {
  function start(box) {
    if (box.dataset.polling) return;
    box.dataset.polling = "1";
    var url = box.dataset.jobStatusUrl, delay = 1000, sawUnfinished = false;
    function show(job) {
      box.querySelector("progress").value = job.progress;
      box.querySelector("progress").textContent = job.progress + "%";
      box.querySelector(".job-progress-status").textContent = job.status_display;
      box.querySelector(".job-progress-message").textContent = job.message;
      var error = box.querySelector(".job-progress-error");
      error.textContent = job.error;
      error.hidden = !job.error;
    }
    function poll() {
      fetch(url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (job) {
          show(job);
          if (job.finished) {
            box.dispatchEvent(new CustomEvent("job:finished", {bubbles: true, detail: job}));
            if (job.status === "done" && sawUnfinished && box.hasAttribute("data-reload-on-done")) window.location.reload();
            return;
          }
          sawUnfinished = true;
          delay = Math.min(delay * 1.5, 5000);
          setTimeout(poll, delay);
        })
        .catch(function () { delay = Math.min(delay * 2, 15000); setTimeout(poll, delay); });
    }
    if (!box.hasAttribute("data-finished")) setTimeout(poll, 300);
  }
  function startAll() { Array.prototype.forEach.call(document.querySelectorAll(".job-progress"), start); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", startAll);
  else startAll();
})();
