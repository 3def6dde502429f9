// The admin UI's language on the client: t(text, values) looks
// the text up in the catalogue the page was served with (see
// server/transom/pages/languages.py); a missing text stays English.
// Dates and numbers follow the same language (Intl with `locale`).

const source = document.getElementById("catalogue");
const catalogue = source ? JSON.parse(source.textContent || "{}") : {};

// The page's language: en, da or de (the <html lang> the server wrote).
export const language = document.documentElement.lang || "en";

// The BCP 47 locale for Intl: dates read 4. december 2026 / 4. Dezember 2026.
export const locale = { en: "en-GB", da: "da-DK", de: "de-DE" }[language] || "en-GB";

export function t(text, values = {}) {
  const found = catalogue[text] || text;
  return found.replace(/\{(\w+)\}/g, (whole, key) => (key in values ? String(values[key]) : whole));
}

// "1 room" / "3 rooms": the English singular and plural are both message ids;
// {count} is the number, written the language's way.
export function plural(count, one, other, values = {}) {
  return t(count === 1 ? one : other, { ...values, count: formatNumber(count) });
}

export function formatNumber(value) {
  return new Intl.NumberFormat(locale).format(value);
}

// The words for an enum's values: label(STATUS_WORDS, "CONNECTED") with
// STATUS_WORDS = { CONNECTED: "Connected", ... } in English. A value without
// words (a newer server) reads as "Unknown" rather than as the raw value.
export function label(words, value) {
  if (value === null || value === undefined) return "";
  return t(words[value] || "Unknown");
}

// Marks an English text for the catalogue without translating it yet (enum
// words tables, texts translated later with t(text)).
export const N_ = (text) => text;
