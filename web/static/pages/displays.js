// The Displays page: pair by code, rename, revoke, online / last seen.
import { request } from "../graphql.js";
import { chosenTenant, watchTenant } from "../tenant.js";
import { clearErrors, debounced, el, formatDateTime, replaceKeepingFocus, showErrors, toast, whileBusy } from "../ui.js";

const form = document.getElementById("pair-form");
const roomSelect = document.getElementById("pair-room");
const buildingSelect = document.getElementById("pair-building");
const floorSelect = document.getElementById("pair-floor");
const list = document.getElementById("displays");
const revokeDialog = document.getElementById("revoke-confirm");
let tenant = null;
let revoking = null;
let rooms = [];

// ---- room or building ------------------------------------------------------------
function kind() {
  return form.elements.kind.value;
}

function showKind() {
  for (const field of form.querySelectorAll("[data-kind]")) field.hidden = field.dataset.kind !== kind();
  roomSelect.required = kind() === "room";
  buildingSelect.required = kind() === "building";
}

function fillBuildings() {
  const chosen = buildingSelect.value;
  const buildings = [...new Set(rooms.map((r) => r.building).filter(Boolean))].sort();
  buildingSelect.replaceChildren(el("option", { value: "" }, "Choose a building"), ...buildings.map((b) => el("option", { value: b }, b)));
  buildingSelect.value = buildings.includes(chosen) ? chosen : "";
  fillFloors();
}

function fillFloors() {
  const chosen = floorSelect.value;
  const floors = [...new Set(rooms.filter((r) => r.building === buildingSelect.value).map((r) => r.floor).filter(Boolean))].sort();
  floorSelect.replaceChildren(el("option", { value: "" }, "Every floor"), ...floors.map((f) => el("option", { value: f }, `Floor ${f}`)));
  floorSelect.value = floors.includes(chosen) ? chosen : "";
}

for (const radio of form.elements.kind) radio.addEventListener("change", showKind);
buildingSelect.addEventListener("change", fillFloors);

function shows(display) {
  if (display.room) return display.room.name;
  if (display.building) return display.floor ? `Lobby: ${display.building}, floor ${display.floor}` : `Lobby: ${display.building}`;
  return el("span", { class: "muted" }, "Room deleted");
}

function seen(display) {
  const last = display.lastSeenAt ? `last seen ${formatDateTime(display.lastSeenAt, tenant.timeZone)}` : "never seen";
  if (display.state === "REVOKED") return `Revoked, ${last}`;
  if (display.online) return `Online, ${last}`;
  return display.lastSeenAt ? `Offline, ${last}` : "Offline, never seen";
}

function tone(display) {
  if (display.state === "REVOKED") return "status-bad";
  return display.online ? "status-ok" : "status-idle";
}

function row(display) {
  const inputId = `display-name-${display.id}`;
  const rename = el(
    "form",
    { class: "rename-form", novalidate: true, "aria-label": `Rename ${display.name}` },
    el(
      "div",
      { class: "field" },
      el("label", { for: inputId, class: "visually-hidden" }, `Name of display ${display.name}`),
      el("input", { id: inputId, name: "name", "data-field": "name", value: display.name, required: true, maxlength: "100", autocomplete: "off" }),
    ),
    el("div", { class: "actions" }, el("button", { type: "submit" }, "Rename")),
  );
  rename.addEventListener("submit", (event) => {
    event.preventDefault();
    renameDisplay(display, rename);
  });
  const revoked = display.state === "REVOKED";
  return el(
    "tr",
    { "data-display-id": display.id, "data-key": display.id },
    el("td", {}, rename),
    el("td", {}, shows(display)),
    el("td", {}, el("span", { class: `status ${tone(display)}`, "data-online": String(display.online) }, seen(display))),
    el(
      "td",
      { class: "actions" },
      revoked ? el("span", { class: "muted" }, "Pair it again to reuse it.") : el("button", { type: "button", class: "danger", "aria-haspopup": "dialog", onclick: (e) => askRevoke(display, e.currentTarget) }, `Revoke ${display.name}`),
    ),
  );
}

async function renameDisplay(display, renameForm) {
  clearErrors(renameForm);
  const name = renameForm.elements.name.value.trim();
  if (!name) {
    showErrors(renameForm, { errors: [{ message: "Give the display a name.", extensions: { field: "name" } }] });
    return;
  }
  await whileBusy(renameForm.querySelector("button[type=submit]"), async () => {
    try {
      await request("RenameDisplay", { id: display.id, name });
      toast(`Renamed to ${name}.`);
    } catch (error) {
      showErrors(renameForm, error);
    }
  });
}

function askRevoke(display, button) {
  revoking = { display, button };
  const room = display.room ? display.room.name : display.building ?? "its room";
  document.getElementById("revoke-what").textContent = `“${display.name}” stops showing ${room} at once: its token stops working and its live connection closes. To use the screen again, pair it with a new code.`;
  revokeDialog.showModal();
}

document.getElementById("revoke-no").addEventListener("click", () => revokeDialog.close());
document.getElementById("revoke-yes").addEventListener("click", async (event) => {
  const { display } = revoking;
  await whileBusy(event.currentTarget, async () => {
    try {
      await request("RevokeDisplay", { id: display.id });
      toast(`Revoked ${display.name}.`);
    } catch (error) {
      toast(error.message);
    }
  });
  revokeDialog.close();
  await load();
});
revokeDialog.addEventListener("close", () => {
  // Focus goes back to the row (its Revoke button is gone once revoked).
  const row = revoking && list.querySelector(`tr[data-display-id="${CSS.escape(revoking.display.id)}"]`);
  const target = row ? row.querySelector("button.danger") || row.querySelector("input") : null;
  if (target) target.focus();
  revoking = null;
});

let loads = 0;

async function load() {
  const mine = ++loads;
  const data = await request("DisplaysOfTenant", { tenantId: tenant.id });
  if (mine !== loads) return; // a newer load answers for it (answers can overtake)
  const chosen = roomSelect.value;
  roomSelect.replaceChildren(el("option", { value: "" }, "Choose a room"), ...data.tenant.rooms.map((r) => el("option", { value: r.id }, r.building ? `${r.name} (${r.building})` : r.name)));
  roomSelect.value = chosen;
  rooms = data.tenant.rooms;
  fillBuildings();
  if (!data.displays.length) {
    list.replaceChildren(el("p", { class: "empty" }, "No displays yet. Pair one with the code it shows."));
    return;
  }
  // Keep what the admin is typing in a name field through live reloads.
  const typing = document.activeElement && list.contains(document.activeElement) && document.activeElement.name === "name" ? document.activeElement : null;
  if (typing) return;
  const head = el("tr", {}, ["Name", "Shows", "Status", "Actions"].map((h) => el("th", { scope: "col" }, h)));
  replaceKeepingFocus(list, el("div", { class: "table-wrap" }, el("table", {}, el("caption", { class: "visually-hidden" }, `Displays of ${tenant.name}`), el("thead", {}, head), el("tbody", {}, data.displays.map(row)))));
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors(form);
  const problems = [];
  if (!form.elements.code.value.trim()) problems.push({ message: "Enter the code the display shows.", extensions: { field: "code" } });
  const lobby = kind() === "building";
  if (!lobby && !roomSelect.value) problems.push({ message: "Choose the room this display hangs by.", extensions: { field: "roomId" } });
  if (lobby && !buildingSelect.value) problems.push({ message: "Choose the building this lobby display shows.", extensions: { field: "building" } });
  if (problems.length) {
    showErrors(form, { errors: problems });
    return;
  }
  await whileBusy(form.querySelector("button[type=submit]"), async () => {
    try {
      const code = form.elements.code.value;
      const paired = lobby
        ? (await request("PairLobbyDisplay", { code, building: buildingSelect.value, floor: floorSelect.value || null, tenantId: tenant.id })).pairLobbyDisplay.display
        : (await request("PairDisplay", { code, roomId: roomSelect.value })).pairDisplay.display;
      toast(`Paired “${paired.name}”.`);
      form.reset();
      showKind();
      fillFloors();
      await load();
    } catch (error) {
      showErrors(form, error);
    }
  });
});

const reloadSoon = debounced(() => load());

async function start() {
  tenant = await chosenTenant();
  if (!tenant) return;
  await load();
  form.querySelector("button[type=submit]").disabled = false;
  watchTenant(tenant, reloadSoon);
  setInterval(reloadSoon, 30000); // "online" ages without an event
}

start().catch((error) => list.replaceChildren(el("p", { class: "form-error", role: "alert" }, `Could not load displays: ${error.message}`)));
