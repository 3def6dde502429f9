// The Audit log page: auditLog newest first, filtered by who, action, target
// and dates (in the tenant's time zone), a page at a time; Export CSV downloads
// the same filter from /admin/audit.csv with the session cookie.
import { request } from "../graphql.js";
import { chosenTenant, watchTenant } from "../tenant.js";
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

const KIND = { ADMIN: "admin", TOKEN: "API token", AUTOMATIC: "automatic" };

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

function changeList(changes) {
  if (!changes.length) return el("span", { class: "muted" }, "–");
  return el(
    "ul",
    { class: "changes" },
    changes.map((c) =>
      el("li", {}, el("code", {}, c.field), ": ", c.before === null ? "" : [el("del", {}, c.before), " → "], el("ins", {}, c.after === null ? "(removed)" : c.after)),
    ),
  );
}

function rowOf(entry) {
  const target = entry.targetName || entry.targetId || "";
  return el(
    "tr",
    { "data-action": entry.action },
    el("td", {}, el("time", { datetime: entry.at }, formatDateTime(entry.at, tenant.timeZone))),
    el("td", {}, entry.actor, el("br"), el("span", { class: "muted" }, KIND[entry.actorKind] || entry.actorKind)),
    el("th", { scope: "row" }, entry.action),
    el("td", {}, target, entry.targetType ? [el("br"), el("span", { class: "muted" }, entry.targetType)] : null),
    el("td", {}, changeList(entry.changes)),
  );
}

function tableOf(items) {
  if (!items.length) return el("p", { class: "empty" }, "No changes match.");
  const head = el("tr", {}, ["When", "Who", "Action", "Target", "Changes"].map((name) => el("th", { scope: "col" }, name)));
  return el(
    "div",
    { class: "table-wrap" },
    el("table", { class: "audit" }, el("caption", { class: "visually-hidden" }, `Audit log (times in ${tenant.timeZone})`), el("thead", {}, head), el("tbody", {}, items.map(rowOf))),
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
    const first = error.errors ? error.errors[0] : null;
    errorBox.textContent = `Could not load the audit log: ${first ? first.message : error.message}`;
    errorBox.hidden = false;
  } finally {
    if (mine === loads) list.removeAttribute("aria-busy");
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  load();
});
more.addEventListener("click", () => load({ append: true }));

async function start() {
  tenant = await chosenTenant();
  if (!tenant) {
    list.replaceChildren(el("p", { class: "empty" }, "No tenant yet."));
    return;
  }
  document.getElementById("audit-zone").textContent = `Times in ${tenant.timeZone}.`;
  await load();
  // New changes appear while the first page is shown (not while paging back).
  watchTenant(tenant, () => {
    if (more.hidden || entries.length <= PAGE) load();
  });
}

start().catch((error) => list.replaceChildren(el("p", { class: "form-error", role: "alert" }, `Could not load the audit log: ${error.message}`)));
