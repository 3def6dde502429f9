// The Absence policy page: kinds → out of office / working elsewhere / never,
// subject templates and automatic replies, with a live preview of what Outlook
// would show (computed by the server from the unsaved form).
import { request } from "../graphql.js";
import { chosenTenant, watchTenant } from "../tenant.js";
import { N_, label, t } from "../i18n.js";
import { clearErrors, debounced, el, showErrors, toast, whileBusy } from "../ui.js";
import { TARGET_IN_SENTENCE, TARGET_WORDS, errorText, inWords, kindWords } from "./hr-texts.js";

const form = document.getElementById("policy-form");
const kindsBody = document.getElementById("kinds");
const previewSubjects = document.getElementById("preview-subjects");
const previewReplies = document.getElementById("preview-replies");
const replyTexts = document.getElementById("reply-texts");
const LANGUAGES = { en: N_("English"), da: N_("Danish"), de: N_("German") };
let tenant = null;
let defaults = {}; // kind -> target of the built-in table (from the first load)
let editing = false;

// The server's refusal of the policy in words, by its field.
function policyProblem(code, field) {
  if (code !== "BAD_USER_INPUT") return null;
  const words = {
    subjects: N_("A subject has 1 to 255 characters."),
    replies: N_("A reply text has at most 4,000 characters."),
    replyLanguage: N_("Choose English, Danish or German for the replies."),
    kind: N_("A kind is a name of letters, digits and underscores, such as VACATION (at most 64 characters)."),
  }[field];
  return words ? t(words) : null;
}

function showPolicy(policy) {
  kindsBody.replaceChildren(
    ...policy.kinds.map(({ kind, target }) => {
      const id = `kind-${kind}`;
      const select = el("select", { id, "data-kind": kind }, Object.entries(TARGET_WORDS).map(([value, word]) => el("option", { value, selected: value === target }, t(word))));
      const standard = defaults[kind];
      return el("tr", {}, el("th", { scope: "row" }, el("label", { for: id }, kindWords(kind))), el("td", {}, select), el("td", { class: "muted" }, standard ? label(TARGET_WORDS, standard) : t("Your own kind")));
    }),
  );
  const subjects = Object.fromEntries(policy.subjects.map((s) => [s.key, s.template]));
  form.elements.OUT_OF_OFFICE.value = subjects.OUT_OF_OFFICE || "";
  // The default subjects are what Outlook shows (the server's words, not the page's).
  form.elements.OUT_OF_OFFICE.placeholder = t("Default: {subject}", { subject: "Out of office" });
  form.elements.WORKING_ELSEWHERE.value = subjects.WORKING_ELSEWHERE || "";
  form.elements.WORKING_ELSEWHERE.placeholder = t("Default: {subject}", { subject: "Working elsewhere" });
  form.elements.private.checked = policy.private;
  form.elements.automaticReplies.checked = policy.automaticReplies;
  form.elements.replyLanguage.value = policy.replyLanguage;
  const own = Object.fromEntries(policy.replies.map((r) => [r.language, r]));
  replyTexts.replaceChildren(
    ...Object.entries(LANGUAGES).map(([code, name]) =>
      el(
        "fieldset",
        { class: "reply-language" },
        el("legend", {}, t(name)),
        el("label", { for: `reply-${code}-internal` }, t("To colleagues")),
        el("textarea", { id: `reply-${code}-internal`, "data-language": code, "data-audience": "internal", rows: "2", maxlength: "4000", placeholder: t("Empty: Transom's default text") }, own[code] ? own[code].internal : ""),
        el("label", { for: `reply-${code}-external` }, t("To people outside the organisation")),
        el("textarea", { id: `reply-${code}-external`, "data-language": code, "data-audience": "external", rows: "2", maxlength: "4000", placeholder: t("Empty: Transom's default text") }, own[code] ? own[code].external : ""),
      ),
    ),
  );
}

function input() {
  const subjects = ["OUT_OF_OFFICE", "WORKING_ELSEWHERE"]
    .map((key) => ({ key, template: form.elements[key].value.trim() }))
    .filter((s) => s.template);
  const replies = Object.keys(LANGUAGES)
    .map((language) => ({
      language,
      internal: document.getElementById(`reply-${language}-internal`).value.trim(),
      external: document.getElementById(`reply-${language}-external`).value.trim(),
    }))
    .filter((r) => r.internal && r.external);
  return {
    kinds: [...kindsBody.querySelectorAll("select")].map((s) => ({ kind: s.dataset.kind, target: s.value })),
    subjects,
    private: form.elements.private.checked,
    automaticReplies: form.elements.automaticReplies.checked,
    replyLanguage: form.elements.replyLanguage.value,
    replies,
  };
}

async function preview() {
  let found;
  try {
    found = (await request("AbsencePolicyPreview", { tenantId: tenant.id, input: input() })).absencePolicyPreview;
  } catch (error) {
    previewSubjects.replaceChildren(el("tr", {}, el("td", { colspan: "2", class: "form-error" }, errorText(error, policyProblem))));
    return;
  }
  document.getElementById("preview-who").textContent = t("For {name}, as Outlook would show it with the form as it is now (not saved yet).", { name: found.personName });
  previewSubjects.replaceChildren(
    ...found.subjects.map((s) =>
      el(
        "tr",
        { "data-kind": s.kind },
        el("th", { scope: "row" }, kindWords(s.kind)),
        el("td", {}, s.subject === null ? el("span", { class: "muted" }, t("Not in Outlook")) : t("{subject} ({target})", { subject: s.subject, target: label(TARGET_IN_SENTENCE, s.target) })),
      ),
    ),
  );
  previewReplies.replaceChildren(
    ...(form.elements.automaticReplies.checked
      ? [
          el("dt", {}, t("To colleagues ({language})", { language: label(LANGUAGES, found.replies.language) })),
          el("dd", { id: "preview-internal" }, found.replies.internal),
          el("dt", {}, t("To people outside")),
          el("dd", { id: "preview-external" }, found.replies.external),
        ]
      : [el("dd", { class: "muted" }, t("Automatic replies are off."))]),
  );
}

const previewSoon = debounced(preview, 250);
form.addEventListener("input", () => {
  editing = true;
  previewSoon();
});
form.addEventListener("change", previewSoon);

async function load() {
  const data = await request("AbsencePolicyPage", { tenantId: tenant.id });
  if (editing) return; // another admin's save shows once this one is done
  showPolicy(data.absencePolicy);
  await preview();
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearErrors(form);
  await whileBusy(form.querySelector("button[type=submit]"), async () => {
    try {
      await request("SetAbsencePolicy", { tenantId: tenant.id, input: input() });
      editing = false;
      toast(t("Absence policy saved: Outlook follows for the absences already registered."));
      await load();
    } catch (error) {
      showErrors(form, inWords(error, policyProblem));
    }
  });
});

async function start() {
  tenant = await chosenTenant();
  if (!tenant) return;
  // The built-in table: the policy previewed without the tenant's overrides.
  const builtIn = await request("AbsencePolicyPreview", { tenantId: tenant.id, input: { kinds: [] } });
  defaults = Object.fromEntries(builtIn.absencePolicyPreview.subjects.map((k) => [k.kind, k.target]));
  await load();
  form.querySelector("button[type=submit]").disabled = false;
  watchTenant(tenant, debounced(() => load()));
}

start().catch((error) => previewSubjects.replaceChildren(el("tr", {}, el("td", { class: "form-error", role: "alert" }, t("Could not load the policy: {reason}", { reason: errorText(error) })))));
