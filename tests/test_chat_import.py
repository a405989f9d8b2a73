"""`python whatsrag.py import FILE`: a chat export through the same journal, workers and store as a webhook."""
import sqlite3
import zipfile

import pytest

import whatsrag

ANDROID_FR = """\
25/11/2026 14:00 - Les messages et les appels sont chiffrés de bout en bout. Aucun tiers, pas même WhatsApp, \
ne peut les lire ou les écouter. Appuyez pour en savoir plus.
25/11/2026 14:01 - Jean a ajouté Paul
25/11/2026 14:03 - Jean: Vends Rolex Submariner 126610LN 2021 full set 12 900€
25/11/2026 14:04 - Paul: Vends Omega Speedmaster 310.30.42.50.01.001 neuve
6 200 € port compris
25/11/2026 14:05 - +33 6 12 34 56 78: <Médias omis>
25/11/2026 14:06 - Marc: Ce message a été supprimé
25/11/2026 14:0x - Marc: ligne abîmée
25/11/2026 14:07 - Marc: Cherche Daytona acier 116500LN
"""
MESSAGES = 4        # Jean, Paul, the media message, Marc's wanted


def write_export(tmp_path, text=ANDROID_FR, name="WhatsApp Chat with Rolex Paris.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def stored_rows(config):
    with sqlite3.connect(config.listings_path) as db:
        return db.execute("SELECT message_id, text, sender_id, sender_name, group_id, source FROM messages "
                          "ORDER BY timestamp").fetchall()


def test_import_feeds_every_message_through_the_pipeline(service, tmp_path):
    summary = whatsrag.import_chat(service, write_export(tmp_path))
    assert (summary.group, summary.new, summary.already) == ("Rolex Paris", MESSAGES, 0)
    assert summary.report["system"] == 2 and summary.report["deleted"] == 1 and summary.report["malformed"] == 1
    rows = stored_rows(service.config)
    # The media message has no text: received and counted, nothing to store.
    assert [(r[1].split()[1], r[2], r[3], r[4], r[5]) for r in rows] == [
        ("Rolex", None, "Jean", "Rolex Paris", "import"),
        ("Omega", None, "Paul", "Rolex Paris", "import"),
        ("Daytona", None, "Marc", "Rolex Paris", "import")]
    assert rows[1][1].endswith("6 200 € port compris")
    stats = whatsrag.stats_report(service.journal)["runtime_stats"]
    assert stats["messages_received"] == MESSAGES and stats["messages_processed"] == 3
    hits = whatsrag.listings.search(service.store, service.embedder, "Speedmaster", None, 3)
    assert hits[0].message_id == rows[1][0]


def test_a_number_as_sender_becomes_its_wa_id(service, tmp_path):
    whatsrag.import_chat(service, write_export(tmp_path, "25/11/2026 14:05 - +33 6 12 34 56 78: Vends Tudor BB58\n"))
    assert [(r[2], r[3]) for r in stored_rows(service.config)] == [("33612345678", "+33 6 12 34 56 78")]


def test_importing_the_same_export_twice_adds_nothing(service, tmp_path):
    path = write_export(tmp_path)
    whatsrag.import_chat(service, path)
    before = whatsrag.stats_report(service.journal)
    again = whatsrag.import_chat(service, path)
    assert (again.new, again.already) == (0, MESSAGES)
    after = whatsrag.stats_report(service.journal)
    assert after["runtime_stats"] == before["runtime_stats"] and len(stored_rows(service.config)) == 3


def test_an_interrupted_import_resumes_without_doubles(service_factory, tmp_path, monkeypatch):
    path = write_export(tmp_path)
    monkeypatch.setattr(whatsrag, "IMPORT_BATCH", 2)
    first = service_factory()
    real_drain, calls = whatsrag.drain, []

    def killed_after_first_batch(service):
        calls.append(1)
        if len(calls) == 3:         # the start-up drain, batch 1, then batch 2 is journalled: stop here
            raise KeyboardInterrupt
        return real_drain(service)
    monkeypatch.setattr(whatsrag, "drain", killed_after_first_batch)
    with pytest.raises(KeyboardInterrupt):
        whatsrag.import_chat(first, path)
    first.close()
    monkeypatch.setattr(whatsrag, "drain", real_drain)
    resumed = service_factory()                                # a new process: the journal resumes first
    again = whatsrag.import_chat(resumed, path)
    assert (again.already, again.new) == (MESSAGES, 0)         # both batches were journalled before the stop
    rows = stored_rows(resumed.config)
    assert len(rows) == 3 and len({r[0] for r in rows}) == 3
    assert whatsrag.stats_report(resumed.journal)["runtime_stats"]["messages_received"] == MESSAGES


def test_a_parallel_import_stores_each_message_once(service, tmp_path):
    # Helper processes (spawned) take journalled bodies alongside this one; the result is the same.
    lines = [f"{1 + n // 600:02d}/11/2026 {8 + n % 600 // 60:02d}:{n % 60:02d} - Dealer {n % 7}: Vends BB58 n°{n}"
             for n in range(1200)]
    summary = whatsrag.import_chat(service, write_export(tmp_path, "\n".join(lines)), jobs=2)
    rows = stored_rows(service.config)
    assert (summary.new, len(rows), len({r[0] for r in rows})) == (1200, 1200, 1200)
    stats = whatsrag.stats_report(service.journal)
    assert stats["runtime_stats"]["messages_received"] == 1200 and stats["pending"] == 0


def test_import_reads_the_zip_ios_writes(service, tmp_path):
    path = tmp_path / "WhatsApp Chat - Montres.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("_chat.txt", "[25/11/2026, 14:03:12] Jean: Vends Cartier Santos\n"
                                      "[25/11/2026, 14:04:00] Paul: \u200eimage omitted\n")
    summary = whatsrag.import_chat(service, path)
    assert (summary.group, summary.new, summary.report["media"]) == ("Montres", 2, 1)


def test_cli_import_prints_a_summary_and_reports_malformed_lines(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("WHATSRAG_DB", str(tmp_path / "cli.db"))
    assert whatsrag.main(["import", str(write_export(tmp_path)), "--group", "Paris", "--tz", "Europe/Paris"]) == 0
    out = capsys.readouterr().out
    assert "group 'Paris'" in out and f"{MESSAGES} messages ({MESSAGES} new" in out
    assert "malformed lines: 1 (lines 8)" in out


def test_cli_import_refuses_what_is_not_a_chat(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("WHATSRAG_DB", str(tmp_path / "cli.db"))
    path = tmp_path / "notes.txt"
    path.write_text("just\nsome notes\n")
    assert whatsrag.main(["import", str(path), "--jobs", "1"]) == 1
    assert "no WhatsApp messages found" in capsys.readouterr().err
    assert whatsrag.main(["import", str(tmp_path / "missing.txt"), "--jobs", "1"]) == 2
    assert whatsrag.main(["import", str(path), "--tz", "Mars/Olympus"]) == 2
