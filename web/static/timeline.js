// A room's day as a bar from 07:00 to 19:00, with a list for screen readers.
import { el, formatTime } from "./ui.js";

const FIRST_HOUR = 7;
const HOURS = 12;

export function timeline(bookings, dayStart, zone) {
  const from = new Date(dayStart);
  from.setHours(FIRST_HOUR, 0, 0, 0);
  const span = HOURS * 3600000;
  const active = bookings.filter((b) => b.state !== "CANCELLED" && b.state !== "DECLINED");
  const bar = el("div", { class: "timeline", "aria-hidden": "true" });
  for (const booking of active) {
    const start = Math.max(0, new Date(booking.start) - from);
    const end = Math.min(span, new Date(booking.end) - from);
    if (end <= 0 || start >= span) continue;
    const label = booking.isPrivate ? "Private" : booking.subject || "Busy";
    // CSSOM, not a style attribute: the page's CSP allows no inline styles.
    const block = el("span", { class: "booking", title: `${formatTime(booking.start, zone)}–${formatTime(booking.end, zone)} ${label}` }, label);
    block.style.left = `${(start / span) * 100}%`;
    block.style.width = `${((end - start) / span) * 100}%`;
    bar.append(block);
  }
  const spoken = active.length
    ? active.map((b) => `${formatTime(b.start, zone)}–${formatTime(b.end, zone)} ${b.isPrivate ? "Private" : b.subject || "Busy"}`).join("; ")
    : "No bookings";
  return el("div", {}, bar, el("span", { class: "visually-hidden" }, spoken));
}
