/* The handbook's service worker: keeps the app and each document once opened, so the
   handbook reads offline. Answers from the network when it can, else from the cache
   (marked with the header X-Chibo-Offline so the app queues the reading). */
const VERSION = "chibo-handbook-v1";
const SHELL = {{ shell|safe }};

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(VERSION).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== VERSION).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

function fromCache(request) {
  return caches.match(request, { ignoreVary: true }).then((cached) => {
    if (!cached) return Response.error();
    const headers = new Headers(cached.headers);
    headers.set("X-Chibo-Offline", "1");
    return cached.blob().then((body) => new Response(body, { status: cached.status, headers }));
  });
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  const isApi = url.pathname.startsWith("/api/v1/handbook/");
  const isShell = request.mode === "navigate" ? url.pathname === "/handbook/" : SHELL.includes(url.pathname);
  if (!isApi && !isShell) return;
  const key = request.mode === "navigate" ? "/handbook/" : request;
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (response.ok && !response.redirected) {
          const copy = response.clone();
          caches.open(VERSION).then((cache) => cache.put(key, copy));
        }
        return response;
      })
      .catch(() => fromCache(key))
  );
});
