"""WhatsApp "Export chat" text in, frozen ChatMessage records out: pure regex, streaming.

Reads what WhatsApp writes on Android and iOS, in French and English locales:

    25/11/2026 14:03 - Nom: texte              Android, 24-hour clock (FR writes "25/11/2026 à 14:03" too)
    11/25/26, 2:03 PM - Name: text             Android, US locale, 12-hour clock
    [25/11/2026, 14:03:12] Nom: texte          iOS, seconds, brackets
    [11/25/26, 2:03:12\u202fPM] Name: text     iOS, narrow no-break space before PM

Continuation lines join the message above; system lines (encryption notice, joins, leaves, subject and
icon changes) are skipped and counted; media placeholders keep the message with its caption as text;
deleted messages are counted and skipped; the "edited" marker is removed and remembered. Day/month order
is decided per file from the dates themselves. A line that cannot be read is counted, never fatal.

    with open_export(path) as lines:                    # .txt, or the .zip holding _chat.txt
        report = ChatReport()
        for message in parse_lines(lines, group, report=report): ...
"""
import contextlib
import hashlib
import io
import itertools
import os
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone, tzinfo


class ChatError(ValueError):
    """An export that cannot be opened at all (no chat text in the zip, unreadable file)."""


@dataclass(frozen=True)
class ChatMessage:
    message_id: str                 # stable: hash of group, wall-clock time, sender and text
    group: str
    sent_at: datetime               # aware, in the zone the export was read with
    sender: str                     # as the exporting phone shows it (name or phone number)
    text: str                       # caption for media, "" for media without one
    media: str | None = None        # image, video, audio, sticker, gif, document, contact, media
    edited: bool = False
    line: int = 0                   # 1-based line of the header in the file, for reports

    @property
    def timestamp(self) -> int:
        return int(self.sent_at.timestamp())

    @property
    def sender_phone(self) -> str | None:
        """The sender's number as a wa_id (digits only) when the export shows a number, not a name."""
        return re.sub(r"\D", "", self.sender) if _PHONE.fullmatch(self.sender) else None


class ChatReport:
    """Running counts of one import, read for progress while parsing and for the summary after."""
    SAMPLE = 20                     # malformed line numbers kept for the report

    def __init__(self):
        self.lines = self.messages = self.system = self.media = self.deleted = self.edited = 0
        self.malformed = 0
        self.malformed_lines: list[int] = []
        self.date_order: str | None = None

    def bad_line(self, number: int) -> None:
        self.malformed += 1
        if len(self.malformed_lines) < self.SAMPLE:
            self.malformed_lines.append(number)

    def to_dict(self) -> dict:
        return dict(vars(self))


# --------------------------------------------------------------------------------------------------------
# Vocabulary: what WhatsApp itself writes, in English and French
# --------------------------------------------------------------------------------------------------------
MARKS = "\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff"   # bidi marks and BOM WhatsApp puts before lines/fields
SPACE = " \u00a0\u202f"                                   # iOS puts a (narrow) no-break space before AM/PM
NAME = r".{1,100}?"                                      # a contact name or number inside a notice

# Whole-text notices no user would type: skipped wherever they appear.
SYSTEM_NOTICES = (
    r"Messages and calls are end-to-end encrypted\b.*",
    r"Messages to this (?:group|chat)(?: and calls)? are now secured with end-to-end encryption\b.*",
    r"Les messages et (?:les )?appels sont chiffrés de bout en bout\b.*",
    r"Les messages envoyés dans (?:ce groupe|cette discussion) sont (?:désormais )?sécurisés.*",
    r"You (?:were added|created this group|joined using this group's invite link)",
    r"Vous (?:avez été ajouté(?:e)?|avez créé ce groupe|avez rejoint ce groupe.*)",
    r"You're now an admin", r"Vous êtes (?:désormais|maintenant) admin(?:istrat(?:eur|rice))?",
    r"This chat is with a business account\b.*", r"Cette discussion est avec un compte professionnel\b.*",
    r"Waiting for this message\b.*", r"En attente de ce message\b.*",
    r"Missed (?:voice|video|group voice|group video) call\b.*", r"Appel (?:vocal|vidéo)(?: de groupe)? manqué\b.*",
)
# "<someone> <did something>": skipped when WhatsApp wrote them (no sender, or a text led by a mark).
SYSTEM_EVENTS = (
    rf"{NAME} created group .+", rf"{NAME} created this group", rf"{NAME} (?:added|removed) .+",
    rf"{NAME} left", rf"{NAME} joined (?:using this group's invite link|from the community|via .+)",
    rf"{NAME} was (?:added|removed)", rf"{NAME} changed the (?:subject|group name|group description)\b.*",
    rf"{NAME} (?:changed|deleted) (?:this|the) group(?:'s)? (?:icon|description|settings)\b.*",
    rf"{NAME} changed (?:their phone number|to \+?[\d {SPACE}()-]+)\b.*", rf"{NAME}'s security code changed\b.*",
    rf"Your security code with {NAME} changed\b.*", rf"{NAME} (?:is now an admin|pinned a message)",
    rf"{NAME} turned (?:on|off) disappearing messages\b.*", rf"{NAME} reset this group's invite link",
    rf"{NAME} a créé (?:le groupe .+|ce groupe)", rf"{NAME} (?:a ajouté|a retiré|vous a ajouté(?:e)?).*",
    rf"{NAME} (?:est parti(?:e)?|a quitté(?: le groupe)?)", rf"{NAME} a rejoint .+",
    rf"{NAME} a été (?:ajouté|retiré)(?:e)?",
    rf"{NAME} a (?:changé|modifié|remplacé) (?:le sujet|le nom du groupe|la description du groupe)\b.*",
    rf"{NAME} a (?:changé|modifié|supprimé) (?:l['’]icône|la description|les paramètres)"
    r" (?:de ce|du) groupe\b.*",
    rf"{NAME} a changé de numéro\b.*", rf"Le code de sécurité de {NAME} a changé\b.*",
    rf"Votre code de sécurité avec {NAME} a changé\b.*", rf"{NAME} est (?:désormais|maintenant) admin.*",
    rf"{NAME} a épinglé un message", rf"{NAME} a (?:activé|désactivé) les messages éphémères\b.*",
    rf"{NAME} a réinitialisé le lien d['’]invitation\b.*",
)
# Notices that quote user text (a subject may contain ": "): recognised in the would-be sender.
SYSTEM_QUOTING = (
    r".* (?:changed the subject|changed the group name|changed the group description|created group) .*",
    r".* a (?:créé le groupe|changé le sujet|modifié le sujet|changé le nom du groupe|modifié la description) .*",
)
DELETED = (
    r"This message was deleted\.?", r"You deleted this message\.?",
    r"Ce message a été supprimé\.?", r"Vous avez supprimé ce message\.?",
)
EDITED = (r"<This message was edited>", r"<Ce message a été modifié>")
# Placeholder word -> media kind; iOS writes "<kind> omitted", French iOS "<kind> absente/omis".
MEDIA_WORDS = {
    "image": "image", "photo": "image", "video": "video", "vidéo": "video", "audio": "audio",
    "sticker": "sticker", "autocollant": "sticker", "GIF": "gif", "document": "document",
    "Contact card": "contact", "Fiche contact": "contact", "carte de contact": "contact",
}
# Attachment file name hints -> media kind (Android IMG-/VID-/PTT-, iOS 00000012-PHOTO-...).
FILE_KINDS = (("PHOTO", "image"), ("IMG", "image"), ("VIDEO", "video"), ("VID", "video"), ("AUDIO", "audio"),
              ("PTT", "audio"), ("AUD", "audio"), ("STICKER", "sticker"), ("STK", "sticker"), ("GIF", "gif"))
# File names WhatsApp gives an export, minus the group name.
EXPORT_NAMES = ("WhatsApp Chat with ", "WhatsApp Chat - ", "Discussion WhatsApp avec ", "Discussion WhatsApp - ")


def _alternatives(patterns) -> str:
    return "|".join(f"(?:{p})" for p in patterns)


def _words(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


# --------------------------------------------------------------------------------------------------------
# Regexes, built once from the tables above
# --------------------------------------------------------------------------------------------------------
HEADER = re.compile(rf"""
    [{MARKS}]*                                         # invisible marks before the line
    (?P<bracket>\[)?                                   # iOS wraps the stamp in brackets
    [{MARKS}]*
    (?P<a>\d{{1,4}}) (?P<sep>[./-]) (?P<b>\d{{1,2}}) (?P=sep) (?P<c>\d{{2,4}}) \.?   # date, order set per file
    (?: , | [{SPACE}]+ (?:à|at) )? [{SPACE}]*          # joiner: comma, space, "à" (FR Android), "at"
    (?P<hour>\d{{1,2}}) [:.] (?P<minute>\d{{2}}) (?: [:.] (?P<second>\d{{2}}) )?    # clock, seconds on iOS
    (?: [{SPACE}]* (?P<ampm>[aApP]) \.? [{SPACE}]? [mM] \.? )?                     # AM, pm, a.m., p. m.
    [{MARKS}]*
    (?(bracket) \] [{SPACE}]? | [{SPACE}]* [-–] [{SPACE}]? )   # "] " closes iOS stamps, " - " Android ones
    (?P<rest>.*)                                       # "Sender: text", or a system notice
""", re.VERBOSE)
# A line that starts like a stamp (date then clock) but is not a header: corrupt, counted as malformed.
STAMP_LIKE = re.compile(rf"""
    [{MARKS}]* \[? [{MARKS}]*                          # optional marks and bracket
    \d{{1,4}} [./-] \d{{1,2}} [./-] \d{{2,4}}           # a date
    [,{SPACE}]+ (?:à[{SPACE}]+)? \d{{1,2}} [:.]        # then the start of a clock
""", re.VERBOSE)
SENDER = re.compile(rf"""
    [{MARKS}~{SPACE}]*                                 # iOS writes unsaved contacts as "~ Name"
    (?P<sender>[^:\n]{{1,100}}?)                       # the sender as the phone shows it
    [{MARKS}{SPACE}]? :                                # colon (French iOS may space it)
    (?: [{SPACE}] | \n | $ )                          # then a space, or the text starts on the next line
    (?P<text>.*)
""", re.VERBOSE | re.DOTALL)
NOTICE = re.compile(_alternatives(SYSTEM_NOTICES), re.DOTALL)
EVENT = re.compile(_alternatives(SYSTEM_EVENTS), re.DOTALL)
QUOTING = re.compile(_alternatives(SYSTEM_QUOTING))
DELETED_RE = re.compile(_alternatives(DELETED))
EDITED_RE = re.compile(f"[{MARKS}{SPACE}]*(?:{_alternatives(EDITED)})")   # the marker and the space before it
MEDIA_RE = re.compile(rf"""
    ^ [{MARKS}]*                                       # a placeholder starts the text or one of its lines
    (?: < (?P<omitted>Media\ omitted|Médias?\ omis) >                   # Android without media
      | (?P<word>{_words(MEDIA_WORDS)}) \ (?:omitted|absente?|omise?|retiré)   # iOS "image omitted"
      | < (?:attached|pièce\ jointe|joint) [{SPACE}]? : [{SPACE}]? (?P<attached>[^>\n]+) >   # iOS with media
      | (?P<file>[^\n]+?\.\w{{2,5}}) [{SPACE}] \( (?:file\ attached|fichier\ joint|pièce\ jointe) \)  # Android
    )
    [{SPACE}]* \n?                                     # the caption follows on the next line, if any
""", re.VERBOSE | re.MULTILINE)
MARKS_RE = re.compile(f"[{MARKS}]")
_PHONE = re.compile(rf"\+?[\d{SPACE}().-]{{6,}}")


# --------------------------------------------------------------------------------------------------------
# Opening an export: .txt or .zip, a line iterator either way
# --------------------------------------------------------------------------------------------------------
@contextlib.contextmanager
def open_export(path):
    """Yield the lines of the chat text of `path` (str, newline stripped), streaming."""
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive, archive.open(_chat_member(archive, path)) as raw:
                yield _decoded(raw)
        else:
            with open(path, "rb") as raw:
                yield _decoded(raw)
    except (OSError, zipfile.BadZipFile) as error:
        raise ChatError(f"cannot read {path}: {error}") from error


def _chat_member(archive: zipfile.ZipFile, path) -> str:
    texts = [n for n in archive.namelist() if n.lower().endswith(".txt") and not n.startswith("__MACOSX")]
    chat = [n for n in texts if os.path.basename(n) == "_chat.txt"] or texts
    if len(chat) != 1:
        raise ChatError(f"{path}: expected one chat text (_chat.txt) in the zip, found {len(chat)}")
    return chat[0]


def _decoded(raw):
    text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline=None)
    return (line.rstrip("\n") for line in text)


def group_from_filename(path) -> str:
    """'WhatsApp Chat with Rolex Paris.txt' -> 'Rolex Paris'; an iOS '_chat.txt' alone gives its folder."""
    stem = os.path.splitext(os.path.basename(os.fspath(path)))[0]
    for prefix in EXPORT_NAMES:
        for variant in (prefix, prefix.replace(" ", "_")):
            if stem.startswith(variant):
                return stem[len(variant):].strip() or stem
    return stem if stem != "_chat" else os.path.basename(os.path.dirname(os.path.abspath(path))) or stem


# --------------------------------------------------------------------------------------------------------
# Day/month order, decided per file
# --------------------------------------------------------------------------------------------------------
def _decide_order(header) -> str | None:
    """'ymd', 'dmy' or 'mdy' when this header settles it, else None."""
    a, b = header["a"], int(header["b"])
    if len(a) == 4:
        return "ymd"
    if int(a) > 12:
        return "dmy"
    return "mdy" if b > 12 else None


def _with_order(lines, order, report):
    """Buffer lines until a date settles the day/month order, then replay them; memory only while unsure."""
    buffered, twelve_hour = [], False
    for line in lines:
        buffered.append(line)
        header = HEADER.match(line) if order is None else None
        if header:
            order = _decide_order(header)
            twelve_hour = twelve_hour or header["ampm"] is not None
        if order:
            break
    # Never settled (every date has day and month <= 12): US exports are the 12-hour ones.
    report.date_order = order or ("mdy" if twelve_hour else "dmy")
    return report.date_order, itertools.chain(buffered, lines)


# --------------------------------------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------------------------------------
def parse_lines(lines, group: str, *, tz: tzinfo = timezone.utc, order: str | None = None,
                report: ChatReport | None = None):
    """Yield the ChatMessages of an export's lines; counts go to `report` as they happen."""
    report = report if report is not None else ChatReport()
    lines = iter(lines)
    order, lines = _with_order(lines, order, report)
    entry, skipping = None, False                   # the message being assembled; a bad line's tail
    seen_in_minute: dict[tuple, int] = {}           # identical messages in one minute keep distinct ids
    for number, line in enumerate(lines, 1):
        report.lines += 1
        header = HEADER.fullmatch(line)
        if header is None and not STAMP_LIKE.match(line):
            if entry:
                entry[2].append(line)               # continuation of a multi-line message
            elif line.strip() and not skipping:
                report.bad_line(number)             # text before the first message
            continue
        if entry:
            yield from _finish(entry, group, report, seen_in_minute)
        sent_at = header and _when(header, order, tz)
        entry, skipping = ((number, sent_at, [header["rest"]]), False) if sent_at else (None, True)
        if skipping:                                # corrupt stamp or impossible date: counted, its
            report.bad_line(number)                 # continuation lines go with it
    if entry:
        yield from _finish(entry, group, report, seen_in_minute)


def _when(header, order: str, tz: tzinfo) -> datetime | None:
    a, b, c = header["a"], header["b"], header["c"]
    year, month, day = {"ymd": (a, b, c), "dmy": (c, b, a), "mdy": (c, a, b)}[order]
    hour = int(header["hour"])
    if header["ampm"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if header["ampm"] in "pP" else 0)
    try:
        return datetime(int(year) + (2000 if len(year) == 2 else 0), int(month), int(day),
                        hour, int(header["minute"]), int(header["second"] or 0), tzinfo=tz)
    except ValueError:                              # 31/02, month 13 in this file's order, hour 25
        return None


def _finish(entry, group, report, seen_in_minute):
    """Classify one complete entry (header + continuation lines); yield it when it is a message."""
    number, sent_at, parts = entry
    rest = "\n".join(parts).rstrip()
    if NOTICE.fullmatch(MARKS_RE.sub("", rest)):
        report.system += 1
        return
    split = SENDER.match(rest)
    if split is None or QUOTING.fullmatch(split["sender"]):
        report.system += 1                          # Android notices have no "Sender: "
        return
    marked = split["text"][:1] in ("\u200e", "\u200f")   # iOS marks what WhatsApp wrote itself
    body = MARKS_RE.sub("", split["text"]).strip()
    if NOTICE.fullmatch(body) or (marked and EVENT.fullmatch(body)):
        report.system += 1
        return
    if DELETED_RE.fullmatch(body):
        report.deleted += 1
        return
    text, edited = EDITED_RE.subn("", body)
    text, media = _without_media(text)
    sender = split["sender"].strip()
    report.messages += 1
    report.media += media is not None
    report.edited += bool(edited)
    yield ChatMessage(_message_id(group, sent_at, sender, body, seen_in_minute), group, sent_at,
                      sender, text.strip(), media, bool(edited), number)


def _without_media(text: str) -> tuple[str, str | None]:
    found = MEDIA_RE.search(text)
    if found is None:
        return text, None
    if found["word"]:
        kind = MEDIA_WORDS.get(found["word"]) or MEDIA_WORDS.get(found["word"].capitalize(), "media")
    elif found["attached"] or found["file"]:
        name = (found["attached"] or found["file"]).upper()
        kind = next((k for hint, k in FILE_KINDS if hint in name), "document")
    else:
        kind = "media"
    return MEDIA_RE.sub("", text), kind


def _message_id(group, sent_at, sender, body, seen_in_minute) -> str:
    """Hash of (group, wall-clock time, sender, text); the n-th identical copy in one minute gets n too."""
    wall = sent_at.replace(tzinfo=None).isoformat()
    key = (wall, sender, body)
    if key not in seen_in_minute and seen_in_minute and next(iter(seen_in_minute))[0] != wall:
        seen_in_minute.clear()                      # only the current minute is ever compared
    copy = seen_in_minute.get(key, 0)
    seen_in_minute[key] = copy + 1
    parts = [group, wall, sender, body] + ([str(copy)] if copy else [])
    return "chat." + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
