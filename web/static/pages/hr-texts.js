// Words shared by the HR pages (People, Absences, Absence policy, Availability
// rules): absence kinds and targets, and a failed request explained in the
// admin's language by its error code (the server's text only when the code
// says nothing more).
import { N_, t } from "../i18n.js";

export const KIND_WORDS = {
  VACATION: N_("Vacation"),
  OTHER_VACATION: N_("Other vacation"),
  SICK: N_("Sick"),
  CHILD_SICK: N_("Child sick"),
  TIME_OFF_IN_LIEU: N_("Time off in lieu"),
  OTHER_LEAVE: N_("Other leave"),
  WORKING_FROM_HOME: N_("Working from home"),
  TRAVEL: N_("Travel"),
  COURSE: N_("Course"),
  EXTERNAL_ACTIVITY: N_("External activity"),
  DRIVING: N_("Driving"),
  OVERTIME: N_("Overtime"),
  TIME_REGISTRATION: N_("Time registration"),
  FLEX_TIME: N_("Flex time"),
  PUBLIC_HOLIDAY: N_("Public holiday"),
};

// Where a kind goes in Outlook: as a choice, and inside a sentence.
export const TARGET_WORDS = { OUT_OF_OFFICE: N_("Out of office"), WORKING_ELSEWHERE: N_("Working elsewhere"), NEVER: N_("Never") };
export const TARGET_IN_SENTENCE = { OUT_OF_OFFICE: N_("out of office"), WORKING_ELSEWHERE: N_("working elsewhere"), NEVER: N_("never in Outlook") };

// A kind in words; a tenant's own kind (e.g. SKIING) is its name as written.
export function kindWords(kind) {
  if (KIND_WORDS[kind]) return t(KIND_WORDS[kind]);
  const words = kind.replace(/_/g, " ").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const CODE_TEXTS = {
  UNAUTHENTICATED: N_("Your session has ended: sign in again."),
  FORBIDDEN: N_("Your account may not do this: a reader's account only looks."),
  NOT_FOUND: N_("It no longer exists: someone else deleted it meanwhile."),
  RATE_LIMITED: N_("Too many requests: wait a moment and try again."),
  GRAPH_ERROR: N_("Microsoft 365 refused or did not answer. Try again; if it persists, test the tenant's connection on the Tenants page."),
};

// One GraphQL error ({message, extensions: {code, field}}) in words:
// `ownWords(code, field)` answers the page's own explanation, if it has one.
export function errorItemText(item, ownWords = () => null) {
  const extensions = item.extensions || {};
  const own = ownWords(extensions.code, extensions.field);
  if (own) return own;
  if (CODE_TEXTS[extensions.code]) return t(CODE_TEXTS[extensions.code]);
  return item.message; // unexpected: the server's own words
}

// A failed request in words (for a toast or a line on the page).
export function errorText(error, ownWords) {
  if (error && error.errors) return error.errors.map((item) => errorItemText(item, ownWords)).join(" ");
  return t("The request failed: {message}", { message: String((error && error.message) || error) });
}

// The same error with its messages in words, for ui.js showErrors (which
// puts each beside its field).
export function inWords(error, ownWords) {
  if (!error || !error.errors) return { errors: [{ message: errorText(error, ownWords) }] };
  return { errors: error.errors.map((item) => ({ ...item, message: errorItemText(item, ownWords) })) };
}

// A translated text with one element inside it: "{link}" in the text is
// replaced by `node` (the words around it stay one sentence to translate).
export function around(text, name, node) {
  const [before, after = ""] = text.split(`{${name}}`);
  return [before, node, after];
}
