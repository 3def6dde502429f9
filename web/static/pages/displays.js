// The Displays page: pair by code, rename, revoke, online / last seen.
import { request } from "../graphql.js";
import { chosenTenant, watchTenant } from "../tenant.js";
import { N_, t } from "../i18n.js";
import { clearErrors, debounced, el, errorMessage, formatDateTime, pageWords, replaceKeepingFocus, showErrors, toast, whileBusy } from "../ui.js";

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
  buildingSelect.replaceChildren(el("option", { value: "" }, t("Choose a building")), ...buildings.map((b) => el("option", { value: b }, b)));
  buildingSelect.value = buildings.includes(chosen) ? chosen : "";
  fillFloors();
}

function fillFloors() {
  const chosen = floorSelect.value;
  const floors = [...new Set(rooms.filter((r) => r.building === buildingSelect.value).map((r) => r.floor).filter(Boolean))].sort();
  floorSelect.replaceChildren(el("option", { value: "" }, t("Every floor")), ...floors.map((f) => el("option", { value: f }, t("Floor {floor}", { floor: f }))));
  floorSelect.value = floors.includes(chosen) ? chosen : "";
}

for (const radio of form.elements.kind) radio.addEventListener("change", showKind);
buildingSelect.addEventListener("change", fillFloors);

function shows(display) {
  if (display.room) return display.room.name;
  if (display.building) {
    return display.floor
      ? t("Lobby: {building}, floor {floor}", { building: display.building, floor: display.floor })
      : t("Lobby: {building}", { building: display.building });
  }
  return el("span", { class: "muted" }, t("Room deleted"));
}

function seen(display) {
  const when = display.lastSeenAt ? formatDateTime(display.lastSeenAt, tenant.timeZone) : null;
  if (display.state === "REVOKED") return when ? t("Revoked, last seen {when}", { when }) : t("Revoked, never seen");
  if (display.online) return when ? t("Online, last seen {when}", { when }) : t("Online, never seen");
  return when ? t("Offline, last seen {when}", { when }) : t("Offline, never seen");
}

function tone(display) {
  if (display.state === "REVOKED") return "status-bad";
  return display.online ? "status-ok" : "status-idle";
}

function row(display) {
  const inputId = `display-name-${display.id}`;
  const rename = el(
    "form",
    { class: "rename-form", novalidate: true, "aria-label": t("Rename {display}", { display: display.name }) },
    el(
      "div",
      { class: "field" },
      el("label", { for: inputId, class: "visually-hidden" }, t("Name of display {display}", { display: display.name })),
      el("input", { id: inputId, name: "name", "data-field": "name", value: display.name, required: true, maxlength: "100", autocomplete: "off" }),
    ),
    el("div", { class: "actions" }, el("button", { type: "submit" }, t("Rename"))),
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
      revoked ? el("span", { class: "muted" }, t("Pair it again to reuse it.")) : el("button", { type: "button", class: "danger", "aria-haspopup": "dialog", onclick: (e) => askRevoke(display, e.currentTarget) }, t("Revoke {display}", { display: display.name })),
    ),
  );
}

async function renameDisplay(display, renameForm) {
  clearErrors(renameForm);
  const name = renameForm.elements.name.value.trim();
  if (!name) {
    showErrors(renameForm, { errors: [{ message: t("Give the display a name."), extensions: { field: "name" } }] });
    return;
  }
  await whileBusy(renameForm.querySelector("button[type=submit]"), async () => {
    try {
      await request("RenameDisplay", { id: display.id, name });
      toast(t("Renamed to {name}.", { name }));
    } catch (error) {
      showErrors(renameForm, error, explain);
    }
  });
}

function askRevoke(display, button) {
  revoking = { display, button };
  const room = display.room ? display.room.name : display.building ?? t("its room");
  document.getElementById("revoke-what").textContent = t("“{display}” stops showing {room} at once: its token stops working and its live connection closes. To use the screen again, pair it with a new code.", { display: display.name, room });
  revokeDialog.showModal();
}

document.getElementById("revoke-no").addEventListener("click", () => revokeDialog.close());
document.getElementById("revoke-yes").addEventListener("click", async (event) => {
  const { display } = revoking;
  await whileBusy(event.currentTarget, async () => {
    try {
      await request("RevokeDisplay", { id: display.id });
      toast(t("Revoked {display}.", { display: display.name }));
    } catch (error) {
      toast(errorText(error));
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
  roomSelect.replaceChildren(el("option", { value: "" }, t("Choose a room")), ...data.tenant.rooms.map((r) => el("option", { value: r.id }, r.building ? `${r.name} (${r.building})` : r.name)));
  roomSelect.value = chosen;
  rooms = data.tenant.rooms;
  fillBuildings();
  if (!data.displays.length) {
    list.replaceChildren(el("p", { class: "empty" }, t("No displays yet. Pair one with the code it shows.")));
    return;
  }
  // Keep what the admin is typing in a name field through live reloads.
  const typing = document.activeElement && list.contains(document.activeElement) && document.activeElement.name === "name" ? document.activeElement : null;
  if (typing) return;
  const head = el("tr", {}, [t("Name"), t("Shows"), t("Status"), t("Actions")].map((h) => el("th", { scope: "col" }, h)));
  replaceKeepingFocus(list, el("div", { class: "table-wrap" }, el("table", {}, el("caption", { class: "visually-hidden" }, t("Displays of {tenant}", { tenant: tenant.name })), el("thead", {}, head), el("tbody", {}, data.displays.map(row)))));
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors(form);
  const problems = [];
  if (!form.elements.code.value.trim()) problems.push({ message: t("Enter the code the display shows."), extensions: { field: "code" } });
  const lobby = kind() === "building";
  if (!lobby && !roomSelect.value) problems.push({ message: t("Choose the room this display hangs by."), extensions: { field: "roomId" } });
  if (lobby && !buildingSelect.value) problems.push({ message: t("Choose the building this lobby display shows."), extensions: { field: "building" } });
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
      toast(t("Paired “{display}”.", { display: paired.name }));
      form.reset();
      showKind();
      fillFloors();
      await load();
    } catch (error) {
      showErrors(form, error, explain);
    }
  });
});

// Errors the page knows by their code, in the admin's language; others keep
// the server's message (English; only for the unexpected).
const CODE_WORDS = {
  NOT_FOUND: N_("The room, building or display is gone: reload the page."),
  FORBIDDEN: N_("You are signed in as a reader: only admins pair and change displays."),
  RATE_LIMITED: N_("Too many tries; wait a moment and try again."),
};

// BAD_USER_INPUT by the field it is about.
const FIELD_WORDS = {
  code: N_("No display shows this code: enter the code the display shows now (6 letters and digits; codes expire after 15 minutes)."),
  building: N_("No room is in this building or on this floor: set the building and floor of its rooms on the Rooms page."),
  floor: N_("No room is in this building or on this floor: set the building and floor of its rooms on the Rooms page."),
  name: N_("A display name is 1 to 100 characters."),
};

const explain = pageWords({ codes: CODE_WORDS, fields: FIELD_WORDS });

function errorText(error) {
  return errorMessage(error, explain);
}

const reloadSoon = debounced(() => load());

async function start() {
  tenant = await chosenTenant();
  if (!tenant) return;
  await load();
  form.querySelector("button[type=submit]").disabled = false;
  watchTenant(tenant, reloadSoon);
  setInterval(reloadSoon, 30000); // "online" ages without an event
}

start().catch((error) => list.replaceChildren(el("p", { class: "form-error", role: "alert" }, t("Could not load displays: {reason}", { reason: errorText(error) }))));
