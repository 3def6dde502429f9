// The API tokens page: create (the secret shown once), list with last use, revoke.
import { request } from "../graphql.js";
import { chosenTenant, watchTenant } from "../tenant.js";
import { N_, label, t } from "../i18n.js";
import { clearErrors, debounced, el, errorMessage, formatDateTime, pageWords, replaceKeepingFocus, showErrors, toast, whileBusy } from "../ui.js";

const form = document.getElementById("create-form");
const list = document.getElementById("tokens");
const secretBox = document.getElementById("new-secret");
const secretValue = document.getElementById("secret-value");
const revokeDialog = document.getElementById("revoke-confirm");
const ROLE_WORDS = { ADMIN: N_("Admin"), READER: N_("Reader") };
let tenant = null;
let revoking = null;

function when(iso) {
  return formatDateTime(iso, tenant.timeZone);
}

function state(token) {
  if (!token.active) return el("span", { class: "status status-bad" }, t("Revoked {when}", { when: when(token.revokedAt) }));
  return el("span", { class: "status status-ok" }, t("Active"));
}

function row(token) {
  return el(
    "tr",
    { "data-token-id": token.id, "data-key": token.id },
    el("td", {}, token.name),
    el("td", {}, label(ROLE_WORDS, token.role)),
    el("td", {}, when(token.createdAt)),
    el("td", {}, token.lastUsedAt ? when(token.lastUsedAt) : el("span", { class: "muted" }, t("Never used"))),
    el("td", {}, state(token)),
    el(
      "td",
      { class: "actions" },
      token.active ? el("button", { type: "button", class: "danger", "aria-haspopup": "dialog", onclick: () => askRevoke(token) }, t("Revoke {token}", { token: token.name })) : "",
    ),
  );
}

function askRevoke(token) {
  revoking = token;
  document.getElementById("revoke-what").textContent = t("“{token}” stops working at once: every call made with it is refused and its open connections close. Whatever uses it needs a new token.", { token: token.name });
  revokeDialog.showModal();
}

document.getElementById("revoke-no").addEventListener("click", () => revokeDialog.close());
document.getElementById("revoke-yes").addEventListener("click", async (event) => {
  const token = revoking;
  await whileBusy(event.currentTarget, async () => {
    try {
      await request("RevokeApiToken", { id: token.id });
      toast(t("Revoked {token}.", { token: token.name }));
    } catch (error) {
      toast(errorText(error));
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
    list.replaceChildren(el("p", { class: "empty" }, t("No API tokens yet.")));
    return;
  }
  const head = el("tr", {}, [t("Name"), t("Role"), t("Created"), t("Last used"), t("State"), t("Actions")].map((h) => el("th", { scope: "col" }, h)));
  const table = el("table", {}, el("caption", { class: "visually-hidden" }, t("API tokens of {tenant}", { tenant: tenant.name })), el("thead", {}, head), el("tbody", {}, data.apiTokens.map(row)));
  replaceKeepingFocus(list, el("div", { class: "table-wrap" }, table));
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors(form);
  const name = form.elements.name.value.trim();
  if (!name) {
    showErrors(form, { errors: [{ message: t("Give the token a name."), extensions: { field: "name" } }] });
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
      showErrors(form, error, explain);
    }
  });
});

document.getElementById("copy-secret").addEventListener("click", async () => {
  secretValue.select();
  try {
    await navigator.clipboard.writeText(secretValue.value);
    toast(t("Copied."));
  } catch {
    toast(t("Select the token and copy it."));
  }
});

// Refusals the page knows by their code, in the admin's language; others keep
// the server's message (English; only for the unexpected).
const CODE_WORDS = {
  FORBIDDEN: N_("Only admins manage API tokens: you are signed in as a reader."),
  NOT_FOUND: N_("This token is gone: reload the page."),
  RATE_LIMITED: N_("Too many requests; try again in a moment."),
};
const FIELD_WORDS = {
  name: N_("Give the token a name of at most 200 characters."),
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
}

start().catch((error) => list.replaceChildren(el("p", { class: "form-error", role: "alert" }, t("Could not load API tokens: {reason}", { reason: errorText(error) }))));
