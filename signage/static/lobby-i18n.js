// English, Danish and German words of the lobby display.
const WORDS = {
  en: {
    FREE: "Free", BUSY: "Busy", STARTING_SOON: "Starting soon",
    freeAllDay: "all day", freeUntil: "until {time}", busyUntil: "until {time}", soonAt: "at {time}",
    next: "Next {time} {title}", noMore: "Nothing more today",
    privateMeeting: "Private meeting", busyMeeting: "Meeting", bookedAtDoor: "Booked at the door",
    floor: "Floor {floor}", seats: "{count} seats", pageOf: "Page {page} of {pages}",
    pairTitle: "Pair this display",
    pairHelp: "In Transom's admin, open Displays, choose a building and enter this code:",
    offlineSince: "Offline since {time}", stale: "May be out of date (since {time})",
    noRooms: "No rooms in this building yet.",
  },
  da: {
    FREE: "Ledigt", BUSY: "Optaget", STARTING_SOON: "Starter snart",
    freeAllDay: "hele dagen", freeUntil: "indtil {time}", busyUntil: "indtil {time}", soonAt: "kl. {time}",
    next: "Næste {time} {title}", noMore: "Ikke mere i dag",
    privateMeeting: "Privat møde", busyMeeting: "Møde", bookedAtDoor: "Booket ved døren",
    floor: "Etage {floor}", seats: "{count} pladser", pageOf: "Side {page} af {pages}",
    pairTitle: "Par denne skærm",
    pairHelp: "Åbn Skærme i Transoms administration, vælg en bygning, og indtast denne kode:",
    offlineSince: "Offline siden {time}", stale: "Måske ikke opdateret (siden {time})",
    noRooms: "Ingen lokaler i denne bygning endnu.",
  },
  de: {
    FREE: "Frei", BUSY: "Belegt", STARTING_SOON: "Beginnt gleich",
    freeAllDay: "den ganzen Tag", freeUntil: "bis {time}", busyUntil: "bis {time}", soonAt: "um {time}",
    next: "Nächstes {time} {title}", noMore: "Heute nichts mehr",
    privateMeeting: "Privates Meeting", busyMeeting: "Meeting", bookedAtDoor: "An der Tür gebucht",
    floor: "Etage {floor}", seats: "{count} Plätze", pageOf: "Seite {page} von {pages}",
    pairTitle: "Diese Anzeige koppeln",
    pairHelp: "Öffnen Sie in der Transom-Verwaltung „Anzeigen“, wählen Sie ein Gebäude und geben Sie diesen Code ein:",
    offlineSince: "Offline seit {time}", stale: "Evtl. nicht aktuell (seit {time})",
    noRooms: "Noch keine Räume in diesem Gebäude.",
  },
};

let language = "en";

export function setLanguage(code) {
  language = WORDS[code] ? code : "en";
  document.documentElement.lang = language;
  for (const element of document.querySelectorAll("[data-i18n]")) {
    element.textContent = t(element.dataset.i18n);
  }
}

export function t(key, values = {}) {
  const text = WORDS[language][key] ?? WORDS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => values[name] ?? "");
}

export function clockTime(date, timeZone) {
  return new Intl.DateTimeFormat(language, { hour: "2-digit", minute: "2-digit", hour12: false, timeZone })
    .format(date);
}
