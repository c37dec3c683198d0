// Unsent entries on a shared phone. When an account leaves the phone (a log-out from any page,
// or the server saying no one is signed in), what it logged and the server has not yet accepted
// must stay (nothing is lost) and must not be readable by the next person. So each such queue
// item is sealed: encrypted with AES-GCM under the account's own phone key, which the server
// gives only to that account (GET /api/v1/account/, `phone_key`), and the key leaves the phone
// with the account. When the account signs in here again, the server gives the same key and
// its items are opened, back in the queue, and sent.
//
// A sealed item is stored under its own key ("sealed:<key id>:<item key>"), so that another
// account logging a check-in for the same day never meets it. The key id is a digest of the
// key: it says which account's key opens an item without naming the account.
//
// Without Web Crypto (a page served over plain HTTP from another machine) nothing can be
// sealed: the items stay as they were, hidden from other accounts but not encrypted.

import * as store from "./store.js";

const subtle = () => (self.crypto && self.crypto.subtle) || null;

const bytesOf = (base64) => Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));

function keyId(raw) {
  return subtle()
    .digest("SHA-256", raw)
    .then((digest) => Array.from(new Uint8Array(digest).slice(0, 8), (b) => b.toString(16).padStart(2, "0")).join(""));
}

// Keeps the signed-in account's key (as a CryptoKey that cannot be read back out) and opens
// whatever this phone sealed with it. Resolves once the opened items are back in the queue.
export function keepKey(base64) {
  if (!subtle() || !base64) return Promise.resolve();
  const raw = bytesOf(base64);
  return Promise.all([keyId(raw), subtle().importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"])])
    .then(([kid, key]) => store.setMeta("phone_key", { kid, key }).then(() => openSealed(kid, key)));
}

const encode = (item) => new TextEncoder().encode(JSON.stringify(item));

const decode = (buffer) => JSON.parse(new TextDecoder().decode(buffer));

// Seals every queue item of `owner` with the kept key, then forgets the key. The items are
// encrypted first and swapped in one transaction: an interrupted seal leaves them as they were.
export function sealQueue(owner) {
  return store.getMeta("phone_key").then((kept) => {
    if (!kept || !subtle() || !owner) return undefined;
    return store
      .all("queue")
      .then((items) => Promise.all(items.filter((item) => !item.sealed && item.owner === owner).map((item) => sealed(item, kept))))
      .then((pairs) =>
        store.transact(["queue", "meta"], "readwrite", (stores) => {
          pairs.forEach(([item, box]) => {
            stores.queue.delete(item.key);
            stores.queue.put(box);
          });
          stores.meta.delete("phone_key");
        }),
      );
  });
}

function sealed(item, kept) {
  const iv = self.crypto.getRandomValues(new Uint8Array(12));
  return subtle()
    .encrypt({ name: "AES-GCM", iv }, kept.key, encode(item))
    .then((data) => [item, { key: `sealed:${kept.kid}:${item.key}`, sealed: true, kid: kept.kid, iv, data }]);
}

// Opens this account's sealed items. One that will not open (a damaged record) stays sealed;
// an item already queued again under the same key keeps the later change.
function openSealed(kid, key) {
  return store.all("queue").then((items) => {
    const boxes = items.filter((item) => item.sealed && item.kid === kid);
    return Promise.all(boxes.map((box) => subtle().decrypt({ name: "AES-GCM", iv: box.iv }, key, box.data).then(decode, () => null)))
      .then((opened) =>
        store.transact(["queue"], "readwrite", (stores) =>
          Promise.all(
            boxes.map((box, index) => {
              const item = opened[index];
              if (!item) return undefined;
              stores.queue.delete(box.key);
              return store.promised(stores.queue.get(item.key)).then((current) => {
                if (!current || current.changed_at < item.changed_at) stores.queue.put(item);
              });
            }),
          ),
        ),
      );
  });
}
