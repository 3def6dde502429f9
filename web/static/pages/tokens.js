// The API tokens page: create (the secret shown once), list with last use, revoke.
import { request } from "../graphql.js";
import { chosenTenant, watchTenant } from "../tenant.js";
import { clearErrors, debounced, el, formatDateTime, replaceKeepingFocus, showErrors, toast, whileBusy } from "../ui.js";

const form = document.getElementById("create-form");
const list = document.getElementById("tokens");
const secretBox = document.getElementById("new-secret");
const secretValue = document.getElementById("secret-value");
const revokeDialog = document.getElementById("revoke-confirm");
const ROLE_WORDS = { ADMIN: "Admin", READER: "Reader" };
let tenant = null;
let revoking = null;

function when(iso) {
  return formatDateTime(iso, tenant.timeZone);
}

function state(token) {
  if (!token.active) return el("span", { class: "status status-bad" }, `Revoked ${when(token.revokedAt)}`);
  return el("span", { class: "status status-ok" }, "Active");
}

function row(token) {
  return el(
    "tr",
    { "data-token-id": token.id, "data-key": token.id },
    el("td", {}, token.name),
    el("td", {}, ROLE_WORDS[token.role] || token.role),
    el("td", {}, when(token.createdAt)),
    el("td", {}, token.lastUsedAt ? when(token.lastUsedAt) : el("span", { class: "muted" }, "Never used")),
    el("td", {}, state(token)),
    el(
      "td",
      { class: "actions" },
      token.active ? el("button", { type: "button", class: "danger", "aria-haspopup": "dialog", onclick: () => askRevoke(token) }, `Revoke ${token.name}`) : "",
    ),
  );
}

function askRevoke(token) {
  revoking = token;
  document.getElementById("revoke-what").textContent = `“${token.name}” stops working at once: every call made with it is refused and its open connections close. Whatever uses it needs a new token.`;
  revokeDialog.showModal();
}

document.getElementById("revoke-no").addEventListener("click", () => revokeDialog.close());
document.getElementById("revoke-yes").addEventListener("click", async (event) => {
  const token = revoking;
  await whileBusy(event.currentTarget, async () => {
    try {
      await request("RevokeApiToken", { id: token.id });
      toast(`Revoked ${token.name}.`);
    } catch (error) {
      toast(error.message);
    }
  });
  revokeDialog.close();
  await load();
});

let loads = 0;

async function load() {
  const mine = ++loads;
  const data = await request("ApiTokensOfTenant", { tenantId: tenant.id });
  if (mine !== loads) return; // a newer load answers for it
  if (!data.apiTokens.length) {
    list.replaceChildren(el("p", { class: "empty" }, "No API tokens yet."));
    return;
  }
  const head = el("tr", {}, ["Name", "Role", "Created", "Last used", "State", "Actions"].map((h) => el("th", { scope: "col" }, h)));
  const table = el("table", {}, el("caption", { class: "visually-hidden" }, `API tokens of ${tenant.name}`), el("thead", {}, head), el("tbody", {}, data.apiTokens.map(row)));
  replaceKeepingFocus(list, el("div", { class: "table-wrap" }, table));
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors(form);
  const name = form.elements.name.value.trim();
  if (!name) {
    showErrors(form, { errors: [{ message: "Give the token a name.", extensions: { field: "name" } }] });
    return;
  }
  await whileBusy(form.querySelector("button[type=submit]"), async () => {
    try {
      const input = { tenantId: tenant.id, name, role: form.elements.role.value };
      const created = (await request("CreateApiToken", { input })).createApiToken;
      secretValue.value = created.secret;
      secretBox.hidden = false;
      document.getElementById("new-secret-title").focus();
      form.reset();
      await load();
    } catch (error) {
      showErrors(form, error);
    }
  });
});

document.getElementById("copy-secret").addEventListener("click", async () => {
  secretValue.select();
  try {
    await navigator.clipboard.writeText(secretValue.value);
    toast("Copied.");
  } catch {
    toast("Select the token and copy it.");
  }
});

const reloadSoon = debounced(() => load());

async function start() {
  tenant = await chosenTenant();
  if (!tenant) return;
  await load();
  form.querySelector("button[type=submit]").disabled = false;
  watchTenant(tenant, reloadSoon);
}

start().catch((error) => list.replaceChildren(el("p", { class: "form-error", role: "alert" }, `Could not load API tokens: ${error.message}`)));
