// The Sync log page: failed writes (retry / drop) and recent sync errors.
import { request } from "../graphql.js";
import { chosenTenant, watchTenant } from "../tenant.js";
import { N_, formatNumber, label, t } from "../i18n.js";
import { details, explainCode, fixLine } from "../sync-words.js";
import { debounced, el, formatDateTime, replaceKeepingFocus, toast, whileBusy } from "../ui.js";

const outbox = document.getElementById("outbox");
const log = document.getElementById("sync-log");
const dropDialog = document.getElementById("drop-confirm");
let tenant = null;
let dropping = null;

const STATUS_NAMES = {
  PENDING: N_("Waiting"),
  RUNNING: N_("Being written"),
  DONE: N_("Done"),
  HELD: N_("Held"),
  FAILED: N_("Failed"),
};

const STATUS_WORDS = {
  HELD: N_("Waiting for working credentials; resumes by itself once they are saved."),
  FAILED: N_("Exchange refused this write."),
};

const KIND_WORDS = {
  CREATE_BOOKING: N_("Create a booking in Exchange"),
  AWAIT_ROOM_RESPONSE: N_("Wait for the room's answer"),
  CANCEL_BOOKING: N_("Cancel a booking in Exchange"),
  EXTEND_BOOKING: N_("Extend a meeting in Exchange"),
  AWAIT_EXTENSION: N_("Wait for the room's answer to an extension"),
  RELEASE_BOOKING: N_("Release a no-show meeting in Exchange"),
  SYNC_ABSENCE: N_("Write an absence to Outlook"),
};

// What dropping a write does, by kind (see outbox_commands.drop_item).
const DROP_WORDS = {
  CREATE_BOOKING: N_("Transom gives up writing this booking to Exchange and marks the booking declined, so the room shows free again."),
  CANCEL_BOOKING: N_("Transom gives up cancelling in Exchange and keeps the booking as it was before the cancellation."),
  EXTEND_BOOKING: N_("Transom gives up the longer end; the meeting keeps its previous end."),
  AWAIT_EXTENSION: N_("Transom gives up the longer end; the meeting keeps its previous end."),
};

const DROP_ANY = N_("Transom stops trying this write.");

const LEVEL_WORDS = { ERROR: N_("Error"), WARNING: N_("Warning"), INFO: N_("Information") };

// Said when an entry's code is not one the page knows.
const LEVEL_EXPLANATIONS = {
  ERROR: N_("Something stopped working while syncing with Microsoft 365."),
  WARNING: N_("Syncing works, but worse than it should; this often resolves by itself."),
  INFO: N_("For the record; nothing to do."),
};

const OTHER_ROOMS = N_("{count} other");
const ROOM_STATUS_WORDS = {
  IDLE: N_("{count} waiting for their first sync"),
  SYNCING: N_("{count} syncing"),
  IN_SYNC: N_("{count} in sync"),
  POLLING: N_("{count} polled"),
  DEGRADED: N_("{count} without notifications"),
  STALE: N_("{count} out of date"),
  THROTTLED: N_("{count} slowed down"),
  ERROR: N_("{count} with sync errors"),
  ACCESS_DENIED: N_("{count} refused by Microsoft 365"),
  STOPPED: N_("{count} paused"),
};

function kindWords(kind) {
  return label(KIND_WORDS, kind);
}

// An error explained by its code, its raw text kept as details.
function problemCell(message, code, hint, fallback, { showCode = true } = {}) {
  const known = explainCode(code);
  const what = known ? known.what : fallback;
  const fix = known ? known.fix : null;
  return [
    what,
    fixLine(fix || (hint ? t("see the details below.") : null)),
    details(message, hint),
    code && showCode ? el("div", { class: "muted" }, t("Code: {code}", { code })) : null,
  ];
}

function outboxTable(items) {
  if (!items.length) return el("p", { class: "empty" }, t("No failed or waiting writes."));
  const rows = items.map((item) =>
    el(
      "tr",
      { "data-outbox-id": item.id, "data-key": item.id, "data-status": item.status },
      el("td", { "data-kind": item.kind }, kindWords(item.kind)),
      el("td", {}, label(STATUS_NAMES, item.status), el("br"), el("span", { class: "muted" }, STATUS_WORDS[item.status] ? t(STATUS_WORDS[item.status]) : "")),
      el("td", {}, item.lastError || item.lastErrorCode ? problemCell(item.lastError, item.lastErrorCode, item.hint, t("Microsoft 365 refused or failed this write.")) : ""),
      el("td", { class: "numeric" }, formatNumber(item.attempts)),
      el("td", {}, formatDateTime(item.createdAt, tenant.timeZone)),
      el(
        "td",
        { class: "actions" },
        el("button", { type: "button", "aria-label": t("Retry: {write}", { write: kindWords(item.kind) }), onclick: (e) => retry(item, e.currentTarget) }, t("Retry")),
        el("button", { type: "button", class: "danger", "aria-haspopup": "dialog", "aria-label": t("Drop: {write}", { write: kindWords(item.kind) }), onclick: (e) => askDrop(item, e.currentTarget) }, t("Drop…")),
      ),
    ),
  );
  const heads = [t("Write"), t("Status"), t("Error"), t("Attempts"), t("Since"), t("Actions")];
  const head = el("tr", {}, heads.map((h, i) => el("th", { scope: "col", class: i === 3 ? "numeric" : null }, h)));
  return el("div", { class: "table-wrap" }, el("table", {}, el("caption", { class: "visually-hidden" }, t("Failed and waiting writes")), el("thead", {}, head), el("tbody", {}, rows)));
}

function logTable(status) {
  const counts = status.roomsByStatus.map((c) => t(ROOM_STATUS_WORDS[c.status] || OTHER_ROOMS, { count: formatNumber(c.count) })).join(", ");
  const troubled = status.roomsByStatus.filter((c) => c.status !== "IN_SYNC").reduce((n, c) => n + c.count, 0);
  const mode = status.mode === "POLLING"
    ? t("Changes are polled (Microsoft 365 cannot reach this server for notifications).")
    : troubled
      ? t("Changes arrive as Microsoft 365 notifications, but not for every room (see the Rooms page).")
      : t("Changes arrive as Microsoft 365 notifications.");
  const rooms = counts ? t("Rooms: {counts}.", { counts }) : t("Rooms: none linked.");
  const intro = el("p", { class: "muted", "data-sync-summary": "" }, `${mode} ${rooms} ${t("Every room's calendar is also read again an hour after its last change, so a lost notification is repaired within the hour.")}`);
  if (!status.log.length) return [intro, el("p", { class: "empty" }, t("No sync problems right now."))];
  const rows = status.log.map((entry) =>
    el(
      "tr",
      {},
      el("td", {}, formatDateTime(entry.createdAt, tenant.timeZone)),
      el("td", { "data-level": entry.level }, label(LEVEL_WORDS, entry.level)),
      el("td", {}, entry.mailbox || ""),
      el("td", {}, problemCell(entry.message, entry.code, entry.hint, label(LEVEL_EXPLANATIONS, entry.level), { showCode: false })),
      el("td", {}, entry.code || ""),
    ),
  );
  const head = el("tr", {}, [t("When"), t("Level"), t("Mailbox"), t("What happened"), t("Code")].map((h) => el("th", { scope: "col" }, h)));
  return [intro, el("div", { class: "table-wrap" }, el("table", {}, el("caption", { class: "visually-hidden" }, t("Recent sync errors")), el("thead", {}, head), el("tbody", {}, rows)))];
}

async function retry(item, button) {
  await whileBusy(button, async () => {
    try {
      await request("RetryOutboxItem", { id: item.id });
      toast(t("Retrying: {write}.", { write: kindWords(item.kind) }));
      await load();
      if (!document.contains(button)) focusHeading();
    } catch (error) {
      toast(errorText(error));
    }
  });
}

function askDrop(item, button) {
  dropping = { item, button };
  const what = t(DROP_WORDS[item.kind] || DROP_ANY);
  document.getElementById("drop-what").textContent = t("{write}: {what} Nothing more is sent to Microsoft 365 for it.", { write: kindWords(item.kind), what });
  dropDialog.showModal();
}

document.getElementById("drop-no").addEventListener("click", () => dropDialog.close());
document.getElementById("drop-yes").addEventListener("click", async (event) => {
  const { item } = dropping;
  await whileBusy(event.currentTarget, async () => {
    try {
      await request("DropOutboxItem", { id: item.id });
      toast(t("Dropped: {write}.", { write: kindWords(item.kind) }));
    } catch (error) {
      toast(errorText(error));
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

// A refusal explained by its code where the page knows it.
function errorText(error) {
  const first = error && error.errors ? error.errors[0] : null;
  const code = first && first.extensions ? first.extensions.code : null;
  if (code === "FORBIDDEN") return t("You are signed in as a reader: only admins retry or drop writes.");
  if (code === "NOT_FOUND") return t("This write is gone: it was done, dropped or retried meanwhile.");
  if (code === "CONFLICT") return t("This write is being written now or already done; reload to see where it stands.");
  return first ? first.message : error.message;
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

start().catch((error) => log.replaceChildren(el("p", { class: "form-error", role: "alert" }, t("Could not load the sync log: {reason}", { reason: errorText(error) }))));
