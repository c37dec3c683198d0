// The reports page: follow the reports being built (their bar, then the Download link), and
// copy a new share link. Without JavaScript the page refreshes itself while a report builds
// (a <noscript> refresh) and the link stays selectable in its read-only field.
(function () {
  "use strict";

  var POLL_MS = 1500;
  var BUILDING = { queued: true, running: true };

  function update(article, data) {
    article.dataset.status = data.status;
    article.className = article.className.replace(/\breport-\w+\b/, "report-" + data.status);
    var text = article.querySelector("[data-status-text]");
    var words = { queued: "Waiting to be built", running: "Being built", ready: "Ready", failed: "Could not be built" };
    if (text && text.textContent.trim() !== words[data.status]) {
      text.textContent = words[data.status] || data.status_text;
    }
    var bar = article.querySelector("[data-progress]");
    if (bar) {
      bar.value = data.progress;
      bar.textContent = data.progress + "%";
      if (!BUILDING[data.status]) bar.hidden = true;
    }
    var reason = article.querySelector("[data-reason]");
    if (reason && data.status === "failed") {
      reason.textContent = data.reason;
      reason.hidden = false;
    }
    var download = article.querySelector("[data-download]");
    if (download && data.download_url) {
      download.href = data.download_url;
      download.hidden = false;
    }
  }

  function hideCheckAgain() {
    var building = document.querySelectorAll('[data-report][data-status="queued"], [data-report][data-status="running"]');
    var note = document.querySelector("[data-check-again]");
    if (note && building.length === 0) note.hidden = true;
  }

  function poll(article) {
    var url = article.dataset.statusUrl;
    function tick() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (response.status === 404) return null; // deleted meanwhile (another tab): stop
          return response.ok ? response.json() : { status: article.dataset.status, retry: true };
        })
        .then(function (data) {
          if (data === null) return;
          if (!data.retry) update(article, data);
          if (BUILDING[data.status]) window.setTimeout(tick, POLL_MS);
          else hideCheckAgain();
        })
        .catch(function () {
          window.setTimeout(tick, POLL_MS * 4); // offline for a moment: try again, more slowly
        });
    }
    window.setTimeout(tick, POLL_MS);
  }

  function copy(button) {
    var input = document.getElementById(button.dataset.copy);
    var status = document.querySelector("[data-copy-status]");
    function say(words) {
      if (status) status.textContent = words;
    }
    function selectIt() {
      input.focus();
      input.select();
    }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(input.value).then(
        function () { say("Copied. Paste it into your message to the doctor."); },
        function () { selectIt(); say("Could not copy: the link is selected, copy it with your keyboard."); }
      );
    } else {
      selectIt();
      say("The link is selected: copy it with your keyboard.");
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-report]").forEach(function (article) {
      if (BUILDING[article.dataset.status]) poll(article);
    });
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { copy(button); });
    });
  });
})();
