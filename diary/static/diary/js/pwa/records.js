// The phone's copy of what the server holds (the "records" store): the server's records of
// the last RECENT_DAYS days, tombstones excepted, so that the recent history reads offline (and
// the page knows offline whether a weekly function check is due).

import { keyOf, promised, transact } from "./store.js";

export const RECENT_DAYS = 30;
const DAY_MS = 24 * 3600 * 1000;

export function isRecent(kind, record, now) {
  if (kind === "episode") return Date.parse(record.started_at) >= now - RECENT_DAYS * DAY_MS;
  return Date.parse(`${record.date}T23:59:59`) >= now - RECENT_DAYS * DAY_MS;
}

// Keeps (or forgets) one record the server sent, in `records` (a store of an open transaction).
export function keepRecord(records, kind, record, now) {
  const key = keyOf(kind, record);
  if (record.deleted_at || !isRecent(kind, record, now)) records.delete(key);
  else records.put({ key, kind, record });
}

// Forgets the records that have grown older than RECENT_DAYS.
export function prune() {
  const now = Date.now();
  return transact(["records"], "readwrite", (stores) =>
    promised(stores.records.getAll()).then((rows) => {
      rows.forEach((row) => {
        if (!isRecent(row.kind, row.record, now)) stores.records.delete(row.key);
      });
    }),
  );
}
