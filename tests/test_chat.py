"""extract/chat.py: WhatsApp "Export chat" files as Android and iOS write them, FR and EN locales.

The sample lines are shaped on real exports (stamps, marks, placeholders and notices as WhatsApp writes
them); names, numbers and texts are made up.
"""
import itertools
import zipfile
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from extract.chat import ChatError, ChatReport, group_from_filename, open_export, parse_lines

LRM, NNBSP = "\u200e", "\u202f"


def parse(text, group="Rolex Paris", **kw):
    report = ChatReport()
    messages = list(parse_lines(text.splitlines(), group, report=report, **kw))
    return messages, report


# One line per format: (line, expected wall-clock time, sender, text).
FORMATS = [
    ("25/11/2026 14:03 - Jean Dupont: Vends Sub 126610LN",                 # Android FR
     (2026, 11, 25, 14, 3, 0), "Jean Dupont", "Vends Sub 126610LN"),
    ("25/11/2026 à 14:03 - Jean: Dispo", (2026, 11, 25, 14, 3, 0), "Jean", "Dispo"),   # Android FR, "à"
    ("25/11/2026, 14:03 - John: For sale", (2026, 11, 25, 14, 3, 0), "John", "For sale"),  # Android UK
    ("11/25/26, 2:03 PM - John: WTB Daytona", (2026, 11, 25, 14, 3, 0), "John", "WTB Daytona"),  # Android US
    (f"11/25/26, 2:03{NNBSP}PM - John: narrow space", (2026, 11, 25, 14, 3, 0), "John", "narrow space"),
    ("11/25/26, 12:15 AM - John: after midnight", (2026, 11, 25, 0, 15, 0), "John", "after midnight"),
    ("9/24/2026 11:30 p.m. - John Doe: Hello", (2026, 9, 24, 23, 30, 0), "John Doe", "Hello"),
    ("9/24/2026 11:30 a. m. - John Doe: Hola", (2026, 9, 24, 11, 30, 0), "John Doe", "Hola"),
    ("[25/11/2026, 14:03:12] Nom: texte", (2026, 11, 25, 14, 3, 12), "Nom", "texte"),   # iOS FR/UK
    ("[25/11/2026 14:03:12] Nom: sans virgule", (2026, 11, 25, 14, 3, 12), "Nom", "sans virgule"),
    (f"[11/25/26, 2:03:12{NNBSP}PM] Name: iOS US", (2026, 11, 25, 14, 3, 12), "Name", "iOS US"),
    (f"{LRM}[25/11/2026, 14:03:12] Nom: marque devant", (2026, 11, 25, 14, 3, 12), "Nom", "marque devant"),
    (f"[25/11/2026, 14:03:12] ~{NNBSP}Marc: pas en contact", (2026, 11, 25, 14, 3, 12), "Marc", "pas en contact"),
    ("[25/11/2026, 14:03:12] Claire : espace avant", (2026, 11, 25, 14, 3, 12), "Claire", "espace avant"),
    ("25.11.26, 14:03 - Hans: Punkte", (2026, 11, 25, 14, 3, 0), "Hans", "Punkte"),
    ("2026-11-25 14:03 - Sven: year first", (2026, 11, 25, 14, 3, 0), "Sven", "year first"),
    ("25/11/2026 14:03 - +33 6 12 34 56 78: Prix: 12k", (2026, 11, 25, 14, 3, 0), "+33 6 12 34 56 78", "Prix: 12k"),
]


@pytest.mark.parametrize("line, when, sender, text", FORMATS, ids=[f[0][:32] for f in FORMATS])
def test_each_format_reads_time_sender_and_text(line, when, sender, text):
    messages, report = parse(line)
    assert report.malformed == 0
    assert [(m.sent_at.replace(tzinfo=None), m.sender, m.text) for m in messages] == [
        (datetime(*when), sender, text)]


def test_continuation_lines_join_the_message_above():
    messages, report = parse("25/11/2026 14:03 - Jean: Vends Submariner 126610LN\n"
                             "2021, full set\n\n12 900 €\n"
                             "25/11/2026 14:04 - Paul: ok")
    assert [m.text for m in messages] == ["Vends Submariner 126610LN\n2021, full set\n\n12 900 €", "ok"]
    assert report.lines == 5 and report.messages == 2


SYSTEM_LINES = [
    "25/11/2026 14:00 - Les messages et les appels sont chiffrés de bout en bout. Aucun tiers, pas même "
    "WhatsApp, ne peut les lire ou les écouter. Appuyez pour en savoir plus.",
    "25/11/2026 14:00 - Messages and calls are end-to-end encrypted. No one outside of this chat, not even "
    "WhatsApp, can read or listen to them. Tap to learn more.",
    "25/11/2026 14:00 - Jean a créé le groupe « Rolex Paris »",
    '25/11/2026 14:00 - +33 6 12 34 56 78 created group "Rolex Paris"',
    "25/11/2026 14:00 - Jean a ajouté Paul",
    "25/11/2026 14:00 - John added Mike",
    "25/11/2026 14:00 - Paul est parti",
    "25/11/2026 14:00 - Mike left",
    "25/11/2026 14:00 - Mike joined using this group's invite link",
    "25/11/2026 14:00 - Vous avez été ajouté",
    '25/11/2026 14:00 - John changed the subject from "Watches" to "Watches: sales only"',
    "25/11/2026 14:00 - Jean a changé le sujet de « A » à « Vente : Rolex »",
    "25/11/2026 14:00 - Jean a changé l'icône de ce groupe",
    "25/11/2026 14:00 - John changed this group's icon",
    "25/11/2026 14:00 - Le code de sécurité de Paul a changé. Appuyez pour en savoir plus.",
    f"[25/11/2026, 14:00:01] Rolex Paris: {LRM}Les messages et les appels sont chiffrés de bout en bout.",
    f"[25/11/2026, 14:00:02] Rolex Paris: {LRM}Jean a ajouté Paul",
    f"[25/11/2026, 14:00:03] Rolex Paris: {LRM}John removed Mike",
    f"[25/11/2026, 14:00:04] Rolex Paris: {LRM}Mike left",
    f"[25/11/2026, 14:00:05] Rolex Paris: {LRM}Jean a changé le sujet en « Vente »",
]


@pytest.mark.parametrize("line", SYSTEM_LINES, ids=[s[19:60] for s in SYSTEM_LINES])
def test_system_lines_are_skipped_and_counted(line):
    messages, report = parse(line)
    assert (messages, report.system, report.malformed) == ([], 1, 0)


def test_a_user_writing_like_a_notice_is_still_a_message():
    # Only WhatsApp's own notices carry the leading mark; a dealer saying "added" is a dealer talking.
    messages, report = parse("[25/11/2026, 14:00:02] John: John added a strap to the deal")
    assert [m.text for m in messages] == ["John added a strap to the deal"] and report.system == 0


# (text after "Sender: ", caption kept, media kind)
MEDIA = [
    ("<Médias omis>", "", "media"),
    ("<Media omitted>", "", "media"),
    (f"{LRM}image omitted", "", "image"),
    (f"{LRM}video omitted", "", "video"),
    (f"{LRM}sticker omitted", "", "sticker"),
    (f"{LRM}<attached: 00000012-PHOTO-2026-11-25-14-03-12.jpg>", "", "image"),
    (f"{LRM}<pièce jointe : 00000013-VIDEO-2026-11-25-14-03-12.mp4>", "", "video"),
    ("IMG-20261125-WA0003.jpg (fichier joint)\nGMT Pepsi 126710BLRO 18k", "GMT Pepsi 126710BLRO 18k", "image"),
    ("VID-20261125-WA0001.mp4 (file attached)\nwrist shot", "wrist shot", "video"),
    ("Facture.pdf (fichier joint)", "", "document"),
]


@pytest.mark.parametrize("body, caption, kind", MEDIA, ids=[m[0][:30] for m in MEDIA])
def test_media_placeholders_keep_the_message_with_its_caption(body, caption, kind):
    messages, report = parse(f"25/11/2026 14:03 - Jean: {body}")
    assert [(m.text, m.media) for m in messages] == [(caption, kind)]
    assert report.media == 1


@pytest.mark.parametrize("body", ["Ce message a été supprimé", "This message was deleted",
                                  f"{LRM}This message was deleted.", "Vous avez supprimé ce message"])
def test_deleted_messages_are_counted_not_kept(body):
    messages, report = parse(f"25/11/2026 14:03 - Jean: {body}")
    assert (messages, report.deleted) == ([], 1)


@pytest.mark.parametrize("body", ["Daytona dispo <Ce message a été modifié>",
                                  f"Daytona dispo {LRM}<This message was edited>"])
def test_edited_marker_is_removed_and_remembered(body):
    messages, report = parse(f"25/11/2026 14:03 - Jean: {body}")
    assert [(m.text, m.edited) for m in messages] == [("Daytona dispo", True)] and report.edited == 1


def test_malformed_lines_are_counted_and_never_stop_the_import():
    messages, report = parse("some text before any message\n"
                             "25/11/2026 14:03 - Jean: first\n"
                             "31/02/2026 14:04 - Jean: impossible date\n"
                             "its continuation goes with it\n"
                             "25/11/2026 25:04 - Jean: impossible hour\n"
                             "25/11/2026 14:0x - Jean: corrupt stamp\n"
                             "25/11/2026 14:05 - Paul: last")
    assert [m.text for m in messages] == ["first", "last"]
    assert (report.malformed, report.malformed_lines) == (4, [1, 3, 5, 6])


@pytest.mark.parametrize("lines, order, first", [
    # The deciding date comes late: the earlier, ambiguous ones still follow it.
    (["01/02/2026 10:00 - A: x", "13/02/2026 10:00 - A: y"], "dmy", datetime(2026, 2, 1, 10)),
    (["01/02/2026 10:00 - A: x", "02/13/2026 10:00 - A: y"], "mdy", datetime(2026, 1, 2, 10)),
    (["01/02/26, 10:00 AM - A: x"], "mdy", datetime(2026, 1, 2, 10)),   # never settled, 12-hour: US
    (["01/02/2026 10:00 - A: x"], "dmy", datetime(2026, 2, 1, 10)),     # never settled, 24-hour
])
def test_day_month_order_is_decided_per_file(lines, order, first):
    messages, report = parse("\n".join(lines))
    assert report.date_order == order and messages[0].sent_at.replace(tzinfo=None) == first


def test_dates_against_the_files_order_are_malformed():
    messages, report = parse("13/02/2026 10:00 - A: day first\n02/13/2026 10:00 - A: month first")
    assert [m.text for m in messages] == ["day first"] and report.malformed_lines == [2]


def test_ids_are_stable_and_depend_on_group_time_sender_and_text():
    line = "25/11/2026 14:03 - Jean: Vends Sub"
    base = parse(line)[0][0].message_id
    assert base == parse(line)[0][0].message_id
    others = [parse(line, group="Other")[0][0], parse(line.replace("14:03", "14:04"))[0][0],
              parse(line.replace("Jean", "Paul"))[0][0], parse(line.replace("Sub", "GMT"))[0][0]]
    assert base not in {m.message_id for m in others}


def test_identical_messages_in_one_minute_keep_distinct_stable_ids():
    text = "25/11/2026 14:03 - Jean: +1\n25/11/2026 14:03 - Jean: +1\n25/11/2026 14:04 - Jean: +1"
    first, second = parse(text)[0], parse(text)[0]
    assert len({m.message_id for m in first}) == 3
    assert [m.message_id for m in first] == [m.message_id for m in second]


def test_time_zone_sets_the_unix_timestamp_not_the_id():
    line = "25/07/2026 14:03 - Jean: x"
    utc, = parse(line)[0]
    paris, = parse(line, tz=ZoneInfo("Europe/Paris"))[0]
    assert utc.timestamp - paris.timestamp == 2 * 3600 and utc.message_id == paris.message_id
    assert utc.sent_at.tzinfo is timezone.utc


def test_sender_phone_is_a_wa_id_only_for_numbers():
    messages, _ = parse("25/11/2026 14:03 - +33 6 12 34 56 78: a\n25/11/2026 14:03 - Jean 2: b")
    assert [m.sender_phone for m in messages] == ["33612345678", None]


def test_parsing_streams_without_reading_everything_first():
    endless = itertools.chain(["25/11/2026 14:03 - Jean: first"],
                              (f"25/11/2026 14:04 - Jean: {n}" for n in itertools.count()))
    messages = parse_lines(endless, "g")
    assert [next(messages).text, next(messages).text] == ["first", "0"]


CHAT = "[25/11/2026, 14:03:12] Jean: Vends Sub\r\n[25/11/2026, 14:04:00] Paul: GMT\r\n"


def test_open_export_reads_txt_with_bom_and_crlf(tmp_path):
    path = tmp_path / "WhatsApp Chat with Rolex Paris.txt"
    path.write_bytes(b"\xef\xbb\xbf" + CHAT.encode())
    with open_export(path) as lines:
        messages = list(parse_lines(lines, group_from_filename(path)))
    assert [(m.group, m.text) for m in messages] == [("Rolex Paris", "Vends Sub"), ("Rolex Paris", "GMT")]


@pytest.mark.parametrize("zip_name, member", [
    ("WhatsApp Chat - Rolex Paris.zip", "_chat.txt"),                          # iOS
    ("WhatsApp Chat with Rolex Paris.zip", "WhatsApp Chat with Rolex Paris.txt"),   # Android with media
])
def test_open_export_reads_the_chat_inside_a_zip(tmp_path, zip_name, member):
    path = tmp_path / zip_name
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(member, CHAT)
        archive.writestr("00000012-PHOTO-2026-11-25-14-03-12.jpg", b"\xff\xd8not really a jpeg")
    with open_export(path) as lines:
        messages = list(parse_lines(lines, group_from_filename(path)))
    assert [(m.group, m.text) for m in messages] == [("Rolex Paris", "Vends Sub"), ("Rolex Paris", "GMT")]


def test_a_zip_without_chat_text_is_a_clear_error(tmp_path):
    path = tmp_path / "photos.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.jpg", b"x")
    with pytest.raises(ChatError, match="_chat.txt"):
        with open_export(path):
            pass


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(ChatError, match="cannot read"):
        with open_export(tmp_path / "nope.txt"):
            pass


@pytest.mark.parametrize("name, group", [
    ("WhatsApp Chat with Rolex Paris.txt", "Rolex Paris"),
    ("Discussion WhatsApp avec Montres FR.txt", "Montres FR"),
    ("WhatsApp_Chat_-_Dealers.zip", "Dealers"),
    ("export.txt", "export"),
])
def test_group_name_comes_from_the_export_file_name(name, group):
    assert group_from_filename(name) == group
