// The logging form's improvements, on the logging page and in the quick log (whose form has the
// same names); the form works without them (checkboxes and radios):
// - a shape of the body outline toggles its checkbox; a checked box colours its shapes;
// - a red-flag symptom, once checked, shows its "see a doctor soon" advice at once;
// - "Same as last time" sets the last episode's places, duration and strength;
// - next to Save, the entry in words before it is saved ("Left calf · about a minute ·
//   strength 4 · now"), and at the same place what was saved (showSaved).

const whenFormat = new Intl.DateTimeFormat(undefined, {
  weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit",
});

const labelText = (input) => input.closest("label").textContent.trim();

const checkedInput = (form, name) => form.querySelector(`input[name="${name}"]:checked`);

// "now" while the start is the one the form was opened with (data-now), else the time picked.
function whenWords(form) {
  const input = form.querySelector("#started_at");
  if (!input || !input.value) return "when?";
  if (input.value === input.getAttribute("data-now")) return "now";
  const date = new Date(input.value);
  return Number.isNaN(date.getTime()) ? input.value : whenFormat.format(date);
}

function durationWords(form) {
  const exact = form.querySelector("#duration_value");
  if (exact && exact.value.trim()) return `${exact.value.trim()} ${form.querySelector("#duration_unit").value}`;
  const preset = checkedInput(form, "duration");
  return preset ? labelText(preset).toLowerCase() : "how long?";
}

// The entry in words, as the form stands.
export function wordsOf(form) {
  const places = Array.from(form.querySelectorAll('input[name="locations"]:checked'), labelText);
  const strength = checkedInput(form, "intensity");
  const parts = [places.join(", ") || "where?", durationWords(form), strength ? `strength ${strength.value}` : "how strong?"];
  parts.push(whenWords(form));
  return parts.join(" · ");
}

// The words next to Save follow the form; a confirmation shown there gives way to them.
export function refreshWords(form) {
  const words = form.querySelector("#log-words");
  const saved = form.querySelector("#log-saved");
  if (!words) return;
  words.textContent = wordsOf(form);
  words.hidden = false;
  if (saved) saved.textContent = "";
}

// What was saved, next to Save, in place of the words (announced: the element is role=status).
export function showSaved(form, text) {
  form.querySelector("#log-words").hidden = true;
  form.querySelector("#log-saved").textContent = text;
}

function tick(form, name, wanted) {
  form.querySelectorAll(`input[name="${name}"]`).forEach((input) => {
    const on = wanted.includes(input.value);
    if (input.checked === on) return;
    input.checked = on;
    input.dispatchEvent(new Event("change", { bubbles: true }));
  });
}

// "Same as last time": the last episode's places, how long and how strong (not the rest).
function sameAsLast(form, button) {
  tick(form, "locations", (button.getAttribute("data-locations") || "").split(" "));
  const duration = button.getAttribute("data-duration") || "";
  const preset = form.querySelector(`input[name="duration"][value="${CSS.escape(duration)}"]`);
  const exact = form.querySelector("#duration_value");
  exact.value = preset || !duration ? "" : duration;
  if (!preset && duration) form.querySelector("#duration_unit").value = "seconds";
  tick(form, "duration", preset ? [duration] : []);
  tick(form, "intensity", [button.getAttribute("data-intensity")]);
  refreshWords(form);
}

function paint(form, checkbox) {
  form.querySelectorAll(`.region[data-location="${CSS.escape(checkbox.value)}"]`).forEach((shape) => {
    shape.classList.toggle("on", checkbox.checked);
  });
}

function showAdvice(form, checkbox) {
  const advice = form.querySelector(`[data-advice-for="${CSS.escape(checkbox.value)}"]`);
  if (advice) advice.hidden = !checkbox.checked;
}

// The shapes of the body outline toggle their checkbox, wherever it shows.
function onShape(form, event) {
  const shape = event.target.closest(".region[data-location]");
  if (!shape) return;
  const value = CSS.escape(shape.getAttribute("data-location"));
  const checkbox = form.querySelector(`input[name="locations"][value="${value}"]`);
  if (!checkbox) return;
  checkbox.checked = !checkbox.checked;
  checkbox.dispatchEvent(new Event("change", { bubbles: true }));
}

export function enhance(form) {
  form.addEventListener("click", (event) => {
    onShape(form, event);
    if (event.target.closest("#same-as-last")) sameAsLast(form, event.target.closest("#same-as-last"));
  });
  form.addEventListener("change", (event) => {
    const target = event.target;
    if (target.name === "locations") paint(form, target);
    if (target.name === "symptoms") showAdvice(form, target);
    refreshWords(form);
  });
  form.addEventListener("input", (event) => {
    if (["duration_value", "started_at"].includes(event.target.id)) refreshWords(form);
  });
  const same = form.querySelector("#same-as-last");
  if (same) same.hidden = !same.getAttribute("data-locations");
  // The page may come back from the browser's cache with boxes checked: match them.
  form.querySelectorAll('input[name="locations"]').forEach((box) => paint(form, box));
  form.querySelectorAll('input[name="symptoms"]').forEach((box) => showAdvice(form, box));
  if (!form.querySelector("#log-saved") || !form.querySelector("#log-saved").textContent.trim()) refreshWords(form);
}
