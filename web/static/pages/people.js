// The People page: the directory with search and filters, connecting every
// calendar with live progress, each person's calendar status in plain words
// with the fix, their "follows calendar" switch and their availability, live.
import { request, subscribe } from "../graphql.js";
import { chosenTenant, watchTenant } from "../tenant.js";
import { N_, formatNumber, label, plural, t } from "../i18n.js";
import { debounced, el, replaceKeepingFocus, toast, whileBusy } from "../ui.js";
import { errorText } from "./hr-texts.js";

const list = document.getElementById("people");
const progressBox = document.getElementById("progress");
const filters = document.getElementById("filters");
const newcomers = document.getElementById("newcomers-follow");
let tenant = null;
let cursors = [null]; // the `after` of each page shown so far; the last is this page's
let live = new Map(); // person id -> unsubscribe
let polling = null;

const STATUS = {
  NOT_CONNECTED: { word: N_("Not connected"), tone: "status-idle", fix: N_("Connect all calendars to follow it.") },
  SYNCING: { word: N_("Connecting"), tone: "status-idle", fix: N_("Reading the calendar for the first time.") },
  SYNCED: { word: N_("Followed"), tone: "status-ok", fix: "" },
  NO_MAILBOX: { word: N_("No mailbox"), tone: "status-idle", fix: N_("There is no Exchange Online mailbox to follow; availability comes from absences.") },
  ACCESS_DENIED: {
    word: N_("Access denied"),
    tone: "status-bad",
    fix: N_("The mailbox is outside the app's application access policy: add it to the policy's group in Exchange Online, then connect again."),
  },
  ERROR: { word: N_("Error"), tone: "status-bad", fix: N_("Microsoft 365 could not read this calendar. Connect again; if it persists, the details say why.") },
};
const AVAILABILITY = {
  AVAILABLE: N_("Available"),
  BUSY: N_("Busy"),
  TENTATIVE: N_("Tentative"),
  OUT_OF_OFFICE: N_("Out of office"),
  WORKING_ELSEWHERE: N_("Working elsewhere"),
};

// The server's refusal in words: the one this page can name by its field.
function peopleProblem(code, field) {
  if (code === "BAD_USER_INPUT" && field === "tenantId") return t("The tenant is not connected to Microsoft 365: connect it on the Tenants page first.");
  return null;
}

function statusCell(person) {
  const known = STATUS[person.calendarStatus] || { word: N_("Unknown"), tone: "status-idle", fix: "" };
  // The status's fix in words; Microsoft's own text (and Transom's English
  // hint for it) only as details.
  const raw = person.calendarStatus === "SYNCED" ? [] : [person.calendarError, person.calendarHint].filter(Boolean);
  return el(
    "td",
    {},
    el("span", { class: `status ${known.tone}`, "data-calendar-status": person.calendarStatus }, t(known.word)),
    known.fix ? el("p", { class: "help" }, t(known.fix)) : "",
    raw.length ? el("details", { class: "help small" }, el("summary", {}, t("Details")), raw.join(" ")) : "",
  );
}

function availabilityCell(person) {
  return el("td", {}, el("span", { "data-availability": person.availability, id: `availability-${person.id}` }, label(AVAILABILITY, person.availability)));
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
        shown.textContent = label(AVAILABILITY, done.availability);
      }
      toast(
        done.availabilityFollowsCalendar
          ? t("{name}'s availability follows their calendar.", { name: person.displayName })
          : t("{name}'s availability comes from absences only.", { name: person.displayName }),
      );
    } catch (error) {
      box.checked = !box.checked;
      toast(errorText(error, peopleProblem));
    } finally {
      box.disabled = false;
    }
  });
  return el("td", {}, box, el("label", { for: id, class: "visually-hidden" }, t("Availability of {name} follows their calendar", { name: person.displayName })));
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
    t("Followed: {count}", { count: formatNumber(progress.synced) }),
    t("Connecting: {count}", { count: formatNumber(progress.syncing) }),
    t("Not connected: {count}", { count: formatNumber(progress.notConnected) }),
    t("Access denied: {count}", { count: formatNumber(progress.accessDenied) }),
    t("No mailbox: {count}", { count: formatNumber(progress.noMailbox) }),
    t("Error: {count}", { count: formatNumber(progress.error) }),
  ];
  const counts = el("ul", { class: "counts" }, parts.map((part) => el("li", {}, part)));
  const numbers = { done: formatNumber(done), total: formatNumber(progress.total), synced: formatNumber(progress.synced) };
  const headline =
    progress.total === 0
      ? t("No people yet: import the directory.")
      : progress.syncing > 0
        ? plural(progress.total, "Sync in progress: {done} of {count} calendar done.", "Sync in progress: {done} of {count} calendars done.", numbers)
        : progress.notConnected === progress.total
          ? plural(progress.total, "{count} person; no calendar connected yet.", "{count} people; no calendar connected yet.")
          : plural(progress.total, "Done: {synced} of {count} calendar followed.", "Done: {synced} of {count} calendars followed.", numbers);
  const bar = el("progress", { max: String(Math.max(progress.total, 1)), value: String(done), "aria-label": t("Calendars connected") });
  const denied =
    progress.accessDenied > 0
      ? el(
          "button",
          { type: "button", class: "link-button", onclick: () => showOnly("ACCESS_DENIED") },
          plural(progress.accessDenied, "Show the {count} person whose calendar Transom may not read", "Show the {count} people whose calendar Transom may not read"),
        )
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
        shown.textContent = label(AVAILABILITY, now.availability);
      }
    }).then((stop) => (live.has(person.id) ? live.set(person.id, stop) : stop()));
  }
}

function pager(pageInfo) {
  const buttons = [];
  if (cursors.length > 1) buttons.push(el("button", { type: "button", onclick: () => { cursors.pop(); load(); } }, t("Previous page")));
  if (pageInfo.hasNextPage) buttons.push(el("button", { type: "button", onclick: () => { cursors.push(pageInfo.endCursor); load(); } }, t("Next page")));
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
    list.replaceChildren(el("p", { class: "empty" }, filtered ? t("Nobody matches.") : t("No people yet: import the directory.")));
    return;
  }
  const head = el("tr", {}, [t("Person"), t("Calendar"), t("Follows calendar"), t("Availability now")].map((h) => el("th", { scope: "col" }, h)));
  const table = el("table", {}, el("caption", { class: "visually-hidden" }, t("People of {tenant}", { tenant: tenant.name })), el("thead", {}, head), el("tbody", {}, people.map(row)));
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
      toast(
        t("Directory imported: {created} new, {updated} changed, {missing} gone, {total} in all.", {
          created: formatNumber(found.created),
          updated: formatNumber(found.updated),
          missing: formatNumber(found.missing),
          total: formatNumber(found.total),
        }),
      );
    } catch (error) {
      toast(errorText(error, peopleProblem));
    }
  });
  await load();
});

document.getElementById("connect-all").addEventListener("click", async (event) => {
  await whileBusy(event.currentTarget, async () => {
    try {
      const done = (await request("ConnectPeopleCalendars", { tenantId: tenant.id })).connectPeopleCalendars;
      toast(plural(done.imported.total, "Connecting {count} person's calendar.", "Connecting {count} people's calendars."));
    } catch (error) {
      toast(errorText(error, peopleProblem));
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
      toast(plural(done.disconnected, "Stopped following {count} calendar; nothing was deleted in Exchange.", "Stopped following {count} calendars; nothing was deleted in Exchange."));
    } catch (error) {
      toast(errorText(error, peopleProblem));
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
    toast(newcomers.checked ? t("Newcomers' availability will follow their calendar.") : t("Newcomers' availability will come from absences only."));
  } catch (error) {
    newcomers.checked = !newcomers.checked;
    toast(errorText(error, peopleProblem));
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

start().catch((error) => list.replaceChildren(el("p", { class: "form-error", role: "alert" }, t("Could not load people: {reason}", { reason: errorText(error, peopleProblem) }))));
