// The quick log's side of syncing: read the phone's store into the state and draw it, and run
// sync.js at once, when the phone comes back online, on a timer, and through Background Sync
// where the browser has it.

import { Stop, whoAmI } from "../api.js";
import * as store from "../store.js";
import { run } from "../sync.js";
import { page, waitingHere } from "./state.js";
import { buildForm, render } from "./render.js";

export const SYNC_EVERY_MS = 60 * 1000; // while something waits
const RETRY_FIRST_MS = 3000;

let syncing = null;
let again = false; // something was queued during a sync: one more run once it ends
const retry = { timer: null, delay: 0 };

export function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  const token = match ? decodeURIComponent(match[1]) : "";
  // The service worker cannot read cookies everywhere: it finds the token here.
  return store.setMeta("csrf", token).then(() => token);
}

// Nothing the phone holds of a diary is drawn until the server has said who is signed in
// (confirmAccount): the phone may still hold another account's records.

// Who is signed in, before anything stored is shown. Another account: the last one's copy
// goes (api.js, whoAmI). No one: it goes too, and its unsent entries stay hidden. With no
// network the phone cannot ask; it shows what it holds, which is the last signed-in
// account's, since logging out from any page takes that away (js/logout.js).
export function confirmAccount() {
  const asked = navigator.onLine === false ? Promise.reject(new Stop("offline", "")) : whoAmI();
  return asked
    .then(
      // The name shows once the first sync has run (afterRun), as it always did.
      () => undefined,
      (error) => {
        if (!(error instanceof Stop)) throw error;
        page.last = { state: error.state, message: error.message };
      },
    )
    .then(() => {
      page.confirmed = true;
    });
}

export function load() {
  const reads = ["owner", "last_synced", "reference"].map((name) => store.getMeta(name));
  const held = page.confirmed ? [store.all("queue"), store.all("records")] : [[], []];
  return Promise.all([...held, ...reads]).then(([items, records, owner, lastSynced, reference]) => {
    page.items = items;
    page.records = records;
    page.owner = owner || null;
    page.lastSynced = lastSynced || null;
    if (reference && (!page.reference || page.reference.etag !== reference.etag)) {
      page.reference = reference;
      buildForm();
    }
    render();
  });
}

// A push cut off or a server that did not answer: try again soon, then less often (the
// contract makes a resent push harmless).
function retryLater() {
  retry.delay = Math.min(retry.delay ? retry.delay * 3 : RETRY_FIRST_MS, SYNC_EVERY_MS);
  retry.timer = setTimeout(syncNow, retry.delay);
}

// Where the browser has Background Sync, the service worker pushes the queue when the
// network returns, even with the page closed.
function askBackgroundSync() {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.ready
    .then((registration) => {
      if (registration.sync) return registration.sync.register("twitch-diary-sync");
      return undefined;
    })
    .catch(() => {
      // not allowed here: the page's own timer and events do it
    });
}

function afterRun(result) {
  if (result.state !== "busy") page.last = result;
  if (result.username) page.account = { username: result.username };
  if (result.state === "unreachable" || result.state === "error") retryLater();
  else retry.delay = 0;
  if (result.state !== "synced" && result.state !== "busy") askBackgroundSync();
  return load();
}

export function syncNow() {
  if (syncing) {
    again = true;
    return syncing;
  }
  if (navigator.onLine === false) {
    page.last = { state: "offline" };
    return render();
  }
  clearTimeout(retry.timer);
  syncing = run({ csrfToken })
    .then(afterRun)
    .catch(() => {
      // the page shows the last state; the timer tries again
    })
    .then(() => {
      syncing = null;
      // Only for what still waits: the run that ended may have sent it (it waited for the lock).
      const rerun = again && page.items.some(waitingHere);
      again = false;
      return rerun ? syncNow() : undefined;
    });
  return syncing;
}

// Something was queued: draw it, and send it.
export function queued() {
  askBackgroundSync();
  return load().then(() => syncNow());
}
