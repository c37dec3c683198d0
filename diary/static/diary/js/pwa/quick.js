// The quick log: the phone client's page. Everything logged here goes to the phone's queue
// first (IndexedDB, store.js), shows in "Waiting to sync", and is sent by sync.js when the
// network allows: at once, when the phone comes back online, on a timer, and through
// Background Sync where the browser has it. The page works the same with no network at all.
(function () {
  "use strict";

  var store = self.TwitchStore;
  var sync = self.TwitchSync;
  var forms = self.TwitchForm;
  var SYNC_EVERY_MS = 60 * 1000;  // while something waits
  var PULL_EVERY_MS = 5 * 60 * 1000;  // otherwise, to bring what other devices logged
  var LOGIN = "/accounts/login/?next=/quick/";

  var page = {
    reference: null,  // the reference document, as last kept
    account: null,  // {username} once the server said who is signed in
    last: null,  // the last sync's result
    editing: null,  // {key, baseVersion} of the entry the episode form edits
    editingCheckin: null,
    items: [],
    records: [],
    owner: null,
    lastSynced: null,
  };

  var $ = function (selector) { return document.querySelector(selector); };
  var episodeForm = $("#episode-form");
  var checkinForm = $("#checkin-form");
  // The longest an episode can last (diary.models.MAX_DURATION_SECONDS): one still going for
  // longer is not ended "now" (that duration would be made up), the person says how long.
  var MAX_DURATION = Number(episodeForm.getAttribute("data-max-duration"));
  var groupLabels = JSON.parse($("#group-labels").textContent);

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    var token = match ? decodeURIComponent(match[1]) : "";
    // The service worker cannot read cookies everywhere: it finds the token here.
    return store.setMeta("csrf", token).then(function () { return token; });
  }

  function uuid() {
    if (self.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b < 16 ? "0" : "") + b.toString(16); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  // --- Syncing ----------------------------------------------------------------------------------

  var syncing = null;
  var again = false;  // something was queued during a sync: one more run once it ends
  var retry = { timer: null, delay: 0 };
  var RETRY_FIRST_MS = 3000;

  function syncNow() {
    if (syncing) { again = true; return syncing; }
    if (navigator.onLine === false) { page.last = { state: "offline" }; return render(); }
    clearTimeout(retry.timer);
    syncing = sync.run({ csrfToken: csrfToken }).then(function (result) {
      if (result.state !== "busy") page.last = result;
      if (result.username) page.account = { username: result.username };
      if (result.state === "unreachable" || result.state === "error") retryLater();
      else retry.delay = 0;
      if (result.state !== "synced" && result.state !== "busy") askBackgroundSync();
      return load();
    }).catch(function () { /* the page shows the last state; the timer tries again */ }).then(function () {
      syncing = null;
      // Only for what still waits: the run that ended may have sent it (it waited for the lock).
      var rerun = again && page.items.some(waitingHere);
      again = false;
      if (rerun) return syncNow();
    });
    return syncing;
  }

  // A push cut off or a server that did not answer: try again soon, then less often (the
  // contract makes a resent push harmless).
  function retryLater() {
    retry.delay = Math.min(retry.delay ? retry.delay * 3 : RETRY_FIRST_MS, SYNC_EVERY_MS);
    retry.timer = setTimeout(syncNow, retry.delay);
  }

  // Where the browser has Background Sync, the service worker pushes the queue when the
  // network returns, even with the page closed.
  function askBackgroundSync() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.sync) return registration.sync.register("twitch-diary-sync");
    }).catch(function () { /* not allowed here: the page's own timer and events do it */ });
  }

  function queued() {
    askBackgroundSync();
    return load().then(function () { return syncNow(); });
  }

  // --- Reading the phone's data -----------------------------------------------------------------

  function load() {
    return Promise.all([store.all("queue"), store.all("records"), store.getMeta("owner"),
                        store.getMeta("last_synced"), store.getMeta("reference")]).then(function (read) {
      page.items = read[0];
      page.records = read[1];
      page.owner = read[2] || null;
      page.lastSynced = read[3] || null;
      if (read[4] && (!page.reference || page.reference.etag !== read[4].etag)) {
        page.reference = read[4];
        buildForm();
      }
      render();
    });
  }

  function mine(item) { return item.owner === null || item.owner === page.owner; }

  function waitingHere(item) { return mine(item) && item.status === "waiting"; }

  function buildForm() {
    forms.buildEpisodeForm(episodeForm, page.reference.document, groupLabels);
    if (!page.editing) forms.resetEpisode(episodeForm, new Date());
    episodeForm.hidden = false;
    $("#reference-missing").hidden = true;
  }

  // --- Words -------------------------------------------------------------------------------------

  function names(kind) {
    var table = {};
    if (page.reference) page.reference.document[kind].forEach(function (item) { table[item.code] = item.name; });
    return table;
  }

  function durationText(seconds) {
    if (seconds < 60) return seconds + " s";
    if (seconds < 3600) return Math.round(seconds / 60) + " min";
    return (Math.round(seconds / 360) / 10) + " h";
  }

  // "still going since 15:04", on this phone's clock; with the day when it is not today.
  function stillGoingText(startedAt) {
    var when = new Date(startedAt);
    var today = forms.localDate(when) === forms.localDate(new Date());
    return "still going since " + (today ? "" : dayFormat.format(when) + ", ") + timeFormat.format(when);
  }

  function placeText(location, regions) {
    var name = regions[location.region] || location.region;
    return location.side === "midline" ? name : name + " (" + location.side + ")";
  }

  var dayFormat = new Intl.DateTimeFormat(undefined, { weekday: "short", day: "numeric", month: "short" });
  var timeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });

  function episodeText(body, withDay) {
    var regions = names("regions");
    var patterns = names("patterns");
    var when = new Date(body.started_at);
    var places = body.locations.map(function (l) { return placeText(l, regions); }).join(", ");
    // Still going: its start is said once, with it ("still going since 15:04 · Calf (left)").
    var parts = body.ongoing ? [stillGoingText(body.started_at), places]
                             : [(withDay ? dayFormat.format(when) + ", " : "") + timeFormat.format(when), places,
                                durationText(body.duration_seconds)];
    parts.push(body.intensity + "/10", patterns[body.pattern] || body.pattern);
    var symptoms = names("symptoms");
    if (body.symptoms && body.symptoms.length) parts.push(body.symptoms.map(function (c) { return symptoms[c] || c; }).join(", "));
    return parts.join(" · ");
  }

  function checkinText(body, withDay) {
    var parts = [withDay ? "Check-in, " + dayFormat.format(new Date(body.date + "T12:00")) : "Check-in"];
    if (body.sleep_hours !== null && body.sleep_hours !== undefined) parts.push("sleep " + body.sleep_hours + " h");
    if (body.caffeine_cups !== null && body.caffeine_cups !== undefined) parts.push("caffeine " + body.caffeine_cups);
    if (body.stress !== null && body.stress !== undefined) parts.push("stress " + body.stress + "/10");
    if (body.exercise_minutes !== null && body.exercise_minutes !== undefined) parts.push("exercise " + body.exercise_minutes + " min");
    if (body.alcohol_units !== null && body.alcohol_units !== undefined) parts.push("alcohol " + body.alcohol_units);
    if (body.twitching_today !== null && body.twitching_today !== undefined) parts.push("twitching: " + (body.twitching_today ? "yes" : "no"));
    return parts.join(" · ");
  }

  function entryText(kind, body, withDay) {
    return kind === "episode" ? episodeText(body, withDay) : checkinText(body, withDay);
  }

  // A red-flag symptom always says "see a doctor soon", wherever the episode shows.
  function redFlagNotice(kind, body) {
    if (kind !== "episode" || !page.reference || !body.symptoms) return null;
    var flagged = page.reference.document.symptoms.filter(function (s) {
      return s.red_flag && body.symptoms.indexOf(s.code) !== -1;
    });
    if (!flagged.length) return null;
    var notice = element("div", { class: "red-flag" });
    flagged.forEach(function (symptom) {
      var line = element("p");
      line.appendChild(element("strong", {}, "See a doctor soon: " + symptom.name.toLowerCase() + "."));
      line.appendChild(document.createTextNode(" " + symptom.advice));
      notice.appendChild(line);
    });
    return notice;
  }

  function ago(time) {
    var minutes = Math.floor((Date.now() - time) / 60000);
    if (minutes < 1) return "synced just now";
    if (minutes < 60) return "synced " + minutes + " min ago";
    if (minutes < 48 * 60) return "synced " + Math.floor(minutes / 60) + " h ago";
    return "synced on " + dayFormat.format(new Date(time));
  }

  // --- Rendering -----------------------------------------------------------------------------------

  var element = forms.element;

  // A small button acting on one entry; its accessible name says which ("Edit: Sun 22 Nov...").
  function button(text, action, key, entryText) {
    return element("button", { type: "button", class: "small secondary outline", "data-action": action,
                               "data-key": key, "aria-label": text + ": " + entryText }, text);
  }

  function render() {
    renderStatus();
    renderWaiting();
    renderRecent();
    renderAccount();
    showDaysTwitching();
  }

  function renderStatus() {
    var items = page.items.filter(mine);
    var waiting = items.filter(function (i) { return i.status === "waiting"; }).length;
    var attention = items.length - waiting;
    var offline = navigator.onLine === false || (page.last && page.last.state === "offline");
    var signedOut = page.last && page.last.state === "signed-out";
    var parts = [];
    if (offline) parts.push("Offline");
    else if (signedOut) parts.push("Signed out");
    else if (page.last && (page.last.state === "unreachable" || page.last.state === "error")) parts.push("Could not sync");
    if (waiting) parts.push(waiting + " waiting");
    if (attention) parts.push(attention + " to check");
    parts.push(page.lastSynced ? ago(page.lastSynced) : "never synced");
    var status = $("#sync-status");
    status.textContent = parts.join(" · ");
    status.setAttribute("data-state", offline ? "offline" : signedOut ? "signed-out" : attention ? "attention" : waiting ? "waiting" : "synced");
    $("#sync-now").hidden = offline;
    var notice = $("#account-notice");
    if (signedOut) {
      notice.textContent = "";
      notice.appendChild(document.createTextNode(waiting ? "Your session has ended. " : "You are not signed in. "));
      notice.appendChild(element("a", { href: LOGIN }, "Sign in"));
      notice.appendChild(document.createTextNode(waiting ? " to send the " + waiting + " waiting: they stay on this phone until then." : " to sync this phone."));
      notice.hidden = false;
    } else {
      notice.hidden = true;
    }
  }

  function renderWaiting() {
    var list = $("#waiting-list");
    list.textContent = "";
    var items = page.items.filter(mine).sort(function (a, b) { return a.queued_at < b.queued_at ? -1 : 1; });
    items.forEach(function (item) { list.appendChild(waitingEntry(item)); });
    var others = page.items.length - items.length;
    if (others) {
      list.appendChild(element("li", { class: "others" }, others + (others === 1 ? " entry" : " entries") +
        " logged under another account wait on this phone. They are sent when that account signs in here again."));
    }
    $("#waiting").hidden = !page.items.length;
  }

  function waitingEntry(item) {
    var li = element("li", { "data-key": item.key, "data-status": item.status });
    var text = item.deleted ? "Delete: " + (item.body && item.body.started_at || item.body && item.body.date ? entryText(item.kind, item.body, true) : (item.kind === "episode" ? "an episode" : "the check-in of " + item.date))
                            : entryText(item.kind, item.body, true);
    li.appendChild(element("p", { class: "entry-text" }, text));
    var flags = item.deleted ? null : redFlagNotice(item.kind, item.body);
    if (flags) li.appendChild(flags);
    var state = { waiting: "Waiting to sync", invalid: "Not accepted by the server: fix it and it is sent again.",
                  conflict: "Changed on another device too. Keep one:" }[item.status];
    li.appendChild(element("span", { class: "entry-state" }, state));
    if (item.status === "invalid") li.appendChild(errorList(item.errors));
    if (item.status === "conflict") li.appendChild(conflictSides(item));
    var actions = element("div", { class: "actions" });
    if (item.status === "conflict") {
      actions.appendChild(button("Keep this phone's", "keep-phone", item.key, text));
      actions.appendChild(button("Keep the other device's", "keep-server", item.key, text));
    } else {
      if (!item.deleted) actions.appendChild(button(item.status === "invalid" ? "Fix" : "Edit", "edit", item.key, text));
      actions.appendChild(button(item.deleted ? "Keep it after all" : "Delete", item.deleted ? "undelete" : "delete", item.key, text));
    }
    li.appendChild(actions);
    return li;
  }

  function errorList(errors) {
    var list = element("ul", { class: "errorlist" });
    Object.keys(errors || {}).forEach(function (field) {
      errors[field].forEach(function (message) { list.appendChild(element("li", {}, field.replace(/_/g, " ") + ": " + message)); });
    });
    return list;
  }

  function conflictSides(item) {
    var sides = element("div", { class: "conflict-sides" });
    var server = element("div");
    server.appendChild(element("h3", {}, "On the other device (saved)"));
    server.appendChild(element("p", {}, item.server.deleted_at ? "Deleted" : entryText(item.kind, item.server, true)));
    var phone = element("div");
    phone.appendChild(element("h3", {}, "On this phone"));
    phone.appendChild(element("p", {}, item.deleted ? "Deleted" : entryText(item.kind, item.body, true)));
    sides.appendChild(server);
    sides.appendChild(phone);
    return sides;
  }

  // The last 30 days: the server's records as last pulled, with this phone's waiting changes
  // laid over them, newest first, by day.
  function recentEntries() {
    var byKey = {};
    page.records.forEach(function (row) { byKey[row.key] = { key: row.key, kind: row.kind, body: row.record, version: row.record.version }; });
    page.items.filter(mine).forEach(function (item) {
      if (item.deleted) { delete byKey[item.key]; return; }
      byKey[item.key] = { key: item.key, kind: item.kind, body: item.body, status: item.status };
    });
    var since = Date.now() - sync.RECENT_DAYS * 24 * 3600 * 1000;
    return Object.keys(byKey).map(function (key) { return byKey[key]; }).filter(function (entry) {
      return Date.parse(entry.kind === "episode" ? entry.body.started_at : entry.body.date + "T23:59") >= since;
    }).sort(function (a, b) { return sortTime(b) - sortTime(a); });
  }

  // The day an entry is listed under: an episode's on this phone's clock, a check-in's own.
  function entryDay(entry) {
    return entry.kind === "episode" ? forms.localDate(new Date(entry.body.started_at)) : entry.body.date;
  }

  function sortTime(entry) {
    return entry.kind === "episode" ? Date.parse(entry.body.started_at) : Date.parse(entry.body.date + "T23:59:59");
  }

  var RECENT_STATES = { waiting: "Waiting to sync", invalid: "Not accepted by the server: to check above",
                        conflict: "Changed on another device too: to check above" };

  function renderRecent() {
    var recent = $("#recent-list");
    recent.textContent = "";
    var entries = recentEntries();
    var day = null;
    var list = null;
    entries.forEach(function (entry) {
      var when = entryDay(entry);
      if (when !== day) {
        day = when;
        recent.appendChild(element("h3", { class: "day-title" }, dayFormat.format(new Date(when + "T12:00"))));
        list = recent.appendChild(element("ul", { class: "entry-list" }));
      }
      var text = entryText(entry.kind, entry.body, false);
      var li = element("li", { "data-key": entry.key });
      li.appendChild(element("p", { class: "entry-text" }, text));
      var flags = redFlagNotice(entry.kind, entry.body);
      if (flags) li.appendChild(flags);
      // An invalid or conflicting entry waits on the person, not on the network.
      if (entry.status) li.appendChild(element("span", { class: "entry-state" }, RECENT_STATES[entry.status]));
      var actions = element("div", { class: "actions" });
      if (entry.kind === "episode" && entry.body.ongoing) {
        var end = button("It stopped", "end", entry.key, text);
        end.className = "small";  // the one thing to do about an episode still going
        actions.appendChild(end);
      }
      actions.appendChild(button("Edit", "edit", entry.key, text));
      actions.appendChild(button("Delete", "delete", entry.key, text));
      li.appendChild(actions);
      list.appendChild(li);
    });
    $("#recent-empty").hidden = entries.length > 0;
  }

  function renderAccount() {
    var name = (page.account && page.account.username) || null;
    $("#account").hidden = !name;
    $("#account-name").textContent = name ? "Signed in as " + name + "." : "";
  }

  // --- Actions on entries --------------------------------------------------------------------------

  function find(key) {
    var item = page.items.filter(function (i) { return i.key === key; })[0];
    if (item) return { kind: item.kind, body: item.body, queued: true, item: item };
    var row = page.records.filter(function (r) { return r.key === key; })[0];
    return row ? { kind: row.kind, body: row.record, queued: false, version: row.record.version } : null;
  }

  function onEntryAction(event) {
    var target = event.target.closest("button[data-action]");
    if (!target) return;
    var key = target.getAttribute("data-key");
    var action = target.getAttribute("data-action");
    var entry = find(key);
    if (!entry) return;
    if (action === "edit") return edit(key, entry);
    if (action === "end") return endNow(key, entry);
    if (action === "delete") {
      var body = entry.kind === "episode" ? { id: entry.body.id } : { date: entry.body.date };
      Object.assign(body, entry.body);
      return sync.queueDelete(key, entry.kind, body, entry.queued ? undefined : entry.version).then(queued);
    }
    if (action === "undelete") return enqueueBody(entry.kind, entry.body, undefined).then(queued);
    if (action === "keep-phone") return sync.keepPhone(key, uuid()).then(queued);
    if (action === "keep-server") return sync.keepServer(key).then(queued);
  }

  // What an episode's body says, as the sync contract takes it (a pulled record also carries
  // the server's own fields: its version, offset and times).
  var EPISODE_FIELDS = ["id", "started_at", "duration_seconds", "ongoing", "locations", "intensity", "pattern",
                        "triggers", "symptoms", "notes", "source"];

  function episodeContent(body) {
    var content = {};
    EPISODE_FIELDS.forEach(function (name) { if (body[name] !== undefined) content[name] = body[name]; });
    return content;
  }

  // "It stopped": the episode still going lasted from its start until now, measured on this
  // phone (the moment of the tap, not of a sync that may come hours later), queued like any
  // edit and sent when the network allows.
  function endNow(key, entry) {
    if (entry.kind !== "episode" || !entry.body.ongoing) return;
    var seconds = Math.max(1, Math.floor((Date.now() - Date.parse(entry.body.started_at)) / 1000));
    if (seconds > MAX_DURATION) {
      edit(key, entry);
      var days = Math.floor(MAX_DURATION / (24 * 3600));
      var message = "It started more than " + days + " days ago, longer than an episode can last: say how long it lasted.";
      forms.showErrors(episodeForm, "error-", { duration_seconds: [message] });
      banner($("#form-errors"), [message]);
      return;
    }
    var body = Object.assign(episodeContent(entry.body), { ongoing: false, duration_seconds: seconds });
    return sync.queueEpisode(body, entry.queued ? undefined : entry.version).then(function () {
      announceSaved("Episode ended on this phone: it lasted " + durationText(seconds) + ".");
      return queued();
    });
  }

  function enqueueBody(kind, body, baseVersion) {
    return kind === "episode" ? sync.queueEpisode(body, baseVersion) : sync.queueCheckin(body, baseVersion);
  }

  function edit(key, entry) {
    var baseVersion = entry.queued ? undefined : entry.version;
    if (entry.kind === "episode") {
      page.editing = { key: key, id: entry.body.id, baseVersion: baseVersion };
      forms.fillEpisode(episodeForm, entry.body);
      forms.showErrors(episodeForm, "error-", entry.item && entry.item.status === "invalid" ? entry.item.errors : {});
      episodeForm.classList.add("editing");
      $("#episode-save").textContent = "Save changes";
      $("#episode-cancel").hidden = false;
      $("#log-title").textContent = "Edit the episode";
      $("#log-title").scrollIntoView();
      $("#started_at").focus();
    } else {
      page.editingCheckin = { key: key, baseVersion: baseVersion };
      forms.fillCheckin(checkinForm, entry.body);
      forms.showErrors(checkinForm, "checkin-error-", entry.item && entry.item.status === "invalid" ? entry.item.errors : {});
      showDaysTwitching();
      checkinForm.classList.add("editing");
      $("#checkin-section").open = true;
      $("#checkin-cancel").hidden = false;
      $("#checkin-date").focus();
    }
  }

  function stopEditing() {
    page.editing = null;
    episodeForm.classList.remove("editing");
    $("#episode-save").textContent = "Save episode";
    $("#episode-cancel").hidden = true;
    $("#log-title").textContent = "Log an episode";
    $("#form-errors").hidden = true;
    forms.resetEpisode(episodeForm, new Date());
  }

  function stopEditingCheckin() {
    page.editingCheckin = null;
    checkinForm.classList.remove("editing");
    $("#checkin-cancel").hidden = true;
    $("#checkin-errors").hidden = true;
    forms.resetCheckin(checkinForm, new Date());
    showDaysCheckin();
  }

  // A day has one check-in, so the form shows the one the phone holds for the day picked (as the
  // web page does), and saving edits it. Empty instead, it replaced the day's other measures with
  // nothing, unseen: the web page's, or the phone's own from earlier that day.
  function showDaysCheckin() {
    var key = store.checkinKey($("#checkin-date").value);
    var entry = find(key);
    if (entry && !(entry.item && entry.item.deleted)) {
      forms.fillCheckin(checkinForm, entry.body);
      page.editingCheckin = { key: key, baseVersion: entry.queued ? undefined : entry.version };
    } else if (page.editingCheckin) {  // from another day: its values are not this one's
      forms.fillCheckin(checkinForm, { date: $("#checkin-date").value });
      page.editingCheckin = null;
    }
    showDaysTwitching();
  }

  // A day with episodes had twitching: the form says so instead of asking, and the check-in is
  // saved with twitching_today true (as the check-in page does). The phone counts the episodes it
  // holds for the day, the last pull's and its own waiting ones, so this works offline too; a
  // day it holds none of (older than the last 30 days, or never synced) is asked as ever.
  function episodesOn(day) {
    return recentEntries().filter(function (entry) { return entry.kind === "episode" && entryDay(entry) === day; }).length;
  }

  function showDaysTwitching() {
    var day = $("#checkin-date").value;
    var logged = day ? episodesOn(day) : 0;
    var known = $("#checkin-twitching-known");
    known.textContent = "";
    if (logged) {
      var when = day === forms.localDate(new Date()) ? "today" : "that day";
      known.appendChild(element("strong", {}, "Twitching " + when + ": yes"));
      known.appendChild(document.createTextNode(", " + logged + (logged === 1 ? " episode" : " episodes") + " logged."));
    }
    known.hidden = !logged;
    $("#checkin-twitching").hidden = !!logged;
  }

  function banner(node, messages) {
    node.textContent = "";
    messages.forEach(function (message) { node.appendChild(element("p", {}, message)); });
    node.hidden = !messages.length;
  }

  function onEpisodeSubmit(event) {
    event.preventDefault();
    var editing = page.editing;
    var read = forms.readEpisode(episodeForm, editing ? editing.id : uuid(), new Date());
    if (read.errors) {
      var rest = forms.showErrors(episodeForm, "error-", read.errors);
      banner($("#form-errors"), ["Please check the fields marked below."].concat(rest));
      var first = episodeForm.querySelector('ul.errorlist:not([hidden])');
      if (first) first.scrollIntoView({ block: "center" });
      return;
    }
    sync.queueEpisode(read.body, editing ? editing.baseVersion : null).then(function () {
      stopEditing();
      announceSaved(editing ? "Changes saved on this phone." : "Episode saved on this phone.");
      return queued();
    });
  }

  function onCheckinSubmit(event) {
    event.preventDefault();
    var read = forms.readCheckin(checkinForm, new Date());
    if (read.errors) {
      forms.showErrors(checkinForm, "checkin-error-", read.errors);
      banner($("#checkin-errors"), ["Please check the fields marked below."]);
      return;
    }
    if (episodesOn(read.body.date)) read.body.twitching_today = true;
    var key = store.checkinKey(read.body.date);
    var editing = page.editingCheckin;
    // A check-in is one per day: saving a day the phone already holds is an edit of it. Opened
    // from the queue, it is based on what the phone holds now: the queued one may have synced.
    var known = editing && editing.key === key && editing.baseVersion !== undefined;
    var base = known ? editing.baseVersion : baseOf(key);
    sync.queueCheckin(read.body, base).then(load).then(function () {
      stopEditingCheckin();
      announceSaved("Check-in saved on this phone.");
      return queued();
    });
  }

  function baseOf(key) {
    var entry = find(key);
    if (!entry) return null;
    return entry.queued ? undefined : entry.version;
  }

  function announceSaved(message) {
    var status = $("#sync-status");
    status.textContent = message;
  }

  // --- Signing out ---------------------------------------------------------------------------------

  function signOut() {
    var waiting = page.items.filter(function (i) { return i.owner === page.owner; }).length;
    var words = waiting === 1 ? "1 entry is not sent yet. It stays on this phone and is sent"
                              : waiting + " entries are not sent yet. They stay on this phone and are sent";
    if (waiting && !window.confirm(words + " the next time you sign in here. Log out?")) return;
    csrfToken().then(function (token) {
      return fetch("/accounts/logout/", { method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": token } });
    }).then(function () {
      // This account's copy of its diary leaves the phone; its unsent entries stay, held for it.
      return Promise.all([store.clear("records"), store.setMeta("cursor", ""), store.setMeta("last_synced", null)]);
    }).then(function () { window.location.assign(LOGIN); }, function () {
      $("#sync-status").textContent = "Could not log out: no network. Try again when online.";
    });
  }

  // --- Start ---------------------------------------------------------------------------------------

  function start() {
    // Entries waiting to sync live only here: ask the browser not to evict them when space
    // runs low (an installed app is usually granted this).
    if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(function () {});
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register("/sw.js").catch(function () { /* the page works without it, online */ });
    }
    episodeForm.addEventListener("submit", onEpisodeSubmit);
    checkinForm.addEventListener("submit", onCheckinSubmit);
    $("#episode-cancel").addEventListener("click", stopEditing);
    $("#checkin-cancel").addEventListener("click", stopEditingCheckin);
    $("#checkin-date").addEventListener("change", showDaysCheckin);
    $("#checkin-section").addEventListener("toggle", function () {
      if ($("#checkin-section").open && !page.editingCheckin) showDaysCheckin();
    });
    $("#waiting-list").addEventListener("click", onEntryAction);
    $("#recent-list").addEventListener("click", onEntryAction);
    $("#sync-now").addEventListener("click", syncNow);
    $("#sign-out").addEventListener("click", signOut);
    window.addEventListener("online", syncNow);
    window.addEventListener("offline", function () { page.last = { state: "offline" }; render(); });
    if (typeof BroadcastChannel !== "undefined") {
      new BroadcastChannel("twitch-diary").onmessage = function (event) {
        if (event.data && event.data.result && event.data.result.state !== "busy") page.last = event.data.result;
        load();
      };
    }
    setInterval(function () {
      var waiting = page.items.some(waitingHere);
      var due = !page.lastSynced || Date.now() - page.lastSynced > PULL_EVERY_MS;
      if (waiting || due) syncNow(); else renderStatus();
    }, SYNC_EVERY_MS);
    forms.resetCheckin(checkinForm, new Date());
    return load().then(function () {
      if (!page.reference) $("#reference-missing").hidden = false;
      return syncNow();
    });
  }

  start();
})();
