// The weekly function check's screen, at #weekly-check: proposed by a card while none is held for
// the last 7 days (state.js, weeklyDue), reachable from the menu at any time. Saved into the
// phone's queue like a check-in (one per day: a second save of the day replaces the queued one),
// then sent with the next sync. A yes to a warning sign says "see a doctor soon" at once, offline
// too, with the same notice as a red-flag symptom (render.js).

import { allNo, fillFunctionCheck, readFunctionCheck, showWhere } from "../function-check-form.js";
import { showErrors } from "../fields.js";
import * as queue from "../queue.js";
import * as store from "../store.js";
import { localDate } from "../times.js";
import { page, find, baseOf } from "./state.js";
import { $, announceSaved, banner, redFlagNotice } from "./render.js";
import { dayFormat } from "./texts.js";
import { queued } from "./syncing.js";

const HASH = "#weekly-check";
const form = $("#weekly-form");
let shown = false;
let touched = false; // the person has answered something since the form opened

// The form on `day`'s check as the phone holds it (a day has one, as for check-ins; saving edits
// it), or empty.
function prepare(day) {
  const key = store.functionCheckKey(day);
  const entry = find(key);
  const held = entry && !(entry.item && entry.item.deleted) ? entry : null;
  fillFunctionCheck(form, held ? held.body : { date: day });
  page.editingWeekly = held ? { key, baseVersion: held.queued ? undefined : held.version } : null;
  // Opened to fix what the server refused: its errors, under their field or above the form.
  const errors = held && held.item && held.item.status === "invalid" ? held.item.errors : {};
  banner($("#weekly-errors"), showErrors(form, "weekly-error-", errors));
  touched = false;
  sayAnswered();
}

// Beside Save: which day, and how many questions are answered.
function sayAnswered() {
  const day = form.querySelector("#weekly-date").value;
  const when = day === localDate(new Date()) ? "Today" : dayFormat.format(new Date(`${day}T12:00`));
  const answered = new Set(Array.from(form.querySelectorAll(".yes-no input:checked"), (input) => input.name)).size;
  const asked = form.querySelectorAll(".yes-no").length;
  $("#weekly-words").textContent = `${when} · ${answered} of ${asked} answered`;
}

function open() {
  page.weeklySaved = null;
  form.hidden = false;
  $("#weekly-saved").hidden = true;
  $("#weekly-saved-status").textContent = "";
  $("#weekly-notice").textContent = "";
  prepare(page.weeklyDate || localDate(new Date()));
  page.weeklyDate = null;
  $("#quick-title").focus();
}

// Shows the screen the address names: the log, or the weekly check.
export function showScreen() {
  const weekly = window.location.hash === HASH;
  $("#log-screen").hidden = weekly;
  $("#weekly-screen").hidden = !weekly;
  $("#quick-title").textContent = weekly ? "Weekly check" : "Quick log";
  document.querySelectorAll(".site-nav a[href^='/quick/']").forEach((link) => {
    if (link.hash === (weekly ? HASH : "")) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  });
  document.title = document.title.replace(/^(Quick log|Weekly check)/, weekly ? "Weekly check" : "Quick log");
  if (weekly && !shown) open();
  shown = weekly;
  window.scrollTo(0, 0);
}

// Once the phone's entries are read: a form opened before holds the day's check as it is now.
export function refreshWeekly() {
  if (shown && !touched && !form.hidden) prepare(form.querySelector("#weekly-date").value);
}

// Opens the check of `day` (an edit from the lists).
export function editWeekly(day) {
  page.weeklyDate = day;
  if (window.location.hash === HASH) {
    shown = false;
    showScreen();
  } else window.location.hash = HASH;
}

function close() {
  page.weeklySaved = null;
  page.editingWeekly = null;
  window.history.pushState(null, "", window.location.pathname + window.location.search);
  showScreen();
}

function onSubmit(event) {
  event.preventDefault();
  const read = readFunctionCheck(form);
  if (read.errors) {
    banner($("#weekly-errors"), read.errors.__all__);
    return undefined;
  }
  const key = store.functionCheckKey(read.body.date);
  const editing = page.editingWeekly;
  // As for check-ins: opened on a record, the edit is based on its version; opened on a queued
  // one, on what the phone holds now (it may have been sent since).
  const known = editing && editing.key === key && editing.baseVersion !== undefined;
  return queue.queueFunctionCheck(read.body, known ? editing.baseVersion : baseOf(key)).then(() => {
    page.editingWeekly = null;
    page.weeklySaved = key;
    form.hidden = true;
    $("#weekly-errors").hidden = true;
    $("#weekly-saved-status").textContent = "Saved on this phone.";
    const notice = redFlagNotice("function_check", read.body);
    $("#weekly-notice").replaceChildren(...(notice ? [notice] : []));
    $("#weekly-saved").hidden = false;
    announceSaved("Weekly check saved on this phone.");
    return queued();
  });
}

export function listenWeekly() {
  window.addEventListener("hashchange", showScreen);
  window.addEventListener("popstate", showScreen);
  form.addEventListener("submit", onSubmit);
  form.addEventListener("change", (event) => {
    touched = true;
    if (event.target.name === "weakness") showWhere(form);
    sayAnswered();
  });
  $("#weekly-all-no").addEventListener("click", () => allNo(form));
  document.querySelectorAll("[data-weekly-close]").forEach((button) => button.addEventListener("click", close));
}
