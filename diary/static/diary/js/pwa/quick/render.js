// The quick log's rendering: the sync bar, "Waiting to sync", the last 30 days, the account,
// and what the check-in form says of the day's twitching, all drawn from the state (state.js).

import { buildEpisodeForm, resetEpisode, showPlaces } from "../episode-form.js";
import { SIGNS, signName, warningsOf } from "../function-check-form.js";
import { element, values } from "../fields.js";
import { localDate } from "../times.js";
import { page, mine, recentEntries, entryDay, episodesOn, weeklyDue } from "./state.js";
import * as texts from "./texts.js";

export const $ = (selector) => document.querySelector(selector);
export const LOGIN = "/accounts/login/?next=/quick/";
export const episodeForm = $("#episode-form");
export const checkinForm = $("#checkin-form");
const groupLabels = JSON.parse($("#group-labels").textContent);

// A small button acting on one entry; its accessible name says which ("Edit: Sun 22 Nov...").
function button(text, action, key, entryText) {
  const attributes = { type: "button", class: "small secondary outline", "data-action": action, "data-key": key };
  return element("button", { ...attributes, "aria-label": `${text}: ${entryText}` }, text);
}

// What a weekly check's yes says when the reference data (with each symptom's advice) has not
// reached this phone yet.
const ADVICE = "Please book a doctor's appointment as soon as possible.";

const symptomOf = (code) => (page.reference ? page.reference.document.symptoms.find((s) => s.code === code) : null);

// What is to see a doctor about in an entry, as {name, advice}: an episode's red-flag symptoms,
// a weekly check's yes to a warning sign (with the advice of the symptom it names; cramps are none).
function flaggedOf(kind, body) {
  if (kind === "function_check") {
    return warningsOf(body).map((sign) => {
      const symptom = symptomOf(SIGNS[sign].symptom);
      return { name: signName(sign, body), advice: symptom ? symptom.advice : ADVICE };
    });
  }
  if (kind !== "episode" || !page.reference || !body.symptoms) return [];
  return page.reference.document.symptoms
    .filter((s) => s.red_flag && body.symptoms.includes(s.code))
    .map((s) => ({ name: s.name.toLowerCase(), advice: s.advice }));
}

// A red-flag symptom, or a yes to a warning sign, always says "see a doctor soon", wherever the
// entry shows.
export function redFlagNotice(kind, body) {
  const flagged = flaggedOf(kind, body);
  if (!flagged.length) return null;
  const notice = element("div", { class: "red-flag" });
  flagged.forEach(({ name, advice }) => {
    const line = element("p");
    line.appendChild(element("strong", {}, `See a doctor soon: ${name}.`));
    line.appendChild(document.createTextNode(` ${advice}`));
    notice.appendChild(line);
  });
  return notice;
}

export function banner(node, messages) {
  node.textContent = "";
  messages.forEach((message) => node.appendChild(element("p", {}, message)));
  node.hidden = !messages.length;
}

// What a save or an end says at once in the sync bar (the next render says where sync stands).
export function announceSaved(message) {
  $("#sync-status").textContent = message;
}

// --- The sync bar -----------------------------------------------------------------------------

function syncState() {
  const items = page.items.filter(mine);
  const waiting = items.filter((i) => i.status === "waiting").length;
  const offline = navigator.onLine === false || (page.last && page.last.state === "offline");
  const signedOut = Boolean(page.last && page.last.state === "signed-out");
  const failed = Boolean(page.last && (page.last.state === "unreachable" || page.last.state === "error"));
  return { waiting, attention: items.length - waiting, offline, signedOut, failed };
}

function statusText(state) {
  const parts = [];
  if (state.offline) parts.push("Offline");
  else if (state.signedOut) parts.push("Signed out");
  else if (state.failed) parts.push("Could not sync");
  if (state.waiting) parts.push(`${state.waiting} waiting`);
  if (state.attention) parts.push(`${state.attention} to check`);
  parts.push(page.lastSynced ? texts.ago(page.lastSynced) : "never synced");
  return parts.join(" · ");
}

function statusName(state) {
  if (state.offline) return "offline";
  if (state.signedOut) return "signed-out";
  if (state.attention) return "attention";
  return state.waiting ? "waiting" : "synced";
}

function renderAccountNotice(state) {
  const notice = $("#account-notice");
  notice.hidden = !state.signedOut;
  if (!state.signedOut) return;
  const waiting = state.waiting;
  notice.textContent = "";
  notice.appendChild(document.createTextNode(waiting ? "Your session has ended. " : "You are not signed in. "));
  notice.appendChild(element("a", { href: LOGIN }, "Sign in"));
  const after = waiting ? ` to send the ${waiting} waiting: they stay on this phone until then.` : " to sync this phone.";
  notice.appendChild(document.createTextNode(after));
}

export function renderStatus() {
  const state = syncState();
  const status = $("#sync-status");
  status.textContent = statusText(state);
  status.setAttribute("data-state", statusName(state));
  $("#sync-now").hidden = state.offline;
  renderAccountNotice(state);
}

// --- Waiting to sync --------------------------------------------------------------------------

function errorList(errors) {
  const list = element("ul", { class: "errorlist" });
  Object.entries(errors || {}).forEach(([field, messages]) => {
    messages.forEach((message) => list.appendChild(element("li", {}, `${field.replace(/_/g, " ")}: ${message}`)));
  });
  return list;
}

function conflictSide(title, text) {
  const side = element("div");
  side.appendChild(element("h3", {}, title));
  side.appendChild(element("p", {}, text));
  return side;
}

function conflictSides(item) {
  const sides = element("div", { class: "conflict-sides" });
  const server = item.server.deleted_at ? "Deleted" : texts.entryText(item.kind, item.server, true);
  sides.appendChild(conflictSide("On the other device (saved)", server));
  sides.appendChild(conflictSide("On this phone", item.deleted ? "Deleted" : texts.entryText(item.kind, item.body, true)));
  return sides;
}

function waitingActions(item, text) {
  const actions = element("div", { class: "actions" });
  if (item.status === "conflict") {
    actions.appendChild(button("Keep this phone's", "keep-phone", item.key, text));
    actions.appendChild(button("Keep the other device's", "keep-server", item.key, text));
    return actions;
  }
  if (!item.deleted) actions.appendChild(button(item.status === "invalid" ? "Fix" : "Edit", "edit", item.key, text));
  if (item.deleted) actions.appendChild(button("Keep it after all", "undelete", item.key, text));
  else actions.appendChild(button("Delete", "delete", item.key, text));
  return actions;
}

function waitingEntry(item) {
  const li = element("li", { "data-key": item.key, "data-status": item.status });
  const text = item.deleted ? texts.deleteText(item) : texts.entryText(item.kind, item.body, true);
  li.appendChild(element("p", { class: "entry-text" }, text));
  const flags = item.deleted ? null : redFlagNotice(item.kind, item.body);
  if (flags) li.appendChild(flags);
  li.appendChild(element("span", { class: "entry-state" }, texts.WAITING_STATES[item.status]));
  if (item.status === "invalid") li.appendChild(errorList(item.errors));
  if (item.status === "conflict") li.appendChild(conflictSides(item));
  li.appendChild(waitingActions(item, text));
  return li;
}

function renderWaiting() {
  const list = $("#waiting-list");
  list.textContent = "";
  const items = page.items.filter(mine).sort((a, b) => (a.queued_at < b.queued_at ? -1 : 1));
  items.forEach((item) => list.appendChild(waitingEntry(item)));
  const others = page.items.length - items.length;
  if (others) {
    const [wait, they] = others === 1 ? ["waits", "it is"] : ["wait", "they are"];
    const words = `logged under another account ${wait} on this phone, locked: ${they} sent when that account signs in here again.`;
    list.appendChild(element("li", { class: "others" }, `${texts.entriesText(others)} ${words}`));
  }
  $("#waiting").hidden = !page.items.length;
}

// --- The last 30 days -------------------------------------------------------------------------

function recentActions(entry, text) {
  const actions = element("div", { class: "actions" });
  if (entry.kind === "episode" && entry.body.ongoing) {
    const end = button("It stopped", "end", entry.key, text);
    end.className = "small"; // the one thing to do about an episode still going
    actions.appendChild(end);
  }
  actions.appendChild(button("Edit", "edit", entry.key, text));
  actions.appendChild(button("Delete", "delete", entry.key, text));
  return actions;
}

function recentEntry(entry) {
  const text = texts.entryText(entry.kind, entry.body, false);
  const li = element("li", { "data-key": entry.key });
  li.appendChild(element("p", { class: "entry-text" }, text));
  const flags = redFlagNotice(entry.kind, entry.body);
  if (flags) li.appendChild(flags);
  // An invalid or conflicting entry waits on the person, not on the network.
  if (entry.status) li.appendChild(element("span", { class: "entry-state" }, texts.RECENT_STATES[entry.status]));
  li.appendChild(recentActions(entry, text));
  return li;
}

// Newest first, by day.
function renderRecent() {
  const recent = $("#recent-list");
  recent.textContent = "";
  const entries = recentEntries();
  let day = null;
  let list = null;
  entries.forEach((entry) => {
    const when = entryDay(entry);
    if (when !== day) {
      day = when;
      recent.appendChild(element("h3", { class: "day-title" }, texts.dayFormat.format(new Date(`${when}T12:00`))));
      list = recent.appendChild(element("ul", { class: "entry-list" }));
    }
    list.appendChild(recentEntry(entry));
  });
  $("#recent-empty").hidden = entries.length > 0;
}

// --- The episode form, from the reference data -------------------------------------------------

let placesShown = null; // what the recent places were last drawn from

export function buildForm() {
  buildEpisodeForm(episodeForm, page.reference.document, groupLabels);
  if (!page.editing) resetEpisode(episodeForm, new Date());
  placesShown = null;
  renderPlaces();
  episodeForm.hidden = false;
  $("#reference-missing").hidden = true;
}

// The places logged lately (this phone's records and queue, so offline too) as one-tap chips,
// redrawn when they change and nothing is being logged.
export function renderPlaces() {
  if (!page.reference || page.editing || values(episodeForm, "locations").length) return;
  const episodes = recentEntries()
    .filter((entry) => entry.kind === "episode")
    .map((entry) => entry.body);
  const last = episodes[0];
  const seen = JSON.stringify([episodes.map((body) => body.locations), last && [last.duration_seconds, last.ongoing, last.intensity]]);
  if (seen === placesShown) return;
  placesShown = seen;
  showPlaces(episodeForm, page.reference.document, groupLabels, episodes);
}

// --- The rest ---------------------------------------------------------------------------------

function renderAccount() {
  const name = (page.account && page.account.username) || null;
  $("#account").hidden = !name;
  $("#account-name").textContent = name ? `Signed in as ${name}.` : "";
}

// A day with episodes had twitching: the check-in form says so instead of asking, and the
// check-in is saved with twitching_today true (as the check-in page does).
export function showDaysTwitching() {
  const day = $("#checkin-date").value;
  const logged = day ? episodesOn(day) : 0;
  const known = $("#checkin-twitching-known");
  known.textContent = "";
  if (logged) {
    const when = day === localDate(new Date()) ? "today" : "that day";
    known.appendChild(element("strong", {}, `Twitching ${when}: yes`));
    known.appendChild(document.createTextNode(`, ${texts.episodesText(logged)} logged.`));
  }
  known.hidden = !logged;
  $("#checkin-twitching").hidden = Boolean(logged);
}

// The weekly check: its card while one is due, and what became of the one just saved.
function renderWeekly() {
  $("#weekly-card").hidden = !weeklyDue(new Date());
  if (!page.weeklySaved) return;
  const item = page.items.find((i) => i.key === page.weeklySaved);
  let text = "Sent.";
  if (item && item.status === "waiting") text = "Saved on this phone. It is sent when the phone is online.";
  else if (item) text = "Saved on this phone, not sent: see Waiting to sync.";
  $("#weekly-saved-status").textContent = text;
}

export function render() {
  renderPlaces();
  renderWeekly();
  renderStatus();
  renderWaiting();
  renderRecent();
  renderAccount();
  showDaysTwitching();
}
