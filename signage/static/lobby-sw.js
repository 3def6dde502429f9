// Caches the lobby display's shell so a lobby screen that restarts without
// network still shows its building's last day. The cache is named after the
// build: a new Transom version installs a new worker, which drops the old cache.
const BUILD = new URL(self.location).searchParams.get("build") || "dev";
const CACHE = `transom-lobby-${BUILD}`;
const SHELL = [
  "/lobby",
  `/display/static/lobby.css?v=${BUILD}`,
  `/display/static/lobby.js?v=${BUILD}`,
  "/display/static/graphql.js",
  "/display/static/lobby-i18n.js",
  "/display/static/schedule.js",
];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("transom-lobby-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

// Network first (fresh shell and operations when online), the cache when not.
self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  if (!url.pathname.startsWith("/lobby") && !url.pathname.startsWith("/display/")) return;
  event.respondWith(
    fetch(event.request)
      .then((response) => {
        if (response.ok) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(event.request, copy));
        }
        return response;
      })
      .catch(() => caches.match(event.request, { ignoreSearch: false }).then((hit) => hit || caches.match("/lobby"))),
  );
});
