// The dashboard while its summary is pending or stale: ask dashboard-status every few seconds
// and reload the page once the summary is ready and current. Without JavaScript the page
// offers a "Check again" link instead.
(function () {
  "use strict";
  var root = document.querySelector("[data-poll-url]");
  if (!root) {
    return;
  }
  var url = root.getAttribute("data-poll-url");
  var every = 4000;
  var tries = 150; // ten minutes, then the "Check again" link is still there

  function check() {
    tries -= 1;
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (state) {
        if (state && state.status === "ready" && !state.stale) {
          window.location.reload();
        } else if (tries > 0) {
          window.setTimeout(check, every);
        }
      })
      .catch(function () {
        if (tries > 0) {
          window.setTimeout(check, every * 2);
        }
      });
  }

  window.setTimeout(check, every);
})();
