// The quick log's weekly function check form: read into the body the sync contract takes (each
// sign "yes", "no" or null, as the wire writes it), filled back from one (to edit). The questions
// and their names come with the page (diary/pages/function_questions.py).

import { checked, setChecked, showErrors, values } from "./fields.js";

// {sign: {name, symptom}}, in the order asked (diary.plain.FUNCTION_SIGNS).
export const SIGNS = JSON.parse(document.querySelector("#function-signs").textContent);
const ORDER = Object.keys(SIGNS);
export const WARNING_SIGNS = ORDER.filter((sign) => SIGNS[sign].symptom); // all but cramps

// The places ticked ("leg:left", ...) as the contract's list: both sides of a limb are "both".
function placesOf(ticked) {
  const sides = {};
  ticked.forEach((value) => {
    const [limb, side] = value.split(":");
    sides[limb] = sides[limb] ? "both" : side;
  });
  return Object.entries(sides).map(([limb, side]) => ({ limb, side }));
}

// A record's places as boxes. "midline" (which the phone does not ask, another client may send)
// shows as both sides, the nearest the boxes can say.
function boxesOf(places) {
  return (places || []).flatMap(({ limb, side }) =>
    side === "left" || side === "right" ? [`${limb}:${side}`] : [`${limb}:left`, `${limb}:right`],
  );
}

// Where the weakness is, asked only after a yes to weakness.
export function showWhere(form) {
  const where = form.querySelector("#weekly-where");
  where.hidden = checked(form, "weakness") !== "yes";
}

export function readFunctionCheck(form) {
  const body = { date: form.querySelector("#weekly-date").value };
  ORDER.forEach((sign) => {
    const said = checked(form, sign);
    body[sign] = said === "yes" || said === "no" ? said : null;
  });
  body.weakness_where = body.weakness === "yes" ? placesOf(values(form, "weakness_where")) : [];
  body.notes = form.querySelector("#weekly-notes").value;
  if (ORDER.every((sign) => body[sign] === null)) return { errors: { __all__: ["Answer a question, or tap All no."] } };
  return { body };
}

export function fillFunctionCheck(form, body) {
  form.reset();
  form.querySelector("#weekly-date").value = body.date;
  ORDER.forEach((sign) => setChecked(form, sign, body[sign] ? [body[sign]] : []));
  setChecked(form, "weakness_where", boxesOf(body.weakness_where));
  form.querySelector("#weekly-notes").value = body.notes || "";
  showErrors(form, "weekly-error-", {});
  showWhere(form);
}

// "All no" in one tap: every question no, the places cleared; then the person changes what differs.
export function allNo(form) {
  ORDER.forEach((sign) => setChecked(form, sign, ["no"]));
  setChecked(form, "weakness_where", []);
  showWhere(form);
}

// The warning signs a check answers yes to (cramps are none).
export const warningsOf = (body) => WARNING_SIGNS.filter((sign) => body[sign] === "yes");

const placesText = (places) => places.map(({ limb, side }) => (side === "midline" ? limb : `${side} ${limb}`)).join(", ");

// A sign in a sentence, weakness with where it is: "weakness (left leg)".
export function signName(sign, body) {
  const places = sign === "weakness" ? body.weakness_where || [] : [];
  return places.length ? `${SIGNS[sign].name} (${placesText(places)})` : SIGNS[sign].name;
}
