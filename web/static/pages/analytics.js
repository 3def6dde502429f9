// The Analytics page: roomUsage over a range, as a table (CSV download), a bar
// chart of utilisation and a weekday x hour heatmap, both SVG drawn here.
import { request } from "../graphql.js";
import { chosenTenant, watchTenant } from "../tenant.js";
import { locale, t } from "../i18n.js";
import { dateInZone, debounced, el, instantInZone, replaceKeepingFocus } from "../ui.js";

const SVG = "http://www.w3.org/2000/svg";
// Monday first, in the admin's language (5 January 2026 was a Monday).
const weekday = (index, style) => new Intl.DateTimeFormat(locale, { weekday: style, timeZone: "UTC" }).format(new Date(Date.UTC(2026, 0, 5 + index)));
const DAYS = [0, 1, 2, 3, 4, 5, 6].map((i) => weekday(i, "long"));
const WEEKDAYS = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"];
const form = document.getElementById("usage-filters");
const fromInput = document.getElementById("usage-from");
const toInput = document.getElementById("usage-to");
const groupInput = document.getElementById("usage-group");
const errorBox = document.getElementById("usage-error");
const summary = document.getElementById("usage-summary");
const table = document.getElementById("usage-table");
const bars = document.getElementById("usage-bars");
const heatmap = document.getElementById("usage-heatmap");
const heatmapNote = document.getElementById("usage-heatmap-note");
const csvButton = document.getElementById("usage-csv");
let tenant = null;
let report = null;
let loads = 0;

// Each column: its CSV header (English: the CSV is a data format), its value
// in the CSV (plain numbers) and its heading and value on the page (in the
// admin's language).
const COLUMNS = [
  ["Group", (g) => g.label, () => t("Group"), (g) => g.label],
  ["Rooms", (g) => g.rooms, () => t("Rooms"), (g) => number(g.rooms)],
  ["Booked hours", (g) => g.bookedHours.toFixed(1), () => t("Booked hours"), (g) => number(g.bookedHours, 1)],
  ["Working hours", (g) => g.workingHours.toFixed(0), () => t("Working hours"), (g) => number(g.workingHours, 0)],
  ["Utilisation", (g) => `${(g.utilisation * 100).toFixed(1)} %`, () => t("Utilisation"), (g) => percent(g.utilisation)],
  ["Meetings", (g) => g.meetings, () => t("Meetings"), (g) => number(g.meetings)],
  ["Median minutes", (g) => (g.medianMinutes === null ? "" : Math.round(g.medianMinutes)), () => t("Median minutes"), (g) => (g.medianMinutes === null ? "" : number(Math.round(g.medianMinutes)))],
  ["Door bookings", (g) => g.doorBookings, () => t("Door bookings"), (g) => number(g.doorBookings)],
  ["Checked in", (g) => g.checkedIn, () => t("Checked in"), (g) => number(g.checkedIn)],
  ["Released (no-show)", (g) => g.released, () => t("Released (no-show)"), (g) => number(g.released)],
  ["Ended early", (g) => g.endedEarly, () => t("Ended early"), (g) => number(g.endedEarly)],
  ["Extended", (g) => g.extended, () => t("Extended"), (g) => number(g.extended)],
];

// A figure the admin's way (1,234.5 / 1.234,5); `digits` fixed decimals.
function number(value, digits = null) {
  const fixed = digits === null ? {} : { minimumFractionDigits: digits, maximumFractionDigits: digits };
  return new Intl.NumberFormat(locale, fixed).format(value);
}

function percent(share) {
  return t("{percent} %", { percent: number(share * 100, 1) });
}

function clock(h) {
  return `${String(h).padStart(2, "0")}:00`;
}

function svg(tag, attributes = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  for (const child of children.flat()) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
}

function summaryOf(total) {
  const figure = (term, value) => el("div", {}, el("dt", {}, term), el("dd", {}, value));
  return el(
    "dl",
    { class: "figures", "data-usage-summary": "" },
    figure(t("Utilisation"), percent(total.utilisation)),
    figure(t("Booked hours"), number(total.bookedHours, 1)),
    figure(t("Meetings"), number(total.meetings)),
    figure(t("Median length"), total.medianMinutes === null ? "–" : t("{minutes} min", { minutes: number(Math.round(total.medianMinutes)) })),
    figure(t("Door bookings"), number(total.doorBookings)),
    figure(t("Checked in"), number(total.checkedIn)),
    figure(t("Released (no-show)"), number(total.released)),
    figure(t("Ended early"), number(total.endedEarly)),
  );
}

function tableOf(groups) {
  if (!groups.length) return el("p", { class: "empty" }, t("No rooms yet."));
  const head = el("tr", {}, COLUMNS.map(([, , heading], i) => el("th", { scope: "col", class: i ? "numeric" : null }, heading())));
  const rows = groups.map((g) =>
    el("tr", { "data-key": g.key }, COLUMNS.map(([, , , value], i) => (i ? el("td", { class: "numeric" }, value(g)) : el("th", { scope: "row" }, value(g))))),
  );
  return el("div", { class: "table-wrap" }, el("table", {}, el("caption", { class: "visually-hidden" }, t("Room usage by group")), el("thead", {}, head), el("tbody", {}, rows)));
}

// Horizontal bars, one per group: utilisation of working hours, with the
// figure written beside each bar (never colour alone).
function barChart(groups) {
  const shown = groups.slice(0, 60);
  const row = 22;
  const labelWidth = 180;
  const barWidth = 420;
  const height = shown.length * row + 10;
  const items = shown.map((g, i) => {
    const y = i * row + 5;
    const width = Math.max(0, Math.min(1, g.utilisation)) * barWidth;
    return svg(
      "g",
      {},
      svg("title", {}, `${g.label}: ${percent(g.utilisation)}`),
      svg("text", { x: labelWidth - 6, y: y + 14, "text-anchor": "end" }, g.label.length > 28 ? `${g.label.slice(0, 27)}…` : g.label),
      svg("rect", { class: "track", x: labelWidth, y, width: barWidth, height: row - 6 }),
      svg("rect", { class: "bar", x: labelWidth, y, width, height: row - 6 }),
      svg("text", { x: labelWidth + barWidth + 6, y: y + 14 }, percent(g.utilisation)),
    );
  });
  const note = groups.length > shown.length ? el("p", { class: "muted" }, t("The first {shown} of {count} groups; the table has them all.", { shown: number(shown.length), count: number(groups.length) })) : null;
  const chart = svg("svg", { role: "img", "aria-label": t("Utilisation of working hours per group: {groups}", { groups: shown.map((g) => `${g.label} ${percent(g.utilisation)}`).join(", ") }), width: labelWidth + barWidth + 70, height, "data-chart": "bars" }, items);
  return [chart, note];
}

// 7 rows (Monday first) x 24 hours; darker is busier, and every cell has its
// figure as a tooltip; the busiest hours are also written out below.
function heatmapChart(cells) {
  const size = 24;
  const left = 90;
  const top = 20;
  const peak = Math.max(...cells, 0.0001);
  const items = [];
  for (let hour = 0; hour < 24; hour += 3) items.push(svg("text", { x: left + hour * size + 2, y: 14 }, String(hour).padStart(2, "0")));
  DAYS.forEach((day, d) => {
    items.push(svg("text", { x: left - 6, y: top + d * size + 16, "text-anchor": "end" }, day));
    for (let hour = 0; hour < 24; hour++) {
      const share = cells[d * 24 + hour];
      const lightness = 97 - Math.round((share / peak) * 62);
      items.push(
        svg(
          "rect",
          { x: left + hour * size, y: top + d * size, width: size - 2, height: size - 2, fill: `hsl(215, 80%, ${lightness}%)`, "data-cell": `${d}-${hour}` },
          svg("title", {}, t("{day} {from}–{to}: {percent} booked", { day, from: clock(hour), to: clock(hour + 1), percent: percent(share) })),
        ),
      );
    }
  });
  const busiest = cells
    .map((share, i) => ({ share, i }))
    .filter((c) => c.share > 0)
    .sort((a, b) => b.share - a.share)
    .slice(0, 3)
    .map((c) => `${DAYS[Math.floor(c.i / 24)]} ${clock(c.i % 24)} (${percent(c.share)})`);
  const label = busiest.length ? t("Occupancy by weekday and hour; busiest: {busiest}", { busiest: busiest.join(", ") }) : t("Occupancy by weekday and hour: no bookings in this range");
  return svg("svg", { role: "img", "aria-label": label, width: left + 24 * size + 10, height: top + 7 * size + 6, "data-chart": "heatmap" }, items);
}

function csvOf(data) {
  const quote = (value) => {
    const text = String(value);
    return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const lines = [COLUMNS.map(([name]) => name), ...data.groups.map((g) => COLUMNS.map(([, value]) => value(g)))];
  return lines.map((line) => line.map(quote).join(",")).join("\r\n") + "\r\n";
}

function download() {
  if (!report) return;
  const blob = new Blob([csvOf(report)], { type: "text/csv" });
  const link = el("a", { href: URL.createObjectURL(blob), download: `room-usage-${fromInput.value}-to-${toInput.value}-by-${groupInput.value.toLowerCase()}.csv` });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

function range() {
  const zone = tenant.timeZone;
  const from = instantInZone(fromInput.value, 0, zone);
  const to = instantInZone(toInput.value, 24, zone);
  return { from: from.toISOString(), to: to.toISOString() };
}

async function load() {
  const mine = ++loads;
  errorBox.hidden = true;
  if (!fromInput.value || !toInput.value) {
    errorBox.textContent = t("Choose both dates.");
    errorBox.hidden = false;
    return;
  }
  summary.setAttribute("aria-busy", "true");
  try {
    const data = await request("RoomUsage", { tenantId: tenant.id, groupBy: groupInput.value, ...range() });
    if (mine !== loads) return; // a newer load answers for it
    report = data.roomUsage;
    show(report);
  } catch (error) {
    errorBox.textContent = t("Could not load room usage: {reason}", { reason: errorText(error) });
    errorBox.hidden = false;
  } finally {
    if (mine === loads) summary.removeAttribute("aria-busy");
  }
}

function show(data) {
  const days = data.workingDays.filter((d) => WEEKDAYS.includes(d)).map((d) => weekday(WEEKDAYS.indexOf(d), "short")).join(", ");
  heatmapNote.textContent = t("Share of each hour the rooms were booked, in {zone}. Working hours: {from}–{to}, {days}.", {
    zone: data.timeZone,
    from: clock(data.workingHoursStart),
    to: clock(data.workingHoursEnd),
    days,
  });
  replaceKeepingFocus(summary, summaryOf(data.total));
  replaceKeepingFocus(table, tableOf(data.groups));
  bars.replaceChildren(...barChart(data.groups).filter(Boolean));
  heatmap.replaceChildren(heatmapChart(data.total.heatmap));
  csvButton.disabled = false;
}

// A refusal explained by its code where the page knows it.
function errorText(error) {
  const first = error && error.errors ? error.errors[0] : null;
  const code = first && first.extensions ? first.extensions.code : null;
  if (code === "BAD_USER_INPUT") return t("Check the dates: the first must not be after the last, and a range is at most a year.");
  if (code === "FORBIDDEN") return t("You may not see this tenant's analytics.");
  return first ? first.message : error.message;
}

const reloadSoon = debounced(() => load());

form.addEventListener("submit", (event) => {
  event.preventDefault();
  load();
});
csvButton.addEventListener("click", download);

async function start() {
  tenant = await chosenTenant();
  if (!tenant) {
    summary.replaceChildren(el("p", { class: "empty" }, t("No tenant yet.")));
    return;
  }
  const today = dateInZone(new Date(), tenant.timeZone);
  toInput.value = today;
  fromInput.value = dateInZone(new Date(instantInZone(today, 12, tenant.timeZone).getTime() - 27 * 86400000), tenant.timeZone);
  await load();
  watchTenant(tenant, reloadSoon);
}

start().catch((error) => summary.replaceChildren(el("p", { class: "form-error", role: "alert" }, t("Could not load room usage: {reason}", { reason: errorText(error) }))));
