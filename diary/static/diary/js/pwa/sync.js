// The phone's sync with the server, over the mobile contract (DESIGN.md, "The mobile contract"):
// push the queue with POST /api/v1/sync/ in batches, then pull what changed with the cursor.
// Run by the quick-log page and by the service worker (Background Sync), one at a time (a Web
// Lock), so two tabs and the worker never push the same queue at once.
//
// Why nothing is lost or doubled:
// - an item leaves the queue only when the server's answer for it arrives and says created,
//   updated or unchanged for the very revision that was sent (an edit made during the push stays);
// - a push cut off halfway leaves every item in the queue, and the next push sends them again:
//   the server answers a replay "unchanged" (same id, same content), never a second record;
// - a conflict or an invalid item stays, with the server's record or its field errors, until the
//   person decides; the rest of the batch goes on.
(function (scope) {
  "use strict";

  var store = scope.TwitchStore;
  var BATCH = 100;
  var PULL_LIMIT = 500;
  var MAX_PULL_PAGES = 1000;
  var RECENT_DAYS = 30;
  var DAY_MS = 24 * 3600 * 1000;
  var API = "/api/v1/";
  var LOCK = "twitch-diary-sync";

  // --- The queue ------------------------------------------------------------------------

  function owner() { return store.getMeta("owner").then(function (name) { return name || null; }); }

  // Puts `change` into the queue item for `key`: a new item, or the next revision of the one
  // already there (its base version is kept: it is what the phone's edit started from).
  function enqueue(key, kind, change) {
    return owner().then(function (name) {
      return store.transact(["queue"], "readwrite", function (stores) {
        return store.promised(stores.queue.get(key)).then(function (item) {
          var now = new Date().toISOString();
          item = item || { key: key, kind: kind, rev: 0, sent_rev: null, queued_at: now, owner: name,
                           base_version: change.base_version === undefined ? null : change.base_version };
          if (change.base_version !== undefined) item.base_version = change.base_version;
          item.body = change.body;
          item.deleted = Boolean(change.deleted);
          item.rev += 1;
          item.status = "waiting";
          item.errors = {};
          item.server = null;
          item.changed_at = now;
          if (kind === "episode") item.id = change.body.id; else item.date = change.body.date;
          return store.promised(stores.queue.put(item)).then(function () { return item; });
        });
      });
    });
  }

  function queueEpisode(body, baseVersion) {
    return enqueue(store.episodeKey(body.id), "episode", { body: body, base_version: baseVersion });
  }

  function queueCheckin(body, baseVersion) {
    return enqueue(store.checkinKey(body.date), "checkin", { body: body, base_version: baseVersion });
  }

  // Deleting: an item the server never saw simply leaves the queue; anything the server may
  // hold (a synced record, or an item sent without an answer) is queued as a delete.
  function queueDelete(key, kind, body, baseVersion) {
    return store.get("queue", key).then(function (item) {
      var unseen = item && item.sent_rev === null && item.base_version === null;
      if (unseen) return store.remove("queue", key);
      return enqueue(key, kind, { body: body, deleted: true, base_version: item ? undefined : baseVersion });
    });
  }

  // A conflict settled by the person: keep the phone's version (sent again, based on the
  // server's version) or the server's (the phone's change is dropped, as the person chose).
  // A record deleted elsewhere stays deleted (the contract): the phone's version is then kept
  // as a new episode.
  function keepPhone(key, newId) {
    return store.get("queue", key).then(function (item) {
      if (!item || item.status !== "conflict" || !item.server) return null;
      if (item.server.deleted_at && item.kind === "episode" && !item.deleted) {
        var body = Object.assign({}, item.body, { id: newId });
        return store.remove("queue", key).then(function () { return queueEpisode(body, null); });
      }
      return enqueue(key, item.kind, { body: item.body, deleted: item.deleted, base_version: item.server.version });
    });
  }

  function keepServer(key) {
    return store.get("queue", key).then(function (item) {
      if (!item) return null;
      return store.transact(["queue", "records"], "readwrite", function (stores) {
        stores.queue.delete(key);
        if (item.server) keepRecord(stores.records, item.kind, item.server, Date.now());
      });
    });
  }

  // --- Talking to the server -------------------------------------------------------------

  function Stop(state, message) { this.state = state; this.message = message; }

  function call(path, options) {
    options = options || {};
    options.credentials = "same-origin";
    options.headers = Object.assign({ Accept: "application/json" }, options.headers || {});
    return fetch(API + path, options).then(function (response) {
      if (response.status === 401 || response.status === 403) {
        throw new Stop("signed-out", "Sign in again to sync.");
      }
      return response;
    }, function () {
      throw new Stop(scope.navigator && scope.navigator.onLine === false ? "offline" : "unreachable",
                     "The server cannot be reached.");
    });
  }

  function json(response) {
    if (!response.ok) throw new Stop("error", "The server answered " + response.status + ".");
    return response.json();
  }

  function whoAmI() {
    return call("account/").then(json).then(function (account) {
      return owner().then(function (previous) {
        if (previous === account.username) return account;
        // Another account on this phone: the last one's copy of its diary goes; its queued
        // entries stay, held for it (never sent to this account).
        return Promise.all([store.clear("records"), store.setMeta("cursor", ""), store.setMeta("last_synced", null),
                            store.setMeta("owner", account.username)]).then(function () { return account; });
      });
    }).then(function (account) {
      // Entries logged before any account was known on this phone belong to the first one.
      return store.all("queue").then(function (items) {
        return Promise.all(items.filter(function (item) { return item.owner === null; }).map(function (item) {
          item.owner = account.username;
          return store.put("queue", item);
        }));
      }).then(function () { return account; });
    });
  }

  function refreshReference() {
    return store.getMeta("reference").then(function (kept) {
      var headers = kept && kept.etag ? { "If-None-Match": kept.etag } : {};
      return call("reference/", { headers: headers }).then(function (response) {
        if (response.status === 304) return kept;
        return json(response).then(function (document) {
          var fresh = { etag: response.headers.get("ETag"), document: document };
          return store.setMeta("reference", fresh).then(function () { return fresh; });
        });
      });
    });
  }

  function payload(item) {
    var version = item.base_version === null ? null : item.base_version;
    if (item.kind === "episode") {
      return item.deleted ? { id: item.id, version: version, deleted_at: item.changed_at }
                          : Object.assign({}, item.body, { id: item.id, version: version });
    }
    return item.deleted ? { date: item.date, version: version, deleted_at: item.changed_at }
                        : Object.assign({}, item.body, { date: item.date, version: version });
  }

  function push(username, csrfToken) {
    return store.all("queue").then(function (items) {
      var mine = items.filter(function (item) { return item.status === "waiting" && item.owner === username; })
        .sort(function (a, b) { return a.queued_at < b.queued_at ? -1 : 1; });
      var batches = [];
      for (var start = 0; start < mine.length; start += BATCH) batches.push(mine.slice(start, start + BATCH));
      return batches.reduce(function (previous, batch) {
        return previous.then(function () { return pushBatch(batch, csrfToken); });
      }, Promise.resolve());
    });
  }

  function pushBatch(batch, csrfToken) {
    var sent = batch.map(function (item) { return { key: item.key, rev: item.rev }; });
    // Marked before sending: if no answer comes, the server may hold these (see queueDelete).
    return Promise.all(batch.map(function (item) { return markSent(item.key, item.rev); })).then(function () {
      var body = {
        episodes: batch.filter(function (item) { return item.kind === "episode"; }).map(payload),
        checkins: batch.filter(function (item) { return item.kind === "checkin"; }).map(payload),
      };
      return call("sync/", {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken },
        body: JSON.stringify(body),
      });
    }).then(json).then(function (answer) {
      var results = answer.results.episodes.concat(answer.results.checkins);
      var kinds = batch.filter(function (item) { return item.kind === "episode"; })
        .concat(batch.filter(function (item) { return item.kind === "checkin"; }));
      return store.transact(["queue", "records"], "readwrite", function (stores) {
        return Promise.all(kinds.map(function (item, index) {
          var rev = sent.filter(function (s) { return s.key === item.key; })[0].rev;
          return settle(stores, item, rev, results[index]);
        }));
      });
    });
  }

  function markSent(key, rev) {
    return store.transact(["queue"], "readwrite", function (stores) {
      return store.promised(stores.queue.get(key)).then(function (item) {
        if (item && item.rev === rev) { item.sent_rev = rev; stores.queue.put(item); }
      });
    });
  }

  // One item's answer, applied to the queue and the phone's copy of the server's records.
  function settle(stores, item, rev, result) {
    var now = Date.now();
    return store.promised(stores.queue.get(item.key)).then(function (current) {
      if (result.status === "created" || result.status === "updated" || result.status === "unchanged") {
        if (result.record) keepRecord(stores.records, item.kind, result.record, now);
        else if (item.deleted) stores.records.delete(item.key);
        if (!current) return;
        if (current.rev === rev) { stores.queue.delete(item.key); return; }
        // Edited while the push was on its way: the edit stays, now based on what was stored.
        if (result.record) current.base_version = result.record.version;
        current.sent_rev = null;
        stores.queue.put(current);
        return;
      }
      if (!current) return;
      if (result.status === "conflict") {
        current.status = "conflict";
        current.server = result.record;
        current.errors = {};
      } else if (current.rev === rev) {  // invalid, as sent: the person fixes it
        current.status = "invalid";
        current.errors = result.errors || {};
      }
      stores.queue.put(current);
    });
  }

  function isRecent(kind, record, now) {
    if (kind === "episode") return Date.parse(record.started_at) >= now - RECENT_DAYS * DAY_MS;
    return Date.parse(record.date + "T23:59:59") >= now - RECENT_DAYS * DAY_MS;
  }

  // The phone keeps the server's records of the last RECENT_DAYS days, tombstones excepted.
  function keepRecord(records, kind, record, now) {
    var key = kind === "episode" ? store.episodeKey(record.id) : store.checkinKey(record.date);
    if (record.deleted_at || !isRecent(kind, record, now)) records.delete(key);
    else records.put({ key: key, kind: kind, record: record });
  }

  function pull() {
    return store.getMeta("cursor").then(function (cursor) {
      var pages = 0;
      function next(since) {
        var query = "sync/?limit=" + PULL_LIMIT + (since ? "&since=" + encodeURIComponent(since) : "");
        return call(query).then(json).then(function (page) {
          var now = Date.now();
          // The records and the cursor that follows them are written together.
          return store.transact(["records", "meta"], "readwrite", function (stores) {
            page.episodes.forEach(function (record) { keepRecord(stores.records, "episode", record, now); });
            page.checkins.forEach(function (record) { keepRecord(stores.records, "checkin", record, now); });
            stores.meta.put({ name: "cursor", value: page.cursor });
          }).then(function () {
            pages += 1;
            return page.has_more && pages < MAX_PULL_PAGES ? next(page.cursor) : null;
          });
        });
      }
      return next(cursor || "");
    }).then(prune);
  }

  function prune() {
    var now = Date.now();
    return store.transact(["records"], "readwrite", function (stores) {
      return store.promised(stores.records.getAll()).then(function (rows) {
        rows.forEach(function (row) { if (!isRecent(row.kind, row.record, now)) stores.records.delete(row.key); });
      });
    });
  }

  // One sync: who is signed in, the reference data, push, pull. Resolves with
  // {state: "synced"|"offline"|"unreachable"|"signed-out"|"error"|"busy", message, username}.
  function runOnce(csrfToken) {
    var account;
    return whoAmI().then(function (who) {
      account = who;
      return refreshReference();
    }).then(function () {
      return csrfToken();
    }).then(function (token) {
      return push(account.username, token);
    }).then(pull).then(function () {
      return store.setMeta("last_synced", Date.now());
    }).then(function () {
      return { state: "synced", username: account.username };
    }, function (error) {
      if (error instanceof Stop) return { state: error.state, message: error.message, username: account && account.username };
      return { state: "error", message: String(error && error.message || error) };
    });
  }

  function run(options) {
    var work = function () {
      return runOnce(options.csrfToken).then(function (result) {
        announce({ type: "synced", result: result });
        return result;
      });
    };
    var locks = scope.navigator && scope.navigator.locks;
    if (!locks) return work();
    return locks.request(LOCK, { ifAvailable: true }, function (lock) { return lock && work(); }).then(function (done) {
      // Another tab or the worker is syncing. It read the queue when it began: what was queued
      // since (in another tab) would wait for the next timer, a minute. Once it ends, a run
      // follows if anything still waits; otherwise its pull was as good as a second one.
      return done || locks.request(LOCK, function () {
        return store.all("queue").then(function (items) {
          return items.some(function (item) { return item.status === "waiting"; }) ? work() : { state: "busy" };
        });
      });
    });
  }

  // Tells every open quick-log page (and the worker) that the phone's data changed.
  function announce(message) {
    if (typeof BroadcastChannel === "undefined") return;
    var channel = new BroadcastChannel("twitch-diary");
    channel.postMessage(message);
    channel.close();
  }

  scope.TwitchSync = {
    run: run,
    queueEpisode: queueEpisode,
    queueCheckin: queueCheckin,
    queueDelete: queueDelete,
    keepPhone: keepPhone,
    keepServer: keepServer,
    announce: announce,
    refreshReference: refreshReference,
    RECENT_DAYS: RECENT_DAYS,
  };
})(self);
