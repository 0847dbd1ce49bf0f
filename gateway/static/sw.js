// The desk's service worker: when the link drops, the inbox, the pages of the receipts and
// files in it and their PDFs are still readable, as they were last saved.
//
// Pages are asked of the network first and kept by their address (nothing else) as they come;
// a page the network does not give (down, unreachable behind a proxy, or silent for
// NETWORK_WAIT_MS) comes from what was kept, marked with when it was saved (offline.js shows
// it). The inbox asks, in the background, for the pages of its first items (offline.js sends
// their addresses), said to be fetched ahead so that no first open is recorded. What was kept
// belongs to one person's login: it is thrown away when anyone logs in or out here. Actions
// taken offline wait in offline.js.
"use strict";

const PAGES = "eoffice-pages";
const STATIC = "eoffice-static-3"; // a new name when the files below change
const NETWORK_WAIT_MS = 10000;
const KEEP_AHEAD = 20; // items of the inbox saved in the background
const FRESH_MS = 10 * 60 * 1000; // an item saved this recently is not fetched again
const SAVED_AT = "X-Saved-At";
const UNREACHABLE = [502, 503, 504]; // a proxy or the gateway that cannot reach the office

const BASE = new URL(self.registration.scope).pathname; // "/" unless served under a prefix
const KEPT = new RegExp(
  "^" + BASE + "(inbox|(receipts|files)/(?!new$)[^/]+|documents/[0-9a-f]{64})$"
);
const STATIC_FILES = [
  "static/office.css",
  "static/office.js",
  "static/offline.js",
  "static/typing.js",
  "static/vendor/sanscript/sanscript.js",
  "static/icons/icon-192.png",
  "manifest.webmanifest",
].map((path) => BASE + path);

// Every throw-away of the kept pages starts a new login's keeping; a fetch begun before it
// keeps nothing.
let login = 0;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(STATIC)
      .then((cache) => cache.addAll(STATIC_FILES))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names.filter((n) => n !== PAGES && n !== STATIC).map((n) => caches.delete(n))
        )
      )
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && request.mode === "navigate") {
    if (url.pathname === BASE + "login" || url.pathname === BASE + "logout") {
      event.respondWith(forgetPages().then(() => fetch(request)));
    }
    return;
  }
  if (request.method !== "GET") return;
  if (KEPT.test(url.pathname)) {
    event.respondWith(networkFirst(event));
  } else if (STATIC_FILES.includes(url.pathname)) {
    event.respondWith(staticFile(event));
  }
});

self.addEventListener("message", (event) => {
  const keep = event.data && event.data.keep;
  if (Array.isArray(keep)) event.waitUntil(keepAhead(keep.slice(0, KEEP_AHEAD)));
});

function forgetPages() {
  login += 1;
  return caches.delete(PAGES);
}

function keepable(response) {
  return response.ok && !response.redirected && response.type === "basic";
}

// The response kept under its address alone, with when it was saved.
async function keep(address, response, since) {
  const headers = new Headers(response.headers);
  headers.set(SAVED_AT, new Date().toISOString());
  const body = await response.blob();
  if (since !== login) return; // someone logged in or out meanwhile
  const cache = await caches.open(PAGES);
  await cache.put(address, new Response(body, { status: response.status, headers }));
}

async function networkFirst(event) {
  const request = event.request;
  const address = request.url.split("?")[0];
  const since = login;
  const network = fetch(request).then((response) => {
    if (keepable(response) && !new URL(request.url).search) {
      event.waitUntil(keep(address, response.clone(), since));
    }
    return response;
  });
  const cache = await caches.open(PAGES);
  const saved = await cache.match(address);
  if (!saved) return network;
  event.waitUntil(network.catch(() => undefined)); // a late answer is still kept
  const answered = network.then((response) =>
    UNREACHABLE.includes(response.status) ? Promise.reject(new Error("unreachable")) : response
  );
  const silent = new Promise((resolve, reject) =>
    setTimeout(() => reject(new Error("silent")), NETWORK_WAIT_MS)
  );
  return Promise.race([answered, silent]).catch(() => asSaved(saved));
}

// A kept page says it is one: offline.js reads <html data-saved-at> and shows the banner.
async function asSaved(saved) {
  if (!(saved.headers.get("Content-Type") || "").startsWith("text/html")) return saved;
  const at = saved.headers.get(SAVED_AT) || "";
  const page = (await saved.text()).replace(/<html\b/, '<html data-saved-at="' + at + '"');
  const headers = new Headers(saved.headers);
  headers.delete("Content-Length"); // it is longer now
  return new Response(page, { status: saved.status, headers });
}

// Our own stylesheet and scripts: at once from the device, brought up to date behind.
async function staticFile(event) {
  const cache = await caches.open(STATIC);
  const saved = await cache.match(event.request);
  const network = fetch(event.request).then((response) => {
    if (response.ok) event.waitUntil(cache.put(event.request, response.clone()));
    return response;
  });
  if (!saved) return network;
  event.waitUntil(network.catch(() => undefined));
  return saved;
}

// The inbox's items' pages and their PDFs, one at a time (a thin link is shared), each unless
// saved lately; a PDF is the same bytes under its SHA-256, so once is enough.
async function keepAhead(addresses) {
  const since = login;
  const cache = await caches.open(PAGES);
  for (const given of addresses) {
    const url = new URL(given, self.registration.scope);
    if (url.origin !== self.location.origin || !KEPT.test(url.pathname) || url.search) continue;
    if (since !== login) return;
    const saved = await cache.match(url.href);
    if (saved && Date.now() - Date.parse(saved.headers.get(SAVED_AT)) < FRESH_MS) continue;
    let response;
    try {
      response = await fetch(url.href, { headers: { Purpose: "prefetch" } });
    } catch (linkDown) {
      return;
    }
    if (!keepable(response)) continue;
    const page = await response.clone().text();
    await keep(url.href, response, since);
    for (const sha of new Set(page.match(/(?<=\/documents\/)[0-9a-f]{64}/g) || [])) {
      const pdf = new URL(BASE + "documents/" + sha, url).href;
      if (await cache.match(pdf)) continue;
      try {
        const document = await fetch(pdf);
        if (keepable(document)) await keep(pdf, document, since);
      } catch (linkDown) {
        return;
      }
    }
  }
}
