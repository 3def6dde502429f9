// Pure schedule rules, run locally so the status advances while offline.
// Same rule as the server (transom.domain.bookings.room_status).
export const STARTING_SOON_MS = 10 * 60 * 1000;
const MINUTE = 60000;
const QUARTER = 15 * MINUTE;
const MIN_BOOKING = 5 * MINUTE; // the server refuses shorter (domain.displays)
const OCCUPYING = new Set(["PENDING", "CONFIRMED"]);

export function occupying(bookings) {
  return bookings.filter((b) => OCCUPYING.has(b.state));
}

function timed(bookings) {
  return bookings
    .map((b) => ({ ...b, startMs: Date.parse(b.start), endMs: Date.parse(b.end) }))
    .sort((a, b) => a.startMs - b.startMs);
}

export function statusAt(bookings, now) {
  const ordered = timed(occupying(bookings)).filter((b) => b.endMs > now);
  const current = ordered.find((b) => b.startMs <= now);
  if (current) {
    let until = now;
    for (const b of ordered) {
      if (b.startMs > until) break;
      until = Math.max(until, b.endMs);
    }
    return { state: "BUSY", until, current };
  }
  if (ordered.length === 0) return { state: "FREE", until: null, next: null };
  const next = ordered[0];
  const state = next.startMs - now <= STARTING_SOON_MS ? "STARTING_SOON" : "FREE";
  return { state, until: next.startMs, next };
}

// The meeting after the one running now (or the next one, when none runs).
export function nextMeeting(bookings, now, current) {
  return timed(occupying(bookings))
    .find((b) => b.startMs > now && b.id !== current?.id) ?? null;
}

export function laterToday(bookings, now, dayEnd) {
  return bookings
    .filter((b) => b.state !== "CANCELLED" && Date.parse(b.end) > now && Date.parse(b.start) < dayEnd)
    .sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
}

// The ends the door offers to book until: the first quarter hour at least 15
// minutes away, then half an hour and an hour later, each cut at the next
// booking. They change only when a quarter hour passes (or the next booking
// moves), never while someone reads them.
export function bookingEnds(now, nextStart) {
  const first = Math.ceil((now + QUARTER) / QUARTER) * QUARTER;
  const ends = [];
  for (const end of [first, first + 2 * QUARTER, first + 4 * QUARTER]) {
    const capped = nextStart !== null && nextStart < end ? nextStart : end;
    if (capped - now < MIN_BOOKING) break;
    if (!ends.includes(capped)) ends.push(capped);
    if (capped !== end) break;
  }
  return ends;
}

// A booking made at this door that Exchange declined, still covering now, and
// what holds the room then (an occupying booking overlapping it), if Transom
// has synced it yet.
export function declinedHere(bookings, now) {
  const declined = timed(bookings).find(
    (b) => b.state === "DECLINED" && b.source === "DISPLAY" && b.startMs <= now && b.endMs > now);
  if (!declined) return null;
  const holders = timed(occupying(bookings))
    .filter((b) => b.startMs < declined.endMs && b.endMs > declined.startMs && b.id !== declined.id);
  const holder = holders.find((b) => b.endMs > now) ?? null;
  // The holder has left before the slot asked for ended: the room is free again.
  if (holders.length && !holder) return null;
  return { declined, holder };
}

// When the tenant's no-show release would free the room, or null when it will
// not (same rule as transom.sync.outbox.release: confirmed, not checked in, not
// booked at the door, begun after check-in became required).
export function releaseAt(booking, display) {
  if (!display?.checkInRequired || !booking) return null;
  if (booking.state !== "CONFIRMED" || booking.checkedInAt || booking.source === "DISPLAY") return null;
  const start = Date.parse(booking.start);
  const since = display.checkInRequiredSince ? Date.parse(display.checkInRequiredSince) : null;
  if (since !== null && start < since) return null;
  const at = start + display.noShowReleaseMinutes * MINUTE;
  return at < Date.parse(booking.end) ? at : null;
}

// Whole minutes left, rounded up ("ends in 1 min" until it ends).
export function minutesLeft(from, to) {
  return Math.max(0, Math.ceil((to - from) / MINUTE));
}

// The next reconnect delay: exponential backoff with full jitter, capped.
export function backoff(attempt, baseMs = 1000, capMs = 60000) {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 10));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}
