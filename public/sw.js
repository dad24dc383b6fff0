// Fieldbook's service worker: keeps the app shell so the app opens with no signal.
//
// The build (tools/sw-precache.mjs) replaces PRECACHE and VERSION with the content-hashed files
// of this build, so every new build is a new worker and a new cache. /api is never cached:
// every screen reads IndexedDB, and the uploader must see the real network.
const VERSION = "dev";
const PRECACHE = ["/", "/index.html"];
const CACHE = `fieldbook-shell-${VERSION}`;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/")) return;
  // The office app (/office/) is another app, online first, with its own index.html: its pages and
  // files go to the network, never answered with this app's shell.
  if (url.pathname === "/office" || url.pathname.startsWith("/office/")) return;

  if (request.mode === "navigate") {
    // App shell first: a page in a basement must open at once, not after a network timeout.
    event.respondWith(
      caches.match("/index.html").then((cached) => cached || fetch(request)),
    );
    return;
  }
  event.respondWith(
    caches.match(request).then((cached) => cached || fetch(request)),
  );
});

// Background Sync: wake the page's uploader when the connection returns.
self.addEventListener("sync", (event) => {
  if (event.tag !== "fieldbook-outbox") return;
  event.waitUntil(
    self.clients.matchAll({ includeUncontrolled: true }).then((clients) => {
      for (const client of clients) client.postMessage({ type: "sync" });
    }),
  );
});
