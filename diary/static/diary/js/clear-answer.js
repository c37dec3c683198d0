// "Clear" beside an optional question answered with radio buttons (the check-in's "did you
// notice twitching?"): a tap cannot untick a radio button, so this takes the answer back, and
// the question is left unanswered (saved as not recorded). The button is hidden until this
// module runs; without JavaScript the page offers a "No answer" choice instead (<noscript>).
// Used by the check-in page and, through checkin-form.js, by the quick log.

function clearAnswer(button) {
  const radios = button.form.querySelectorAll(`input[type="radio"][name="${button.dataset.clearAnswer}"]`);
  radios.forEach((radio) => {
    radio.checked = false;
    radio.dispatchEvent(new Event("change", { bubbles: true }));
  });
  // The button hides with nothing chosen (site.css): the focus goes back to the question.
  if (radios.length) radios[0].focus();
}

// (A module runs once the page is parsed.)
document.querySelectorAll("button[data-clear-answer]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => clearAnswer(button));
});
