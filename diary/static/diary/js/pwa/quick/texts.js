// The quick log's wording: entries in one line, durations, times and the sync bar's words.

import { SIGNS, signName } from "../function-check-form.js";
import { localDate } from "../times.js";
import { page } from "./state.js";

export const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: "short", day: "numeric", month: "short" });
const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });

// What the waiting list and the recent list say of an entry in each state.
export const WAITING_STATES = {
  waiting: "Waiting to sync",
  invalid: "Not accepted by the server: fix it and it is sent again.",
  conflict: "Changed on another device too. Keep one:",
};
export const RECENT_STATES = {
  waiting: "Waiting to sync",
  invalid: "Not accepted by the server: to check above",
  conflict: "Changed on another device too: to check above",
};

// The reference data's names of `kind` ("regions", "patterns", "symptoms") by code.
function names(kind) {
  const table = {};
  if (page.reference) {
    page.reference.document[kind].forEach((item) => {
      table[item.code] = item.name;
    });
  }
  return table;
}

export function durationText(seconds) {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 360) / 10} h`;
}

// "still going since 15:04", on this phone's clock; with the day when it is not today.
function stillGoingText(startedAt) {
  const when = new Date(startedAt);
  const today = localDate(when) === localDate(new Date());
  return `still going since ${today ? "" : `${dayFormat.format(when)}, `}${timeFormat.format(when)}`;
}

function placeText(location, regions) {
  const name = regions[location.region] || location.region;
  return location.side === "midline" ? name : `${name} (${location.side})`;
}

function episodeText(body, withDay) {
  const regions = names("regions");
  const patterns = names("patterns");
  const when = new Date(body.started_at);
  const places = body.locations.map((location) => placeText(location, regions)).join(", ");
  // Still going: its start is said once, with it ("still going since 15:04 · Calf (left)").
  const parts = body.ongoing
    ? [stillGoingText(body.started_at), places]
    : [(withDay ? `${dayFormat.format(when)}, ` : "") + timeFormat.format(when), places, durationText(body.duration_seconds)];
  parts.push(`${body.intensity}/10`);
  if (body.pattern) parts.push(patterns[body.pattern] || body.pattern); // none: not recorded
  const symptoms = names("symptoms");
  if (body.symptoms && body.symptoms.length) parts.push(body.symptoms.map((code) => symptoms[code] || code).join(", "));
  return parts.join(" · ");
}

const CHECKIN_PARTS = [
  ["sleep_hours", (value) => `sleep ${value} h`],
  ["caffeine_cups", (value) => `caffeine ${value}`],
  ["stress", (value) => `stress ${value}/10`],
  ["exercise_minutes", (value) => `exercise ${value} min`],
  ["alcohol_units", (value) => `alcohol ${value}`],
  ["twitching_today", (value) => `twitching: ${value ? "yes" : "no"}`],
];

function checkinText(body, withDay) {
  const parts = [withDay ? `Check-in, ${dayFormat.format(new Date(`${body.date}T12:00`))}` : "Check-in"];
  CHECKIN_PARTS.forEach(([name, say]) => {
    if (body[name] !== null && body[name] !== undefined) parts.push(say(body[name]));
  });
  return parts.join(" · ");
}

// "Weekly check · all no", or each yes said ("weakness (left leg)", "cramps"), then the no's.
function functionCheckText(body, withDay) {
  const parts = [withDay ? `Weekly check, ${dayFormat.format(new Date(`${body.date}T12:00`))}` : "Weekly check"];
  const signs = Object.keys(SIGNS);
  const yes = signs.filter((sign) => body[sign] === "yes");
  const no = signs.filter((sign) => body[sign] === "no");
  yes.forEach((sign) => parts.push(`yes: ${signName(sign, body)}`));
  if (no.length === signs.length) parts.push("all no");
  else if (no.length) parts.push(`no to ${no.length} of ${signs.length}`);
  if (!yes.length && !no.length) parts.push("nothing answered");
  return parts.join(" · ");
}

const ENTRY_TEXTS = { episode: episodeText, checkin: checkinText, function_check: functionCheckText };

export const entryText = (kind, body, withDay) => ENTRY_TEXTS[kind](body, withDay);

const KIND_NAMES = { checkin: "check-in", function_check: "weekly check" };

// A queued delete: the entry it deletes, or what little the queue knows of it.
export function deleteText(item) {
  const body = item.body;
  if (body && (body.started_at || body.date)) return `Delete: ${entryText(item.kind, body, true)}`;
  return `Delete: ${item.kind === "episode" ? "an episode" : `the ${KIND_NAMES[item.kind]} of ${item.date}`}`;
}

export function ago(time) {
  const minutes = Math.floor((Date.now() - time) / 60000);
  if (minutes < 1) return "synced just now";
  if (minutes < 60) return `synced ${minutes} min ago`;
  if (minutes < 48 * 60) return `synced ${Math.floor(minutes / 60)} h ago`;
  return `synced on ${dayFormat.format(new Date(time))}`;
}

export const entriesText = (count) => count + (count === 1 ? " entry" : " entries");

export const episodesText = (count) => count + (count === 1 ? " episode" : " episodes");

// The sign-out question when entries wait to be sent.
export function signOutQuestion(waiting) {
  const words =
    waiting === 1
      ? "1 entry is not sent yet. It stays on this phone and is sent"
      : `${waiting} entries are not sent yet. They stay on this phone and are sent`;
  return `${words} the next time you sign in here. Log out?`;
}
