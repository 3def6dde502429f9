// Caches a display's shell so a door or lobby display that restarts without
// network still shows its last schedule. Registered from /display (door) or
// from /lobby with `kind=lobby`. The cache is named after the build: a new
// Transom version installs a new worker, which drops the old cache.
const PARAMS = new URL(self.location).searchParams;
const BUILD = PARAMS.get("build") || "dev";
const KIND = PARAMS.get("kind") === "lobby" ? "lobby" : "display";
const PAGE = `/${KIND}`;
const CACHE = `transom-${KIND}-${BUILD}`;
const SHELL = [
  PAGE,
  `/display/static/${KIND}.css?v=${BUILD}`,
  `/display/static/${KIND}.js?v=${BUILD}`,
  "/display/static/graphql.js",
  "/display/static/pairing.js",
  KIND === "lobby" ? "/display/static/lobby-i18n.js" : "/display/static/i18n.js",
  "/display/static/schedule.js",
];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith(`transom-${KIND}-`) && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

// Network first (fresh shell and operations when online), the cache when not.
self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  if (!url.pathname.startsWith(PAGE) && !url.pathname.startsWith("/display/")) return;
  event.respondWith(
    fetch(event.request)
      .then((response) => {
        if (response.ok) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(event.request, copy));
        }
        return response;
      })
      .catch(() => caches.match(event.request, { ignoreSearch: false }).then((hit) => hit || caches.match(PAGE))),
  );
});
