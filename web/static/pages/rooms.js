// The Rooms page: rooms with link state, import, editor, link/unlink, timeline.
import { onReconnect, request, subscribe } from "../graphql.js";
import { chosenTenant } from "../tenant.js";
import { clearErrors, el, showErrors, toast, whileBusy } from "../ui.js";
import { timeline } from "../timeline.js";

const container = document.getElementById("rooms");
const summary = document.getElementById("rooms-summary");
const dayInput = document.getElementById("day");
const search = document.getElementById("room-search");
const editor = document.getElementById("room-editor");
const form = document.getElementById("room-form");
const linkState = document.getElementById("room-link-state");
const unlinkDialog = document.getElementById("unlink-confirm");

let tenant = null;
let rooms = [];
let editing = null;
let opener = null;

function localDate(date = new Date()) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

function dayRange() {
  const start = new Date(`${dayInput.value}T00:00:00`);
  const end = new Date(start);
  end.setDate(end.getDate() + 1);
  return { dayStart: start.toISOString(), dayEnd: end.toISOString(), start, end };
}

async function load() {
  const range = dayRange();
  const data = await request("RoomsOfTenant", { tenantId: tenant.id, dayStart: range.dayStart, dayEnd: range.dayEnd });
  rooms = data.tenant.rooms;
  render(range);
  if (editing) {
    const fresh = rooms.find((r) => r.id === editing.id);
    if (fresh) showLinkState(fresh);
  }
}

function linkCell(room) {
  switch (room.linkState) {
    case "VERIFIED":
      return el("span", { class: "verified", "data-link-state": "VERIFIED" }, el("span", { "aria-hidden": "true" }, "✓ "), "Verified");
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
  container.removeAttribute("aria-busy");
  if (!rooms.length) {
    container.replaceChildren(el("p", { class: "empty" }, "No rooms yet. Import them from Microsoft 365 once the tenant is connected."));
    return;
  }
  const head = el("tr", {}, ["Room", "Capacity", "Building", "Floor", "Exchange mailbox", "Link", `Bookings ${range.start.toLocaleDateString("en-GB")}`].map((label, i) => el("th", { scope: "col", class: [1].includes(i) ? "numeric" : i === 6 ? "optional" : null }, label)));
  const rows = shown.map((room) =>
    el(
      "tr",
      { "data-room-id": room.id },
      el("th", { scope: "row" }, el("button", { type: "button", class: "link-button", "aria-label": `Edit ${room.name}`, onclick: (e) => openEditor(room, e.currentTarget) }, room.name)),
      el("td", { class: "numeric" }, room.capacity ?? ""),
      el("td", {}, room.building || ""),
      el("td", {}, room.floor || ""),
      el("td", {}, room.mailbox || el("span", { class: "muted" }, "—")),
      el("td", { class: "link-state" }, linkCell(room)),
      el("td", { class: "optional" }, timeline(room.bookings, range.start, tenant.timeZone)),
    ),
  );
  container.replaceChildren(el("div", { class: "table-wrap" }, el("table", {}, el("caption", { class: "visually-hidden" }, `Rooms of ${tenant.name}`), el("thead", {}, head), el("tbody", {}, rows))));
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
  const input = {
    name: form.elements.name.value,
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
      const { linkRoomMailbox } = await request("LinkRoomMailbox", { roomId: editing.id, email });
      showLinkState({ ...editing, ...linkRoomMailbox });
      if (linkRoomMailbox.linkState === "FAILED") {
        const reason = [linkRoomMailbox.linkError, linkRoomMailbox.linkHint].filter(Boolean).join(" ");
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
      toast(`Resyncing ${editing.name} from Exchange.`);
    } catch (error) {
      showErrors(form, error);
    }
  });
});

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
    what = preview.message;
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
      toast(`Unlinked; ${unlinkRoomMailbox.removedBookings} booking(s) from Exchange removed.`);
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
      toast(`Imported from Microsoft 365: ${importRooms.created} new, ${importRooms.updated} updated.`);
      await load();
    } catch (error) {
      toast(`Import failed: ${error.message}`);
      summary.textContent = `Import failed: ${error.message}`;
    }
  });
});

let timer = null;
function reloadSoon() {
  clearTimeout(timer);
  timer = setTimeout(() => load().catch(console.error), 150);
}

dayInput.addEventListener("change", reloadSoon);
search.addEventListener("input", () => render(dayRange()));
onReconnect(reloadSoon);

async function start() {
  dayInput.value = localDate();
  tenant = await chosenTenant();
  if (!tenant) {
    container.replaceChildren(el("p", { class: "empty" }, "No tenant yet."));
    return;
  }
  await load();
  document.getElementById("import-rooms").disabled = false;
  let first = true;
  subscribe("TenantChanges", { tenantId: tenant.id }, () => {
    if (first) {
      first = false;
      return;
    }
    reloadSoon();
  });
}

start().catch((error) => {
  container.replaceChildren(el("p", { class: "form-error", role: "alert" }, `Could not load rooms: ${error.message}`));
});
