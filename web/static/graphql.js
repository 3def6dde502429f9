// The admin UI's one GraphQL client: fetch for queries and mutations,
// graphql-transport-ws for subscriptions. Operation text comes from
// /admin/operations/<Name>.graphql (schema/operations/web/, the contract).
// Authentication is the HttpOnly session cookie; state-changing requests echo
// the page's CSRF token in the X-CSRF-Token header.

import { t } from "./i18n.js";
import { errorText } from "./ui.js";

const ENDPOINT = "/graphql";
const operations = new Map();

// .message is what the admin reads: the server's messages, except words in the
// admin's language for codes any page can meet (ui.js errorText).
export class GraphQLErrors extends Error {
  constructor(errors) {
    super(errors.map((e) => errorText(e)).join("; "));
    this.errors = errors;
  }

  // The first error about `field` (extensions.field), if any.
  forField(field) {
    return this.errors.find((e) => e.extensions && e.extensions.field === field);
  }
}

function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

export async function operation(name) {
  if (!operations.has(name)) {
    operations.set(
      name,
      fetch(`/admin/operations/${name}.graphql`, { credentials: "same-origin" }).then(
        (response) => {
          if (!response.ok) throw new Error(t("This page could not load its request {name}: reload the page.", { name }));
          return response.text();
        },
      ),
    );
  }
  return operations.get(name);
}

function signInAgain() {
  const next = encodeURIComponent(location.pathname + location.search);
  location.assign(`/admin/sign-in?next=${next}`);
}

// A mutation's userErrors (expected failures: bad input, not found, conflict,
// Microsoft 365 refusing) in the shape of top-level errors, so forms show
// them beside their field: extensions.field is the last step of the path
// (["input", "capacity"] -> "capacity").
function userErrorsOf(data) {
  const found = [];
  for (const payload of Object.values(data || {})) {
    if (!payload || !Array.isArray(payload.userErrors)) continue;
    for (const e of payload.userErrors) {
      const field = e.field && e.field.length ? e.field[e.field.length - 1] : undefined;
      found.push({ message: e.message, extensions: { code: e.code, field, hint: e.hint } });
    }
  }
  return found;
}

// Run a query or mutation by operation name; resolves to `data`, rejects with
// GraphQLErrors (whose .errors carry extensions.code and extensions.field),
// for top-level errors and for a mutation payload's userErrors alike — unless
// `keepUserErrors` is set, for payloads that report refused parts of a partly
// done job (importAbsences): then `data` is answered with its userErrors.
export async function request(name, variables = {}, { keepUserErrors = false } = {}) {
  const query = await operation(name);
  const response = await fetch(ENDPOINT, {
    method: "POST",
    credentials: "same-origin",
    headers: {
      "Content-Type": "application/json",
      Accept: "application/json",
      "X-CSRF-Token": csrfToken(),
    },
    body: JSON.stringify({ query, variables, operationName: name }),
  });
  if (!(response.headers.get("content-type") || "").includes("json")) {
    throw new Error(t("Transom answered with an error (HTTP {status}). Try again in a moment.", { status: response.status }));
  }
  const body = await response.json();
  if (body.errors && body.errors.length) {
    if (body.errors.some((e) => e.extensions && e.extensions.code === "UNAUTHENTICATED")) {
      signInAgain();
    }
    throw new GraphQLErrors(body.errors);
  }
  const userErrors = keepUserErrors ? [] : userErrorsOf(body.data);
  if (userErrors.length) throw new GraphQLErrors(userErrors);
  return body.data;
}

// --- subscriptions over graphql-transport-ws --------------------------------

const subscriptions = new Map();
const reconnectListeners = new Set();
let socket = null;
let acknowledged = false;
let nextId = 1;
let attempt = 0;

function send(message) {
  if (socket && acknowledged) socket.send(JSON.stringify(message));
}

function startSubscription(id, entry) {
  send({ id, type: "subscribe", payload: entry.payload });
}

function connect() {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  socket = new WebSocket(`${scheme}//${location.host}${ENDPOINT}`, "graphql-transport-ws");
  acknowledged = false;
  socket.addEventListener("open", () => {
    socket.send(JSON.stringify({ type: "connection_init", payload: {} }));
  });
  socket.addEventListener("message", (event) => onMessage(JSON.parse(event.data)));
  socket.addEventListener("close", (event) => onClose(event));
}

// The session ended (signed out elsewhere, password reset, account removed).
function unauthenticated(errors) {
  return Array.isArray(errors) && errors.some((e) => e.extensions && e.extensions.code === "UNAUTHENTICATED");
}

function onMessage(message) {
  const entry = subscriptions.get(message.id);
  const errors = message.type === "error" ? message.payload : message.payload && message.payload.errors;
  if (unauthenticated(errors)) {
    signInAgain();
    return;
  }
  switch (message.type) {
    case "connection_ack":
      acknowledged = true;
      if (attempt > 0) reconnectListeners.forEach((listener) => listener());
      attempt = 0;
      subscriptions.forEach((value, id) => startSubscription(id, value));
      break;
    case "ping":
      socket.send(JSON.stringify({ type: "pong" }));
      break;
    case "next":
      if (!entry) break;
      if (message.payload.errors) entry.onError(new GraphQLErrors(message.payload.errors));
      else entry.onData(message.payload.data);
      break;
    case "error":
      if (entry) entry.onError(new GraphQLErrors(message.payload));
      break;
    case "complete":
      subscriptions.delete(message.id);
      break;
    default:
      break;
  }
}

// 4403: the server closed the socket because the session's rights were
// revoked or changed (REVOKED_CLOSE_CODE of socket_access.py).
const RIGHTS_CHANGED = 4403;

function onClose(event) {
  socket = null;
  acknowledged = false;
  if (subscriptions.size === 0) return;
  attempt += 1;
  const ceiling = Math.min(30000, 500 * 2 ** Math.min(attempt, 6));
  // Rights changed: come back at once, with the new rights or to the sign-in page.
  const delay = event.code === RIGHTS_CHANGED && attempt === 1 ? 0 : ceiling / 2 + Math.random() * (ceiling / 2);
  setTimeout(() => {
    if (!socket && subscriptions.size) connect();
  }, delay);
}

// Subscribe by operation name. Returns a function that unsubscribes.
export async function subscribe(name, variables, onData, onError = console.error) {
  const query = await operation(name);
  const id = String(nextId++);
  const entry = { payload: { query, variables, operationName: name }, onData, onError };
  subscriptions.set(id, entry);
  if (!socket) connect();
  else startSubscription(id, entry);
  return () => {
    if (subscriptions.delete(id)) send({ id, type: "complete" });
  };
}

// Called after the websocket reconnects: events missed meanwhile are not
// replayed, so pages refetch.
export function onReconnect(listener) {
  reconnectListeners.add(listener);
}
