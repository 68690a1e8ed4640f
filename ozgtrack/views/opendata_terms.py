"""The words of the open-data file set: its columns and the definitions file, in German, in one place."""

from __future__ import annotations

from ozgtrack.views.opendata import Column

# Values as the CSV shows them to people; the JSON keeps the values themselves (documented below).
YES_NO = {True: "ja", False: "nein"}
LEVEL = {"gemeinde": "Gemeinde", "landkreis": "Landkreis", "land": "Land", "bund": "Bund", "unklar": "ungeklärt"}
ORIGIN = {"decision": "Entscheidung", "inherited": "Entscheidung zum Leistungsobjekt", "rule": "Regel"}
CATEGORY = {"online": "online", "in_progress": "in Umsetzung", "offline": "offline", "unknown": "nicht bewertet"}
MODEL = {"rgm1": "Reifegradmodell 1.1", "rgm2": "Reifegradmodell 2.0"}

# Per table: (JSON key, CSV header, meaning). The CSV shows the German words of LABELS.
COLUMNS: dict[str, tuple[Column, ...]] = {
    "gemeinden": (
        Column("ars", "ARS", "Amtlicher Regionalschlüssel der Gemeinde (12 Ziffern)"),
        Column("ags", "AGS", "Amtlicher Gemeindeschlüssel (8 Ziffern)"),
        Column("name", "Gemeinde", "Name laut Gemeindeverzeichnis des Statistischen Bundesamts"),
        Column("kreis_ars", "ARS des Kreises", "Regionalschlüssel des Landkreises oder der kreisfreien Stadt"),
        Column("land", "Land", "Schlüssel des Bundeslands (2 Ziffern)"),
        Column("kreisfrei", "kreisfreie Stadt", "kreisfreie Städte erledigen die Aufgaben der Gemeinde und des Kreises"),
    ),
    "leistungen": (
        Column("key", "LeiKa-Schlüssel", "Schlüssel der Leistung im Leistungskatalog (LeiKa, 14 Ziffern)"),
        Column("name", "Leistung", "Bezeichnung im LeiKa"),
        Column("typisierung", "Typisierung", "LeiKa-Typisierung: wer regelt und wer vollzieht (z. B. 5: Kommune)"),
        Column("ozg_ids", "OZG-IDs", "OZG-Leistungen, denen die Leistung zugeordnet ist (in der CSV durch "
                                     "Leerzeichen getrennt)"),
    ),
    "zustaendigkeiten": (
        Column("ars", "ARS", "Gemeinde"),
        Column("key", "LeiKa-Schlüssel", "Leistung"),
        Column("level", "Zuständigkeit", "wer die Leistung für die Gemeinde vollzieht: gemeinde, landkreis, land, "
                                         "bund oder unklar (noch nicht geklärt)"),
        Column("origin", "festgelegt durch", "decision: Entscheidung der Gemeinde zu dieser Leistung; inherited: "
                                             "Entscheidung zum Leistungsobjekt; rule: Regel nach der Typisierung"),
        Column("own", "eigene Leistung", "ob die Gemeinde die Leistung selbst anbieten muss"),
    ),
    "status": (
        Column("ars", "ARS", "Gemeinde"),
        Column("key", "LeiKa-Schlüssel", "eigene Leistung der Gemeinde"),
        Column("model", "Reifegradmodell", "rgm1: Reifegradmodell 1.1 (Stufen 0–4); rgm2: Reifegradmodell 2.0 "
                                           "(Stufen 0–7); leer: nicht bewertet"),
        Column("stage", "Reifegrad", "Stufe im genannten Reifegradmodell; leer: nicht bewertet"),
        Column("category", "Stand", "online, in_progress (in Umsetzung), offline oder unknown (nicht bewertet)"),
        Column("online", "online", "ob die Leistung die Zielstufe ihres Reifegradmodells erreicht"),
        Column("url", "Online-Link", "Adresse des Online-Dienstes, wenn bekannt"),
        Column("verified_at", "geprüft am", "Tag, an dem die Angabe zuletzt geprüft wurde"),
        Column("as_of", "Stichtag", "der Stand gilt am Ende dieses Tages"),
    ),
}
ROLLUP_COLUMNS: dict[str, tuple[Column, ...]] = {
    "kennzahlen_gemeinden": (
        Column("ars", "ARS", "Gemeinde"),
        Column("name", "Gemeinde", "Name laut Gemeindeverzeichnis"),
        Column("scope", "Aufgabenumfang (Schlüssel)", "kreisfreie_stadt, kreisangehoerige_gemeinde, "
                                                      "mitgliedsgemeinde, gemeindefreies_gebiet, ortsteil oder "
                                                      "stadtstaat; verglichen wird nur gleicher Aufgabenumfang"),
        Column("scope_label", "Aufgabenumfang", "der Aufgabenumfang in Worten"),
        Column("in_scope", "Leistungen", "Leistungen ohne reine Informationen"),
        Column("undecided", "Zuständigkeit unklar", "davon mit noch ungeklärter Zuständigkeit"),
        Column("not_applicable", "nicht eigene Leistungen", "davon von Landkreis, Land oder Bund vollzogen"),
        Column("applicable", "eigene Leistungen", "davon eigene Leistungen der Gemeinde"),
        Column("online", "online", "eigene Leistungen, die online sind"),
        Column("in_progress", "in Umsetzung", "eigene Leistungen, die nicht online sind, aber geplant"),
        Column("offline", "offline", "eigene Leistungen, bewertet und unter der Zielstufe"),
        Column("unknown", "nicht bewertet", "eigene Leistungen ohne Reifegrad und ohne Termin"),
        Column("assessed", "bewertet", "eigene Leistungen mit Reifegrad"),
        Column("share", "Anteil online", "online ÷ eigene Leistungen (0 bis 1)"),
        Column("triage_coverage", "Zuständigkeit geklärt", "Anteil der Leistungen mit geklärter Zuständigkeit (0 bis 1)"),
        Column("assessment_coverage", "Anteil bewertet", "Anteil der eigenen Leistungen mit Reifegrad (0 bis 1)"),
        Column("comparable", "vergleichbar", "ob die Gemeinde genug geklärt und bewertet hat, um verglichen zu werden"),
        Column("rank", "Rang", "Rang nach Anteil online unter den vergleichbaren Gemeinden desselben Landes und "
                               "Aufgabenumfangs (1 = höchster Anteil)"),
        Column("ranked", "Rang unter", "unter wie vielen Gemeinden der Rang gilt"),
    ),
    "kennzahlen_leistungen": (
        Column("key", "LeiKa-Schlüssel", "Leistung"),
        Column("name", "Leistung", "Bezeichnung im LeiKa"),
        Column("towns", "Gemeinden mit eigener Leistung", "vergleichbare Gemeinden, in denen sie eigene Leistung ist"),
        Column("towns_online", "davon online", "in wie vielen davon sie online ist"),
        Column("everywhere", "flächendeckend", "online in jeder dieser Gemeinden"),
        Column("somewhere", "in mindestens einer Kommune", "online in wenigstens einer dieser Gemeinden"),
    ),
    "kennzahlen_ozg": (
        Column("ozg_id", "OZG-ID", "OZG-Leistung"),
        Column("name", "OZG-Leistung", "Bezeichnung der OZG-Leistung"),
        Column("services", "Leistungen", "ihre LeiKa-Leistungen, die in wenigstens einer vergleichbaren Gemeinde "
                                         "eigene Leistung sind"),
        Column("everywhere", "flächendeckend online", "davon flächendeckend online"),
        Column("somewhere", "in mindestens einer Kommune online", "davon in mindestens einer Kommune online"),
        Column("applicable", "Paare eigene Leistung", "Paare aus Gemeinde und Leistung, in denen sie eigene Leistung "
                                                      "ist"),
        Column("online", "Paare online", "davon online"),
        Column("towns", "Gemeinden", "vergleichbare Gemeinden mit wenigstens einer eigenen Leistung der OZG-Leistung"),
        Column("towns_complete", "Gemeinden vollständig online", "davon Gemeinden, in denen alle online sind"),
        Column("towns_any", "Gemeinden teilweise online", "davon Gemeinden, in denen wenigstens eine online ist"),
    ),
}
COLUMNS.update(ROLLUP_COLUMNS)
# For a past year the files hold no roll-up figures: the roll-up counts the state as it is now.
PAST_YEAR_NOTE = ("Kennzahlen", "Die Dateien kennzahlen_* gibt es nur für das laufende Jahr: die Kennzahlen zählen "
                                "den Stand des Ausgabetags. Für ein vergangenes Jahr lassen sie sich aus status und "
                                "zustaendigkeiten ableiten.")

LABELS = {("zustaendigkeiten", "level"): LEVEL, ("zustaendigkeiten", "origin"): ORIGIN,
          ("status", "category"): CATEGORY, ("status", "model"): MODEL}

TITLES = {
    "definitionen": ("Begriffe und Spalten", "Was die Begriffe und die Spalten aller Dateien dieses Datensatzes bedeuten."),
    "gemeinden": ("Gemeinden", "Die Gemeinden des Datensatzes mit Regional- und Gemeindeschlüssel."),
    "leistungen": ("Leistungen", "Die Leistungen des Leistungskatalogs, für die eine Zuständigkeit angegeben ist, "
                                 "mit ihren OZG-Leistungen."),
    "zustaendigkeiten": ("Zuständigkeiten", "Je Gemeinde und Leistung: wer sie vollzieht und ob es eine eigene "
                                           "Leistung der Gemeinde ist."),
    "status": ("Online-Stand", "Je Gemeinde und eigener Leistung: Reifegrad, ob online und der Online-Link, "
                               "zum Stichtag."),
}
TITLES.update({
    "kennzahlen_gemeinden": ("Kennzahlen je Gemeinde", "Eigene Leistungen, online, Anteil, Klärung und Bewertung je "
                                                       "Gemeinde; Rang nur unter vergleichbaren Gemeinden."),
    "kennzahlen_leistungen": ("Kennzahlen je Leistung", "Je Leistung: in wie vielen vergleichbaren Gemeinden sie "
                                                        "eigene Leistung und online ist, flächendeckend oder in "
                                                        "mindestens einer Kommune."),
    "kennzahlen_ozg": ("Kennzahlen je OZG-Leistung", "Je OZG-Leistung: wie viele ihrer Leistungen flächendeckend "
                                                     "und in mindestens einer Kommune online sind."),
})


def definitions(targets: tuple[int, int]) -> tuple[tuple[str, str], ...]:
    """The terms the files use, each with its German definition; ``targets`` are the stages counted as online."""
    rgm1, rgm2 = targets
    return (
        ("Leistung", "Eine Verwaltungsleistung des Leistungskatalogs (LeiKa), gezählt als Verrichtung: ein "
                     "Leistungsobjekt mit eigenen Verrichtungen fasst diese nur zusammen und zählt nicht selbst."),
        ("Zuständigkeit", "Wer eine Leistung für die Gemeinde vollzieht: Gemeinde, Landkreis, Land oder Bund. "
                          "Entschieden von der Gemeinde oder, solange nicht entschieden, nach einer Regel aus der "
                          "LeiKa-Typisierung; „unklar“ heißt: noch nicht geklärt."),
        ("eigene Leistung", "Eine Leistung, die die Gemeinde selbst vollzieht (Zuständigkeit Gemeinde; bei einer "
                            "kreisfreien Stadt auch Landkreis). Leistungen von Landkreis, Land oder Bund sind keine "
                            "eigenen Leistungen und zählen nie als Lücke der Gemeinde."),
        ("Reifegrad", "Wie weit eine Leistung digital ist. Reifegradmodell 1.1 (2020): 0 offline, 1 Information "
                      "online, 2 Formular online, 3 Antrag samt Nachweisen und Bescheid online, 4 vollständig "
                      "digital mit Once-Only. Reifegradmodell 2.0 (2025): Stufen 0–7; 0–3 betreffen den "
                      "Online-Zugang, 4–6 Abläufe und Daten in der Verwaltung, 7 durchgehend digital. Jede Angabe "
                      "nennt ihr Modell; die Modelle werden nicht vermischt."),
        ("online", f"Eine eigene Leistung, die mindestens die Zielstufe ihres Reifegradmodells erreicht: Stufe {rgm1} "
                   f"im Reifegradmodell 1.1, Stufe {rgm2} im Reifegradmodell 2.0."),
        ("in Umsetzung", "Eine eigene Leistung, die noch nicht online ist, für die aber ein Termin geplant ist."),
        ("offline", "Eine eigene Leistung, die bewertet ist, die Zielstufe nicht erreicht und für die nichts "
                    "geplant ist."),
        ("nicht bewertet", "Eine eigene Leistung ohne Reifegrad und ohne Termin; sie wird getrennt gezählt, nie als "
                           "offline."),
        ("Stichtag", "Der Stand gilt am Ende dieses Tages. Für ein vergangenes Jahr ist es der 31. Dezember, "
                     "nachvollzogen aus dem Verlauf aller Änderungen; für das laufende Jahr der Tag der Ausgabe."),
        ("Datenschutz", "Der Datensatz enthält keine Namen von Beschäftigten, keine Fachbereiche, keine "
                        "Ansprechpersonen, keine Notizen oder Begründungen und keine Einstellungen."),
        ("CSV-Dateien", "UTF-8, durch Komma getrennt, mit Kopfzeile (RFC 4180). Eine Zelle, die mit =, +, -, @ "
                        "oder einem Tabulator beginnt, ist mit einem vorangestellten Apostroph (') als Text "
                        "gekennzeichnet, damit Tabellenprogramme sie nicht als Formel ausführen. Die JSON-Dateien "
                        "enthalten dieselben Zeilen mit den Spaltenschlüsseln und den Werten selbst."),
    )
