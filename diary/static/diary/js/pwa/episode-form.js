// The quick log's episode form, built from the reference data the phone keeps (the same
// choices and labels as the logging page, diary/pages/episode_form.py). It reads into the body
// the sync contract takes and fills back from one (to edit); fields.js shows its errors, the
// phone's own or the server's, under their fields.

import { element, values, checked, setChecked, showErrors } from "./fields.js";
import { localInput, withOffset } from "./times.js";

const PRESETS = [5, 60, 300];
const ONGOING = "ongoing"; // the "Still going" choice: no duration until it ends
const UNITS = { seconds: 1, minutes: 60, hours: 3600 };

function chip(type, name, value, text, extra = {}) {
  const label = element("label", extra);
  label.appendChild(element("input", { type, name, value }));
  label.appendChild(document.createTextNode(` ${text}`));
  return label;
}

const lowerFirst = (text) => text.charAt(0).toLowerCase() + text.slice(1);

// --- Building the form ----------------------------------------------------------------------

// Replaces a fieldset's choices (keeping its legend and error list).
function fill(fieldset, items, make) {
  Array.from(fieldset.querySelectorAll("label")).forEach((old) => old.remove());
  items.forEach((item, index) => fieldset.appendChild(make(item, index)));
}

function regionChips(fieldset, region) {
  const place = (side, text) => {
    const value = `${region.code}:${side}`;
    fieldset.appendChild(chip("checkbox", "locations", value, text));
    // The body drawing's shape of the place takes the box's label as its name (data-name).
    document.querySelectorAll(`.region[data-location="${CSS.escape(value)}"]`).forEach((shape) => {
      shape.setAttribute("data-name", text);
    });
  };
  if (!region.has_sides) {
    place("midline", region.name);
    return;
  }
  place("left", `Left ${lowerFirst(region.name)}`);
  place("right", `Right ${lowerFirst(region.name)}`);
}

// The grouped places, but for those shown on top as recent (each checkbox once).
function buildRegions(groups, reference, groupLabels, recent) {
  groups.textContent = "";
  Object.keys(groupLabels).forEach((group) => {
    const regions = reference.regions.filter((region) => region.group === group);
    const fieldset = element("fieldset", { class: "chips" });
    fieldset.appendChild(element("legend", {}, groupLabels[group]));
    regions.forEach((region) => regionChips(fieldset, region));
    fieldset.querySelectorAll("input").forEach((input) => {
      if (recent.includes(input.value)) input.closest("label").remove();
    });
    if (fieldset.querySelector("input")) groups.appendChild(fieldset);
  });
}

// A red flag carries one small sign, explained by the sentence above the symptoms.
function symptomChip(symptom) {
  const label = chip("checkbox", "symptoms", symptom.code, symptom.name);
  if (symptom.red_flag) {
    label.appendChild(document.createTextNode(" "));
    label.appendChild(element("span", { class: "flag-mark", "aria-hidden": "true" }, "◆"));
    label.appendChild(element("span", { class: "visually-hidden" }, " (see a doctor soon)"));
  }
  return label;
}

function buildAdvice(advice, symptoms) {
  advice.textContent = "";
  symptoms
    .filter((symptom) => symptom.red_flag)
    .forEach((symptom) => {
      const box = element("div", { class: "red-flag", "data-advice-for": symptom.code, hidden: "" });
      box.appendChild(element("strong", {}, `See a doctor soon: ${symptom.name.toLowerCase()}.`));
      box.appendChild(document.createTextNode(` ${symptom.advice}`));
      advice.appendChild(box);
    });
}

export function buildEpisodeForm(form, reference, groupLabels) {
  buildRegions(form.querySelector("#region-groups"), reference, groupLabels, []);
  // No default: a pattern not chosen is not recorded.
  fill(form.querySelector("#patterns"), reference.patterns, (pattern) => chip("radio", "pattern", pattern.code, pattern.name));
  fill(form.querySelector("#triggers"), reference.triggers, (trigger) => chip("checkbox", "triggers", trigger.code, trigger.name));
  fill(form.querySelector("#symptoms"), reference.symptoms, symptomChip);
  buildAdvice(form.querySelector("#advice"), reference.symptoms);
}

// --- Reading the form -----------------------------------------------------------------------

// Left and right of one region ticked together are one location, "both" (as the logging page).
function locations(ticked) {
  const sides = new Map();
  ticked.forEach((value) => {
    const [region, side] = value.split(":");
    if (!sides.has(region)) sides.set(region, []);
    sides.get(region).push(side);
  });
  return Array.from(sides, ([region, found]) => ({ region, side: found.length > 1 ? "both" : found[0] }));
}

const exactDuration = (form) => form.querySelector("#duration_value").value.trim();

// "Still going" chosen, and no exact value (which wins, as on the logging page).
const stillGoing = (form) => exactDuration(form) === "" && checked(form, "duration") === ONGOING;

function duration(form) {
  const exact = exactDuration(form);
  if (exact !== "") {
    const number = Number(exact);
    const unit = UNITS[form.querySelector("#duration_unit").value] || 1;
    return Number.isFinite(number) ? Math.round(number * unit) : NaN;
  }
  const preset = checked(form, "duration");
  return preset ? Number(preset) : NaN;
}

function episodeErrors(started, ongoing, seconds, where, form, now) {
  const errors = {};
  if (!started) errors.started_at = ["Say when it started."];
  else if (Date.parse(started) > now.getTime() + 60 * 1000) errors.started_at = ["This is in the future."];
  if (!ongoing && !(seconds >= 1)) errors.duration_seconds = ["Say how long it lasted (at least a second)."];
  if (!where.length) errors.locations = ["Pick at least one place."];
  if (!checked(form, "intensity")) errors.intensity = ["Pick how strong it was."];
  return errors;
}

// The body to queue, or {errors} when the phone can already tell what is missing. The server
// checks everything again (codes, bounds) and answers field errors the same way.
export function readEpisode(form, id, now) {
  const started = withOffset(form.querySelector("#started_at").value, now);
  const ongoing = stillGoing(form);
  const seconds = ongoing ? null : duration(form);
  const where = locations(values(form, "locations"));
  const errors = episodeErrors(started, ongoing, seconds, where, form, now);
  if (Object.keys(errors).length) return { errors };
  return {
    body: {
      id,
      started_at: started,
      duration_seconds: seconds,
      ongoing,
      locations: where,
      intensity: Number(checked(form, "intensity")),
      pattern: checked(form, "pattern") || null, // not chosen: not recorded
      triggers: values(form, "triggers"),
      symptoms: values(form, "symptoms"),
      notes: form.querySelector("#notes").value,
      source: "mobile",
    },
  };
}

// --- Resetting and filling the form -----------------------------------------------------------

export function resetEpisode(form, now) {
  form.reset();
  const started = form.querySelector("#started_at");
  started.value = localInput(now);
  started.setAttribute("data-now", started.value); // said "now" until changed (log-form.js)
  setChecked(form, "locations", []);
  setChecked(form, "symptoms", []);
  showErrors(form, "error-", {});
}

const tickedLocations = (locations) =>
  locations.flatMap((location) =>
    location.side === "both" ? [`${location.region}:left`, `${location.region}:right`] : [`${location.region}:${location.side}`],
  );

function durationPreset(body) {
  if (body.ongoing) return ONGOING;
  return PRESETS.includes(body.duration_seconds) ? String(body.duration_seconds) : "";
}

export function fillEpisode(form, body) {
  form.reset();
  form.querySelector("#started_at").value = localInput(new Date(body.started_at));
  form.querySelector("#started_at").removeAttribute("data-now"); // its own time, not "now"
  setChecked(form, "locations", tickedLocations(body.locations));
  const preset = durationPreset(body);
  setChecked(form, "duration", [preset]);
  form.querySelector("#duration_value").value = preset ? "" : String(body.duration_seconds);
  form.querySelector("#duration_unit").value = "seconds";
  setChecked(form, "intensity", [String(body.intensity)]);
  setChecked(form, "pattern", body.pattern ? [body.pattern] : []);
  setChecked(form, "triggers", body.triggers || []);
  setChecked(form, "symptoms", body.symptoms || []);
  form.querySelector("#notes").value = body.notes || "";
}

// --- The places logged lately -----------------------------------------------------------------

const RECENT_PLACES = 6; // as the logging page (diary.selectors.RECENT_PLACES)

function regionLabels(reference) {
  const labels = {};
  reference.regions.forEach((region) => {
    if (!region.has_sides) labels[`${region.code}:midline`] = region.name;
    else {
      labels[`${region.code}:left`] = `Left ${lowerFirst(region.name)}`;
      labels[`${region.code}:right`] = `Right ${lowerFirst(region.name)}`;
    }
  });
  return labels;
}

// The places of `episodes` (the phone's, newest first) as keys, each once, at most RECENT_PLACES.
export function recentKeys(episodes, reference) {
  const labels = regionLabels(reference);
  const keys = episodes.flatMap((body) => tickedLocations(body.locations || []));
  return Array.from(new Set(keys)).filter((key) => key in labels).slice(0, RECENT_PLACES);
}

// The recent places on top (one tap each) and the rest grouped under "All places"; the boxes
// ticked stay ticked. "Same as last time" gets the latest episode's places, duration, strength.
export function showPlaces(form, reference, groupLabels, episodes) {
  const recent = recentKeys(episodes, reference);
  const labels = regionLabels(reference);
  const ticked = values(form, "locations");
  buildRegions(form.querySelector("#region-groups"), reference, groupLabels, recent);
  fill(form.querySelector("#recent-places"), recent, (key) => chip("checkbox", "locations", key, labels[key]));
  // The same boxes ticked as before, so nothing else changes (no change event: the words and
  // a confirmation next to Save stay as they are).
  form.querySelectorAll('input[name="locations"]').forEach((input) => {
    input.checked = ticked.includes(input.value);
  });
  form.querySelector("#no-recent").hidden = recent.length > 0;
  const same = form.querySelector("#same-as-last");
  const last = episodes[0];
  same.hidden = !last;
  if (!last) return recent;
  same.setAttribute("data-locations", tickedLocations(last.locations).join(" "));
  same.setAttribute("data-duration", last.ongoing ? ONGOING : String(last.duration_seconds || ""));
  same.setAttribute("data-intensity", String(last.intensity));
  return recent;
}
