// What the person does on the quick log: save an episode or a check-in, edit, delete, end an
// episode still going, settle a conflict, sign out (the weekly check's screen is weekly.js). Everything goes to the phone's queue first
// (queue.js) and is sent when the network allows (syncing.js).

import { forgetSynced } from "../api.js";
import { fillCheckin, readCheckin, resetCheckin } from "../checkin-form.js";
import { fillEpisode, readEpisode, resetEpisode } from "../episode-form.js";
import { showErrors } from "../fields.js";
import { showSaved, wordsOf } from "../../log-form.js";
import * as queue from "../queue.js";
import * as store from "../store.js";
import { page, find, baseOf, episodesOn } from "./state.js";
import { $, LOGIN, episodeForm, checkinForm, banner, announceSaved, showDaysTwitching } from "./render.js";
import { durationText, signOutQuestion } from "./texts.js";
import { csrfToken, load, queued } from "./syncing.js";
import { editWeekly } from "./weekly.js";

// The longest an episode can last (diary.models.MAX_DURATION_SECONDS): one still going for
// longer is not ended "now" (that duration would be made up), the person says how long.
const MAX_DURATION = Number(episodeForm.getAttribute("data-max-duration"));

// What an episode's body says, as the sync contract takes it (a pulled record also carries
// the server's own fields: its version, offset and times).
const EPISODE_FIELDS = ["id", "started_at", "duration_seconds", "ongoing", "locations", "intensity", "pattern",
  "triggers", "symptoms", "notes", "source"];

function uuid() {
  if (self.crypto && crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => (b < 16 ? "0" : "") + b.toString(16)).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const episodeContent = (body) => Object.fromEntries(EPISODE_FIELDS.filter((name) => body[name] !== undefined).map((name) => [name, body[name]]));

const ENQUEUE = { episode: queue.queueEpisode, checkin: queue.queueCheckin, function_check: queue.queueFunctionCheck };

const enqueueBody = (kind, body, baseVersion) => ENQUEUE[kind](body, baseVersion);

const shownErrors = (entry) => (entry.item && entry.item.status === "invalid" ? entry.item.errors : {});

// --- Editing ------------------------------------------------------------------------------------

function editEpisode(key, entry, baseVersion) {
  page.editing = { key, id: entry.body.id, baseVersion };
  fillEpisode(episodeForm, entry.body);
  showErrors(episodeForm, "error-", shownErrors(entry));
  episodeForm.classList.add("editing");
  $("#episode-save").textContent = "Save changes";
  $("#episode-cancel").hidden = false;
  $("#log-title").textContent = "Edit the episode";
  $("#log-title").scrollIntoView();
  $("#started_at").focus();
}

function editCheckin(key, entry, baseVersion) {
  page.editingCheckin = { key, baseVersion };
  fillCheckin(checkinForm, entry.body);
  showErrors(checkinForm, "checkin-error-", shownErrors(entry));
  showDaysTwitching();
  checkinForm.classList.add("editing");
  $("#checkin-section").open = true;
  $("#checkin-cancel").hidden = false;
  $("#checkin-date").focus();
}

function edit(key, entry) {
  const baseVersion = entry.queued ? undefined : entry.version;
  if (entry.kind === "episode") editEpisode(key, entry, baseVersion);
  else if (entry.kind === "function_check") editWeekly(entry.body.date);
  else editCheckin(key, entry, baseVersion);
}

export function stopEditing() {
  page.editing = null;
  episodeForm.classList.remove("editing");
  $("#episode-save").textContent = "Save episode";
  $("#episode-cancel").hidden = true;
  $("#log-title").textContent = "Log an episode";
  $("#form-errors").hidden = true;
  resetEpisode(episodeForm, new Date());
}

// A day has one check-in, so the form shows the one the phone holds for the day picked (as the
// web page does), and saving edits it. Empty instead, it replaced the day's other measures with
// nothing, unseen: the web page's, or the phone's own from earlier that day.
export function showDaysCheckin() {
  const key = store.checkinKey($("#checkin-date").value);
  const entry = find(key);
  if (entry && !(entry.item && entry.item.deleted)) {
    fillCheckin(checkinForm, entry.body);
    page.editingCheckin = { key, baseVersion: entry.queued ? undefined : entry.version };
  } else if (page.editingCheckin) {
    // from another day: its values are not this one's
    fillCheckin(checkinForm, { date: $("#checkin-date").value });
    page.editingCheckin = null;
  }
  showDaysTwitching();
}

export function stopEditingCheckin() {
  page.editingCheckin = null;
  checkinForm.classList.remove("editing");
  $("#checkin-cancel").hidden = true;
  $("#checkin-errors").hidden = true;
  resetCheckin(checkinForm, new Date());
  showDaysCheckin();
}

// --- Acting on an entry -------------------------------------------------------------------------

// "It stopped": the episode still going lasted from its start until now, measured on this
// phone (the moment of the tap, not of a sync that may come hours later), queued like any
// edit and sent when the network allows.
function endNow(key, entry) {
  if (entry.kind !== "episode" || !entry.body.ongoing) return undefined;
  const seconds = Math.max(1, Math.floor((Date.now() - Date.parse(entry.body.started_at)) / 1000));
  if (seconds > MAX_DURATION) {
    edit(key, entry);
    const days = Math.floor(MAX_DURATION / (24 * 3600));
    const message = `It started more than ${days} days ago, longer than an episode can last: say how long it lasted.`;
    showErrors(episodeForm, "error-", { duration_seconds: [message] });
    banner($("#form-errors"), [message]);
    return undefined;
  }
  const body = { ...episodeContent(entry.body), ongoing: false, duration_seconds: seconds };
  return queue.queueEpisode(body, entry.queued ? undefined : entry.version).then(() => {
    announceSaved(`Episode ended on this phone: it lasted ${durationText(seconds)}.`);
    return queued();
  });
}

function remove(key, entry) {
  const body = { ...(entry.kind === "episode" ? { id: entry.body.id } : { date: entry.body.date }), ...entry.body };
  return queue.queueDelete(key, entry.kind, body, entry.queued ? undefined : entry.version).then(queued);
}

const ENTRY_ACTIONS = {
  edit,
  end: endNow,
  delete: remove,
  undelete: (key, entry) => enqueueBody(entry.kind, entry.body, undefined).then(queued),
  "keep-phone": (key) => queue.keepPhone(key, uuid()).then(queued),
  "keep-server": (key) => queue.keepServer(key).then(queued),
};

export function onEntryAction(event) {
  const target = event.target.closest("button[data-action]");
  if (!target) return undefined;
  const key = target.getAttribute("data-key");
  const entry = find(key);
  const act = ENTRY_ACTIONS[target.getAttribute("data-action")];
  return entry && act ? act(key, entry) : undefined;
}

// --- Saving the forms ---------------------------------------------------------------------------

export function onEpisodeSubmit(event) {
  event.preventDefault();
  const editing = page.editing;
  const read = readEpisode(episodeForm, editing ? editing.id : uuid(), new Date());
  if (read.errors) {
    const rest = showErrors(episodeForm, "error-", read.errors);
    banner($("#form-errors"), ["Please check the fields marked below."].concat(rest));
    const first = episodeForm.querySelector("ul.errorlist:not([hidden])");
    if (first) first.scrollIntoView({ block: "center" });
    return;
  }
  const words = wordsOf(episodeForm);
  queue.queueEpisode(read.body, editing ? editing.baseVersion : null).then(() => {
    stopEditing();
    announceSaved(editing ? "Changes saved on this phone." : "Episode saved on this phone.");
    // Next to Save, where the words were: what was saved, and whether it has yet to be sent.
    const offline = navigator.onLine === false || (page.last && page.last.state === "offline");
    showSaved(episodeForm, `${offline ? "Saved on this phone, will sync" : "Saved"}: ${words}.`);
    return queued();
  });
}

export function onCheckinSubmit(event) {
  event.preventDefault();
  const read = readCheckin(checkinForm, new Date());
  if (read.errors) {
    showErrors(checkinForm, "checkin-error-", read.errors);
    banner($("#checkin-errors"), ["Please check the fields marked below."]);
    return;
  }
  if (episodesOn(read.body.date)) read.body.twitching_today = true;
  const key = store.checkinKey(read.body.date);
  const editing = page.editingCheckin;
  // A check-in is one per day: saving a day the phone already holds is an edit of it. Opened
  // from the queue, it is based on what the phone holds now: the queued one may have synced.
  const known = editing && editing.key === key && editing.baseVersion !== undefined;
  const base = known ? editing.baseVersion : baseOf(key);
  queue
    .queueCheckin(read.body, base)
    .then(load)
    .then(() => {
      stopEditingCheckin();
      announceSaved("Check-in saved on this phone.");
      return queued();
    });
}

// --- Signing out --------------------------------------------------------------------------------

export function signOut() {
  const waiting = page.items.filter((i) => i.owner === page.owner).length;
  if (waiting && !window.confirm(signOutQuestion(waiting))) return;
  csrfToken()
    .then((token) => fetch("/accounts/logout/", { method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": token } }))
    // This account's copy of its diary leaves the phone; its unsent entries stay, held for it.
    .then(forgetSynced)
    .then(
      () => window.location.assign(LOGIN),
      () => {
        $("#sync-status").textContent = "Could not log out: no network. Try again when online.";
      },
    );
}
