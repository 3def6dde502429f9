// Pure schedule rules, run locally so the status advances while offline.
// Same rule as the server (transom.domain.bookings.room_status).
export const STARTING_SOON_MS = 10 * 60 * 1000;
const OCCUPYING = new Set(["PENDING", "CONFIRMED"]);

export function occupying(bookings) {
  return bookings.filter((b) => OCCUPYING.has(b.state));
}

export function statusAt(bookings, now) {
  const ordered = occupying(bookings)
    .map((b) => ({ ...b, startMs: Date.parse(b.start), endMs: Date.parse(b.end) }))
    .filter((b) => b.endMs > now)
    .sort((a, b) => a.startMs - b.startMs);
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

export function laterToday(bookings, now, dayEnd) {
  return bookings
    .filter((b) => b.state !== "CANCELLED" && Date.parse(b.end) > now && Date.parse(b.start) < dayEnd)
    .sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
}

// The next reconnect delay: exponential backoff with full jitter, capped.
export function backoff(attempt, baseMs = 1000, capMs = 60000) {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 10));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}
