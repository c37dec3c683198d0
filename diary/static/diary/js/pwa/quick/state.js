// The quick log's state: what the page last read from the phone's store (the queue, the
// records, the reference data) and what it is doing (editing, the last sync's result), with
// the reads the rest of the page makes of it.

import { RECENT_DAYS } from "../records.js";
import { localDate } from "../times.js";

export const page = {
  reference: null, // the reference document, as last kept
  account: null, // {username} once the server said who is signed in
  last: null, // the last sync's result
  editing: null, // {key, id, baseVersion} of the entry the episode form edits
  editingCheckin: null, // {key, baseVersion} of the check-in the check-in form edits
  editingWeekly: null, // {key, baseVersion} of the weekly function check its form edits
  weeklyDate: null, // the day whose weekly check the screen opens on next (an edit); none: today
  weeklySaved: null, // the key of the weekly check just saved, while its screen says so
  items: [],
  records: [],
  owner: null,
  lastSynced: null,
  confirmed: false, // whether the phone's entries are read yet (syncing.js, confirmAccount)
};

// An item sealed for an account that left the phone (seal.js) is no one's here.
export const mine = (item) => !item.sealed && (item.owner === null || item.owner === page.owner);

export const waitingHere = (item) => mine(item) && item.status === "waiting";

// The entry under `key`: this phone's queued item, or the server's record as last pulled.
export function find(key) {
  const item = page.items.find((i) => i.key === key);
  if (item) return { kind: item.kind, body: item.body, queued: true, item };
  const row = page.records.find((r) => r.key === key);
  return row ? { kind: row.kind, body: row.record, queued: false, version: row.record.version } : null;
}

// The version an edit of `key` is based on: none for a new entry (null), the queued item's own
// (undefined: the queue keeps it), or the record's.
export function baseOf(key) {
  const entry = find(key);
  if (!entry) return null;
  return entry.queued ? undefined : entry.version;
}

const sortTime = (entry) =>
  entry.kind === "episode" ? Date.parse(entry.body.started_at) : Date.parse(`${entry.body.date}T23:59:59`);

const isWithin = (entry, since) =>
  Date.parse(entry.kind === "episode" ? entry.body.started_at : `${entry.body.date}T23:59`) >= since;

// The last 30 days: the server's records as last pulled, with this phone's waiting changes
// laid over them, newest first.
export function recentEntries() {
  const byKey = new Map();
  page.records.forEach((row) => {
    byKey.set(row.key, { key: row.key, kind: row.kind, body: row.record, version: row.record.version });
  });
  page.items.filter(mine).forEach((item) => {
    if (item.deleted) byKey.delete(item.key);
    else byKey.set(item.key, { key: item.key, kind: item.kind, body: item.body, status: item.status });
  });
  const since = Date.now() - RECENT_DAYS * 24 * 3600 * 1000;
  return Array.from(byKey.values())
    .filter((entry) => isWithin(entry, since))
    .sort((a, b) => sortTime(b) - sortTime(a));
}

// The day an entry is listed under: an episode's on this phone's clock, a check-in's own.
export const entryDay = (entry) =>
  entry.kind === "episode" ? localDate(new Date(entry.body.started_at)) : entry.body.date;

// A day with episodes had twitching. The phone counts the episodes it holds for the day, the
// last pull's and its own waiting ones, so this works offline too; a day it holds none of
// (older than the last 30 days, or never synced) counts none.
export const episodesOn = (day) =>
  recentEntries().filter((entry) => entry.kind === "episode" && entryDay(entry) === day).length;

// The day `days` before the local date `day` (at noon: a DST change moves no day).
export function daysBefore(day, days) {
  const noon = new Date(`${day}T12:00`);
  noon.setDate(noon.getDate() - days);
  return localDate(noon);
}

// A weekly function check is proposed when the phone holds none of the last 7 days, from the
// last pull and its own queue, so offline too. Before any sync, or before it has read them, the
// phone cannot know: it waits.
export function weeklyDue(now) {
  if (!page.confirmed || !page.lastSynced) return false;
  const since = daysBefore(localDate(now), 6);
  return !recentEntries().some((entry) => entry.kind === "function_check" && entry.body.date >= since);
}
