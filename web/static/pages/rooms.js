// The Rooms page: rooms with link state, import, editor, link/unlink, resync,
// and each room's day timeline in the tenant's time zone.
import { request } from "../graphql.js";
import { chosenTenant, watchTenant } from "../tenant.js";
import { clearErrors, dateInZone, debounced, el, errorMessage, formatDay, formatTime, instantInZone, pageWords, replaceKeepingFocus, showErrors, toast, whileBusy } from "../ui.js";
import { scale, timeline } from "../timeline.js";
import { N_, formatNumber, label, plural, t } from "../i18n.js";
import { details, explainCode } from "../sync-words.js";

const container = document.getElementById("rooms");
const summary = document.getElementById("rooms-summary");
const dayInput = document.getElementById("day");
const search = document.getElementById("room-search");
const editor = document.getElementById("room-editor");
const form = document.getElementById("room-form");
const linkState = document.getElementById("room-link-state");
const syncState = document.getElementById("room-sync-state");
const unlinkDialog = document.getElementById("unlink-confirm");

let tenant = null;
let rooms = [];
let editing = null;
let opener = null;

// The chosen day, from midnight to midnight in the tenant's zone.
function dayRange() {
  const date = dayInput.value || dateInZone(new Date(), tenant.timeZone);
  return {
    date,
    dayStart: instantInZone(date, 0, tenant.timeZone).toISOString(),
    dayEnd: instantInZone(date, 24, tenant.timeZone).toISOString(),
  };
}

let loads = 0;

async function load() {
  const range = dayRange();
  const mine = ++loads;
  const data = await request("RoomsOfTenant", { tenantId: tenant.id, dayStart: range.dayStart, dayEnd: range.dayEnd });
  if (mine !== loads) return; // a newer load answers for it (answers can overtake)
  rooms = data.tenant.rooms;
  render(range);
  if (editing) {
    const fresh = rooms.find((r) => r.id === editing.id);
    if (fresh) showLinkState(fresh);
  }
}

const SYNC_WORDS = {
  IDLE: N_("Waiting for its first sync"),
  SYNCING: N_("Syncing now"),
  IN_SYNC: N_("In sync"),
  POLLING: N_("Polled for changes"),
  DEGRADED: N_("Notifications not arriving"),
  STALE: N_("Out of date"),
  THROTTLED: N_("Slowed down by Microsoft 365; retrying by itself"),
  ERROR: N_("Sync error; retrying by itself"),
  ACCESS_DENIED: N_("Microsoft 365 refuses this mailbox"),
  STOPPED: N_("Paused until the tenant's connection works again"),
};

function syncWords(room) {
  const sync = room.sync;
  if (!sync || room.linkState !== "VERIFIED") return "";
  const status = label(SYNC_WORDS, sync.status);
  const last = sync.lastSyncedAt ? formatTime(sync.lastSyncedAt, tenant.timeZone) : null;
  const since = sync.status !== "IN_SYNC" && sync.since ? formatTime(sync.since, tenant.timeZone) : null;
  if (since && last) return t("{status} since {since}, last synced {last}.", { status, since, last });
  if (since) return t("{status} since {since}.", { status, since });
  if (last) return t("{status}, last synced {last}.", { status, last });
  return t("{status}.", { status });
}

// Why a link failed, in the admin's language (by its code).
function linkReason(room) {
  const known = explainCode(room.linkErrorCode);
  return known || { what: t("The mailbox could not be verified."), fix: null };
}

function linkCell(room) {
  switch (room.linkState) {
    case "VERIFIED":
      return [
        el("span", { class: "verified", "data-link-state": "VERIFIED" }, el("span", { "aria-hidden": "true" }, "✓ "), t("Verified")),
        el("div", { class: "muted small", "data-sync-status": room.sync ? room.sync.status : "" }, syncWords(room)),
      ];
    case "FAILED":
      return el("span", { class: "failed", "data-link-state": "FAILED" }, t("Failed: {reason}", { reason: linkReason(room).what }));
    case "VERIFYING":
      return el("span", { "data-link-state": "VERIFYING" }, t("Verifying…"));
    default:
      return el("span", { class: "muted", "data-link-state": "UNLINKED" }, t("Not linked"));
  }
}

function render(range) {
  const needle = search.value.trim().toLowerCase();
  const shown = rooms.filter((r) => !needle || `${r.name} ${r.building || ""} ${r.mailbox || ""}`.toLowerCase().includes(needle));
  const linked = rooms.filter((r) => r.linkState === "VERIFIED").length;
  summary.textContent = plural(rooms.length, "{count} room, {linked} linked to Exchange.", "{count} rooms, {linked} linked to Exchange.", { linked: formatNumber(linked) });
  document.getElementById("day-zone").textContent = t("{day}, times in {zone} (the tenant's time zone).", { day: formatDay(range.date, tenant.timeZone), zone: tenant.timeZone });
  container.removeAttribute("aria-busy");
  if (!rooms.length) {
    container.replaceChildren(el("p", { class: "empty" }, t("No rooms yet. Import them from Microsoft 365 once the tenant is connected.")));
    return;
  }
  const labels = [t("Room"), t("Capacity"), t("Building"), t("Floor"), t("Exchange mailbox"), t("Link")];
  const head = el(
    "tr",
    {},
    labels.map((label, i) => el("th", { scope: "col", class: i === 1 ? "numeric" : null }, label)),
    el("th", { scope: "col", class: "optional day-column" }, t("Bookings, {day}", { day: formatDay(range.date, tenant.timeZone) }), scale()),
  );
  const rows = shown.map((room) =>
    el(
      "tr",
      { "data-room-id": room.id, "data-key": room.id },
      el("th", { scope: "row" }, el("button", { type: "button", class: "link-button", "aria-label": t("Edit {room}", { room: room.name }), "aria-haspopup": "dialog", onclick: (e) => openEditor(room, e.currentTarget) }, room.name)),
      el("td", { class: "numeric" }, room.capacity ?? ""),
      el("td", {}, room.building || ""),
      el("td", {}, room.floor || ""),
      el("td", { class: "mailbox" }, room.mailbox || el("span", { class: "muted" }, "—")),
      el("td", { class: "link-state" }, linkCell(room)),
      el("td", { class: "optional" }, timeline(room.bookings, range.date, tenant.timeZone)),
    ),
  );
  const openerRoom = opener && opener.closest("tr") ? opener.closest("tr").dataset.roomId : null;
  replaceKeepingFocus(container, el("div", { class: "table-wrap" }, el("table", {}, el("caption", { class: "visually-hidden" }, t("Rooms of {tenant}", { tenant: tenant.name })), el("thead", {}, head), el("tbody", {}, rows))));
  if (openerRoom && !document.contains(opener)) {
    // The row was redrawn: the editor returns focus to its new button.
    opener = container.querySelector(`tr[data-room-id="${CSS.escape(openerRoom)}"] .link-button`) || opener;
  }
}

function openEditor(room, button) {
  editing = room;
  opener = button;
  clearErrors(form);
  form.elements.name.value = room.name;
  form.elements.capacity.value = room.capacity ?? "";
  form.elements.building.value = room.building || "";
  form.elements.floor.value = room.floor || "";
  form.elements.mailbox.value = room.mailbox || "";
  document.getElementById("room-editor-title").textContent = t("Edit {room}", { room: room.name });
  showLinkState(room);
  editor.showModal();
}

function showLinkState(room) {
  editing = room;
  const reason = linkReason(room);
  const words = {
    VERIFIED: t("✓ Verified: Transom reads this mailbox's calendar."),
    FAILED: [t("Not verified: {reason}", { reason: reason.what }), reason.fix].filter(Boolean).join(" "),
    VERIFYING: t("Verifying the mailbox with Microsoft 365…"),
    UNLINKED: t("Not linked: bookings made in Outlook will not show."),
  };
  linkState.textContent = words[room.linkState] || "";
  if (room.linkState === "FAILED") {
    const raw = details(room.linkError, room.linkHint);
    if (raw) linkState.append(" ", raw);
  }
  linkState.className = `link-state ${room.linkState === "VERIFIED" ? "verified" : room.linkState === "FAILED" ? "failed" : "muted"}`;
  linkState.dataset.linkState = room.linkState;
  const sync = room.sync && room.linkState === "VERIFIED" ? room.sync : null;
  const trouble = sync && sync.status !== "IN_SYNC";
  const known = trouble ? explainCode(sync.errorCode) : null;
  const why = known ? [known.what, known.fix].filter(Boolean).join(" ") : "";
  syncState.textContent = sync ? [t("Sync: {state}", { state: syncWords(room) }), why].filter(Boolean).join(" ") : "";
  if (trouble) {
    const raw = details(sync.problem, sync.lastError, sync.hint);
    if (raw) syncState.append(" ", raw);
  }
  syncState.dataset.syncStatus = sync ? sync.status : "";
  syncState.dataset.lastSyncedAt = sync && sync.lastSyncedAt ? sync.lastSyncedAt : "";
  document.getElementById("unlink-mailbox").hidden = room.linkState === "UNLINKED";
  document.getElementById("resync-room").hidden = room.linkState !== "VERIFIED";
}

function closeEditor() {
  editor.close();
}

editor.addEventListener("close", () => {
  editing = null;
  if (opener && document.contains(opener)) opener.focus();
});

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors(form);
  const capacity = form.elements.capacity.value;
  const name = form.elements.name.value.trim();
  if (!name) {
    showErrors(form, { errors: [{ message: t("Give the room a name."), extensions: { field: "name" } }] });
    return;
  }
  const input = {
    name,
    capacity: capacity === "" ? null : Number(capacity),
    building: form.elements.building.value || null,
    floor: form.elements.floor.value || null,
  };
  await whileBusy(form.querySelector("button[type=submit]"), async () => {
    try {
      await request("UpdateRoom", { id: editing.id, input });
      toast(t("Saved {room}.", { room: input.name }));
      closeEditor();
      await load();
    } catch (error) {
      showErrors(form, error, explain);
    }
  });
});

document.getElementById("link-mailbox").addEventListener("click", async (event) => {
  clearErrors(form);
  const email = form.elements.mailbox.value.trim();
  if (!email) {
    showErrors(form, { errors: [{ message: t("Enter the room's resource mailbox address."), extensions: { field: "email" } }] });
    return;
  }
  linkState.textContent = t("Verifying the mailbox with Microsoft 365…");
  await whileBusy(event.currentTarget, async () => {
    try {
      const linked = (await request("LinkRoomMailbox", { roomId: editing.id, email })).linkRoomMailbox.room;
      showLinkState({ ...editing, ...linked });
      if (linked.linkState === "FAILED") {
        const reason = linkReason(linked);
        showErrors(form, { errors: [{ message: [reason.what, reason.fix].filter(Boolean).join(" "), extensions: { field: "email" } }] });
      }
      await load();
    } catch (error) {
      showLinkState(editing);
      showErrors(form, error, explain);
    }
  });
});

document.getElementById("resync-room").addEventListener("click", async (event) => {
  await whileBusy(event.currentTarget, async () => {
    try {
      await request("SyncRoom", { roomId: editing.id });
      syncState.textContent = t("Sync: reading the whole calendar from Exchange again…");
      syncState.dataset.syncStatus = "SYNCING";
      toast(t("Resyncing {room} from Exchange.", { room: editing.name }));
    } catch (error) {
      showErrors(form, error, explain);
    }
  });
});

// The API answers an unconfirmed unlink with what it would remove (in
// English): the count is read from it, the sentence written here.
function removalText(message) {
  const found = /removes the (\d+) booking/.exec(message);
  if (!found) return t("Unlinking stops the sync and removes the bookings that came from Exchange (bookings made in Transom stay).");
  return t("Unlinking stops the sync, deletes the Graph subscription and removes the {count} booking(s) that came from Exchange (bookings made in Transom stay).", { count: formatNumber(Number(found[1])) });
}

document.getElementById("unlink-mailbox").addEventListener("click", async () => {
  clearErrors(form);
  let what = t("Transom stops syncing {room} with {mailbox}.", { room: editing.name, mailbox: editing.mailbox });
  try {
    await request("UnlinkRoomMailbox", { roomId: editing.id, confirm: false });
  } catch (error) {
    const preview = error.errors && error.errors.find((e) => e.extensions && e.extensions.code === "BAD_USER_INPUT");
    if (!preview) {
      showErrors(form, error, explain);
      return;
    }
    what = t("{room} ({mailbox}): {removal}", { room: editing.name, mailbox: editing.mailbox, removal: removalText(preview.message) });
  }
  document.getElementById("unlink-what").textContent = what;
  unlinkDialog.showModal();
});

document.getElementById("unlink-no").addEventListener("click", () => unlinkDialog.close());
document.getElementById("unlink-yes").addEventListener("click", async (event) => {
  await whileBusy(event.currentTarget, async () => {
    try {
      const { unlinkRoomMailbox } = await request("UnlinkRoomMailbox", { roomId: editing.id, confirm: true });
      unlinkDialog.close();
      showLinkState({ ...editing, ...unlinkRoomMailbox.room });
      const removed = unlinkRoomMailbox.removedBookings;
      toast(plural(removed, "Unlinked; {count} booking from Exchange removed from Transom.", "Unlinked; {count} bookings from Exchange removed from Transom."));
      await load();
    } catch (error) {
      unlinkDialog.close();
      showErrors(form, error, explain);
    }
  });
});

document.getElementById("close-editor").addEventListener("click", closeEditor);

document.getElementById("import-rooms").addEventListener("click", async (event) => {
  await whileBusy(event.currentTarget, async () => {
    try {
      const { importRooms } = await request("ImportRooms", { tenantId: tenant.id });
      toast(
        importRooms.created || importRooms.updated
          ? t("Imported from Microsoft 365: {created} new, {updated} updated, {unchanged} unchanged.", {
              created: formatNumber(importRooms.created),
              updated: formatNumber(importRooms.updated),
              unchanged: formatNumber(importRooms.unchanged),
            })
          : t("Nothing changed: all {count} rooms match Microsoft 365.", { count: formatNumber(importRooms.unchanged) }),
      );
      await load();
    } catch (error) {
      const why = t("Import failed: {reason}", { reason: errorText(error) });
      toast(why);
      summary.textContent = why;
    }
  });
});

// The form's refusals by their code and field, in the admin's language; others
// keep the server's message (English; only for the unexpected).
const FIELD_WORDS = {
  name: N_("Give the room a name."),
  capacity: N_("The capacity is 1 to 10,000 people."),
  email: N_("Enter an e-mail address, e.g. aurora@contoso.com."),
};
const CODE_WORDS = {
  FORBIDDEN: N_("You are signed in as a reader: only admins change this."),
  NOT_FOUND: N_("This room is gone: reload the page."),
  RATE_LIMITED: N_("Too many requests; try again in a moment."),
};

const ownWords = pageWords({ codes: CODE_WORDS, fields: FIELD_WORDS });

// A field's refusal in the page's words; link and Microsoft 365 codes as
// sync-words.js explains them; then the page's words for other codes.
function explain(item) {
  const { code, field } = item.extensions || {};
  if (code === "BAD_USER_INPUT" && FIELD_WORDS[field]) return ownWords(item);
  const known = explainCode(code);
  if (known) return [known.what, known.fix].filter(Boolean).join(" ");
  return ownWords(item);
}

function errorText(error) {
  return errorMessage(error, explain);
}

const reloadSoon = debounced(() => load());

dayInput.addEventListener("change", reloadSoon);
search.addEventListener("input", () => render(dayRange()));

async function start() {
  tenant = await chosenTenant();
  if (!tenant) {
    container.replaceChildren(el("p", { class: "empty" }, t("No tenant yet.")));
    return;
  }
  dayInput.value = dateInZone(new Date(), tenant.timeZone);
  await load();
  document.getElementById("import-rooms").disabled = false;
  watchTenant(tenant, reloadSoon);
}

start().catch((error) => {
  container.replaceChildren(el("p", { class: "form-error", role: "alert" }, t("Could not load rooms: {reason}", { reason: errorText(error) })));
});
