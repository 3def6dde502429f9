// A room's day as a bar from 07:00 to 19:00 in the tenant's time zone (not
// the browser's), with the day's meetings listed under it.
import { t } from "./i18n.js";
import { el, formatTime, instantInZone } from "./ui.js";

export const FIRST_HOUR = 7;
export const LAST_HOUR = 19;

function label(booking) {
  return booking.isPrivate ? t("Private") : booking.subject || t("Busy");
}

// `date` is YYYY-MM-DD in `zone`; bookings outside 07:00-19:00 still count in
// the spoken list.
export function timeline(bookings, date, zone) {
  const from = instantInZone(date, FIRST_HOUR, zone);
  const to = instantInZone(date, LAST_HOUR, zone);
  const span = to - from;
  const active = bookings.filter((b) => b.state !== "CANCELLED" && b.state !== "DECLINED");
  const bar = el("div", { class: "timeline", "aria-hidden": "true" });
  for (const booking of active) {
    const start = Math.max(0, new Date(booking.start) - from);
    const end = Math.min(span, new Date(booking.end) - from);
    if (end <= 0 || start >= span) continue;
    const times = `${formatTime(booking.start, zone)}–${formatTime(booking.end, zone)}`;
    // CSSOM, not a style attribute: the page's CSP allows no inline styles.
    const block = el("span", { class: "booking", title: `${times} ${label(booking)}`, "data-times": times }, label(booking));
    block.style.left = `${(start / span) * 100}%`;
    block.style.width = `${((end - start) / span) * 100}%`;
    bar.append(block);
  }
  // The bar shows where the day is taken; its blocks are too narrow for
  // names, so the day's meetings are listed in full under it (for everyone,
  // screen readers included).
  const items = active.length
    ? active.map((b) => el("li", {}, `${formatTime(b.start, zone)}–${formatTime(b.end, zone)} ${label(b)}`))
    : [el("li", { class: "muted" }, t("No bookings"))];
  return el("div", { class: "day" }, bar, el("ul", { class: "day-list" }, items));
}

// The hours under the timeline column's heading.
export function scale() {
  const hours = [];
  for (let hour = FIRST_HOUR; hour <= LAST_HOUR; hour += 3) hours.push(el("span", {}, `${String(hour).padStart(2, "0")}:00`));
  return el("div", { class: "timeline-scale", "aria-hidden": "true" }, hours);
}
