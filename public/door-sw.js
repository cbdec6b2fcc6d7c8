// The door page's service worker (registered by /door only, scope /door): the
// door loads and works with no network. Every GET of this site goes to the
// network first and is kept; with no network the kept copy answers. The page
// hands over the files it loaded before this worker was there ({keep: [urls]}).
// Server functions (POST) are never kept: the door's offline mode checks
// tickets on the device and queues its admissions itself.
const CACHE = "tiket-door-v1";

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => Promise.all(["/door", "/door.webmanifest", "/door-icon.svg"].map((url) => keep(cache, url))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith("tiket-door-") && n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

/** Keeps a same-site GET's answer (quietly nothing when it fails). */
function keep(cache, url) {
  return fetch(url, { credentials: "same-origin" })
    .then((response) => (response.ok ? cache.put(url, response) : undefined))
    .catch(() => undefined);
}

function worthKeeping(url) {
  return (
    url.origin === self.location.origin &&
    (url.pathname === "/door" ||
      url.pathname.startsWith("/pkg/") ||
      url.pathname.endsWith(".css") ||
      url.pathname.endsWith(".webmanifest") ||
      url.pathname.endsWith(".svg") ||
      url.pathname.endsWith(".png"))
  );
}

self.addEventListener("message", (event) => {
  const urls = (event.data && event.data.keep) || [];
  event.waitUntil(
    caches.open(CACHE).then((cache) =>
      Promise.all(
        urls
          .map((u) => new URL(u, self.location.origin))
          .filter(worthKeeping)
          .map((u) => cache.match(u.pathname === "/door" ? "/door" : u.href).then((hit) => hit || keep(cache, u.pathname === "/door" ? "/door" : u.href))),
      ),
    ),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  // The door page itself, whatever its query: one kept copy.
  const key = url.pathname === "/door" ? "/door" : request;
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok && worthKeeping(url)) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(key, copy));
        }
        return response;
      })
      .catch(() =>
        caches.match(key).then((hit) => hit || new Response("offline", { status: 503, headers: { "Content-Type": "text/plain" } })),
      ),
  );
});
