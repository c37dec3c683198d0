// The phone's queue (the "queue" store): what was logged or changed on this phone and waits
// for the server. sync.js sends it; an item leaves it only when the server's answer for it
// arrives (or the person settles a conflict by keeping the other device's version).

import * as store from "./store.js";
import { keepRecord } from "./records.js";

const owner = () => store.getMeta("owner").then((name) => name || null);

function newItem(key, kind, change, name, now) {
  const base = change.base_version === undefined ? null : change.base_version;
  return { key, kind, rev: 0, sent_rev: null, queued_at: now, owner: name, base_version: base };
}

// The next revision of `item` (its base version is kept: it is what the phone's edit started
// from, unless the change names another).
function revise(item, kind, change, now) {
  if (change.base_version !== undefined) item.base_version = change.base_version;
  item.body = change.body;
  item.deleted = Boolean(change.deleted);
  item.rev += 1;
  item.status = "waiting";
  item.errors = {};
  item.server = null;
  item.changed_at = now;
  if (kind === "episode") item.id = change.body.id;
  else item.date = change.body.date;
  return item;
}

// Puts `change` into the queue item for `key`: a new item, or the next revision of the one
// already there.
function enqueue(key, kind, change) {
  return owner().then((name) =>
    store.transact(["queue"], "readwrite", (stores) =>
      store.promised(stores.queue.get(key)).then((found) => {
        const now = new Date().toISOString();
        const item = revise(found || newItem(key, kind, change, name, now), kind, change, now);
        return store.promised(stores.queue.put(item)).then(() => item);
      }),
    ),
  );
}

export const queueEpisode = (body, baseVersion) =>
  enqueue(store.episodeKey(body.id), "episode", { body, base_version: baseVersion });

export const queueCheckin = (body, baseVersion) =>
  enqueue(store.checkinKey(body.date), "checkin", { body, base_version: baseVersion });

// A weekly function check is one per day, as a check-in is: a second save of the same day is the
// next revision of the same item.
export const queueFunctionCheck = (body, baseVersion) =>
  enqueue(store.functionCheckKey(body.date), "function_check", { body, base_version: baseVersion });

// Deleting: an item the server never saw simply leaves the queue; anything the server may
// hold (a synced record, or an item sent without an answer) is queued as a delete.
export function queueDelete(key, kind, body, baseVersion) {
  return store.get("queue", key).then((item) => {
    const unseen = item && item.sent_rev === null && item.base_version === null;
    if (unseen) return store.remove("queue", key);
    return enqueue(key, kind, { body, deleted: true, base_version: item ? undefined : baseVersion });
  });
}

// A conflict settled by the person: keep the phone's version (sent again, based on the
// server's version) or the server's (the phone's change is dropped, as the person chose).
// A record deleted elsewhere stays deleted (the contract): the phone's version is then kept
// as a new episode.
export function keepPhone(key, newId) {
  return store.get("queue", key).then((item) => {
    if (!item || item.status !== "conflict" || !item.server) return null;
    if (item.server.deleted_at && item.kind === "episode" && !item.deleted) {
      const body = { ...item.body, id: newId };
      return store.remove("queue", key).then(() => queueEpisode(body, null));
    }
    return enqueue(key, item.kind, { body: item.body, deleted: item.deleted, base_version: item.server.version });
  });
}

export function keepServer(key) {
  return store.get("queue", key).then((item) => {
    if (!item) return null;
    return store.transact(["queue", "records"], "readwrite", (stores) => {
      stores.queue.delete(key);
      if (item.server) keepRecord(stores.records, item.kind, item.server, Date.now());
    });
  });
}
