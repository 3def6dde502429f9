// The Absences page's CSV import, checked in the browser before anything is
// saved: parse the file (RFC 4180 quotes; comma or semicolon), then check each
// row against the tenant's directory and kinds. Pure functions: no DOM, no
// network. The format is described in README "Absences and availability".
// Problems are in the admin's language; the column names and the values the
// file may hold (yes, no) are the file format and stay as they are.
import { formatNumber, plural, t } from "../i18n.js";
import { instantInZone } from "../ui.js";

export const COLUMNS = ["external_id", "email", "kind", "start", "end", "all_day", "approved", "note"];
const REQUIRED = ["external_id", "email", "kind", "start", "end"];
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const YES = new Set(["yes", "y", "true", "1", "x"]);
const NO = new Set(["no", "n", "false", "0", ""]);
const DAY_MS = 86400000;
const MAX_DAYS = 366;

// Split CSV text into records of fields. Quotes may hold commas, semicolons,
// doubled quotes and line breaks. The delimiter is whichever of , and ; the
// header line holds more of.
export function parseCsv(text) {
  const body = text.replace(/^\uFEFF/, "");
  const firstLine = body.split(/\r?\n/, 1)[0] || "";
  const delimiter = (firstLine.match(/;/g) || []).length > (firstLine.match(/,/g) || []).length ? ";" : ",";
  const records = [];
  let record = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === "") quoted = true;
    else if (c === delimiter) {
      record.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && body[i + 1] === "\n") i++;
      record.push(field);
      records.push(record);
      record = [];
      field = "";
    } else field += c;
  }
  if (field !== "" || record.length) {
    record.push(field);
    records.push(record);
  }
  return records.filter((r) => r.some((f) => f.trim() !== ""));
}

// "External ID" or "external-id" -> "external_id".
function columnName(raw) {
  return raw.trim().toLowerCase().replace(/[\s-]+/g, "_");
}

// The kind as the API spells it: "other vacation" -> "OTHER_VACATION".
export function kindCode(raw) {
  return raw.trim().replace(/[\s-]+/g, "_").toUpperCase();
}

// "2026-12-24", "24.12.2026", either with " 08:30" or "T08:30[:00]", and an
// ISO offset ("Z", "+01:00") after an ISO date-time. null: not a date.
export function parseWhen(raw) {
  const text = raw.trim();
  let m = text.match(/^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:?\d{2})?)?$/);
  let year, month, day;
  if (m) [, year, month, day] = m;
  else {
    m = text.match(/^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/);
    if (!m) return null;
    [, day, month, year] = m;
  }
  const [, , , , hour, minute, second, offset] = m;
  const date = `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
  const check = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(check.getTime()) || check.toISOString().slice(0, 10) !== date) return null;
  if (hour === undefined) return { date, time: null, offset: null };
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second || 0) > 59) return null;
  const time = `${hour.padStart(2, "0")}:${minute}:${second || "00"}`;
  return { date, time, offset: offset ? offset.replace(/^([+-]\d{2})(\d{2})$/, "$1:$2") : null };
}

function addDays(date, days) {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

// The instant of a parsed date-time: its own offset, else the tenant's zone.
function instantOf(when, zone) {
  if (when.offset) return new Date(`${when.date}T${when.time}${when.offset}`);
  const [hour, minute, second] = when.time.split(":").map(Number);
  return new Date(instantInZone(when.date, hour, zone).getTime() + (minute * 60 + second) * 1000);
}

function yesNo(raw, column, problems) {
  const value = (raw || "").trim().toLowerCase();
  if (YES.has(value)) return true;
  if (NO.has(value)) return false;
  problems.push(t("{column} is “{value}”: write yes or no", { column, value: raw }));
  return false;
}

// Check the header; answers {columns: index by name, problem}.
export function readHeader(header) {
  const columns = {};
  header.forEach((raw, index) => {
    const name = columnName(raw);
    if (COLUMNS.includes(name) && !(name in columns)) columns[name] = index;
  });
  const missing = REQUIRED.filter((name) => !(name in columns));
  if (missing.length) {
    const values = { columns: missing.join(", ") };
    return {
      columns,
      problem: plural(
        missing.length,
        "The header row lacks the column {columns}. It needs external_id, email, kind, start and end.",
        "The header row lacks the columns {columns}. It needs external_id, email, kind, start and end.",
        values,
      ),
    };
  }
  return { columns, problem: null };
}

// The span of one row as the API takes it, or problems.
function spanOf(values, allDayColumn, zone, problems) {
  const start = parseWhen(values.start);
  const end = parseWhen(values.end);
  if (!start) problems.push(t("start “{value}” is not a date: write 2026-12-24, 24.12.2026 or 2026-12-24 08:30", { value: values.start }));
  if (!end) problems.push(t("end “{value}” is not a date: write 2026-12-24, 24.12.2026 or 2026-12-24 08:30", { value: values.end }));
  if (!start || !end) return null;
  const automatic = allDayColumn === undefined || !values.all_day;
  const allDay = automatic ? !start.time && !end.time : yesNo(values.all_day, "all_day", problems);
  if (allDay) {
    if (start.time || end.time) {
      problems.push(t("an all-day absence has dates without times"));
      return null;
    }
    if (end.date < start.date) {
      problems.push(t("the last day is before the first day"));
      return null;
    }
    const after = addDays(end.date, 1);
    if ((Date.parse(after) - Date.parse(start.date)) / DAY_MS > MAX_DAYS) {
      problems.push(t("an absence lasts at most {count} days", { count: formatNumber(MAX_DAYS) }));
      return null;
    }
    return { start: `${start.date}T00:00:00Z`, end: `${after}T00:00:00Z`, allDay: true };
  }
  if (!start.time || !end.time) {
    problems.push(t("give both start and end a time (08:30), or mark the row all_day"));
    return null;
  }
  const from = instantOf(start, zone);
  const until = instantOf(end, zone);
  if (until <= from) {
    problems.push(t("the end is not after the start"));
    return null;
  }
  if (until - from > MAX_DAYS * DAY_MS) {
    problems.push(t("an absence lasts at most {count} days", { count: formatNumber(MAX_DAYS) }));
    return null;
  }
  return { start: from.toISOString(), end: until.toISOString(), allDay: false };
}

// Check every data row. `directory` maps lower-case addresses (primary and
// aliases) to people; `kinds` is the set of kind codes the tenant knows.
// Answers {rows: [{row, input, problems, person}], problem}. `row` is the
// spreadsheet row number (the header is row 1).
export function checkRows(records, { directory, kinds, zone }) {
  if (!records.length) return { rows: [], problem: t("The file is empty.") };
  const { columns, problem } = readHeader(records[0]);
  if (problem) return { rows: [], problem };
  const seen = new Map();
  const rows = records.slice(1).map((record, index) => {
    const row = index + 2;
    const values = Object.fromEntries(Object.entries(columns).map(([name, at]) => [name, (record[at] || "").trim()]));
    const problems = [];
    const externalId = values.external_id;
    if (!externalId) problems.push(t("external_id is empty: every row needs the HR system's id"));
    else if (externalId.length > 200) problems.push(t("external_id is longer than 200 characters"));
    else if (seen.has(externalId)) problems.push(t("external_id “{id}” is also on row {row}", { id: externalId, row: seen.get(externalId) }));
    else seen.set(externalId, row);
    let person = null;
    if (!EMAIL.test(values.email)) problems.push(t("“{value}” is not an email address", { value: values.email }));
    else {
      person = directory.get(values.email.toLowerCase()) || null;
      if (!person) problems.push(t("nobody in the directory has the address {address}", { address: values.email }));
    }
    const kind = kindCode(values.kind || "");
    if (!kind) problems.push(t("kind is empty"));
    else if (!kinds.has(kind)) problems.push(t("“{value}” is not a kind this tenant knows", { value: values.kind }));
    const span = spanOf(values, columns.all_day, zone, problems);
    const approved = "approved" in columns ? yesNo(values.approved, "approved", problems) : false;
    const note = values.note || null;
    if (note && note.length > 2000) problems.push(t("the note is longer than 2,000 characters"));
    const input = span ? { personEmail: values.email, kind, ...span, approved, externalId, note } : null;
    return { row, input, problems, person };
  });
  return { rows, problem: rows.length ? null : t("The file has a header row but no absences.") };
}
