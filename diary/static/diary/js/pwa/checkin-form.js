// The quick log's check-in form: read into the body the sync contract takes, filled back from
// one (to edit); fields.js shows its errors under their fields.

import "../clear-answer.js"; // the "Clear" of the optional twitching question
import { checked, setChecked, showErrors } from "./fields.js";
import { localDate } from "./times.js";

const NUMBERS = ["sleep_hours", "caffeine_cups", "stress", "exercise_minutes", "alcohol_units"];
const DAY_MS = 24 * 3600 * 1000;

function dateError(date, now) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return "Pick the day.";
  if (date > localDate(now)) return "This day has not come yet.";
  if (Date.parse(date) < now.getTime() - 366 * DAY_MS) return "Pick a day in the last year.";
  return null;
}

export function readCheckin(form, now) {
  const errors = {};
  const body = { date: form.querySelector("#checkin-date").value };
  const wrongDate = dateError(body.date, now);
  if (wrongDate) errors.date = [wrongDate];
  NUMBERS.forEach((name) => {
    const text = form.querySelector(`#checkin-${name}`).value.trim();
    const number = Number(text);
    if (text === "") body[name] = null;
    else if (!Number.isFinite(number) || number < 0) errors[name] = ["Enter a number of 0 or more."];
    else body[name] = number;
  });
  const said = checked(form, "twitching_today");
  body.twitching_today = said === "yes" ? true : said === "no" ? false : null;
  body.notes = form.querySelector("#checkin-notes").value;
  return Object.keys(errors).length ? { errors } : { body };
}

export function resetCheckin(form, now) {
  form.reset();
  form.querySelector("#checkin-date").value = localDate(now);
  showErrors(form, "checkin-error-", {});
}

export function fillCheckin(form, body) {
  form.reset();
  form.querySelector("#checkin-date").value = body.date;
  NUMBERS.forEach((name) => {
    const value = body[name];
    form.querySelector(`#checkin-${name}`).value = value === null || value === undefined ? "" : String(value);
  });
  const said = body.twitching_today === true ? "yes" : body.twitching_today === false ? "no" : "";
  setChecked(form, "twitching_today", [said]);
  form.querySelector("#checkin-notes").value = body.notes || "";
}
