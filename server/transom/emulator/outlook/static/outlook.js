// The emulator's "Outlook" page: one user's week, and meetings with rooms.
// Talks only to /_emulator/outlook/api/*, which runs Graph's own event logic.

const api = (path) => new URL(`api/${path}`, document.baseURI.replace(/outlook.*$/, "outlook/"));
const $ = (id) => document.getElementById(id);
const DAY = 24 * 60 * 60 * 1000;
let weekStart = mondayOf(new Date());
let moving = null;

function mondayOf(date) {
  const d = new Date(date.getFullYear(), date.getMonth(), date.getDate());
  const shift = (d.getDay() + 6) % 7;
  return new Date(d.getTime() - shift * DAY);
}

function mailbox() {
  const [tenant, user] = $("mailbox").value.split("|");
  return { tenant, user };
}

function say(text) {
  $("status").textContent = text;
}

async function call(method, path, body) {
  const response = await fetch(api(path), {
    method,
    headers: body ? { "Content-Type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = response.status === 204 ? {} : await response.json();
  if (!response.ok) {
    throw new Error(data.error?.message || data.error || response.statusText);
  }
  return data;
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: "long", day: "numeric", month: "short" });

function isoDate(date) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

function hhmm(date) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function localMoment(day, time) {
  return new Date(`${day}T${time}:00`).toISOString();
}

function roomText(room) {
  const words = { accepted: "accepted", declined: "declined", tentativelyAccepted: "tentative" };
  return `${room.name}: ${words[room.response] || "awaiting answer"}`;
}

function card(item) {
  const li = document.createElement("li");
  li.className = `meeting showas-${item.showAs}`;
  const start = new Date(item.start);
  const end = new Date(item.end);
  const title = document.createElement("strong");
  title.textContent = item.subject || "(no subject)";
  const when = document.createElement("span");
  when.textContent = `${timeFormat.format(start)}–${timeFormat.format(end)} · ${item.showAs}`;
  li.append(title, document.createElement("br"), when);
  for (const room of item.rooms) {
    const p = document.createElement("p");
    p.className = `room room-${room.response}`;
    p.textContent = roomText(room);
    li.append(p);
  }
  if (!item.isOrganizer && item.organizer) {
    const p = document.createElement("p");
    p.className = "muted";
    p.textContent = `Organizer: ${item.organizer}`;
    li.append(p);
  }
  li.append(actions(item, start, end));
  return li;
}

function actions(item, start, end) {
  const box = document.createElement("div");
  box.className = "actions";
  const move = document.createElement("button");
  move.type = "button";
  move.textContent = "Move";
  move.setAttribute("aria-label", `Move ${item.subject}`);
  move.addEventListener("click", () => openMove(item, start, end));
  const cancel = document.createElement("button");
  cancel.type = "button";
  cancel.textContent = item.isOrganizer ? "Cancel meeting" : "Remove";
  cancel.setAttribute("aria-label", `${cancel.textContent} ${item.subject}`);
  cancel.addEventListener("click", () => cancelMeeting(item));
  box.append(move, cancel);
  return box;
}

function render(items) {
  const week = $("week");
  week.replaceChildren();
  for (let i = 0; i < 7; i += 1) {
    const day = new Date(weekStart.getTime() + i * DAY);
    const column = document.createElement("section");
    column.className = "day";
    const heading = document.createElement("h3");
    heading.textContent = dayFormat.format(day);
    const list = document.createElement("ul");
    const mine = items.filter((item) => isoDate(new Date(item.start)) === isoDate(day));
    for (const item of mine) list.append(card(item));
    if (!mine.length) {
      const empty = document.createElement("li");
      empty.className = "muted";
      empty.textContent = "No meetings";
      list.append(empty);
    }
    column.append(heading, list);
    week.append(column);
  }
}

async function load(announce = true) {
  const { tenant, user } = mailbox();
  if (!user) return;
  const end = new Date(weekStart.getTime() + 7 * DAY);
  const query = new URLSearchParams({ tenant, user, start: weekStart.toISOString(), end: end.toISOString() });
  try {
    const data = await call("GET", `calendar?${query}`);
    render(data.items);
    if (announce) say(`Week of ${dayFormat.format(weekStart)}: ${data.items.length} meeting(s).`);
  } catch (error) {
    say(`Could not load the calendar: ${error.message}`);
  }
}

async function create(event) {
  event.preventDefault();
  const form = new FormData($("create"));
  const body = {
    ...mailbox(),
    subject: form.get("subject"),
    start: localMoment(form.get("day"), form.get("start")),
    end: localMoment(form.get("day"), form.get("end")),
    room: form.get("room") || null,
  };
  try {
    await call("POST", "events", body);
    await load(false);
    say(`Created “${body.subject}”.${body.room ? " Waiting for the room to answer…" : ""}`);
    if (body.room) setTimeout(() => load(false), 1500);
  } catch (error) {
    say(`Could not create the meeting: ${error.message}`);
  }
}

function openMove(item, start, end) {
  moving = item;
  $("move-day").value = isoDate(start);
  $("move-start").value = hhmm(start);
  $("move-end").value = hhmm(end);
  $("move-dialog").showModal();
}

async function saveMove(event) {
  event.preventDefault();
  $("move-dialog").close();
  const form = new FormData($("move"));
  const body = {
    ...mailbox(),
    start: localMoment(form.get("day"), form.get("start")),
    end: localMoment(form.get("day"), form.get("end")),
  };
  try {
    await call("PATCH", `events/${encodeURIComponent(moving.id)}`, body);
    await load(false);
    say(`Moved “${moving.subject}”.`);
    setTimeout(() => load(false), 1500);
  } catch (error) {
    say(`Could not move the meeting: ${error.message}`);
  }
}

async function cancelMeeting(item) {
  const query = new URLSearchParams(mailbox());
  try {
    await call("DELETE", `events/${encodeURIComponent(item.id)}?${query}`);
    await load(false);
    say(`Cancelled “${item.subject}”.`);
  } catch (error) {
    say(`Could not cancel the meeting: ${error.message}`);
  }
}

function shiftWeek(days) {
  weekStart = days === 0 ? mondayOf(new Date()) : new Date(weekStart.getTime() + days * DAY);
  load();
}

$("day").value = isoDate(new Date());
$("mailbox").addEventListener("change", () => load());
$("prev-week").addEventListener("click", () => shiftWeek(-7));
$("this-week").addEventListener("click", () => shiftWeek(0));
$("next-week").addEventListener("click", () => shiftWeek(7));
$("create").addEventListener("submit", create);
$("move").addEventListener("submit", saveMove);
$("move-cancel").addEventListener("click", () => $("move-dialog").close());
load();
