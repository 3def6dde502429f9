// The Displays page: pair by code, rename, revoke, online / last seen.
import { onReconnect, request, subscribe } from "../graphql.js";
import { chosenTenant } from "../tenant.js";
import { clearErrors, el, formatDateTime, showErrors, toast, whileBusy } from "../ui.js";

const form = document.getElementById("pair-form");
const roomSelect = document.getElementById("pair-room");
const list = document.getElementById("displays");
let tenant = null;

function seen(display) {
  if (display.state === "REVOKED") return "Revoked";
  if (display.online) return "Online";
  return display.lastSeenAt ? `Offline, last seen ${formatDateTime(display.lastSeenAt)}` : "Never seen";
}

function row(display) {
  const nameInput = el("input", { id: `display-name-${display.id}`, value: display.name, "aria-label": `Name of display ${display.name}` });
  const revoked = display.state === "REVOKED";
  return el(
    "tr",
    { "data-display-id": display.id },
    el("td", {}, nameInput),
    el("td", {}, display.room ? display.room.name : el("span", { class: "muted" }, "Room deleted")),
    el("td", {}, el("span", { class: `status ${display.online ? "status-ok" : revoked ? "status-bad" : "status-idle"}` }, seen(display))),
    el(
      "td",
      { class: "actions" },
      el("button", { type: "button", onclick: (e) => rename(display, nameInput, e.currentTarget) }, "Rename"),
      revoked ? null : el("button", { type: "button", class: "danger", onclick: (e) => revoke(display, e.currentTarget) }, "Revoke"),
    ),
  );
}

async function rename(display, input, button) {
  await whileBusy(button, async () => {
    try {
      await request("RenameDisplay", { id: display.id, name: input.value });
      toast(`Renamed to ${input.value}.`);
    } catch (error) {
      toast(error.message);
    }
  });
}

async function revoke(display, button) {
  if (!window.confirm(`Revoke “${display.name}”? It stops showing ${display.room ? display.room.name : "its room"} at once and must be paired again.`)) return;
  await whileBusy(button, async () => {
    await request("RevokeDisplay", { id: display.id });
    toast(`Revoked ${display.name}.`);
    await load();
  });
}

async function load() {
  const data = await request("DisplaysOfTenant", { tenantId: tenant.id });
  const chosen = roomSelect.value;
  roomSelect.replaceChildren(el("option", { value: "" }, "Choose a room"), ...data.tenant.rooms.map((r) => el("option", { value: r.id }, r.building ? `${r.name} (${r.building})` : r.name)));
  roomSelect.value = chosen;
  if (!data.displays.length) {
    list.replaceChildren(el("p", { class: "empty" }, "No displays yet. Pair one with the code it shows."));
    return;
  }
  const head = el("tr", {}, ["Name", "Room", "Status", "Actions"].map((h) => el("th", { scope: "col" }, h)));
  list.replaceChildren(el("div", { class: "table-wrap" }, el("table", {}, el("thead", {}, head), el("tbody", {}, data.displays.map(row)))));
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors(form);
  if (!roomSelect.value) {
    showErrors(form, { errors: [{ message: "Choose the room this display hangs by.", extensions: { field: "roomId" } }] });
    return;
  }
  await whileBusy(form.querySelector("button[type=submit]"), async () => {
    try {
      const { pairDisplay } = await request("PairDisplay", { code: form.elements.code.value, roomId: roomSelect.value });
      toast(`Paired “${pairDisplay.name}”.`);
      form.reset();
      await load();
    } catch (error) {
      showErrors(form, error);
    }
  });
});

let timer = null;
function reloadSoon() {
  clearTimeout(timer);
  timer = setTimeout(() => load().catch(console.error), 150);
}

async function start() {
  tenant = await chosenTenant();
  if (!tenant) return;
  await load();
  form.querySelector("button[type=submit]").disabled = false;
  subscribe("TenantChanges", { tenantId: tenant.id }, reloadSoon);
  onReconnect(reloadSoon);
  setInterval(reloadSoon, 60000); // "online" ages without an event
}

start().catch((error) => list.replaceChildren(el("p", { class: "form-error", role: "alert" }, `Could not load displays: ${error.message}`)));
