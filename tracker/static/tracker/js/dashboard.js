// The dashboard while its summary is pending or stale: ask dashboard-status every few seconds
// and reload the page once the summary is ready and current. Without JavaScript the page
// offers a "Check again" link instead.

const EVERY_MS = 4000;
let tries = 150; // ten minutes, then the "Check again" link is still there

function check(url) {
  tries -= 1;
  fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
    .then((response) => (response.ok ? response.json() : null))
    .then((state) => {
      if (state && state.status === "ready" && !state.stale) window.location.reload();
      else if (tries > 0) window.setTimeout(() => check(url), EVERY_MS);
    })
    .catch(() => {
      if (tries > 0) window.setTimeout(() => check(url), EVERY_MS * 2);
    });
}

const root = document.querySelector("[data-poll-url]");
if (root) window.setTimeout(() => check(root.getAttribute("data-poll-url")), EVERY_MS);
