// The Rooms page: rooms with link state, import, editor, link/unlink, resync,
// and each room's day timeline in the tenant's time zone.
import { request } from "../graphql.js";
import { chosenTenant, watchTenant } from "../tenant.js";
import { clearErrors, dateInZone, debounced, el, formatDay, formatTime, instantInZone, replaceKeepingFocus, showErrors, toast, whileBusy } from "../ui.js";
import { scale, timeline } from "../timeline.js";

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
  IDLE: "Waiting for its first sync",
  SYNCING: "Syncing now",
  IN_SYNC: "In sync",
  POLLING: "Polled for changes",
  DEGRADED: "Notifications not arriving",
  STALE: "Out of date",
  THROTTLED: "Slowed down by Microsoft 365; retrying by itself",
  ERROR: "Sync error; retrying by itself",
  ACCESS_DENIED: "Microsoft 365 refuses this mailbox",
  STOPPED: "Paused until the tenant's connection works again",
};

function syncWords(room) {
  const sync = room.sync;
  if (!sync || room.linkState !== "VERIFIED") return "";
  const when = sync.lastSyncedAt ? `, last synced ${formatTime(sync.lastSyncedAt, tenant.timeZone)}` : "";
  const since = sync.status !== "IN_SYNC" && sync.since ? ` since ${formatTime(sync.since, tenant.timeZone)}` : "";
  return `${SYNC_WORDS[sync.status] || sync.status}${since}${when}.`;
}

function linkCell(room) {
  switch (room.linkState) {
    case "VERIFIED":
      return [
        el("span", { class: "verified", "data-link-state": "VERIFIED" }, el("span", { "aria-hidden": "true" }, "✓ "), "Verified"),
        el("div", { class: "muted small", "data-sync-status": room.sync ? room.sync.status : "" }, syncWords(room)),
      ];
    case "FAILED":
      return el("span", { class: "failed", "data-link-state": "FAILED" }, "Failed: ", room.linkError || "the mailbox could not be verified");
    case "VERIFYING":
      return el("span", { "data-link-state": "VERIFYING" }, "Verifying…");
    default:
      return el("span", { class: "muted", "data-link-state": "UNLINKED" }, "Not linked");
  }
}

function render(range) {
  const needle = search.value.trim().toLowerCase();
  const shown = rooms.filter((r) => !needle || `${r.name} ${r.building || ""} ${r.mailbox || ""}`.toLowerCase().includes(needle));
  const linked = rooms.filter((r) => r.linkState === "VERIFIED").length;
  summary.textContent = `${rooms.length} room${rooms.length === 1 ? "" : "s"}, ${linked} linked to Exchange.`;
  document.getElementById("day-zone").textContent = `${formatDay(range.date, tenant.timeZone)}, times in ${tenant.timeZone} (the tenant's time zone).`;
  container.removeAttribute("aria-busy");
  if (!rooms.length) {
    container.replaceChildren(el("p", { class: "empty" }, "No rooms yet. Import them from Microsoft 365 once the tenant is connected."));
    return;
  }
  const labels = ["Room", "Capacity", "Building", "Floor", "Exchange mailbox", "Link"];
  const head = el(
    "tr",
    {},
    labels.map((label, i) => el("th", { scope: "col", class: i === 1 ? "numeric" : null }, label)),
    el("th", { scope: "col", class: "optional day-column" }, `Bookings, ${formatDay(range.date, tenant.timeZone)}`, scale()),
  );
  const rows = shown.map((room) =>
    el(
      "tr",
      { "data-room-id": room.id, "data-key": room.id },
      el("th", { scope: "row" }, el("button", { type: "button", class: "link-button", "aria-label": `Edit ${room.name}`, "aria-haspopup": "dialog", onclick: (e) => openEditor(room, e.currentTarget) }, room.name)),
      el("td", { class: "numeric" }, room.capacity ?? ""),
      el("td", {}, room.building || ""),
      el("td", {}, room.floor || ""),
      el("td", { class: "mailbox" }, room.mailbox || el("span", { class: "muted" }, "—")),
      el("td", { class: "link-state" }, linkCell(room)),
      el("td", { class: "optional" }, timeline(room.bookings, range.date, tenant.timeZone)),
    ),
  );
  const openerRoom = opener && opener.closest("tr") ? opener.closest("tr").dataset.roomId : null;
  replaceKeepingFocus(container, el("div", { class: "table-wrap" }, el("table", {}, el("caption", { class: "visually-hidden" }, `Rooms of ${tenant.name}`), el("thead", {}, head), el("tbody", {}, rows))));
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
  document.getElementById("room-editor-title").textContent = `Edit ${room.name}`;
  showLinkState(room);
  editor.showModal();
}

function showLinkState(room) {
  editing = room;
  const hint = room.linkHint ? ` ${room.linkHint}` : "";
  const words = {
    VERIFIED: "✓ Verified: Transom reads this mailbox's calendar.",
    FAILED: `Not verified: ${room.linkError || "the mailbox could not be verified."}${hint}`,
    VERIFYING: "Verifying the mailbox with Microsoft 365…",
    UNLINKED: "Not linked: bookings made in Outlook will not show.",
  };
  linkState.textContent = words[room.linkState] || "";
  linkState.className = `link-state ${room.linkState === "VERIFIED" ? "verified" : room.linkState === "FAILED" ? "failed" : "muted"}`;
  linkState.dataset.linkState = room.linkState;
  const sync = room.sync && room.linkState === "VERIFIED" ? room.sync : null;
  const trouble = sync && sync.status !== "IN_SYNC";
  const why = trouble ? [sync.problem, sync.lastError, sync.hint].filter(Boolean).map((t) => ` ${t}`).join("") : "";
  syncState.textContent = sync ? `Sync: ${syncWords(room)}${why}` : "";
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
    showErrors(form, { errors: [{ message: "Give the room a name.", extensions: { field: "name" } }] });
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
      toast(`Saved ${input.name}.`);
      closeEditor();
      await load();
    } catch (error) {
      showErrors(form, error);
    }
  });
});

document.getElementById("link-mailbox").addEventListener("click", async (event) => {
  clearErrors(form);
  const email = form.elements.mailbox.value.trim();
  if (!email) {
    showErrors(form, { errors: [{ message: "Enter the room's resource mailbox address.", extensions: { field: "email" } }] });
    return;
  }
  linkState.textContent = "Verifying the mailbox with Microsoft 365…";
  await whileBusy(event.currentTarget, async () => {
    try {
      const linked = (await request("LinkRoomMailbox", { roomId: editing.id, email })).linkRoomMailbox.room;
      showLinkState({ ...editing, ...linked });
      if (linked.linkState === "FAILED") {
        const reason = [linked.linkError, linked.linkHint].filter(Boolean).join(" ");
        showErrors(form, { errors: [{ message: reason || "The mailbox could not be verified.", extensions: { field: "email" } }] });
      }
      await load();
    } catch (error) {
      showLinkState(editing);
      showErrors(form, error);
    }
  });
});

document.getElementById("resync-room").addEventListener("click", async (event) => {
  await whileBusy(event.currentTarget, async () => {
    try {
      await request("SyncRoom", { roomId: editing.id });
      syncState.textContent = "Sync: reading the whole calendar from Exchange again…";
      syncState.dataset.syncStatus = "SYNCING";
      toast(`Resyncing ${editing.name} from Exchange.`);
    } catch (error) {
      showErrors(form, error);
    }
  });
});

// The API answers an unconfirmed unlink with what it would remove.
function removalText(message) {
  return message.replace(/\s*Send confirm: true to go ahead\.?\s*$/, "");
}

document.getElementById("unlink-mailbox").addEventListener("click", async () => {
  clearErrors(form);
  let what = `Transom stops syncing ${editing.name} with ${editing.mailbox}.`;
  try {
    await request("UnlinkRoomMailbox", { roomId: editing.id, confirm: false });
  } catch (error) {
    const preview = error.errors && error.errors.find((e) => e.extensions && e.extensions.code === "BAD_USER_INPUT");
    if (!preview) {
      showErrors(form, error);
      return;
    }
    what = `${editing.name} (${editing.mailbox}): ${removalText(preview.message)}`;
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
      toast(`Unlinked; ${removed} booking${removed === 1 ? "" : "s"} from Exchange removed from Transom.`);
      await load();
    } catch (error) {
      unlinkDialog.close();
      showErrors(form, error);
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
          ? `Imported from Microsoft 365: ${importRooms.created} new, ${importRooms.updated} updated, ${importRooms.unchanged} unchanged.`
          : `Nothing changed: all ${importRooms.unchanged} rooms match Microsoft 365.`,
      );
      await load();
    } catch (error) {
      toast(`Import failed: ${error.message}`);
      summary.textContent = `Import failed: ${error.message}`;
    }
  });
});

const reloadSoon = debounced(() => load());

dayInput.addEventListener("change", reloadSoon);
search.addEventListener("input", () => render(dayRange()));

async function start() {
  tenant = await chosenTenant();
  if (!tenant) {
    container.replaceChildren(el("p", { class: "empty" }, "No tenant yet."));
    return;
  }
  dayInput.value = dateInZone(new Date(), tenant.timeZone);
  await load();
  document.getElementById("import-rooms").disabled = false;
  watchTenant(tenant, reloadSoon);
}

start().catch((error) => {
  container.replaceChildren(el("p", { class: "form-error", role: "alert" }, `Could not load rooms: ${error.message}`));
});
