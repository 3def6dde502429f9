// The Sync log page: failed writes (retry / drop) and recent sync errors.
import { request } from "../graphql.js";
import { chosenTenant, watchTenant } from "../tenant.js";
import { debounced, el, formatDateTime, replaceKeepingFocus, toast, whileBusy } from "../ui.js";

const outbox = document.getElementById("outbox");
const log = document.getElementById("sync-log");
const dropDialog = document.getElementById("drop-confirm");
let tenant = null;
let dropping = null;

const STATUS_WORDS = {
  HELD: "Waiting for working credentials; resumes by itself once they are saved.",
  FAILED: "Exchange refused this write.",
};

const KIND_WORDS = {
  CREATE_BOOKING: "Create a booking in Exchange",
  AWAIT_ROOM_RESPONSE: "Wait for the room's answer",
  CANCEL_BOOKING: "Cancel a booking in Exchange",
  EXTEND_BOOKING: "Extend a meeting in Exchange",
  AWAIT_EXTENSION: "Wait for the room's answer to an extension",
  RELEASE_BOOKING: "Release a no-show meeting in Exchange",
  SYNC_ABSENCE: "Write an absence to Outlook",
};

// What dropping a write does, by kind (see outbox_commands.drop_item).
const DROP_WORDS = {
  CREATE_BOOKING: "Transom gives up writing this booking to Exchange and marks the booking declined, so the room shows free again.",
  CANCEL_BOOKING: "Transom gives up cancelling in Exchange and keeps the booking as it was before the cancellation.",
  EXTEND_BOOKING: "Transom gives up the longer end; the meeting keeps its previous end.",
  AWAIT_EXTENSION: "Transom gives up the longer end; the meeting keeps its previous end.",
};

function kindWords(kind) {
  return KIND_WORDS[kind] || kind;
}

function outboxTable(items) {
  if (!items.length) return el("p", { class: "empty" }, "No failed or waiting writes.");
  const rows = items.map((item) =>
    el(
      "tr",
      { "data-outbox-id": item.id, "data-key": item.id, "data-status": item.status },
      el("td", {}, kindWords(item.kind), el("div", { class: "muted" }, el("code", {}, item.kind))),
      el("td", {}, item.status, el("br"), el("span", { class: "muted" }, STATUS_WORDS[item.status] || "")),
      el("td", {}, item.lastError || "", item.lastErrorCode ? el("div", { class: "muted" }, `Code: ${item.lastErrorCode}`) : null, item.hint ? el("div", { class: "fix" }, "How to fix it: ", item.hint) : null),
      el("td", { class: "numeric" }, item.attempts),
      el("td", {}, formatDateTime(item.createdAt, tenant.timeZone)),
      el(
        "td",
        { class: "actions" },
        el("button", { type: "button", "aria-label": `Retry: ${kindWords(item.kind)}`, onclick: (e) => retry(item, e.currentTarget) }, "Retry"),
        el("button", { type: "button", class: "danger", "aria-haspopup": "dialog", "aria-label": `Drop: ${kindWords(item.kind)}`, onclick: (e) => askDrop(item, e.currentTarget) }, "Drop…"),
      ),
    ),
  );
  const head = el("tr", {}, ["Write", "Status", "Error", "Attempts", "Since", "Actions"].map((h) => el("th", { scope: "col", class: h === "Attempts" ? "numeric" : null }, h)));
  return el("div", { class: "table-wrap" }, el("table", {}, el("caption", { class: "visually-hidden" }, "Failed and waiting writes"), el("thead", {}, head), el("tbody", {}, rows)));
}

function logTable(status) {
  const counts = status.roomsByStatus.map((c) => `${c.count} ${c.status.toLowerCase().replace("_", " ")}`).join(", ");
  const troubled = status.roomsByStatus.filter((c) => c.status !== "IN_SYNC").reduce((n, c) => n + c.count, 0);
  const mode = status.mode === "POLLING"
    ? "Changes are polled (Microsoft 365 cannot reach this server for notifications)."
    : troubled
      ? "Changes arrive as Microsoft 365 notifications, but not for every room (see the Rooms page)."
      : "Changes arrive as Microsoft 365 notifications.";
  const intro = el("p", { class: "muted", "data-sync-summary": "" }, `${mode} Rooms: ${counts || "none linked"}. Every room's calendar is also read again an hour after its last change, so a lost notification is repaired within the hour.`);
  if (!status.log.length) return [intro, el("p", { class: "empty" }, "No sync problems right now.")];
  const rows = status.log.map((entry) =>
    el(
      "tr",
      {},
      el("td", {}, formatDateTime(entry.createdAt, tenant.timeZone)),
      el("td", {}, entry.level),
      el("td", {}, entry.mailbox || ""),
      el("td", {}, entry.message, entry.hint ? el("div", { class: "fix" }, "How to fix it: ", entry.hint) : null),
      el("td", {}, entry.code || ""),
    ),
  );
  const head = el("tr", {}, ["When", "Level", "Mailbox", "What happened", "Code"].map((h) => el("th", { scope: "col" }, h)));
  return [intro, el("div", { class: "table-wrap" }, el("table", {}, el("caption", { class: "visually-hidden" }, "Recent sync errors"), el("thead", {}, head), el("tbody", {}, rows)))];
}

async function retry(item, button) {
  await whileBusy(button, async () => {
    try {
      await request("RetryOutboxItem", { id: item.id });
      toast(`Retrying: ${kindWords(item.kind)}.`);
      await load();
      if (!document.contains(button)) focusHeading();
    } catch (error) {
      toast(error.message);
    }
  });
}

function askDrop(item, button) {
  dropping = { item, button };
  const what = DROP_WORDS[item.kind] || "Transom stops trying this write.";
  document.getElementById("drop-what").textContent = `${kindWords(item.kind)}: ${what} Nothing more is sent to Microsoft 365 for it.`;
  dropDialog.showModal();
}

document.getElementById("drop-no").addEventListener("click", () => dropDialog.close());
document.getElementById("drop-yes").addEventListener("click", async (event) => {
  const { item } = dropping;
  await whileBusy(event.currentTarget, async () => {
    try {
      await request("DropOutboxItem", { id: item.id });
      toast(`Dropped: ${kindWords(item.kind)}.`);
    } catch (error) {
      toast(error.message);
    }
  });
  dropDialog.close();
  await load();
});
// Where focus goes when the row it was on is gone.
function focusHeading() {
  const heading = document.getElementById("outbox-title");
  heading.setAttribute("tabindex", "-1");
  heading.focus();
}

dropDialog.addEventListener("close", () => {
  if (dropping && document.contains(dropping.button)) dropping.button.focus();
  else focusHeading();
  dropping = null;
});

let loads = 0;

async function load() {
  const mine = ++loads;
  const data = await request("SyncLog", { tenantId: tenant.id });
  if (mine !== loads) return; // a newer load answers for it (answers can overtake)
  replaceKeepingFocus(outbox, outboxTable([...data.failed.nodes, ...data.held.nodes]));
  replaceKeepingFocus(log, ...logTable(data.tenantSyncStatus));
}

const reloadSoon = debounced(() => load());

async function start() {
  tenant = await chosenTenant();
  if (!tenant) return;
  await load();
  watchTenant(tenant, reloadSoon);
  // Failed and held writes arrive on the tenant subscription; look again every
  // 30 seconds as well, in case an event was missed.
  setInterval(reloadSoon, 30000);
}

start().catch((error) => log.replaceChildren(el("p", { class: "form-error", role: "alert" }, `Could not load the sync log: ${error.message}`)));
