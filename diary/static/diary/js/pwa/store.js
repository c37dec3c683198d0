// The phone's own copy of the diary, in IndexedDB. Imported by the quick-log page and by the
// service worker, so it uses nothing but IndexedDB and promises.
//
// Three stores:
// - queue: what was logged or changed on this phone and not yet accepted by the server, one
//   item per episode ("episode:<id>"), check-in ("checkin:<date>") or weekly function check
//   ("function_check:<date>"). An item stays until the
//   server answers for it: nothing is dropped on a failed or cut-off push.
// - records: what the server holds (from the last pulls), kept for the last RECENT_DAYS days
//   (records.js) so that the recent history reads offline.
// - meta: small values by name: the sync cursor, who the data belongs to, when it last synced,
//   the reference data with its ETag.

const NAME = "twitch-diary";
const VERSION = 1;
let opening = null;

export const promised = (request) =>
  new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });

function createStores(db) {
  if (!db.objectStoreNames.contains("queue")) db.createObjectStore("queue", { keyPath: "key" });
  if (!db.objectStoreNames.contains("records")) db.createObjectStore("records", { keyPath: "key" });
  if (!db.objectStoreNames.contains("meta")) db.createObjectStore("meta", { keyPath: "name" });
}

function open() {
  if (!opening) {
    const request = indexedDB.open(NAME, VERSION);
    request.onupgradeneeded = () => createStores(request.result);
    opening = promised(request).then(
      (db) => {
        // Another tab or a new service worker upgrading the schema: let it, open again later.
        db.onversionchange = () => {
          db.close();
          opening = null;
        };
        return db;
      },
      (error) => {
        opening = null;
        throw error;
      },
    );
  }
  return opening;
}

// Runs `work(stores)` in one transaction over `names`; resolves with what work returned once
// the transaction has committed (so a caller never acts on a write that did not happen).
export function transact(names, mode, work) {
  return open().then(
    (db) =>
      new Promise((resolve, reject) => {
        const tx = db.transaction(names, mode);
        const stores = {};
        names.forEach((name) => {
          stores[name] = tx.objectStore(name);
        });
        let result;
        Promise.resolve(work(stores)).then(
          (value) => {
            result = value;
          },
          (error) => {
            try {
              tx.abort();
            } catch (ignored) {
              // already finished
            }
            reject(error);
          },
        );
        tx.oncomplete = () => resolve(result);
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error || new Error("aborted"));
      }),
  );
}

export const all = (name) => transact([name], "readonly", (stores) => promised(stores[name].getAll()));

export const get = (name, key) => transact([name], "readonly", (stores) => promised(stores[name].get(key)));

export const put = (name, value) => transact([name], "readwrite", (stores) => promised(stores[name].put(value)));

export const remove = (name, key) => transact([name], "readwrite", (stores) => promised(stores[name].delete(key)));

export const clear = (name) => transact([name], "readwrite", (stores) => promised(stores[name].clear()));

export const getMeta = (name) => get("meta", name).then((row) => (row ? row.value : undefined));

export const setMeta = (name, value) => put("meta", { name, value });

export const episodeKey = (id) => `episode:${id}`;

export const checkinKey = (date) => `checkin:${date}`;

export const functionCheckKey = (date) => `function_check:${date}`;

// The key of a `kind` ("episode", "checkin", "function_check") record or body.
export function keyOf(kind, record) {
  if (kind === "episode") return episodeKey(record.id);
  return kind === "checkin" ? checkinKey(record.date) : functionCheckKey(record.date);
}
