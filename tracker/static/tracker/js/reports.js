// The reports page: show the From/To dates only while "Choose the dates" is the period; copy a
// new share link. (htmx follows the reports being built: see reports/report_state.html.)
// Without JavaScript the dates always show (a preset leaves them aside) and the link stays
// selectable in its read-only field.

// The dates of a range (reports/range_fields.html): shown while the custom choice is checked
// (and on opening, wherever the server marked them in error); hidden otherwise, and disabled,
// so that a preset is sent without them.
function followRange(dates) {
  const form = dates.closest("form");
  const radios = Array.from(form.querySelectorAll(`input[type="radio"][name="${dates.dataset.rangeDates}"]`));
  const show = (shown) => {
    dates.hidden = !shown;
    dates.querySelectorAll("input").forEach((input) => {
      input.disabled = !shown;
    });
  };
  const custom = () => radios.some((radio) => radio.checked && radio.value === dates.dataset.rangeCustom);
  radios.forEach((radio) => radio.addEventListener("change", () => show(custom())));
  show(custom() || dates.querySelector(".errorlist") !== null);
}

function copy(button) {
  const input = document.getElementById(button.dataset.copy);
  const status = document.querySelector("[data-copy-status]");
  const say = (words) => {
    if (status) status.textContent = words;
  };
  const selectIt = () => {
    input.focus();
    input.select();
  };
  if (navigator.clipboard && navigator.clipboard.writeText) {
    navigator.clipboard.writeText(input.value).then(
      () => say("Copied. Paste it into your message to the doctor."),
      () => {
        selectIt();
        say("Could not copy: the link is selected, copy it with your keyboard.");
      },
    );
  } else {
    selectIt();
    say("The link is selected: copy it with your keyboard.");
  }
}

// (A module runs once the page is parsed.)
document.querySelectorAll("[data-range-dates]").forEach(followRange);
document.querySelectorAll("[data-copy]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => copy(button));
});
