// Small helpers over the quick log's forms and elements: make an element, read and set
// checked boxes and radios, show field errors.

export function element(tag, attributes = {}, text = undefined) {
  const node = document.createElement(tag);
  Object.entries(attributes).forEach(([name, value]) => node.setAttribute(name, value));
  if (text !== undefined) node.textContent = text;
  return node;
}

export const values = (form, name) =>
  Array.from(form.querySelectorAll(`input[name="${name}"]:checked`), (input) => input.value);

export const checked = (form, name) => values(form, name)[0] || "";

export function setChecked(form, name, wanted) {
  form.querySelectorAll(`input[name="${name}"]`).forEach((input) => {
    input.checked = wanted.includes(input.value);
    input.dispatchEvent(new Event("change", { bubbles: true })); // the outline and the advice follow
  });
}

// Shows each field's messages in its list (id prefix + field name) and marks the field;
// answers the messages that have no field of their own, for the form's banner.
export function showErrors(form, prefix, errors) {
  let unplaced = [];
  form.querySelectorAll(`ul.errorlist[id^="${prefix}"]`).forEach((list) => {
    list.textContent = "";
    list.hidden = true;
  });
  form.querySelectorAll("[aria-invalid]").forEach((node) => node.removeAttribute("aria-invalid"));
  Object.keys(errors).forEach((field) => {
    const list = form.querySelector(`#${prefix}${field.replace(/[^a-z_]/gi, "")}`);
    if (!list) {
      unplaced = unplaced.concat(errors[field].map((message) => `${field}: ${message}`));
      return;
    }
    errors[field].forEach((message) => list.appendChild(element("li", {}, message)));
    list.hidden = false;
    const section = list.closest("details"); // an error in a folded section opens it
    if (section) section.open = true;
    const control = list.closest("fieldset") || list.previousElementSibling;
    if (control) control.setAttribute("aria-invalid", "true");
  });
  return unplaced;
}
