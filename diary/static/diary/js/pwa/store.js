// The phone's own copy of the diary, in IndexedDB. Run by the quick-log page and by the
// service worker (importScripts), so it uses nothing but IndexedDB and promises.
//
// Three stores:
// - queue: what was logged or changed on this phone and not yet accepted by the server, one
//   item per episode ("episode:<id>") or check-in ("checkin:<date>"). An item stays until the
//   server answers for it: nothing is dropped on a failed or cut-off push.
// - records: what the server holds (from the last pulls), kept for the last RECENT_DAYS days so
//   that the recent history reads offline.
// - meta: small values by name: the sync cursor, who the data belongs to, when it last synced,
//   the reference data with its ETag.
(function (scope) {
  "use strict";

  var NAME = "twitch-diary";
  var VERSION = 1;
  var opening = null;

  function promised(request) {
    return new Promise(function (resolve, reject) {
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function open() {
    if (!opening) {
      var request = indexedDB.open(NAME, VERSION);
      request.onupgradeneeded = function () {
        var db = request.result;
        if (!db.objectStoreNames.contains("queue")) db.createObjectStore("queue", { keyPath: "key" });
        if (!db.objectStoreNames.contains("records")) db.createObjectStore("records", { keyPath: "key" });
        if (!db.objectStoreNames.contains("meta")) db.createObjectStore("meta", { keyPath: "name" });
      };
      opening = promised(request).then(function (db) {
        // Another tab or a new service worker upgrading the schema: let it, open again later.
        db.onversionchange = function () { db.close(); opening = null; };
        return db;
      }, function (error) { opening = null; throw error; });
    }
    return opening;
  }

  // Runs `work(stores)` in one transaction over `names`; resolves with what work returned once
  // the transaction has committed (so a caller never acts on a write that did not happen).
  function transact(names, mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(names, mode);
        var stores = {};
        names.forEach(function (name) { stores[name] = tx.objectStore(name); });
        var result;
        Promise.resolve(work(stores)).then(function (value) { result = value; }, function (error) {
          try { tx.abort(); } catch (ignored) { /* already finished */ }
          reject(error);
        });
        tx.oncomplete = function () { resolve(result); };
        tx.onerror = function () { reject(tx.error); };
        tx.onabort = function () { reject(tx.error || new Error("aborted")); };
      });
    });
  }

  function all(name) {
    return transact([name], "readonly", function (stores) { return promised(stores[name].getAll()); });
  }

  function get(name, key) {
    return transact([name], "readonly", function (stores) { return promised(stores[name].get(key)); });
  }

  function put(name, value) {
    return transact([name], "readwrite", function (stores) { return promised(stores[name].put(value)); });
  }

  function remove(name, key) {
    return transact([name], "readwrite", function (stores) { return promised(stores[name].delete(key)); });
  }

  function clear(name) {
    return transact([name], "readwrite", function (stores) { return promised(stores[name].clear()); });
  }

  function getMeta(name) {
    return get("meta", name).then(function (row) { return row ? row.value : undefined; });
  }

  function setMeta(name, value) {
    return put("meta", { name: name, value: value });
  }

  scope.TwitchStore = {
    transact: transact,
    promised: promised,
    all: all,
    get: get,
    put: put,
    remove: remove,
    clear: clear,
    getMeta: getMeta,
    setMeta: setMeta,
    episodeKey: function (id) { return "episode:" + id; },
    checkinKey: function (date) { return "checkin:" + date; },
  };
})(self);
