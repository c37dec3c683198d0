// The quick log: the phone client's page. Everything logged here goes to the phone's queue
// first (IndexedDB, store.js and queue.js), shows in "Waiting to sync", and is sent by sync.js
// when the network allows: at once, when the phone comes back online, on a timer, and through
// Background Sync where the browser has it. The page works the same with no network at all.
//
// This module wires the page: quick/state.js holds what it knows, quick/texts.js words it,
// quick/render.js draws it, quick/actions.js does what the person asks, quick/syncing.js syncs.
// quick/weekly.js runs the weekly function check's screen.

import { resetCheckin } from "./checkin-form.js";
import * as actions from "./quick/actions.js";
import { $, checkinForm, episodeForm, render, renderStatus } from "./quick/render.js";
import { page, waitingHere } from "./quick/state.js";
import { SYNC_EVERY_MS, confirmAccount, load, syncNow } from "./quick/syncing.js";
import { listenWeekly, refreshWeekly, showScreen } from "./quick/weekly.js";

const PULL_EVERY_MS = 5 * 60 * 1000; // with nothing waiting, to bring what other devices logged

// The service worker is a module (it imports store.js and sync.js for Background Sync). A
// browser without module workers (Firefox before 147) fails on its imports: it gets the
// classic worker, which keeps the page for offline use without Background Sync (which such a
// browser does not have anyway).
function registerWorker() {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker
    .register("/sw.js", { type: "module" })
    .catch(() => navigator.serviceWorker.register("/sw.js?classic=1"))
    .catch(() => {
      // the page works without it, online
    });
}

function listen() {
  episodeForm.addEventListener("submit", actions.onEpisodeSubmit);
  checkinForm.addEventListener("submit", actions.onCheckinSubmit);
  $("#episode-cancel").addEventListener("click", actions.stopEditing);
  $("#checkin-cancel").addEventListener("click", actions.stopEditingCheckin);
  $("#checkin-date").addEventListener("change", actions.showDaysCheckin);
  $("#checkin-section").addEventListener("toggle", () => {
    if ($("#checkin-section").open && !page.editingCheckin) actions.showDaysCheckin();
  });
  $("#waiting-list").addEventListener("click", actions.onEntryAction);
  $("#recent-list").addEventListener("click", actions.onEntryAction);
  $("#sync-now").addEventListener("click", syncNow);
  $("#sign-out").addEventListener("click", actions.signOut);
  listenWeekly();
}

function follow() {
  window.addEventListener("online", syncNow);
  window.addEventListener("offline", () => {
    page.last = { state: "offline" };
    render();
  });
  if (typeof BroadcastChannel !== "undefined") {
    new BroadcastChannel("twitch-diary").onmessage = (event) => {
      if (event.data && event.data.result && event.data.result.state !== "busy") page.last = event.data.result;
      load();
    };
  }
  setInterval(() => {
    const waiting = page.items.some(waitingHere);
    const due = !page.lastSynced || Date.now() - page.lastSynced > PULL_EVERY_MS;
    if (waiting || due) syncNow();
    else renderStatus();
  }, SYNC_EVERY_MS);
}

function start() {
  // Entries waiting to sync live only here: ask the browser not to evict them when space
  // runs low (an installed app is usually granted this).
  if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});
  registerWorker();
  listen();
  resetCheckin(checkinForm, new Date());
  showScreen();
  // The form first (the reference data is no one's), the diary once the account is confirmed.
  // Only then does the page follow syncs (the worker's, another tab's, its own timer): a sync
  // that ended before would show "synced" over lists not yet drawn.
  return load()
    .then(confirmAccount)
    .then(() => {
      follow();
      return load();
    })
    .then(refreshWeekly)
    .then(() => {
      if (!page.reference) $("#reference-missing").hidden = false;
      return syncNow();
    });
}

start();
