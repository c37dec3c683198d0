// The reports page: follow the reports being built (their bar, then the Download link), and
// copy a new share link. Without JavaScript the page refreshes itself while a report builds
// (a <noscript> refresh) and the link stays selectable in its read-only field.

const POLL_MS = 1500;
const BUILDING = new Set(["queued", "running"]);
const WORDS = { queued: "Waiting to be built", running: "Being built", ready: "Ready", failed: "Could not be built" };

function update(article, data) {
  article.dataset.status = data.status;
  article.className = article.className.replace(/\breport-\w+\b/, `report-${data.status}`);
  const text = article.querySelector("[data-status-text]");
  if (text && text.textContent.trim() !== WORDS[data.status]) text.textContent = WORDS[data.status] || data.status_text;
  const bar = article.querySelector("[data-progress]");
  if (bar) {
    bar.value = data.progress;
    bar.textContent = `${data.progress}%`;
    if (!BUILDING.has(data.status)) bar.hidden = true;
  }
  const reason = article.querySelector("[data-reason]");
  if (reason && data.status === "failed") {
    reason.textContent = data.reason;
    reason.hidden = false;
  }
  const download = article.querySelector("[data-download]");
  if (download && data.download_url) {
    download.href = data.download_url;
    download.hidden = false;
  }
}

function hideCheckAgain() {
  const building = document.querySelectorAll('[data-report][data-status="queued"], [data-report][data-status="running"]');
  const note = document.querySelector("[data-check-again]");
  if (note && building.length === 0) note.hidden = true;
}

function poll(article) {
  const url = article.dataset.statusUrl;
  const tick = () => {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => {
        if (response.status === 404) return null; // deleted meanwhile (another tab): stop
        return response.ok ? response.json() : { status: article.dataset.status, retry: true };
      })
      .then((data) => {
        if (data === null) return;
        if (!data.retry) update(article, data);
        if (BUILDING.has(data.status)) window.setTimeout(tick, POLL_MS);
        else hideCheckAgain();
      })
      .catch(() => {
        window.setTimeout(tick, POLL_MS * 4); // offline for a moment: try again, more slowly
      });
  };
  window.setTimeout(tick, POLL_MS);
}

function copy(button) {
  const input = document.getElementById(button.dataset.copy);
  const status = document.querySelector("[data-copy-status]");
  const say = (words) => {
    if (status) status.textContent = words;
  };
  const selectIt = () => {
    input.focus();
    input.select();
  };
  if (navigator.clipboard && navigator.clipboard.writeText) {
    navigator.clipboard.writeText(input.value).then(
      () => say("Copied. Paste it into your message to the doctor."),
      () => {
        selectIt();
        say("Could not copy: the link is selected, copy it with your keyboard.");
      },
    );
  } else {
    selectIt();
    say("The link is selected: copy it with your keyboard.");
  }
}

// A module runs once the page is parsed, as the DOMContentLoaded listener of the classic script did.
document.querySelectorAll("[data-report]").forEach((article) => {
  if (BUILDING.has(article.dataset.status)) poll(article);
});
document.querySelectorAll("[data-copy]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => copy(button));
});
