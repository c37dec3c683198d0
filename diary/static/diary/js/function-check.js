// The weekly function check (diary/templates/diary/function_check.html). "All no" sets every
// answer to no in place of saving at once (the button's own submit, without JavaScript, saves
// all-no), so that the person can then change what differs. "Where is the weakness?" shows only
// with a yes to weakness.

const form = document.getElementById("function-check");
const where = document.getElementById("weakness-where");
const said = document.getElementById("all-no-said");

function weaknessIsYes() {
  return form.querySelector('input[name="weakness"][value="yes"]').checked;
}

function showWhere() {
  where.hidden = !weaknessIsYes();
}

function allNo(event) {
  event.preventDefault();
  form.querySelectorAll('.question input[type="radio"][value="no"]').forEach((radio) => {
    radio.checked = true;
  });
  showWhere();
  said.textContent = "All set to no. Change any that differ, then save.";
}

if (form && where) {
  showWhere();
  form.querySelectorAll('input[name="weakness"]').forEach((radio) => radio.addEventListener("change", showWhere));
  document.getElementById("all-no").addEventListener("click", allNo);
}
