// Polls the export job until the workbook is ready, then shows the download link.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box || box.dataset.status === "done" || box.dataset.status === "failed") { return; }
  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (job) {
        document.getElementById("job-label").textContent = job.label;
        document.getElementById("job-done").textContent = job.done;
        document.getElementById("job-total").textContent = job.total;
        document.getElementById("job-bar").style.width = job.percent + "%";
        document.getElementById("job-error").textContent = job.error;
        if (job.status === "done") { document.getElementById("job-download").hidden = false; return; }
        if (job.status === "failed") { document.getElementById("job-retry").hidden = false; return; }
        setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 500);
})();
