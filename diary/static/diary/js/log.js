// The logging form's improvements; the form works without them (checkboxes and radios).
// - a shape of the body outline toggles its checkbox; a checked box colours its shapes;
// - a red-flag symptom, once checked, shows its "see a doctor soon" advice at once.
// Run by the logging page and by the quick log, whose form has the same names.

function enhance(form) {
  const box = (location) => form.querySelector(`input[name="locations"][value="${CSS.escape(location)}"]`);

  const paint = (checkbox) => {
    form.querySelectorAll(`.region[data-location="${CSS.escape(checkbox.value)}"]`).forEach((shape) => {
      shape.classList.toggle("on", checkbox.checked);
    });
  };

  const showAdvice = (checkbox) => {
    const advice = form.querySelector(`[data-advice-for="${CSS.escape(checkbox.value)}"]`);
    if (advice) advice.hidden = !checkbox.checked;
  };

  form.querySelectorAll(".region[data-location]").forEach((shape) => {
    shape.addEventListener("click", () => {
      const checkbox = box(shape.getAttribute("data-location"));
      if (!checkbox) return;
      checkbox.checked = !checkbox.checked;
      checkbox.dispatchEvent(new Event("change", { bubbles: true }));
    });
  });

  form.addEventListener("change", (event) => {
    const target = event.target;
    if (target.name === "locations") paint(target);
    if (target.name === "symptoms") showAdvice(target);
  });

  // The page may come back from the browser's cache with boxes checked: match them.
  form.querySelectorAll('input[name="locations"]').forEach(paint);
  form.querySelectorAll('input[name="symptoms"]').forEach(showAdvice);
}

const form = document.querySelector("form.episode-form");
if (form) enhance(form);
