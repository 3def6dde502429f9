// The Audit log page: auditLog newest first, filtered by who, action, target
// and dates (in the tenant's time zone), a page at a time; Export CSV downloads
// the same filter from /admin/audit.csv with the session cookie.
import { request } from "../graphql.js";
import { chosenTenant, watchTenant } from "../tenant.js";
import { N_, label, language, t } from "../i18n.js";
import { el, formatDateTime, instantInZone, replaceKeepingFocus } from "../ui.js";

const PAGE = 50;
const form = document.getElementById("audit-filters");
const errorBox = document.getElementById("audit-error");
const list = document.getElementById("audit-entries");
const more = document.getElementById("audit-more");
const csvLink = document.getElementById("audit-csv");
let tenant = null;
let entries = [];
let cursor = null;
let loads = 0;

const KIND = { ADMIN: N_("admin"), TOKEN: N_("API token"), AUTOMATIC: N_("automatic") };

// Each audited action (a mutation's name, or what Transom did by itself) in words.
const ACTIONS = {
  createTenant: N_("Add a tenant"),
  createRoom: N_("Add a room"),
  updateRoom: N_("Edit a room"),
  deleteRoom: N_("Delete a room"),
  updateTenantSettings: N_("Change the tenant's settings"),
  bookRoom: N_("Book a room"),
  cancelBooking: N_("Cancel a booking"),
  registerAbsence: N_("Register an absence"),
  updateAbsence: N_("Change an absence"),
  approveAbsence: N_("Approve an absence"),
  rejectAbsence: N_("Reject an absence"),
  deleteAbsence: N_("Delete an absence"),
  importAbsences: N_("Import absences"),
  setAbsencePolicy: N_("Change the absence policy"),
  setAvailabilityFollowsCalendar: N_("Change whether availability follows the calendar"),
  setAvailabilitySettings: N_("Change the availability rules"),
  syncPeople: N_("Sync people"),
  connectPeopleCalendars: N_("Connect people's calendars"),
  disconnectPeopleCalendars: N_("Disconnect people's calendars"),
  retryOutboxItem: N_("Retry a write to Microsoft 365"),
  dropOutboxItem: N_("Drop a write to Microsoft 365"),
  pairDisplay: N_("Pair a display"),
  renameDisplay: N_("Rename a display"),
  setDisplayLanguage: N_("Change a display's language"),
  revokeDisplay: N_("Revoke a display"),
  pairLobbyDisplay: N_("Pair a lobby display"),
  requestDisplayPairing: N_("A display asks to be paired"),
  bookNow: N_("Book at the door"),
  checkIn: N_("Check in"),
  extendBooking: N_("Extend a meeting"),
  endBookingNow: N_("End a meeting early"),
  connectTenant: N_("Connect the tenant to Microsoft 365"),
  testTenantConnection: N_("Test the connection"),
  importRooms: N_("Import rooms"),
  setTenantFeatures: N_("Change the tenant's features"),
  testTenantPermissions: N_("Test the permissions"),
  renewTenantSecret: N_("Save a new client secret"),
  uploadTenantCertificate: N_("Upload a certificate"),
  disconnectTenant: N_("Disconnect the tenant"),
  linkRoomMailbox: N_("Link a room's mailbox"),
  unlinkRoomMailbox: N_("Unlink a room's mailbox"),
  syncRoom: N_("Resync a room"),
  syncTenant: N_("Resync the tenant"),
  createApiToken: N_("Create an API token"),
  revokeApiToken: N_("Revoke an API token"),
  setTenantSignIn: N_("Change the sign-in settings"),
  createAdmin: N_("Add an admin"),
  changeAdminRole: N_("Change an admin's role"),
  resetAdminPassword: N_("Reset an admin's password"),
  unlockAdmin: N_("Unlock an admin"),
  removeAdmin: N_("Remove an admin"),
  noShowRelease: N_("Release a no-show meeting"),
  cancelInExchange: N_("Cancel in Exchange"),
  declineInExchange: N_("Decline in Exchange"),
  withdrawConflictingEvent: N_("Withdraw a conflicting meeting"),
};

const TARGET_TYPES = {
  Room: N_("Room"),
  Display: N_("Display"),
  Booking: N_("Booking"),
  Tenant: N_("Tenant"),
  TenantSettings: N_("Tenant settings"),
  Absence: N_("Absence"),
  AbsencePolicy: N_("Absence policy"),
  Admin: N_("Admin"),
  ApiToken: N_("API token"),
  Person: N_("Person"),
  OutboxItem: N_("Write to Microsoft 365"),
  Node: N_("Object"),
};

function value(name) {
  return form.elements[name].value.trim();
}

// The filter as auditLog's variables (dates are whole days in the tenant's zone).
function filter() {
  const wanted = { tenantId: tenant.id };
  for (const name of ["actor", "action", "target"]) if (value(name)) wanted[name] = value(name);
  if (value("from")) wanted.from = instantInZone(value("from"), 0, tenant.timeZone).toISOString();
  if (value("to")) wanted.to = instantInZone(value("to"), 24, tenant.timeZone).toISOString();
  return wanted;
}

function csvHref(wanted) {
  return `/admin/audit.csv?${new URLSearchParams(wanted)}`;
}

// Enum values a change may hold (JSON strings such as "VERIFIED"), in words.
const VALUE_WORDS = {
  UNLINKED: N_("Not linked"),
  VERIFYING: N_("Verifying"),
  VERIFIED: N_("Verified"),
  FAILED: N_("Failed"),
  SUPERADMIN: N_("Superadmin"),
  ADMIN: N_("Admin"),
  READER: N_("Reader"),
  WAITING: N_("Waiting"),
  EXPIRED: N_("Expired"),
  PAIRED: N_("Paired"),
  REVOKED: N_("Revoked"),
  PENDING: N_("Pending"),
  CONFIRMED: N_("Confirmed"),
  DECLINED: N_("Declined"),
  CANCELLED: N_("Cancelled"),
  SHOW_AS_PRIVATE: N_("Show as private"),
  SHOW_AS_BUSY: N_("Show as busy"),
};

// A recorded value as it was stored (JSON text, in <code>), preceded by its
// words when it is an enum value.
function valueOf(json) {
  let words = null;
  try {
    const parsed = JSON.parse(json);
    if (typeof parsed === "string" && VALUE_WORDS[parsed]) words = t(VALUE_WORDS[parsed]);
  } catch {
    words = null;
  }
  return words ? [words, " ", el("code", { class: "muted" }, json)] : el("code", {}, json);
}

function changeList(changes) {
  if (!changes.length) return el("span", { class: "muted" }, "–");
  return el(
    "ul",
    { class: "changes" },
    changes.map((c) =>
      el("li", {}, el("code", {}, c.field), ": ", c.before === null ? "" : [el("del", {}, valueOf(c.before)), " → "], el("ins", {}, c.after === null ? t("(removed)") : valueOf(c.after))),
    ),
  );
}

// The action in words with its name (what the Action filter takes) under
// it; in English the name alone, as the log always showed it.
function actionCell(action) {
  if (language === "en") return action;
  const words = ACTIONS[action] ? t(ACTIONS[action]) : t("Other change");
  return [words, el("br"), el("code", { class: "muted" }, action)];
}

function rowOf(entry) {
  const target = entry.targetName || entry.targetId || "";
  return el(
    "tr",
    { "data-action": entry.action },
    el("td", {}, el("time", { datetime: entry.at }, formatDateTime(entry.at, tenant.timeZone))),
    el("td", {}, entry.actor, el("br"), el("span", { class: "muted" }, label(KIND, entry.actorKind))),
    el("th", { scope: "row" }, actionCell(entry.action)),
    el("td", {}, target, entry.targetType ? [el("br"), el("span", { class: "muted" }, label(TARGET_TYPES, entry.targetType))] : null),
    el("td", {}, changeList(entry.changes)),
  );
}

function tableOf(items) {
  if (!items.length) return el("p", { class: "empty" }, t("No changes match."));
  const head = el("tr", {}, [t("When"), t("Who"), t("Action"), t("Target"), t("Changes")].map((name) => el("th", { scope: "col" }, name)));
  return el(
    "div",
    { class: "table-wrap" },
    el("table", { class: "audit" }, el("caption", { class: "visually-hidden" }, t("Audit log (times in {zone})", { zone: tenant.timeZone })), el("thead", {}, head), el("tbody", {}, items.map(rowOf))),
  );
}

async function load({ append = false } = {}) {
  const mine = ++loads;
  errorBox.hidden = true;
  const wanted = filter();
  csvLink.href = csvHref(wanted);
  list.setAttribute("aria-busy", "true");
  try {
    const data = await request("AuditLog", { ...wanted, first: PAGE, after: append ? cursor : null });
    if (mine !== loads) return; // a newer load answers for it
    const page = data.auditLog;
    entries = append ? [...entries, ...page.edges.map((e) => e.node)] : page.edges.map((e) => e.node);
    cursor = page.pageInfo.endCursor;
    more.hidden = !page.pageInfo.hasNextPage;
    replaceKeepingFocus(list, tableOf(entries));
  } catch (error) {
    errorBox.textContent = t("Could not load the audit log: {reason}", { reason: errorText(error) });
    errorBox.hidden = false;
  } finally {
    if (mine === loads) list.removeAttribute("aria-busy");
  }
}

// A refusal explained by its code where the page knows it.
function errorText(error) {
  const first = error && error.errors ? error.errors[0] : null;
  const code = first && first.extensions ? first.extensions.code : null;
  if (code === "BAD_USER_INPUT") return t("Check the filter: the dates must be real days, the first not after the last.");
  if (code === "FORBIDDEN") return t("Only admins see the audit log.");
  return first ? first.message : error.message;
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  load();
});
more.addEventListener("click", () => load({ append: true }));

async function start() {
  tenant = await chosenTenant();
  if (!tenant) {
    list.replaceChildren(el("p", { class: "empty" }, t("No tenant yet.")));
    return;
  }
  document.getElementById("audit-zone").textContent = t("Times in {zone}.", { zone: tenant.timeZone });
  await load();
  // New changes appear while the first page is shown (not while paging back).
  watchTenant(tenant, () => {
    if (more.hidden || entries.length <= PAGE) load();
  });
}

start().catch((error) => list.replaceChildren(el("p", { class: "form-error", role: "alert" }, t("Could not load the audit log: {reason}", { reason: errorText(error) }))));
