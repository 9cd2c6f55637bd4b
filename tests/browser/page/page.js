// Scenario runner for the browser tests.
//
// Query string: role (which scenarios to run), run (an id echoed back), api
// and alt (the base URLs of the two API servers), frames (main role only: a
// JSON list of page URLs to load in iframes, one per other origin, so that one
// Chromium process covers every origin).
//
// Every scenario resolves to a plain object whose `outcome` is
//   "ok"       the response reached the script (any status),
//   "blocked"  fetch rejected with a TypeError (CORS refused it: the browser
//              does not say why to the script, only in the console),
//   "refused"  a WebSocket failed before opening,
//   "timeout"  no answer in time, or
//   "error"    anything else (a bug in the page or the server).
// The outcomes are POSTed to /result on the page's own origin.

"use strict";

const params = new URLSearchParams(location.search);
const role = params.get("role");
const runId = params.get("run");
const api = params.get("api");
const alt = params.get("alt");
const TIMEOUT_MS = 5000;  // per scenario; 12 in a row stay under the harness's 75 s

/** fetch() with a deadline; the response's readable parts, or why it failed. */
async function tryFetch(url, init = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  try {
    const response = await fetch(url, { ...init, signal: controller.signal });
    const body = await response.text();
    return {
      outcome: "ok",
      status: response.status,
      // Only the headers CORS lets the script see.
      headers: Object.fromEntries(response.headers.entries()),
      body: body.slice(0, 500),
    };
  } catch (e) {
    if (e.name === "AbortError") return { outcome: "timeout" };
    return { outcome: e instanceof TypeError ? "blocked" : "error", error: String(e) };
  } finally {
    clearTimeout(timer);
  }
}

/** Opens a WebSocket, sends one message and waits for its echo. */
function tryWebSocket(url) {
  return new Promise((resolve) => {
    const token = `echo-${Math.random().toString(36).slice(2)}`;
    let opened = false;
    let ws;
    const finish = (result) => {
      clearTimeout(timer);
      if (ws) {
        ws.onopen = ws.onmessage = ws.onerror = ws.onclose = null;
        try { ws.close(); } catch (_) { /* already closed */ }
      }
      resolve(result);
    };
    const timer = setTimeout(() => finish({ outcome: "timeout", opened }), TIMEOUT_MS);
    try {
      ws = new WebSocket(url);
    } catch (e) {
      finish({ outcome: "error", error: String(e) });
      return;
    }
    ws.onopen = () => { opened = true; ws.send(token); };
    ws.onmessage = (event) => finish({ outcome: "ok", echoed: event.data === token });
    // Chromium reports a refused handshake (403 before 101) as error + close 1006.
    ws.onerror = () => { if (!opened) finish({ outcome: "refused" }); };
    ws.onclose = (event) =>
      finish({ outcome: opened ? "closed" : "refused", code: event.code });
  });
}

const wsUrl = (base) => base.replace(/^http/, "ws");
const putJson = (value) => ({
  method: "PUT",
  headers: { "content-type": "application/json", "x-token": "t0k3n" },
  body: JSON.stringify(value),
});

// name -> thunk. Names are the keys the pytest suite asserts on. Every URL
// carries ?s=<scenario>: Chromium's console messages (read by the harness)
// then name the scenario, and no two scenarios share a preflight cache entry.
const at = (base, path, name) => `${base}${path}?s=${name}`;
const SCENARIOS = {
  simple_get: (s) => tryFetch(at(api, "/data", s)),
  credentialed_get: (s) => tryFetch(at(api, "/data", s), { credentials: "include" }),
  preflighted_put: (s) => tryFetch(at(api, "/data", s), putJson({ from: location.origin })),
  disallowed_header: (s) => tryFetch(at(api, "/data", s), { headers: { "x-not-allowed": "1" } }),
  disallowed_method: (s) => tryFetch(at(api, "/data", s), { method: "DELETE" }),
  authorization_listed: (s) => tryFetch(at(api, "/data", s), { headers: { authorization: "Bearer t0k3n" } }),
  authorization_star: (s) => tryFetch(at(alt, "/data", s), { headers: { authorization: "Bearer t0k3n" } }),
  custom_header_star: (s) => tryFetch(at(alt, "/data", s), { headers: { "x-anything": "1" } }),
  unexposed_header: (s) => tryFetch(at(alt, "/data", s)),
  error_500: (s) => tryFetch(at(api, "/boom", s)),
  error_500_alt: (s) => tryFetch(at(alt, "/boom", s)),
  websocket: (s) => tryWebSocket(at(wsUrl(api), "/ws", s)),
};

const ROLES = {
  // http://app.test: listed exactly.
  allowed: [
    "simple_get", "credentialed_get", "preflighted_put", "disallowed_header",
    "disallowed_method", "authorization_listed", "authorization_star",
    "custom_header_star", "unexposed_header", "error_500", "error_500_alt", "websocket",
  ],
  // http://evil.test: not allowed at all.
  evil: ["simple_get", "credentialed_get", "preflighted_put", "websocket"],
  // http://a.b.app.test: two labels under the pattern http://*.app.test:*.
  deep: ["simple_get", "credentialed_get", "preflighted_put", "websocket"],
  // http://evilapp.test: ends with "app.test" but is not a subdomain of it.
  lookalike: ["simple_get", "preflighted_put", "websocket"],
};

async function report(payload) {
  // Same-origin POST to the page server; retried once in case it is busy.
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await fetch(`/result?run=${encodeURIComponent(runId)}&role=${encodeURIComponent(role)}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(payload),
      });
      return;
    } catch (_) { /* retry */ }
  }
}

async function main() {
  const frames = JSON.parse(params.get("frames") || "[]");
  for (const src of frames) {
    const frame = document.createElement("iframe");
    frame.src = src;
    document.body.appendChild(frame);
  }
  const names = ROLES[role];
  if (!names) throw new Error(`unknown role ${role}`);
  const results = {};
  // One at a time: the outcomes must not depend on each other's timing.
  for (const name of names) {
    try {
      results[name] = await SCENARIOS[name](name);
    } catch (e) {
      results[name] = { outcome: "error", error: String(e) };
    }
  }
  await report({ origin: location.origin, userAgent: navigator.userAgent, results });
}

window.addEventListener("error", (e) => report({ origin: location.origin, fatal: String(e.message) }));
main().catch((e) => report({ origin: location.origin, fatal: String(e) }));
