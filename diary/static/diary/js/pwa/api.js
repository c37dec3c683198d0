// The API calls a sync makes besides pushing and pulling: who is signed in (and whose data
// this phone holds), and the reference data. A failure that ends the sync is thrown as a Stop,
// which says the state the page shows (offline, unreachable, signed out, an error).

import { keepKey, sealQueue } from "./seal.js";
import * as store from "./store.js";

const API = "/api/v1/";

export class Stop {
  constructor(state, message) {
    this.state = state;
    this.message = message;
  }
}

export function call(path, options = {}) {
  options.credentials = "same-origin";
  options.headers = { Accept: "application/json", ...(options.headers || {}) };
  return fetch(API + path, options).then(
    (response) => {
      if (response.status === 401 || response.status === 403) {
        throw new Stop("signed-out", "Sign in again to sync.");
      }
      return response;
    },
    () => {
      const offline = self.navigator && self.navigator.onLine === false;
      throw new Stop(offline ? "offline" : "unreachable", "The server cannot be reached.");
    },
  );
}

export function json(response) {
  if (!response.ok) throw new Stop("error", `The server answered ${response.status}.`);
  return response.json();
}

// The phone passes from the account `previous` to `next` (null: no one): the last account's
// copy of its diary goes; its queued entries stay, sealed for it (seal.js), unreadable by
// whoever uses the phone next and sent when it signs in here again (never to another account).
function handOver(previous, next) {
  return sealQueue(previous).then(() =>
    Promise.all([
      store.clear("records"),
      store.setMeta("cursor", ""),
      store.setMeta("last_synced", null),
      store.setMeta("owner", next),
    ]),
  );
}

// No one signed in, or a log-out from any page (js/logout.js): the account's copy leaves the
// phone, and so do its name and its CSRF token.
export function forgetSynced() {
  return store
    .getMeta("owner")
    .then((previous) => handOver(previous, null))
    .then(() => store.setMeta("csrf", ""));
}

// Entries logged before any account was known on this phone belong to the first one.
function adoptOrphans(username) {
  return store.all("queue").then((items) =>
    Promise.all(
      items
        .filter((item) => item.owner === null)
        .map((item) => {
          item.owner = username;
          return store.put("queue", item);
        }),
    ),
  );
}

export function whoAmI() {
  return call("account/")
    .then(json)
    .then(
      (account) =>
        store.getMeta("owner").then((previous) => (previous === account.username ? null : handOver(previous, account.username)))
          .then(() => keepKey(account.phone_key))
          .then(() => adoptOrphans(account.username))
          .then(() => account),
      (error) => {
        if (!(error instanceof Stop) || error.state !== "signed-out") throw error;
        return forgetSynced().then(() => {
          throw error;
        });
      },
    );
}

export function refreshReference() {
  return store.getMeta("reference").then((kept) => {
    const headers = kept && kept.etag ? { "If-None-Match": kept.etag } : {};
    return call("reference/", { headers }).then((response) => {
      if (response.status === 304) return kept;
      return json(response).then((document) => {
        const fresh = { etag: response.headers.get("ETag"), document };
        return store.setMeta("reference", fresh).then(() => fresh);
      });
    });
  });
}
