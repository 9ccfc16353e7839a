// The progress of a background job (templates/admin/background_job.html): asks the page's
// status every two seconds, shows it, and reloads the page for the result once it is done.
(function () {
  "use strict";
  var box = document.getElementById("background-job");
  if (!box) {
    return;
  }
  var bar = document.getElementById("background-job-progress");
  var text = document.getElementById("background-job-text");
  var title = document.getElementById("background-job-title");
  var url = box.getAttribute("data-status-url");

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (status) {
        if (!status) {
          window.setTimeout(poll, 5000);
          return;
        }
        if (status.finished) {
          window.location.reload();
          return;
        }
        title.textContent = status.status_label;
        bar.value = status.percent;
        bar.textContent = status.percent + "%";
        if (status.stage) {
          text.textContent = status.stage + ": " + status.done + " / " + status.total;
        }
        window.setTimeout(poll, 2000);
      })
      .catch(function () {
        window.setTimeout(poll, 5000);
      });
  }
  window.setTimeout(poll, 1000);
})();
