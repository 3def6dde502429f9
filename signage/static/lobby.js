// The lobby display: pairing, every room of a building, live updates over one
// subscription, and the door display's offline tolerance.
//
// State lives in localStorage so a reload, a restart or a night without network
// shows the last building at once. The clock ticks locally and each room's status
// is recomputed every second from its cached bookings, so it advances offline.
// Reconnects back off with jitter and always refetch before resubscribing.
import { NetworkError, errorCode, request, subscribe } from "./graphql.js";
import { feedHandlers, offlineMarker, pairScreen } from "./pairing.js";
import { clockTime, setLanguage, t } from "./lobby-i18n.js";
import { backoff, statusAt } from "./schedule.js";

const STORE = "transom.lobby.v1";
const DOOR_STORE = "transom.display.v1"; // the door display's, for a room's token
const PAIRING_POLL_MS = 3000;
const WATCHDOG_MS = 150000; // the server pushes at least every minute
const VERSION_CHECK_MS = 10 * 60 * 1000;
const PAGE_SIZE = 40; // rooms on screen at once; more are paged
const PAGE_MS = 15000;
const BUILD = document.documentElement.dataset.build;
const $ = (id) => document.getElementById(id);

let saved = load();
let live = { stop: null, attempt: 0, lastMessage: 0, timer: null, offlineSince: null };
let page = { index: 0, turned: Date.now() };

function load() {
  try { return JSON.parse(localStorage.getItem(STORE)) ?? {}; } catch { return {}; }
}
function save() { localStorage.setItem(STORE, JSON.stringify(saved)); }
function reset() { saved = {}; save(); }
function zone() { return saved.day?.timeZone || undefined; }
function fmt(ms) { return clockTime(new Date(ms), zone()); }
function language() { return (saved.home?.thisLobby?.language ?? "EN").toLowerCase(); }

// ---- offline marker and pairing (shared with the other kind of display) ----
const screen = { saved: () => saved, save, live, render };
const { markOffline, markOnline } = offlineMarker(screen);
function pair() {
  return pairScreen(screen, { showPairing, markOnline, markOffline, pollMs: PAIRING_POLL_MS });
}

function showPairing() {
  $("rooms").hidden = true;
  $("pairing").hidden = false;
  $("lobby").dataset.state = "PAIRING";
  const code = saved.code ?? "";
  $("pairing-code").textContent = code.length === 6 ? `${code.slice(0, 3)} ${code.slice(3)}` : code;
}

// A code shown here but paired to a single room: that is a door display.
function becomeDoorDisplay() {
  localStorage.setItem(DOOR_STORE, JSON.stringify({ secret: saved.secret, paired: true }));
  reset();
  location.replace("/display");
}

// ---- the live building ------------------------------------------------------
function scope() {
  const { building, floor } = saved.home.thisLobby;
  return { building, floor };
}

async function refetch() {
  const home = await request("LobbyHome", {}, saved.secret);
  if (errorCode(home) === "UNAUTHENTICATED") return "REVOKED";
  if (errorCode(home) === "FORBIDDEN") return "DOOR";
  if (home.errors) throw new NetworkError(home.errors[0].message);
  if (home.data.build.id !== BUILD) { location.reload(); return "RELOADING"; }
  saved.home = home.data;
  const day = await request("BuildingDay", scope(), saved.secret);
  if (errorCode(day) === "UNAUTHENTICATED") return "REVOKED";
  if (day.errors) throw new NetworkError(day.errors[0].message);
  saved.day = day.data.buildingDay;
  save();
  return "OK";
}

async function connect() {
  clearTimeout(live.timer);
  live.stop?.();
  live.stop = null;
  try {
    const outcome = await refetch();
    if (outcome === "REVOKED") { reset(); return start(); }
    if (outcome === "DOOR") return becomeDoorDisplay();
    if (outcome === "RELOADING") return;
    setLanguage(language());
    markOnline();
    live.lastMessage = Date.now();
    live.stop = await subscribe("BuildingDayLive", scope(), saved.secret, feedHandlers(screen, "buildingBookings", {
      markOnline,
      restart: () => { reset(); start(); },
      retry,
    }));
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error;
    retry();
  }
}

function retry() {
  markOffline();
  clearTimeout(live.timer);
  live.timer = setTimeout(connect, backoff(live.attempt++));
}

// ---- rendering ------------------------------------------------------------------
function render() {
  const now = Date.now();
  $("clock").textContent = fmt(now);
  $("clock").dateTime = new Date(now).toISOString();
  const offline = $("offline");
  offline.hidden = live.offlineSince === null;
  if (live.offlineSince !== null) offline.textContent = t("offlineSince", { time: fmt(live.offlineSince) });
  if (!saved.paired || !saved.home || !saved.day) return;
  $("pairing").hidden = true;
  $("rooms").hidden = false;
  $("lobby").dataset.state = "ROOMS";
  const { building, floor } = saved.home.thisLobby;
  $("building-name").textContent = floor ? `${building} · ${t("floor", { floor })}` : building;
  const rooms = saved.day.rooms;
  $("empty").hidden = rooms.length > 0;
  const shown = onPage(rooms, now);
  layout(shown.length);
  const grid = $("grid");
  const tiles = shown.map((room) => tile(room, now));
  const key = JSON.stringify(tiles.map((t) => t.key));
  if (grid.dataset.key === key) return;
  grid.dataset.key = key;
  grid.replaceChildren(...tiles.map((t) => t.node));
}

// Pages of at most PAGE_SIZE rooms, evenly filled, turning every PAGE_MS.
function onPage(rooms, now) {
  const pages = Math.max(1, Math.ceil(rooms.length / PAGE_SIZE));
  if (now - page.turned >= PAGE_MS) { page.index += 1; page.turned = now; }
  page.index %= pages;
  const pageOf = $("page-of");
  pageOf.hidden = pages === 1;
  pageOf.textContent = t("pageOf", { page: page.index + 1, pages });
  const size = Math.ceil(rooms.length / pages);
  return rooms.slice(page.index * size, (page.index + 1) * size);
}

// Columns and rows for `count` tiles on this screen: the largest tiles, about 6:5.
function layout(count) {
  const grid = $("grid");
  const width = grid.clientWidth || innerWidth;
  const height = grid.clientHeight || innerHeight;
  let best = { cols: 1, rows: Math.max(1, count), score: 0 };
  for (let cols = 1; cols <= Math.max(1, count); cols += 1) {
    const rows = Math.max(1, Math.ceil(count / cols));
    const w = width / cols;
    const h = height / rows;
    const score = Math.min(w, h * 1.2); // the tile's usable size at 6:5
    if (score > best.score) best = { cols, rows, score };
  }
  grid.style.setProperty("--cols", best.cols);
  grid.style.setProperty("--rows", best.rows);
}

function title(booking) {
  if (booking.subject) return booking.subject;
  if (booking.source === "DISPLAY") return t("bookedAtDoor");
  return booking.isPrivate ? t("privateMeeting") : t("busyMeeting");
}

function untilText(status) {
  if (status.state === "BUSY") return t("busyUntil", { time: fmt(status.until) });
  if (status.state === "STARTING_SOON") return t("soonAt", { time: fmt(status.until) });
  return status.until === null ? t("freeAllDay") : t("freeUntil", { time: fmt(status.until) });
}

function nextMeeting(room, status, now) {
  const dayEnd = Date.parse(room.day.end);
  const upcoming = room.day.bookings
    .filter((b) => (b.state === "CONFIRMED" || b.state === "PENDING") && Date.parse(b.start) > now && Date.parse(b.start) < dayEnd)
    .filter((b) => b.id !== status.current?.id)
    .sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
  const next = upcoming[0];
  return next ? t("next", { time: fmt(Date.parse(next.start)), title: title(next) }) : t("noMore");
}

function tile(room, now) {
  const status = statusAt(room.day.bookings, now);
  const where = [room.floor && !saved.home.thisLobby.floor ? t("floor", { floor: room.floor }) : "",
    room.capacity ? t("seats", { count: room.capacity }) : ""].filter(Boolean).join(" · ");
  const lines = {
    state: t(status.state),
    until: untilText(status),
    now: status.state === "BUSY" ? title(status.current) : "",
    next: nextMeeting(room, status, now),
    stale: room.day.mayBeStale ? t("stale", { time: fmt(Date.parse(room.day.staleSince)) }) : "",
  };
  const key = [room.roomId, room.name, where, status.state, lines.until, lines.now, lines.next, lines.stale];
  const item = document.createElement("li");
  item.className = "tile";
  item.dataset.state = status.state;
  item.dataset.roomId = room.roomId;
  const article = document.createElement("article");
  article.setAttribute("aria-label", room.name);
  const heading = document.createElement("h2");
  heading.textContent = room.name;
  article.append(heading);
  if (where) article.append(line("where", where));
  article.append(line("state", lines.state), line("until", lines.until));
  if (lines.now) article.append(line("now", lines.now));
  article.append(line("next", lines.next));
  if (lines.stale) article.append(line("stale", lines.stale));
  item.append(article);
  return { key, node: item };
}

function line(className, text) {
  const p = document.createElement("p");
  p.className = className;
  p.textContent = text;
  return p;
}

// ---- lifecycle ----------------------------------------------------------------------
function sleep(ms) { return new Promise((resolve) => setTimeout(resolve, ms)); }

async function start() {
  live.offlineSince = saved.offlineSince ?? null;
  if (!saved.paired || !saved.secret) await pair();
  setLanguage(language());
  render();
  await connect();
  render();
}

function watchdog() {
  // A sleeping device or a half-open socket: no message for too long means reconnect.
  if (saved.paired && live.stop && Date.now() - live.lastMessage > WATCHDOG_MS) connect();
}

async function checkVersion() {
  try {
    const result = await request("DisplayBuild");
    if (result.data?.build?.id && result.data.build.id !== BUILD) location.reload();
  } catch { /* offline: checked again on reconnect */ }
}

window.addEventListener("online", () => { live.attempt = 0; if (saved.paired) connect(); });
window.addEventListener("offline", () => { if (saved.paired) markOffline(); });
window.addEventListener("resize", () => { $("grid").dataset.key = ""; render(); });
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible" && saved.paired) connect();
});
setInterval(render, 1000);
setInterval(watchdog, 15000);
setInterval(checkVersion, VERSION_CHECK_MS);
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register(`/lobby/sw.js?build=${BUILD}&kind=lobby`, { scope: "/lobby" }).catch(() => {});
}
if (saved.paired) setLanguage(language());
render();
start();
