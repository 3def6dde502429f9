// The door display: pairing, the room's day, live updates and offline tolerance.
//
// State lives in localStorage so a reload, a restart or a night without network
// shows the last schedule at once. The clock ticks locally and the status is
// recomputed every second from the cached bookings, so it advances while offline.
// Reconnects back off with jitter and always refetch before resubscribing.
import { NetworkError, errorCode, request, subscribe } from "./graphql.js";
import { clockTime, setLanguage, t } from "./i18n.js";
import { backoff, laterToday, occupying, statusAt } from "./schedule.js";

const STORE = "transom.display.v1";
const PAIRING_POLL_MS = 3000;
const WATCHDOG_MS = 150000; // the server pushes at least every minute
const VERSION_CHECK_MS = 10 * 60 * 1000;
const BUILD = document.documentElement.dataset.build;
const $ = (id) => document.getElementById(id);

let saved = load();
let live = { stop: null, attempt: 0, lastMessage: 0, timer: null, offlineSince: null };
let busy = false;

function load() {
  try { return JSON.parse(localStorage.getItem(STORE)) ?? {}; } catch { return {}; }
}
function save() { localStorage.setItem(STORE, JSON.stringify(saved)); }
function reset() { saved = {}; save(); }
function zone() { return saved.home?.thisDisplay?.room?.timeZone || undefined; }
function fmt(ms) { return clockTime(new Date(ms), zone()); }

// ---- offline marker -------------------------------------------------------
function markOffline() {
  if (live.offlineSince === null) {
    live.offlineSince = Date.now();
    saved.offlineSince = live.offlineSince;
    save();
  }
  render();
}
function markOnline() {
  live.offlineSince = null;
  delete saved.offlineSince;
  save();
  render();
}

// ---- pairing ----------------------------------------------------------------
async function pair() {
  showPairing();
  for (;;) {
    try {
      if (!saved.secret || (saved.expiresAt && Date.parse(saved.expiresAt) < Date.now())) {
        const result = await request("RequestDisplayPairing");
        if (result.errors) throw new NetworkError(result.errors[0].message);
        Object.assign(saved, result.data.requestDisplayPairing.pairing, { paired: false });
        save();
        showPairing();
      }
      const status = await request("DisplayPairingStatus", { secret: saved.secret });
      markOnline();
      const state = status.data?.displayPairing?.state;
      if (state === "PAIRED") { saved.paired = true; save(); return; }
      if (state !== "WAITING") { delete saved.secret; save(); continue; }
    } catch (error) {
      if (!(error instanceof NetworkError)) throw error;
      markOffline();
    }
    await sleep(PAIRING_POLL_MS);
  }
}

function showPairing() {
  $("room").hidden = true;
  $("pairing").hidden = false;
  $("display").dataset.state = "PAIRING";
  const code = saved.code ?? "";
  $("pairing-code").textContent = code.length === 6 ? `${code.slice(0, 3)} ${code.slice(3)}` : code;
}

// ---- the live room ------------------------------------------------------------
async function refetch() {
  const home = await request("DisplayHome", {}, saved.secret);
  if (errorCode(home) === "UNAUTHENTICATED") return "REVOKED";
  if (errorCode(home) === "FORBIDDEN") return "LOBBY"; // paired to a building
  if (home.errors) throw new NetworkError(home.errors[0].message);
  if (home.data.build.id !== BUILD) { location.reload(); return "RELOADING"; }
  saved.home = home.data;
  const roomId = home.data.thisDisplay.room.id;
  const day = await request("RoomDay", { roomId }, saved.secret);
  if (day.errors) throw new NetworkError(day.errors[0].message);
  saved.day = day.data.roomDay;
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
    if (outcome === "RELOADING") return;
    if (outcome === "LOBBY") {
      localStorage.setItem("transom.lobby.v1", JSON.stringify({ secret: saved.secret, paired: true }));
      reset();
      return location.replace("/lobby");
    }
    markOnline();
    const roomId = saved.home.thisDisplay.room.id;
    live.lastMessage = Date.now();
    live.stop = await subscribe("RoomDayLive", { roomId }, saved.secret, {
      onNext: (payload) => {
        live.lastMessage = Date.now();
        if (payload.data?.roomBookings) {
          live.attempt = 0;
          saved.day = payload.data.roomBookings;
          save();
          markOnline();
        } else if (errorCode(payload) === "UNAUTHENTICATED") {
          reset(); start();
        }
      },
      onEnd: (reason) => {
        live.stop = null;
        if (reason.cancelled) return;
        if (reason.errors && errorCode({ errors: reason.errors }) === "UNAUTHENTICATED") { reset(); start(); return; }
        retry();
      },
    });
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
  renderStale(saved.day);
  $("pairing").hidden = true;
  $("room").hidden = false;
  $("room-name").textContent = saved.home.thisDisplay.room.name;
  const bookings = saved.day.bookings;
  const status = statusAt(bookings, now);
  $("display").dataset.state = status.state;
  setText("status-word", t(status.state));
  setText("status-detail", detail(status));
  renderCurrent(status, now);
  renderActions(status, now);
  renderAgenda(bookings, now);
}

function setText(id, text) {
  // Only touch the live region when the words change, so screen readers hear changes once.
  if ($(id).textContent !== text) $(id).textContent = text;
}

function detail(status) {
  if (status.state === "BUSY") return t("busyUntil", { time: fmt(status.until) });
  if (status.state === "STARTING_SOON") return t("soonAt", { time: fmt(status.until) });
  return status.until === null ? t("freeAllDay") : t("freeUntil", { time: fmt(status.until) });
}

function title(booking) {
  if (booking.subject) return booking.subject;
  if (booking.source === "DISPLAY") return t("bookedAtDoor");
  return booking.isPrivate ? t("privateMeeting") : t("busyMeeting");
}

function stateNote(booking) {
  if (booking.state === "PENDING") return t("pending");
  if (booking.state === "DECLINED") return `${t("declined")}${booking.declineReason ? `: ${booking.declineReason}` : ""}`;
  return [extensionNote(booking), booking.checkedInAt ? t("checkedIn") : ""].filter(Boolean).join(" · ");
}

// Pending → confirmed / declined, honestly: the end shown while pending is the
// one asked for; a declined or failed extension says why and shows the old end.
function extensionNote(booking) {
  const extension = booking.extension;
  if (!extension) return "";
  const time = fmt(Date.parse(extension.requestedEnd));
  if (extension.state === "PENDING") return t("extending", { time });
  if (extension.state === "CONFIRMED") return t("extended", { time });
  return t("notExtended", { reason: extension.reason ?? "" });
}

// Discreet: the room's sync is not known to be current (Transom's verdict).
function renderStale(day) {
  const stale = $("stale");
  stale.hidden = !day.mayBeStale;
  stale.textContent = day.mayBeStale ? t("staleSince", { time: fmt(Date.parse(day.staleSince)) }) : "";
}

function renderCurrent(status, now) {
  const booking = status.current ?? (status.state === "STARTING_SOON" ? status.next : null);
  const declined = (saved.day.bookings ?? []).find(
    (b) => b.state === "DECLINED" && b.source === "DISPLAY" && Date.parse(b.end) > now);
  const shown = booking ?? declined;
  $("current").hidden = !shown;
  if (!shown) return;
  setText("current-subject", title(shown));
  setText("current-organizer", shown.organizer?.name ?? "");
  const home = saved.home.thisDisplay;
  let note = stateNote(shown);
  if (!note && home.checkInRequired && shown.state === "CONFIRMED" && !shown.checkedInAt) {
    const releaseAt = Date.parse(shown.start) + home.noShowReleaseMinutes * 60000;
    note = t("checkInBy", { time: fmt(releaseAt) });
  }
  setText("current-note", note);
}

function renderAgenda(bookings, now) {
  const list = $("agenda");
  const items = laterToday(bookings, now, Date.parse(saved.day.end));
  const key = JSON.stringify(items.map((b) => [b.id, b.state, b.subject, b.start, b.end, b.extension?.state]));
  if (list.dataset.key === key) return;
  list.dataset.key = key;
  list.replaceChildren(...(items.length ? items.map(agendaItem) : [emptyItem()]));
}

function agendaItem(booking) {
  const item = document.createElement("li");
  item.dataset.state = booking.state;
  const time = document.createElement("span");
  time.className = "agenda-time";
  time.textContent = `${fmt(Date.parse(booking.start))}–${fmt(Date.parse(booking.end))}`;
  const what = document.createElement("span");
  what.className = "agenda-title";
  const note = stateNote(booking);
  what.textContent = [title(booking), booking.organizer?.name, note].filter(Boolean).join(" · ");
  item.append(time, what);
  return item;
}

function emptyItem() {
  const item = document.createElement("li");
  item.textContent = t("nothingToday");
  return item;
}

// ---- actions ------------------------------------------------------------------------
function renderActions(status, now) {
  const wanted = actionsFor(status, now);
  const holder = $("actions");
  // The buttons act on the current meeting: rebuild them when it changes.
  const key = JSON.stringify([status.current?.id ?? null, ...wanted.map((a) => a.label)]);
  if (holder.dataset.key === key) return;
  holder.dataset.key = key;
  holder.replaceChildren(...wanted.map(({ label, run }) => {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = label;
    button.addEventListener("click", () => act(run));
    return button;
  }));
}

function actionsFor(status, now) {
  if (live.offlineSince !== null) return [];
  const roomId = saved.home.thisDisplay.room.id;
  if (status.state !== "BUSY") {
    // Capped at the next booking: "Book 20 min" when only 20 minutes are free.
    const free = status.until === null ? Infinity : Math.floor((status.until - now) / 60000);
    if (free < 5) return [];
    const seen = new Set();
    return [15, 30, 60].map((minutes) => ({ minutes, shown: Math.min(minutes, free) }))
      .filter(({ shown }) => !seen.has(shown) && seen.add(shown))
      .map(({ minutes, shown }) => ({
        label: t("bookFor", { minutes: shown }),
        run: () => mutate("BookNow", { roomId, minutes }),
      }));
  }
  const current = status.current;
  const actions = [];
  if (saved.home.thisDisplay.checkInRequired && !current.checkedInAt && current.state === "CONFIRMED") {
    actions.push({ label: t("checkIn"), run: () => mutate("CheckIn", { bookingId: current.id }) });
  }
  if (canExtend(current)) {
    actions.push({ label: t("extend"), run: () => mutate("ExtendBooking", { bookingId: current.id, minutes: 15 }) });
  }
  if (current.source === "DISPLAY" && current.state !== "DECLINED") {
    actions.push({ label: t("endNow"), run: () => mutate("EndBookingNow", { bookingId: current.id }) });
  }
  return actions;
}

function canExtend(booking) {
  // The server caps at the next booking and refuses under 5 minutes; so do we.
  if (booking.state !== "CONFIRMED" || booking.extension?.state === "PENDING") return false;
  const end = Date.parse(booking.end);
  const next = occupying(saved.day.bookings)
    .filter((b) => b.id !== booking.id && Date.parse(b.end) > end)
    .map((b) => Date.parse(b.start));
  return Math.min(Infinity, ...next) - end >= 5 * 60000;
}

async function mutate(name, variables) {
  const result = await request(name, variables, saved.secret);
  if (result.errors) throw new Error(result.errors[0].message);
  // Expected failures (slot taken, too early to check in...) are the payload's userErrors.
  const refused = Object.values(result.data)[0]?.userErrors ?? [];
  if (refused.length) throw new Error(refused[0].message);
}

async function act(run) {
  if (busy) return;
  busy = true;
  $("action-message").textContent = t("pending");
  try {
    await run();
    $("action-message").textContent = "";
    await refetch();
  } catch (error) {
    $("action-message").textContent = t("failed", { reason: error.message });
  } finally {
    busy = false;
    render();
  }
}

// ---- lifecycle ----------------------------------------------------------------------
function sleep(ms) { return new Promise((resolve) => setTimeout(resolve, ms)); }

async function start() {
  live.offlineSince = saved.offlineSince ?? null;
  if (!saved.paired || !saved.secret) await pair();
  setLanguage((saved.home?.thisDisplay?.language ?? "EN").toLowerCase());
  render();
  await connect();
  setLanguage((saved.home?.thisDisplay?.language ?? "EN").toLowerCase());
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
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible" && saved.paired) connect();
});
setInterval(render, 1000);
setInterval(watchdog, 15000);
setInterval(checkVersion, VERSION_CHECK_MS);
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register(`/display/sw.js?build=${BUILD}`, { scope: "/display" }).catch(() => {});
}
if (saved.paired) setLanguage((saved.home?.thisDisplay?.language ?? "EN").toLowerCase());
render();
start();
