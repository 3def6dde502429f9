// The Settings page's Sign in with Microsoft card: on/off, domains, role rules.
import { request } from "../graphql.js";
import { chosenTenant, watchTenant } from "../tenant.js";
import { N_, label, plural, t } from "../i18n.js";
import { clearErrors, debounced, el, errorMessage, showErrors, toast, whileBusy } from "../ui.js";

const form = document.getElementById("sign-in-form");
const rulesBody = document.getElementById("sign-in-rules");
const KINDS = { GROUP: N_("Group (object id)"), USER: N_("Person (sign-in name)"), APP_ROLE: N_("App role (value)") };
const ROLES = { ADMIN: N_("Admin"), READER: N_("Reader") };
let tenant = null;
let editing = false;
let nextRule = 1;

function ruleRow(rule = { kind: "GROUP", value: "", role: "READER" }) {
  const n = nextRule++;
  const remove = el("button", { type: "button", class: "link-button" }, t("Remove"));
  const row = el(
    "tr",
    { class: "sign-in-rule" },
    el("td", {}, el("label", { for: `rule-kind-${n}`, class: "visually-hidden" }, t("Rule {number} matches", { number: n })), el("select", { id: `rule-kind-${n}`, name: "kind" }, Object.keys(KINDS).map((v) => el("option", { value: v, selected: v === rule.kind }, label(KINDS, v))))),
    el("td", {}, el("label", { for: `rule-value-${n}`, class: "visually-hidden" }, t("Rule {number} value", { number: n })), el("input", { id: `rule-value-${n}`, name: "value", value: rule.value, maxlength: "320", autocomplete: "off", spellcheck: "false" })),
    el("td", {}, el("label", { for: `rule-role-${n}`, class: "visually-hidden" }, t("Rule {number} role", { number: n })), el("select", { id: `rule-role-${n}`, name: "role" }, Object.keys(ROLES).map((v) => el("option", { value: v, selected: v === rule.role }, label(ROLES, v))))),
    el("td", {}, remove),
  );
  remove.setAttribute("aria-label", t("Remove rule {number}", { number: n }));
  remove.addEventListener("click", () => {
    editing = true;
    row.remove();
  });
  return row;
}

function show(signIn) {
  form.elements.enabled.checked = signIn.enabled;
  form.elements.domains.value = signIn.domains.join(", ");
  document.getElementById("sign-in-redirect").textContent = signIn.redirectUri
    ? t("In the tenant's Entra app registration, add the redirect URI {uri} (platform Web).", { uri: signIn.redirectUri })
    : t("Set TRANSOM_PUBLIC_URL so Transom can tell Microsoft where to send people back.");
  rulesBody.replaceChildren(...signIn.rules.map((r) => ruleRow(r)));
}

function input() {
  return {
    enabled: form.elements.enabled.checked,
    domains: form.elements.domains.value.split(",").map((d) => d.trim()).filter(Boolean),
    rules: [...rulesBody.querySelectorAll("tr")].map((row) => ({
      kind: row.querySelector("[name=kind]").value,
      value: row.querySelector("[name=value]").value.trim(),
      role: row.querySelector("[name=role]").value,
    })),
  };
}

async function load() {
  const data = await request("TenantSignIn", { tenantId: tenant.id });
  if (!editing) show(data.tenantSignIn);
}

form.addEventListener("input", () => (editing = true));
document.getElementById("add-rule").addEventListener("click", () => {
  editing = true;
  const row = ruleRow();
  rulesBody.append(row);
  row.querySelector("input").focus();
});
form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors(form);
  await whileBusy(form.querySelector("button[type=submit]"), async () => {
    try {
      const saved = (await request("SetTenantSignIn", { tenantId: tenant.id, input: input() })).setTenantSignIn.signIn;
      editing = false;
      show(saved);
      toast(saved.enabled ? plural(saved.rules.length, "Sign in with Microsoft is on with {count} rule.", "Sign in with Microsoft is on with {count} rules.") : t("Sign in with Microsoft is off."));
    } catch (error) {
      showErrors(form, error, explain);
    }
  });
});

async function start() {
  tenant = await chosenTenant();
  if (!tenant) return;
  await load();
  form.querySelector("button[type=submit]").disabled = false;
  watchTenant(tenant, debounced(() => load()), { refreshBannersToo: false });
}

// The page's own words for the server's refusals it knows.
function explain(item) {
  const { code, field } = item.extensions || {};
  if (code !== "BAD_USER_INPUT" || field !== "domains") return null;
  return input().domains.length
    ? t("Enter domain names such as contoso.com, separated by commas.")
    : t("Name the e-mail domain(s) whose people sign in here.");
}

start().catch((error) => form.append(el("p", { class: "form-error", role: "alert" }, t("Could not load sign-in settings: {error}", { error: errorMessage(error) }))));
