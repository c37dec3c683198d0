// The quick log's service worker, a module (served at /sw.js by diary.pages.pwa, which writes
// the constants above: VERSION, SHELL_URL, PRECACHE, and the imports of store.js and sync.js;
// in the classic fallback, ?classic=1, `store` and `sync` are null).
//
// - Install keeps the app shell (the quick-log page, its styles, scripts and icons) in a cache
//   named after this release; activate deletes every other release's cache, so a new release
//   replaces the old one whole and never mixes files from two.
// - The shell and its files are answered from that cache first: the quick log opens with no
//   network, after a reload or a restart of the phone.
// - Any other page is fetched from the network; with no network, the quick log answers instead.
// - The API is never cached here: the page keeps the reference data (with its ETag) and the
//   diary in IndexedDB (store.js), where it can tell what it has.
// - Background Sync: when the network returns, the queue is pushed even with the page closed.

const CACHE = "twitch-diary-shell-" + VERSION;
const CACHE_PREFIX = "twitch-diary-shell-";
const KEPT = new Set(PRECACHE);

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE)
      // Fetched past the HTTP cache: the release's files, not whatever a cache still holds.
      .then((cache) => cache.addAll(PRECACHE.map((url) => new Request(url, { cache: "reload" }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(
        names.filter((name) => name.startsWith(CACHE_PREFIX) && name !== CACHE).map((name) => caches.delete(name)),
      ))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/")) return;
  if (KEPT.has(url.pathname)) {
    event.respondWith(fromCache(url.pathname, request));
  } else if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(() => fromCache(SHELL_URL, request)));
  }
});

function fromCache(path, request) {
  return caches.open(CACHE)
    .then((cache) => cache.match(path))
    .then((kept) => kept || fetch(request));
}

self.addEventListener("sync", (event) => {
  if (event.tag !== "twitch-diary-sync" || !sync) return;
  event.waitUntil(
    sync.run({ csrfToken: workerCsrfToken }).then((result) => {
      // Not done: the browser tries again later (with its own back-off).
      if (result.state === "offline" || result.state === "unreachable") throw new Error(result.state);
    }),
  );
});

// The page keeps the token where the worker can read it; where the browser lets a worker
// read cookies, the cookie itself is fresher (a sign-in rotates it).
function workerCsrfToken() {
  const fromCookie = self.cookieStore
    ? self.cookieStore.get("csrftoken").then((cookie) => (cookie ? cookie.value : null), () => null)
    : Promise.resolve(null);
  return fromCookie.then((value) => value || store.getMeta("csrf").then((kept) => kept || ""));
}
