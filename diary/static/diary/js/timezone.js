// Sign up: set the time zone from the browser's, when the form is fresh (the select carries
// data-guess-time-zone) and the browser's zone is one of the choices. The person can still
// change it; without JavaScript the select stays at UTC and its help text says so.

function browserZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (error) {
    return null; // an old browser: UTC it is, as the help text says
  }
}

function guess(select) {
  const zone = browserZone();
  if (zone === null || !Array.from(select.options).some((option) => option.value === zone)) return;
  select.value = zone;
  const help = document.getElementById(`${select.id}_helptext`);
  if (help) {
    help.textContent = `Set from your browser (${zone.replace(/_/g, " ")}). Change it if it is not where you live.`;
  }
}

const select = document.querySelector("select[data-guess-time-zone]");
if (select) guess(select);
