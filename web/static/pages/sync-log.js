// The Sync log page: failed writes (retry / drop) and recent sync errors.
import { onReconnect, request, subscribe } from "../graphql.js";
import { chosenTenant } from "../tenant.js";
import { el, formatDateTime, toast, whileBusy } from "../ui.js";

const outbox = document.getElementById("outbox");
const log = document.getElementById("sync-log");
let tenant = null;

const KINDS = {
  HELD: "Waiting for working credentials; resumes by itself once they are saved.",
  FAILED: "Exchange refused this write.",
};

function outboxTable(items) {
  if (!items.length) return el("p", { class: "empty" }, "No failed or waiting writes.");
  const rows = items.map((item) =>
    el(
      "tr",
      { "data-outbox-id": item.id },
      el("td", {}, item.kind),
      el("td", {}, item.status, el("br"), el("span", { class: "muted" }, KINDS[item.status] || "")),
      el("td", {}, item.lastError || "", item.lastErrorCode ? el("div", { class: "muted" }, `Code: ${item.lastErrorCode}`) : null, item.hint ? el("div", { class: "fix" }, "How to fix it: ", item.hint) : null),
      el("td", { class: "numeric" }, item.attempts),
      el("td", {}, formatDateTime(item.createdAt)),
      el(
        "td",
        { class: "actions" },
        el("button", { type: "button", onclick: (e) => act("RetryOutboxItem", item, e.currentTarget, "Retrying") }, "Retry"),
        el("button", { type: "button", class: "danger", onclick: (e) => act("DropOutboxItem", item, e.currentTarget, "Dropped") }, "Drop"),
      ),
    ),
  );
  const head = el("tr", {}, ["Write", "Status", "Error", "Attempts", "Since", "Actions"].map((h) => el("th", { scope: "col" }, h)));
  return el("div", { class: "table-wrap" }, el("table", {}, el("thead", {}, head), el("tbody", {}, rows)));
}

function logTable(status) {
  const counts = status.roomsByStatus.map((c) => `${c.count} ${c.status.toLowerCase().replace("_", " ")}`).join(", ");
  const mode = status.mode === "POLLING" ? "Changes are polled (Microsoft 365 cannot reach this server for notifications)." : "Changes arrive as Microsoft 365 notifications.";
  const intro = el("p", { class: "muted" }, `${mode} Rooms: ${counts || "none linked"}.`);
  if (!status.log.length) return [intro, el("p", { class: "empty" }, "No sync errors recently.")];
  const rows = status.log.map((entry) =>
    el(
      "tr",
      {},
      el("td", {}, formatDateTime(entry.createdAt)),
      el("td", {}, entry.level),
      el("td", {}, entry.mailbox || ""),
      el("td", {}, entry.message, entry.hint ? el("div", { class: "fix" }, "How to fix it: ", entry.hint) : null),
      el("td", {}, entry.code || ""),
    ),
  );
  const head = el("tr", {}, ["When", "Level", "Mailbox", "What happened", "Code"].map((h) => el("th", { scope: "col" }, h)));
  return [intro, el("div", { class: "table-wrap" }, el("table", {}, el("thead", {}, head), el("tbody", {}, rows)))];
}

async function act(operation, item, button, done) {
  await whileBusy(button, async () => {
    try {
      await request(operation, { id: item.id });
      toast(`${done}: ${item.kind}.`);
      await load();
    } catch (error) {
      toast(error.message);
    }
  });
}

async function load() {
  const data = await request("SyncLog", { tenantId: tenant.id });
  outbox.replaceChildren(outboxTable([...data.failed.nodes, ...data.held.nodes]));
  log.replaceChildren(...logTable(data.tenantSyncStatus));
}

let timer = null;
function reloadSoon() {
  clearTimeout(timer);
  timer = setTimeout(() => load().catch(console.error), 150);
}

async function start() {
  tenant = await chosenTenant();
  if (!tenant) return;
  await load();
  subscribe("TenantChanges", { tenantId: tenant.id }, reloadSoon);
  onReconnect(reloadSoon);
}

start().catch((error) => log.replaceChildren(el("p", { class: "form-error", role: "alert" }, `Could not load the sync log: ${error.message}`)));
