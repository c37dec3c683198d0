// The quick log's two forms: the episode form, built from the reference data the phone keeps
// (the same choices and labels as the logging page, diary/pages/episode_form.py), and the
// check-in form. Each reads into the body the sync contract takes, fills back from one (to
// edit), and shows field errors, the phone's own or the server's, under their fields.
(function (scope) {
  "use strict";

  var PRESETS = [5, 60, 300];
  var ONGOING = "ongoing";  // the "Still going" choice: no duration until it ends
  var UNITS = { seconds: 1, minutes: 60, hours: 3600 };
  var CHECKIN_NUMBERS = ["sleep_hours", "caffeine_cups", "stress", "exercise_minutes", "alcohol_units"];
  var DAY_MS = 24 * 3600 * 1000;

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function chip(type, name, value, text, extra) {
    var label = element("label", extra || {});
    var input = element("input", { type: type, name: name, value: value });
    label.appendChild(input);
    label.appendChild(document.createTextNode(" " + text));
    return label;
  }

  function lowerFirst(text) { return text.charAt(0).toLowerCase() + text.slice(1); }

  // --- Building the episode form -------------------------------------------------------------

  function buildEpisodeForm(form, reference, groupLabels) {
    var groups = form.querySelector("#region-groups");
    groups.textContent = "";
    Object.keys(groupLabels).forEach(function (group) {
      var regions = reference.regions.filter(function (region) { return region.group === group; });
      if (!regions.length) return;
      var fieldset = element("fieldset", { class: "chips" });
      fieldset.appendChild(element("legend", {}, groupLabels[group]));
      regions.forEach(function (region) {
        if (!region.has_sides) {
          fieldset.appendChild(chip("checkbox", "locations", region.code + ":midline", region.name));
          return;
        }
        fieldset.appendChild(chip("checkbox", "locations", region.code + ":left", "Left " + lowerFirst(region.name)));
        fieldset.appendChild(chip("checkbox", "locations", region.code + ":right", "Right " + lowerFirst(region.name)));
      });
      groups.appendChild(fieldset);
    });
    fill(form.querySelector("#patterns"), reference.patterns, function (pattern, index) {
      var label = chip("radio", "pattern", pattern.code, pattern.name);
      if (index === 0) label.firstChild.setAttribute("checked", "");  // the default, as on the logging page
      return label;
    });
    fill(form.querySelector("#triggers"), reference.triggers, function (trigger) {
      return chip("checkbox", "triggers", trigger.code, trigger.name);
    });
    fill(form.querySelector("#symptoms"), reference.symptoms, function (symptom) {
      var label = chip("checkbox", "symptoms", symptom.code, symptom.name, symptom.red_flag ? { class: "flagged" } : {});
      if (symptom.red_flag) {
        var mark = element("span", { class: "flag-mark", title: "Red flag: see a doctor soon" }, "!");
        mark.appendChild(element("span", { class: "visually-hidden" }, " (red flag)"));
        label.appendChild(document.createTextNode(" "));
        label.appendChild(mark);
      }
      return label;
    });
    var advice = form.querySelector("#advice");
    advice.textContent = "";
    reference.symptoms.filter(function (s) { return s.red_flag; }).forEach(function (symptom) {
      var box = element("div", { class: "red-flag", "data-advice-for": symptom.code, hidden: "" });
      box.appendChild(element("strong", {}, "See a doctor soon: " + symptom.name.toLowerCase() + "."));
      box.appendChild(document.createTextNode(" " + symptom.advice));
      advice.appendChild(box);
    });
  }

  // Replaces a fieldset's choices (keeping its legend and error list).
  function fill(fieldset, items, make) {
    Array.prototype.slice.call(fieldset.querySelectorAll("label")).forEach(function (old) { old.remove(); });
    items.forEach(function (item, index) { fieldset.appendChild(make(item, index)); });
  }

  // --- Times ---------------------------------------------------------------------------------

  function pad(number) { return (number < 10 ? "0" : "") + number; }

  function localInput(date) {
    return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate()) +
      "T" + pad(date.getHours()) + ":" + pad(date.getMinutes());
  }

  function localDate(date) {
    return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate());
  }

  // "2026-11-22T09:15" typed on the phone, as ISO 8601 with the UTC offset the phone's clock
  // had at that moment (the contract keeps it: it is part of what was logged). Read as the
  // logging page reads it (diary.pages.episode_form.repeated_hour_read): in the hour the clocks
  // go back, which comes twice, the second one if it is past already (the form's own "now" in
  // the second 02:45 is that one: read as the first, it was saved an hour early); a time the
  // clocks skipped, as the instant the browser makes of it (written with the offset of a
  // moment an hour away, it was an hour off).
  function withOffset(value, now) {
    var moment = new Date(value);
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value) || isNaN(moment.getTime())) return null;
    var shift = new Date(moment.getTime() + 3 * 3600 * 1000).getTimezoneOffset() - moment.getTimezoneOffset();
    var second = new Date(moment.getTime() + shift * 60 * 1000);  // the browser takes the first
    if (shift > 0 && localInput(second) === localInput(moment) && second <= now) moment = second;
    var minutes = -moment.getTimezoneOffset();
    var sign = minutes < 0 ? "-" : "+";
    var whole = Math.abs(minutes);
    return localInput(moment) + ":" + pad(moment.getSeconds()) + sign + pad(Math.floor(whole / 60)) + ":" + pad(whole % 60);
  }

  // --- Reading and filling the episode form ----------------------------------------------------

  function values(form, name) {
    return Array.prototype.map.call(form.querySelectorAll('input[name="' + name + '"]:checked'), function (input) {
      return input.value;
    });
  }

  function checked(form, name) { return values(form, name)[0] || ""; }

  // Left and right of one region ticked together are one location, "both" (as the logging page).
  function locations(ticked) {
    var sides = {};
    var order = [];
    ticked.forEach(function (value) {
      var parts = value.split(":");
      if (!sides[parts[0]]) { sides[parts[0]] = []; order.push(parts[0]); }
      sides[parts[0]].push(parts[1]);
    });
    return order.map(function (region) {
      var side = sides[region].length > 1 ? "both" : sides[region][0];
      return { region: region, side: side };
    });
  }

  function exactDuration(form) { return form.querySelector("#duration_value").value.trim(); }

  // "Still going" chosen, and no exact value (which wins, as on the logging page).
  function stillGoing(form) { return exactDuration(form) === "" && checked(form, "duration") === ONGOING; }

  function duration(form) {
    var exact = exactDuration(form);
    if (exact !== "") {
      var number = Number(exact);
      var unit = UNITS[form.querySelector("#duration_unit").value] || 1;
      return isFinite(number) ? Math.round(number * unit) : NaN;
    }
    var preset = checked(form, "duration");
    return preset ? Number(preset) : NaN;
  }

  // The body to queue, or {errors} when the phone can already tell what is missing. The server
  // checks everything again (codes, bounds) and answers field errors the same way.
  function readEpisode(form, id, now) {
    var errors = {};
    var started = withOffset(form.querySelector("#started_at").value, now);
    if (!started) errors.started_at = ["Say when it started."];
    else if (Date.parse(started) > now.getTime() + 60 * 1000) errors.started_at = ["This is in the future."];
    var ongoing = stillGoing(form);
    var seconds = ongoing ? null : duration(form);
    if (!ongoing && !(seconds >= 1)) errors.duration_seconds = ["Say how long it lasted (at least a second)."];
    var where = locations(values(form, "locations"));
    if (!where.length) errors.locations = ["Pick at least one place."];
    var intensity = checked(form, "intensity");
    if (!intensity) errors.intensity = ["Pick how strong it was."];
    var pattern = checked(form, "pattern");
    if (!pattern) errors.pattern = ["Pick what it was like."];
    if (Object.keys(errors).length) return { errors: errors };
    return {
      body: {
        id: id,
        started_at: started,
        duration_seconds: seconds,
        ongoing: ongoing,
        locations: where,
        intensity: Number(intensity),
        pattern: pattern,
        triggers: values(form, "triggers"),
        symptoms: values(form, "symptoms"),
        notes: form.querySelector("#notes").value,
        source: "mobile",
      },
    };
  }

  function setChecked(form, name, wanted) {
    form.querySelectorAll('input[name="' + name + '"]').forEach(function (input) {
      input.checked = wanted.indexOf(input.value) !== -1;
      input.dispatchEvent(new Event("change", { bubbles: true }));  // the outline and the advice follow
    });
  }

  function resetEpisode(form, now) {
    form.reset();
    form.querySelector("#started_at").value = localInput(now);
    setChecked(form, "locations", []);
    setChecked(form, "symptoms", []);
    showErrors(form, "error-", {});
  }

  function fillEpisode(form, body) {
    form.reset();
    form.querySelector("#started_at").value = localInput(new Date(body.started_at));
    var ticked = [];
    body.locations.forEach(function (location) {
      if (location.side === "both") ticked.push(location.region + ":left", location.region + ":right");
      else ticked.push(location.region + ":" + location.side);
    });
    setChecked(form, "locations", ticked);
    var preset = body.ongoing ? ONGOING : PRESETS.indexOf(body.duration_seconds) !== -1 ? String(body.duration_seconds) : "";
    setChecked(form, "duration", [preset]);
    form.querySelector("#duration_value").value = preset ? "" : String(body.duration_seconds);
    form.querySelector("#duration_unit").value = "seconds";
    setChecked(form, "intensity", [String(body.intensity)]);
    setChecked(form, "pattern", [body.pattern]);
    setChecked(form, "triggers", body.triggers || []);
    setChecked(form, "symptoms", body.symptoms || []);
    form.querySelector("#notes").value = body.notes || "";
  }

  // --- The check-in form ----------------------------------------------------------------------

  function readCheckin(form, now) {
    var errors = {};
    var body = { date: form.querySelector("#checkin-date").value };
    if (!/^\d{4}-\d{2}-\d{2}$/.test(body.date)) errors.date = ["Pick the day."];
    else if (body.date > localDate(now)) errors.date = ["This day has not come yet."];
    else if (Date.parse(body.date) < now.getTime() - 366 * DAY_MS) errors.date = ["Pick a day in the last year."];
    CHECKIN_NUMBERS.forEach(function (name) {
      var text = form.querySelector("#checkin-" + name).value.trim();
      var number = Number(text);
      if (text === "") body[name] = null;
      else if (!isFinite(number) || number < 0) errors[name] = ["Enter a number of 0 or more."];
      else body[name] = number;
    });
    var said = checked(form, "twitching_today");
    body.twitching_today = said === "yes" ? true : said === "no" ? false : null;
    body.notes = form.querySelector("#checkin-notes").value;
    return Object.keys(errors).length ? { errors: errors } : { body: body };
  }

  function resetCheckin(form, now) {
    form.reset();
    form.querySelector("#checkin-date").value = localDate(now);
    showErrors(form, "checkin-error-", {});
  }

  function fillCheckin(form, body) {
    form.reset();
    form.querySelector("#checkin-date").value = body.date;
    CHECKIN_NUMBERS.forEach(function (name) {
      form.querySelector("#checkin-" + name).value = body[name] === null || body[name] === undefined ? "" : String(body[name]);
    });
    var said = body.twitching_today === true ? "yes" : body.twitching_today === false ? "no" : "";
    setChecked(form, "twitching_today", [said]);
    form.querySelector("#checkin-notes").value = body.notes || "";
  }

  // --- Errors ---------------------------------------------------------------------------------

  // Shows each field's messages in its list (id prefix + field name) and marks the field;
  // answers the messages that have no field of their own, for the form's banner.
  function showErrors(form, prefix, errors) {
    var unplaced = [];
    form.querySelectorAll('ul.errorlist[id^="' + prefix + '"]').forEach(function (list) {
      list.textContent = "";
      list.hidden = true;
    });
    form.querySelectorAll("[aria-invalid]").forEach(function (node) { node.removeAttribute("aria-invalid"); });
    Object.keys(errors).forEach(function (field) {
      var list = form.querySelector("#" + prefix + field.replace(/[^a-z_]/gi, ""));
      if (!list) { unplaced = unplaced.concat(errors[field].map(function (m) { return field + ": " + m; })); return; }
      errors[field].forEach(function (message) { list.appendChild(element("li", {}, message)); });
      list.hidden = false;
      var control = list.closest("fieldset") || list.previousElementSibling;
      if (control) control.setAttribute("aria-invalid", "true");
    });
    return unplaced;
  }

  scope.TwitchForm = {
    element: element,
    buildEpisodeForm: buildEpisodeForm,
    readEpisode: readEpisode,
    resetEpisode: resetEpisode,
    fillEpisode: fillEpisode,
    readCheckin: readCheckin,
    resetCheckin: resetCheckin,
    fillCheckin: fillCheckin,
    showErrors: showErrors,
    localDate: localDate,
  };
})(self);
