// "Log out" in the footer of every page: before the form goes, this account's synced copy of
// its diary leaves the phone (the quick log's IndexedDB, pwa/store.js), so that the next person
// on a shared phone finds nothing of it. Its unsent entries stay, held for it (pwa/api.js,
// forgetSynced). Without IndexedDB, or if clearing fails, the form goes all the same: the
// quick log also clears that copy when it finds no one signed in.

import { forgetSynced } from "./pwa/api.js";

document.querySelectorAll("form[data-clears-phone]").forEach((form) => {
  let cleared = false;
  form.addEventListener("submit", (event) => {
    if (cleared || typeof indexedDB === "undefined") return;
    event.preventDefault();
    const send = () => {
      cleared = true;
      form.submit();
    };
    forgetSynced().then(send, send);
  });
});
