// The phone's sync with the server, over the mobile contract (DESIGN.md, "The mobile contract"):
// push the queue (queue.js) with POST /api/v1/sync/ in batches, then pull what changed with the
// cursor. Run by the quick-log page and by the service worker (Background Sync), one at a time
// (a Web Lock), so two tabs and the worker never push the same queue at once.
//
// Why nothing is lost or doubled:
// - an item leaves the queue only when the server's answer for it arrives and says created,
//   updated or unchanged for the very revision that was sent (an edit made during the push stays);
// - a push cut off halfway leaves every item in the queue, and the next push sends them again:
//   the server answers a replay "unchanged" (same id, same content), never a second record;
// - a conflict or an invalid item stays, with the server's record or its field errors, until the
//   person decides; the rest of the batch goes on.

import { Stop, call, json, refreshReference, whoAmI } from "./api.js";
import * as store from "./store.js";
import { keepRecord, prune } from "./records.js";

const BATCH = 100;
const PULL_LIMIT = 500;
const MAX_PULL_PAGES = 1000;
const LOCK = "twitch-diary-sync";
const SETTLED = new Set(["created", "updated", "unchanged"]);
// Each kind of queue item and its list in the contract's push, answer and pull.
const LISTS = [
  ["episode", "episodes"],
  ["checkin", "checkins"],
  ["function_check", "function_checks"],
];

// --- Pushing ------------------------------------------------------------------------------

function payload(item) {
  const version = item.base_version === null ? null : item.base_version;
  if (item.kind === "episode") {
    return item.deleted
      ? { id: item.id, version, deleted_at: item.changed_at }
      : { ...item.body, id: item.id, version };
  }
  return item.deleted
    ? { date: item.date, version, deleted_at: item.changed_at }
    : { ...item.body, date: item.date, version };
}

function push(username, csrfToken) {
  return store.all("queue").then((items) => {
    const mine = items
      .filter((item) => item.status === "waiting" && item.owner === username)
      .sort((a, b) => (a.queued_at < b.queued_at ? -1 : 1));
    const batches = [];
    for (let start = 0; start < mine.length; start += BATCH) batches.push(mine.slice(start, start + BATCH));
    return batches.reduce((previous, batch) => previous.then(() => pushBatch(batch, csrfToken)), Promise.resolve());
  });
}

// `batch` holds the items as read before sending: each one's `rev` is the revision sent. Only
// the lists that hold something are sent (a server that knows no function checks yet still
// takes the rest).
function pushBatch(batch, csrfToken) {
  const lists = LISTS.map(([kind, name]) => [name, batch.filter((item) => item.kind === kind)]).filter(
    ([, items]) => items.length,
  );
  const body = Object.fromEntries(lists.map(([name, items]) => [name, items.map(payload)]));
  // Marked before sending: if no answer comes, the server may hold these (see queue.js, queueDelete).
  return markSent(batch)
    .then(() =>
      call("sync/", {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken },
        body: JSON.stringify(body),
      }),
    )
    .then(json)
    .then((answer) =>
      // The answer lists each kind's results in the order pushed.
      store.transact(["queue", "records"], "readwrite", (stores) =>
        Promise.all(
          lists.flatMap(([name, items]) =>
            items.map((item, index) => settle(stores, item, item.rev, answer.results[name][index])),
          ),
        ),
      ),
    );
}

function markSent(batch) {
  return store.transact(["queue"], "readwrite", (stores) =>
    Promise.all(
      batch.map((sent) =>
        store.promised(stores.queue.get(sent.key)).then((item) => {
          if (item && item.rev === sent.rev) {
            item.sent_rev = sent.rev;
            stores.queue.put(item);
          }
        }),
      ),
    ),
  );
}

// One item's answer, applied to the queue and the phone's copy of the server's records.
function settle(stores, item, rev, result) {
  const now = Date.now();
  return store.promised(stores.queue.get(item.key)).then((current) => {
    if (SETTLED.has(result.status)) {
      if (result.record) keepRecord(stores.records, item.kind, result.record, now);
      else if (item.deleted) stores.records.delete(item.key);
      if (current) settleAccepted(stores, current, rev, result);
      return;
    }
    if (!current) return;
    if (result.status === "conflict") {
      current.status = "conflict";
      current.server = result.record;
      current.errors = {};
    } else if (current.rev === rev) {
      // invalid, as sent: the person fixes it
      current.status = "invalid";
      current.errors = result.errors || {};
    }
    stores.queue.put(current);
  });
}

function settleAccepted(stores, current, rev, result) {
  if (current.rev === rev) {
    stores.queue.delete(current.key);
    return;
  }
  // Edited while the push was on its way: the edit stays, now based on what was stored.
  if (result.record) current.base_version = result.record.version;
  current.sent_rev = null;
  stores.queue.put(current);
}

// --- Pulling ------------------------------------------------------------------------------

// One page of changes since `since`; the records and the cursor that follows them are
// written together. Resolves with the page.
function pullPage(since) {
  const query = `sync/?limit=${PULL_LIMIT}${since ? `&since=${encodeURIComponent(since)}` : ""}`;
  return call(query)
    .then(json)
    .then((page) => {
      const now = Date.now();
      return store
        .transact(["records", "meta"], "readwrite", (stores) => {
          LISTS.forEach(([kind, name]) => {
            (page[name] || []).forEach((record) => keepRecord(stores.records, kind, record, now));
          });
          stores.meta.put({ name: "cursor", value: page.cursor });
        })
        .then(() => page);
    });
}

function pull() {
  return store
    .getMeta("cursor")
    .then((cursor) => {
      let pages = 0;
      const next = (since) =>
        pullPage(since).then((page) => {
          pages += 1;
          return page.has_more && pages < MAX_PULL_PAGES ? next(page.cursor) : null;
        });
      return next(cursor || "");
    })
    .then(prune);
}

// --- One run ------------------------------------------------------------------------------

// One sync: who is signed in, the reference data, push, pull. Resolves with
// {state: "synced"|"offline"|"unreachable"|"signed-out"|"error"|"busy", message, username}.
function runOnce(csrfToken) {
  let account;
  return whoAmI()
    .then((who) => {
      account = who;
      return refreshReference();
    })
    .then(() => csrfToken())
    .then((token) => push(account.username, token))
    .then(pull)
    .then(() => store.setMeta("last_synced", Date.now()))
    .then(
      () => ({ state: "synced", username: account.username }),
      (error) => {
        if (error instanceof Stop) return { state: error.state, message: error.message, username: account && account.username };
        return { state: "error", message: String((error && error.message) || error) };
      },
    );
}

export function run(options) {
  const work = () =>
    runOnce(options.csrfToken).then((result) => {
      announce({ type: "synced", result });
      return result;
    });
  const locks = self.navigator && self.navigator.locks;
  if (!locks) return work();
  return locks.request(LOCK, { ifAvailable: true }, (lock) => lock && work()).then(
    // Another tab or the worker is syncing. It read the queue when it began: what was queued
    // since (in another tab) would wait for the next timer, a minute. Once it ends, a run
    // follows if anything still waits; otherwise its pull was as good as a second one.
    (done) =>
      done ||
      locks.request(LOCK, () =>
        store.all("queue").then((items) => (items.some((item) => item.status === "waiting") ? work() : { state: "busy" })),
      ),
  );
}

// Tells every open quick-log page (and the worker) that the phone's data changed.
export function announce(message) {
  if (typeof BroadcastChannel === "undefined") return;
  const channel = new BroadcastChannel("twitch-diary");
  channel.postMessage(message);
  channel.close();
}
