// The door display: pairing, the room's day, live updates and offline tolerance.
//
// State lives in localStorage so a reload, a restart or a night without network
// shows the last schedule at once. The clock ticks locally and the status is
// recomputed every second from the cached bookings, so it advances while offline.
// Reconnects back off with jitter and always refetch before resubscribing.
import { NetworkError, errorCode, request, subscribe } from "./graphql.js";
import { feedHandlers, offlineMarker, pairScreen } from "./pairing.js";
import { clockTime, language, setLanguage, t } from "./i18n.js";
import {
  backoff, bookingEnds, declinedHere, laterToday, minutesLeft, nextMeeting, occupying, releaseAt, statusAt,
} from "./schedule.js";

const STORE = "transom.display.v1";
const PAIRING_POLL_MS = 3000;
const WATCHDOG_MS = 150000; // the server pushes at least every minute
const VERSION_CHECK_MS = 10 * 60 * 1000;
const NEARBY_EVERY_MS = 60 * 1000;
const BUILD = document.documentElement.dataset.build;
const $ = (id) => document.getElementById(id);

let saved = load();
let live = { stop: null, attempt: 0, lastMessage: 0, timer: null, offlineSince: null };
let busy = false;
let nearby = { at: null, asked: null, rooms: [], pending: false };

function load() {
  try { return JSON.parse(localStorage.getItem(STORE)) ?? {}; } catch { return {}; }
}
function save() { localStorage.setItem(STORE, JSON.stringify(saved)); }
function reset() { saved = {}; save(); }
function zone() { return saved.home?.thisDisplay?.room?.timeZone || undefined; }
function fmt(ms) { return clockTime(new Date(ms), zone()); }

// ---- offline marker and pairing (shared with the other kind of display) ----
const screen = { saved: () => saved, save, live, render };
const { markOffline, markOnline } = offlineMarker(screen);
function pair() {
  return pairScreen(screen, { showPairing, markOnline, markOffline, pollMs: PAIRING_POLL_MS });
}

function showPairing() {
  $("room").hidden = true;
  $("pairing").hidden = false;
  $("display").dataset.state = "PAIRING";
  const code = saved.code ?? "";
  $("pairing-code").textContent = code.length === 6 ? `${code.slice(0, 3)} ${code.slice(3)}` : code;
}

// ---- the live room ------------------------------------------------------------
// `keepNewer`: the live feed is open and may have pushed a day newer than this
// read while it was under way; the read is kept only if it is not older.
async function refetch({ keepNewer = false } = {}) {
  const home = await request("DisplayHome", {}, saved.secret);
  if (errorCode(home) === "UNAUTHENTICATED") return "REVOKED";
  if (errorCode(home) === "FORBIDDEN") return "LOBBY"; // paired to a building
  if (home.errors) throw new NetworkError(home.errors[0].message);
  if (home.data.build.id !== BUILD) { location.reload(); return "RELOADING"; }
  saved.home = home.data;
  const roomId = home.data.thisDisplay.room.id;
  const day = await request("RoomDay", { roomId }, saved.secret);
  if (day.errors) throw new NetworkError(day.errors[0].message);
  if (!keepNewer || !olderThan(day.data.roomDay, saved.day)) saved.day = day.data.roomDay;
  save();
  return "OK";
}

// Days say when their data was read (`asOf`); one without it is never older.
function olderThan(day, shown) {
  return Boolean(day.asOf && shown?.asOf) && Date.parse(day.asOf) < Date.parse(shown.asOf);
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
    live.stop = await subscribe("RoomDayLive", { roomId }, saved.secret, feedHandlers(screen, "roomBookings", {
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
  renderStale(saved.day);
  $("pairing").hidden = true;
  $("room").hidden = false;
  $("room-name").textContent = saved.home.thisDisplay.room.name;
  const bookings = saved.day.bookings;
  const status = statusAt(bookings, now);
  const refused = declinedHere(bookings, now);
  // Exchange said the room is taken but Transom has not synced who holds it
  // yet: not free, whatever the cached day says (the worker resyncs the room).
  const takenUnknown = refused !== null && refused.holder === null && status.state !== "BUSY";
  const shownState = takenUnknown ? "BUSY" : status.state;
  $("display").dataset.state = shownState;
  setText("status-word", t(shownState));
  setText("time-left", takenUnknown ? t("takenInExchange") : timeLeft(status, now));
  renderCurrent(status, now);
  renderDeclined(refused);
  renderNext(status, now);
  renderActions(status, now, takenUnknown);
  renderNearby(shownState !== "FREE", now);
  renderAgenda(bookings, now);
  fitList($("nearby-list"));
  fitList($("agenda"));
}

// Lines that would be cut off at the panel's bottom are left out whole.
function fitList(list) {
  const items = [...list.children];
  for (const item of items) item.hidden = false;
  const panel = list.parentElement;
  const bottom = panel.getBoundingClientRect().bottom - parseFloat(getComputedStyle(panel).paddingBottom);
  let cut = false;
  for (const item of items.slice(1)) {
    cut = cut || item.getBoundingClientRect().bottom > bottom + 1;
    item.hidden = cut;
  }
}

function setText(id, text) {
  // Only touch the live region when the words change, so screen readers hear changes once.
  if ($(id).textContent !== text) $(id).textContent = text;
}

function duration(minutes) {
  if (minutes < 60) return t("minutes", { m: minutes });
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m ? t("hoursMinutes", { h, m }) : t("hours", { h });
}

// "Ends in 12 min" (the meeting now, not the busy stretch), "Free for 25 min".
function timeLeft(status, now) {
  if (status.state === "BUSY") return t("endsIn", { left: duration(minutesLeft(now, status.current.endMs)) });
  if (status.state === "STARTING_SOON") return t("startsIn", { left: duration(minutesLeft(now, status.until)) });
  return status.until === null ? t("freeAllDay") : t("freeFor", { left: duration(minutesLeft(now, status.until)) });
}

function title(booking) {
  if (booking.subject) return booking.subject;
  if (booking.source === "DISPLAY") return t("bookedAtDoor");
  return booking.isPrivate ? t("privateMeeting") : t("busyMeeting");
}

function span(booking) {
  return t("span", { start: fmt(Date.parse(booking.start)), end: fmt(Date.parse(booking.end)) });
}

// Who holds the room, as far as the tenant's privacy settings let the display see.
function heldBy(booking) {
  const time = fmt(booking.endMs);
  if (booking.organizer?.name) return t("heldBy", { who: booking.organizer.name, time });
  if (booking.subject) return t("heldFor", { subject: booking.subject, time });
  return t("heldBy", { who: booking.isPrivate ? t("aPrivateMeeting") : t("anotherMeeting"), time });
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

function meta(booking) {
  return [span(booking), booking.organizer?.name].filter(Boolean).join(" · ");
}

// The meeting in the room now: its subject, times, organizer and state, and
// the countdown to a no-show release while nobody has checked in.
function renderCurrent(status, now) {
  const booking = status.state === "BUSY" ? status.current : null;
  $("current").hidden = !booking;
  if (!booking) return;
  setText("current-subject", title(booking));
  setText("current-meta", meta(booking));
  const release = releaseAt(booking, saved.home.thisDisplay);
  const note = $("current-note");
  note.classList.toggle("countdown", release !== null && release > now);
  if (release !== null && release > now) {
    const seconds = Math.ceil((release - now) / 1000);
    const left = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
    setText("current-note", t("releaseIn", { left }));
  } else {
    setText("current-note", stateNote(booking));
  }
  note.hidden = !note.textContent;
}

// A booking made here that Exchange declined: say so, and who holds the room.
function renderDeclined(refused) {
  $("declined").hidden = !refused;
  if (!refused) return;
  const reason = refused.declined.declineReason;
  setText("declined-title", `${t("declined")}${reason ? `: ${reason}` : ""}`);
  setText("declined-holder", refused.holder ? heldBy(refused.holder) : t("heldUnknown"));
}

// Always visible: the next meeting (after the one running now), or that there is none.
function renderNext(status, now) {
  const next = status.state === "BUSY" ? nextMeeting(saved.day.bookings, now, status.current) : status.next;
  const when = next ? span(next) : "";
  const what = next ? [title(next), next.organizer?.name].filter(Boolean).join(" · ") : t("nothingNext");
  if ($("next-when").textContent !== when || $("next-what").textContent !== what) {
    $("next-when").textContent = when;
    $("next-what").textContent = what;
  }
  $("next").dataset.soon = String(status.state === "STARTING_SOON");
  const note = next ? stateNote(next) : "";
  setText("next-note", note);
  $("next-note").hidden = !note;
}

function renderAgenda(bookings, now) {
  const list = $("agenda");
  const items = laterToday(bookings, now, Date.parse(saved.day.end));
  const key = JSON.stringify([items.map((b) => [b.id, b.state, b.subject, b.start, b.end, b.extension?.state]), language()]);
  if (list.dataset.key === key) return;
  list.dataset.key = key;
  list.replaceChildren(...(items.length ? items.map(agendaItem) : [emptyItem()]));
}

function agendaItem(booking) {
  const item = document.createElement("li");
  item.dataset.state = booking.state;
  const time = document.createElement("span");
  time.className = "agenda-time";
  time.textContent = span(booking);
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

// ---- free rooms nearby (while this one is busy or about to be) ---------------------
async function fetchNearby() {
  if (live.offlineSince !== null || !saved.secret) return;
  try {
    const result = await request("NearbyFreeRooms", {}, saved.secret);
    const rooms = result.data?.thisDisplay?.nearbyFreeRooms;
    if (!rooms) return;
    nearby = { at: Date.now(), rooms };
    render();
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error;
  }
}

function renderNearby(wanted, now) {
  const section = $("nearby");
  const fresh = nearby.at !== null && now - nearby.at < 2 * NEARBY_EVERY_MS;
  if (wanted && !nearby.pending && (nearby.asked === null || now - nearby.asked >= NEARBY_EVERY_MS)) {
    nearby.pending = true;
    nearby.asked = now;
    fetchNearby().finally(() => { nearby.pending = false; });
  }
  const show = wanted && fresh && live.offlineSince === null;
  section.hidden = !show;
  if (!show) return;
  const rooms = nearby.rooms.filter((r) => r.freeUntil === null || Date.parse(r.freeUntil) - now >= 5 * 60000);
  const list = $("nearby-list");
  const lines = rooms.map(nearbyLine.bind(null, now));
  const key = JSON.stringify([lines, language()]);
  if (list.dataset.key === key) return;
  list.dataset.key = key;
  list.replaceChildren(...(lines.length ? lines : [[t("nearbyNone"), ""]]).map(([name, rest]) => {
    const item = document.createElement("li");
    const strong = document.createElement("span");
    strong.className = "nearby-name";
    strong.textContent = name;
    const detail = document.createElement("span");
    detail.className = "nearby-detail";
    detail.textContent = rest;
    item.append(strong, detail);
    return item;
  }));
}

function nearbyLine(now, room) {
  const free = room.freeUntil === null
    ? t("nearbyFreeAllDay")
    : t("nearbyFreeFor", { left: duration(minutesLeft(now, Date.parse(room.freeUntil))) });
  const where = room.sameFloor ? t("thisFloor") : room.floor ? t("floor", { floor: room.floor }) : "";
  const seats = room.capacity ? t("seats", { n: room.capacity }) : "";
  return [room.name, [free, where, seats].filter(Boolean).join(" · ")];
}

// ---- actions ------------------------------------------------------------------------
function renderActions(status, now, takenUnknown) {
  const wanted = actionsFor(status, now, takenUnknown);
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

function actionsFor(status, now, takenUnknown) {
  if (live.offlineSince !== null || takenUnknown) return [];
  const roomId = saved.home.thisDisplay.room.id;
  if (status.state !== "BUSY") {
    // Named by their end, a quarter hour or the next booking: "Until 16:30".
    return bookingEnds(now, status.until).map((end) => ({
      label: t("bookUntil", { time: fmt(end) }),
      run: () => mutate("BookNow", { roomId, until: new Date(end).toISOString() }),
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
    // Shown at once, without waiting for the push; but a push may overtake
    // this read, and an older answer would stay on screen (the feed sends
    // only changes), so while the feed is open only a newer one is kept.
    await refetch({ keepNewer: live.stop !== null });
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
