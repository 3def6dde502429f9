// The Settings page's Sign in with Microsoft card: on/off, domains, role rules.
import { request } from "../graphql.js";
import { chosenTenant, watchTenant } from "../tenant.js";
import { clearErrors, debounced, el, showErrors, toast, whileBusy } from "../ui.js";

const form = document.getElementById("sign-in-form");
const rulesBody = document.getElementById("sign-in-rules");
const KINDS = { GROUP: "Group (object id)", USER: "Person (sign-in name)", APP_ROLE: "App role (value)" };
const ROLES = { ADMIN: "Admin", READER: "Reader" };
let tenant = null;
let editing = false;
let nextRule = 1;

function ruleRow(rule = { kind: "GROUP", value: "", role: "READER" }) {
  const n = nextRule++;
  const remove = el("button", { type: "button", class: "link-button" }, "Remove");
  const row = el(
    "tr",
    { class: "sign-in-rule" },
    el("td", {}, el("label", { for: `rule-kind-${n}`, class: "visually-hidden" }, `Rule ${n} matches`), el("select", { id: `rule-kind-${n}`, name: "kind" }, Object.entries(KINDS).map(([v, w]) => el("option", { value: v, selected: v === rule.kind }, w)))),
    el("td", {}, el("label", { for: `rule-value-${n}`, class: "visually-hidden" }, `Rule ${n} value`), el("input", { id: `rule-value-${n}`, name: "value", value: rule.value, maxlength: "320", autocomplete: "off", spellcheck: "false" })),
    el("td", {}, el("label", { for: `rule-role-${n}`, class: "visually-hidden" }, `Rule ${n} role`), el("select", { id: `rule-role-${n}`, name: "role" }, Object.entries(ROLES).map(([v, w]) => el("option", { value: v, selected: v === rule.role }, w)))),
    el("td", {}, remove),
  );
  remove.setAttribute("aria-label", `Remove rule ${n}`);
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
    ? `In the tenant's Entra app registration, add the redirect URI ${signIn.redirectUri} (platform Web).`
    : "Set TRANSOM_PUBLIC_URL so Transom can tell Microsoft where to send people back.";
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
      toast(saved.enabled ? `Sign in with Microsoft is on with ${saved.rules.length} rule(s).` : "Sign in with Microsoft is off.");
    } catch (error) {
      showErrors(form, error);
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

start().catch((error) => form.append(el("p", { class: "form-error", role: "alert" }, `Could not load sign-in settings: ${error.message}`)));
