// The logging form's improvements; the form works without them (checkboxes and radios).
// - a shape of the body outline toggles its checkbox; a checked box colours its shapes;
// - a red-flag symptom, once checked, shows its "see a doctor soon" advice at once.
(function () {
  "use strict";
  var form = document.querySelector("form.episode-form");
  if (!form) return;

  function box(location) {
    return form.querySelector('input[name="locations"][value="' + CSS.escape(location) + '"]');
  }

  function paint(checkbox) {
    form.querySelectorAll('.region[data-location="' + CSS.escape(checkbox.value) + '"]').forEach(function (shape) {
      shape.classList.toggle("on", checkbox.checked);
    });
  }

  function showAdvice(checkbox) {
    var advice = form.querySelector('[data-advice-for="' + CSS.escape(checkbox.value) + '"]');
    if (advice) advice.hidden = !checkbox.checked;
  }

  form.querySelectorAll(".region[data-location]").forEach(function (shape) {
    shape.addEventListener("click", function () {
      var checkbox = box(shape.getAttribute("data-location"));
      if (!checkbox) return;
      checkbox.checked = !checkbox.checked;
      checkbox.dispatchEvent(new Event("change", { bubbles: true }));
    });
  });

  form.addEventListener("change", function (event) {
    var target = event.target;
    if (target.name === "locations") paint(target);
    if (target.name === "symptoms") showAdvice(target);
  });

  // The page may come back from the browser's cache with boxes checked: match them.
  form.querySelectorAll('input[name="locations"]').forEach(paint);
  form.querySelectorAll('input[name="symptoms"]').forEach(showAdvice);
})();
