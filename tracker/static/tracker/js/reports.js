// The reports page: copy a new share link. (htmx follows the reports being built: see
// reports/report_state.html.) Without JavaScript the link stays selectable in its read-only
// field.

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
document.querySelectorAll("[data-copy]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => copy(button));
});
