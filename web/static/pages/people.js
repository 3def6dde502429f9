// The People page: the directory with search and filters, connecting every
// calendar with live progress, each person's calendar status in plain words
// with the fix, their "follows calendar" switch and their availability, live.
import { request, subscribe } from "../graphql.js";
import { chosenTenant, watchTenant } from "../tenant.js";
import { debounced, el, replaceKeepingFocus, toast, whileBusy } from "../ui.js";

const list = document.getElementById("people");
const progressBox = document.getElementById("progress");
const filters = document.getElementById("filters");
const newcomers = document.getElementById("newcomers-follow");
let tenant = null;
let cursors = [null]; // the `after` of each page shown so far; the last is this page's
let live = new Map(); // person id -> unsubscribe
let polling = null;

const STATUS = {
  NOT_CONNECTED: { word: "Not connected", tone: "status-idle", fix: "Connect all calendars to follow it." },
  SYNCING: { word: "Connecting", tone: "status-idle", fix: "Reading the calendar for the first time." },
  SYNCED: { word: "Followed", tone: "status-ok", fix: "" },
  NO_MAILBOX: { word: "No mailbox", tone: "status-idle", fix: "There is no Exchange Online mailbox to follow; availability comes from absences." },
  ACCESS_DENIED: {
    word: "Access denied",
    tone: "status-bad",
    fix: "The mailbox is outside the app's application access policy: add it to the policy's group in Exchange Online, then connect again.",
  },
  ERROR: { word: "Error", tone: "status-bad", fix: "Connect again; if it persists, see the hint." },
};
const AVAILABILITY = {
  AVAILABLE: "Available",
  BUSY: "Busy",
  TENTATIVE: "Tentative",
  OUT_OF_OFFICE: "Out of office",
  WORKING_ELSEWHERE: "Working elsewhere",
};

function statusCell(person) {
  const known = STATUS[person.calendarStatus] || { word: "Unknown", tone: "status-idle", fix: "" };
  // Transom's own hint for this person when it has one, else the status's.
  const explained = [person.calendarHint && person.calendarStatus !== "SYNCED" ? person.calendarHint : known.fix];
  if (person.calendarStatus === "ERROR" && person.calendarError) explained.unshift(`Microsoft 365 said: ${person.calendarError}.`);
  const details = explained.filter(Boolean).join(" ");
  return el(
    "td",
    {},
    el("span", { class: `status ${known.tone}`, "data-calendar-status": person.calendarStatus }, known.word),
    details ? el("p", { class: "help" }, details) : "",
  );
}

function availabilityCell(person) {
  return el("td", {}, el("span", { "data-availability": person.availability, id: `availability-${person.id}` }, AVAILABILITY[person.availability] || person.availability));
}

function followsCell(person) {
  const id = `follows-${person.id}`;
  const box = el("input", { type: "checkbox", id, checked: person.availabilityFollowsCalendar });
  box.addEventListener("change", async () => {
    box.disabled = true;
    try {
      const done = (await request("SetAvailabilityFollowsCalendar", { personId: person.id, follows: box.checked })).setAvailabilityFollowsCalendar.person;
      const shown = document.getElementById(`availability-${person.id}`);
      if (shown) {
        shown.dataset.availability = done.availability;
        shown.textContent = AVAILABILITY[done.availability] || done.availability;
      }
      toast(done.availabilityFollowsCalendar ? `${person.displayName}'s availability follows their calendar.` : `${person.displayName}'s availability comes from absences only.`);
    } catch (error) {
      box.checked = !box.checked;
      toast(error.message);
    } finally {
      box.disabled = false;
    }
  });
  return el("td", {}, box, el("label", { for: id, class: "visually-hidden" }, `Availability of ${person.displayName} follows their calendar`));
}

function row(person) {
  return el(
    "tr",
    { "data-person-id": person.id, "data-key": person.id },
    el("th", { scope: "row" }, person.displayName, el("br"), el("span", { class: "muted" }, person.email)),
    statusCell(person),
    followsCell(person),
    availabilityCell(person),
  );
}

function showProgress(progress) {
  const pending = progress.notConnected + progress.syncing;
  const done = progress.total - pending;
  const parts = [
    ["Followed", progress.synced],
    ["Connecting", progress.syncing],
    ["Not connected", progress.notConnected],
    ["Access denied", progress.accessDenied],
    ["No mailbox", progress.noMailbox],
    ["Error", progress.error],
  ];
  const counts = el("ul", { class: "counts" }, parts.map(([label, n]) => el("li", {}, `${label}: ${n}`)));
  const headline =
    progress.total === 0
      ? "No people yet: import the directory."
      : progress.syncing > 0
        ? `Sync in progress: ${done} of ${progress.total} calendars done.`
        : progress.notConnected === progress.total
          ? `${progress.total} people; no calendar connected yet.`
          : `Done: ${progress.synced} of ${progress.total} calendars followed.`;
  const bar = el("progress", { max: String(Math.max(progress.total, 1)), value: String(done), "aria-label": "Calendars connected" });
  const denied =
    progress.accessDenied > 0
      ? el("button", { type: "button", class: "link-button", onclick: () => showOnly("ACCESS_DENIED") }, `Show the ${progress.accessDenied} people whose calendar Transom may not read`)
      : "";
  progressBox.dataset.syncing = String(progress.syncing);
  progressBox.replaceChildren(el("p", { class: "headline", id: "progress-headline" }, headline), bar, counts, denied);
  // First syncs publish nothing per person: follow them by polling while they run.
  if (progress.syncing > 0 && !polling) polling = setInterval(() => reloadSoon(), 2000);
  if (progress.syncing === 0 && polling) {
    clearInterval(polling);
    polling = null;
  }
}

function showOnly(status) {
  filters.elements.calendarStatus.value = status;
  cursors = [null];
  load();
}

function variables() {
  const f = filters.elements;
  return {
    tenantId: tenant.id,
    search: f.search.value.trim() || null,
    calendarStatus: f.calendarStatus.value || null,
    followsCalendar: f.followsCalendar.value === "" ? null : f.followsCalendar.value === "true",
    after: cursors[cursors.length - 1],
  };
}

function followLive(people) {
  const wanted = new Set(people.map((p) => p.id));
  for (const [id, stop] of live) {
    if (!wanted.has(id)) {
      stop();
      live.delete(id);
    }
  }
  for (const person of people) {
    if (live.has(person.id)) continue;
    live.set(person.id, () => {}); // reserved until subscribed
    subscribe("PersonAvailabilityLive", { personId: person.id }, (data) => {
      const now = data.personAvailability;
      const shown = document.getElementById(`availability-${now.personId}`);
      if (shown && shown.dataset.availability !== now.availability) {
        shown.dataset.availability = now.availability;
        shown.textContent = AVAILABILITY[now.availability] || now.availability;
      }
    }).then((stop) => (live.has(person.id) ? live.set(person.id, stop) : stop()));
  }
}

function pager(pageInfo) {
  const buttons = [];
  if (cursors.length > 1) buttons.push(el("button", { type: "button", onclick: () => { cursors.pop(); load(); } }, "Previous page"));
  if (pageInfo.hasNextPage) buttons.push(el("button", { type: "button", onclick: () => { cursors.push(pageInfo.endCursor); load(); } }, "Next page"));
  return buttons.length ? el("div", { class: "actions" }, buttons) : "";
}

let loads = 0;

async function load() {
  const mine = ++loads;
  const data = await request("PeopleOfTenant", variables());
  if (mine !== loads) return; // a newer load answers for it
  showProgress(data.peopleCalendarProgress);
  newcomers.checked = data.availabilitySettings.newcomersFollowCalendar;
  const people = data.people.nodes;
  followLive(people);
  if (!people.length) {
    const filtered = Object.values(variables()).slice(1, 4).some((v) => v !== null);
    list.replaceChildren(el("p", { class: "empty" }, filtered ? "Nobody matches." : "No people yet: import the directory."));
    return;
  }
  const head = el("tr", {}, ["Person", "Calendar", "Follows calendar", "Availability now"].map((h) => el("th", { scope: "col" }, h)));
  const table = el("table", {}, el("caption", { class: "visually-hidden" }, `People of ${tenant.name}`), el("thead", {}, head), el("tbody", {}, people.map(row)));
  replaceKeepingFocus(list, el("div", { class: "table-wrap" }, table), pager(data.people.pageInfo));
}

const reloadSoon = debounced(() => load());
const filterSoon = debounced(() => {
  cursors = [null];
  load();
}, 250);
filters.addEventListener("input", filterSoon);
filters.addEventListener("submit", (event) => event.preventDefault());

document.getElementById("import-people").addEventListener("click", async (event) => {
  await whileBusy(event.currentTarget, async () => {
    try {
      const found = (await request("SyncPeople", { tenantId: tenant.id })).syncPeople.imported;
      toast(`Directory imported: ${found.created} new, ${found.updated} changed, ${found.missing} gone, ${found.total} in all.`);
    } catch (error) {
      toast(error.message);
    }
  });
  await load();
});

document.getElementById("connect-all").addEventListener("click", async (event) => {
  await whileBusy(event.currentTarget, async () => {
    try {
      const done = (await request("ConnectPeopleCalendars", { tenantId: tenant.id })).connectPeopleCalendars;
      toast(`Connecting ${done.imported.total} people's calendars.`);
    } catch (error) {
      toast(error.message);
    }
  });
  await load();
});

const disconnectDialog = document.getElementById("disconnect-confirm");
document.getElementById("disconnect-all").addEventListener("click", () => disconnectDialog.showModal());
document.getElementById("disconnect-no").addEventListener("click", () => disconnectDialog.close());
document.getElementById("disconnect-yes").addEventListener("click", async (event) => {
  await whileBusy(event.currentTarget, async () => {
    try {
      const done = (await request("DisconnectPeopleCalendars", { tenantId: tenant.id })).disconnectPeopleCalendars;
      toast(`Stopped following ${done.disconnected} calendars; nothing was deleted in Exchange.`);
    } catch (error) {
      toast(error.message);
    }
  });
  disconnectDialog.close();
  await load();
});
disconnectDialog.addEventListener("close", () => document.getElementById("disconnect-all").focus());

newcomers.addEventListener("change", async () => {
  newcomers.disabled = true;
  try {
    await request("SetNewcomersFollowCalendar", { tenantId: tenant.id, follows: newcomers.checked });
    toast(newcomers.checked ? "Newcomers' availability will follow their calendar." : "Newcomers' availability will come from absences only.");
  } catch (error) {
    newcomers.checked = !newcomers.checked;
    toast(error.message);
  } finally {
    newcomers.disabled = false;
  }
});

async function start() {
  tenant = await chosenTenant();
  if (!tenant) return;
  await load();
  watchTenant(tenant, reloadSoon);
}

start().catch((error) => list.replaceChildren(el("p", { class: "form-error", role: "alert" }, `Could not load people: ${error.message}`)));
