// Sign up: set the time zone from the browser's, when the form is fresh (the select carries
// data-guess-time-zone) and the browser's zone is one of the choices. The person can still
// change it; without JavaScript the select stays at UTC and its help text says so.
(function () {
  "use strict";
  var select = document.querySelector("select[data-guess-time-zone]");
  if (!select) {
    return;
  }
  var zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (error) {
    return; // an old browser: UTC it is, as the help text says
  }
  var known = Array.prototype.some.call(select.options, function (option) {
    return option.value === zone;
  });
  if (!known) {
    return;
  }
  select.value = zone;
  var help = document.getElementById(select.id + "_helptext");
  if (help) {
    help.textContent = "Set from your browser (" + zone.replace(/_/g, " ") + "). Change it if it is not where you live.";
  }
})();
