"""extract/models.py: model names, spellings and nicknames -> brand and family, in dealers' wordings."""
import os

import pytest

from extract.models import ModelMatch, find_brands, find_models

SHARED = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "datasets")


def models(text):
    return [(m.brand, m.model) for m in find_models(text)]


FOUND = [
    # Rolex, by name, short form and nickname
    ("Vends Rolex Submariner Date 126610LN", [("Rolex", "Submariner")]),
    ("Vrai ou fake ? On me propose une Sub 116610LN", [("Rolex", "Submariner")]),
    ("La Hulk est partie, merci", [("Rolex", "Submariner")]),
    ("Vends ma Kermit 16610LV de 2004", [("Rolex", "Submariner")]),
    ("Starbucks 126610LV full set", [("Rolex", "Submariner")]),
    ("Bluesy 116613LB", [("Rolex", "Submariner")]),
    ("Smurf 116619LB", [("Rolex", "Submariner")]),
    ("WTS Rolex GMT-Master II 116710BLNR Batman", [("Rolex", "GMT-Master II"), ("Rolex", "GMT-Master II")]),
    ("Recherche GMT Pepsi 126710BLRO jubilé", [("Rolex", "GMT-Master II"), ("Rolex", "GMT-Master II")]),
    ("Batgirl jubilee 2023", [("Rolex", "GMT-Master II")]),
    ("Sprite 126720VTNR", [("Rolex", "GMT-Master II")]),
    ("Root Beer 126711CHNR", [("Rolex", "GMT-Master II")]),
    ("Passé chez l'AD, toujours pas de Daytona en vue", [("Rolex", "Daytona")]),
    ("une OP 36 ou une DJ 36", [("Rolex", "Oyster Perpetual"), ("Rolex", "Datejust")]),
    ("Rolex Day-Date 40 228238 or jaune", [("Rolex", "Day-Date")]),
    ("Explorer II 216570 polar", [("Rolex", "Explorer II"), ("Rolex", "Explorer II")]),
    ("Rolex Sea-Dweller 126600 43mm", [("Rolex", "Sea-Dweller")]),
    ("Rolex Yacht-Master 126655", [("Rolex", "Yacht-Master")]),
    ("Dispo x2 Air-King 126900", [("Rolex", "Air-King")]),
    # Omega
    ("Vaut mieux une Speedy 3861 hesalite", [("Omega", "Speedmaster")]),
    ("Je cherche une Speedy pro hesalite", [("Omega", "Speedmaster")]),
    ("Speedmaster Moonwatch 3861", [("Omega", "Speedmaster")]),
    ("Omega Seamaster 300M 210.30.42.20.03.001", [("Omega", "Seamaster 300M")]),
    ("Omega Planet Ocean 43,5 2017", [("Omega", "Seamaster Planet Ocean")]),
    ("Omega Aqua Terra 41 bleu 2020", [("Omega", "Seamaster Aqua Terra")]),
    ("Omega AT 41 blue 220.10.41.21.03.001", [("Omega", "Seamaster Aqua Terra")]),
    ("Omega Constellation Pie Pan années 60", [("Omega", "Constellation")]),
    # Audemars Piguet, Patek Philippe, Vacheron
    ("Dispo AP RO 15202ST Jumbo 2016", [("Audemars Piguet", "Royal Oak"), ("Audemars Piguet", "Royal Oak")]),
    ("vends AP offshore 26470ST 42mm", [("Audemars Piguet", "Royal Oak Offshore")]),
    ("Explorer II polar", [("Rolex", "Explorer II"), ("Rolex", "Explorer II")]),   # Explorer II names Rolex
    ("AP ROO 26400io", [("Audemars Piguet", "Royal Oak Offshore")]),
    ("Je propose ma Nauti 5711 contre une Aquanaut 5167", [("Patek Philippe", "Nautilus"),
                                                           ("Patek Philippe", "Aquanaut")]),
    ("Patek Calatrava 5196J or jaune", [("Patek Philippe", "Calatrava")]),
    ("VC Overseas 4500V", [("Vacheron Constantin", "Overseas")]),
    # Tudor
    ("Les BB58 de 2023 ont toujours 'Tudor Geneve' gravé au dos ?", [("Tudor", "Black Bay 58")]),
    ("Tudor Black Bay Fifty-Eight 925", [("Tudor", "Black Bay 58")]),
    ("Swap for your Tudor Black Bay GMT", [("Tudor", "Black Bay GMT")]),
    ("Tudor Pelagos FXD 2022 full kit", [("Tudor", "Pelagos FXD")]),
    ("Which is better value right now, BB58 or Pelagos 39?", [("Tudor", "Black Bay 58"), ("Tudor", "Pelagos")]),
    ("[WTS] Tudor Prince Oysterdate", [("Tudor", "Prince Oysterdate")]),
    ("Tudor 1926 41mm", [("Tudor", "1926")]),
    # others
    ("Cartier Santos Large WSSA0018", [("Cartier", "Santos")]),
    ("Cartier Tank Louis 18k gold", [("Cartier", "Tank Louis")]),
    ("Vends Panerai Luminor Marina PAM01312", [("Panerai", "Luminor Marina")]),
    ("IWC Portugieser Chronographe IW371605", [("IWC", "Portugieser")]),
    ("Recherche IWC Mark XX IW328201", [("IWC", "Pilot Mark XX")]),
    ("JLC Reverso Classic Large", [("Jaeger-LeCoultre", "Reverso")]),
    ("Breitling Navitimer 01 46mm", [("Breitling", "Navitimer")]),
    ("Grand Seiko SBGA211 Snowflake", [("Grand Seiko", "Snowflake")]),
    ("Zenith El Primero A386", [("Zenith", "El Primero")]),
    ("Hamilton Khaki Field Mechanical 38mm", [("Hamilton", "Khaki Field")]),
    ("Vends Doxa SUB 300 Professional orange", [("Doxa", "SUB 300")]),
    ("[WTS] Oris 65 Heritage - Full kit", [("Oris", "Divers Sixty-Five")]),   # `65` right after Oris
    ("[WTS] Zelos Blacktip TI Burnt Orange", [("Zelos", "Blacktip")]),
    ("MICHAEL KORS Lennox MK7248", [("Michael Kors", "Lennox")]),              # `@Lennox`: Kors is named
    ("Fossil Grant Chronograph Beige Dial", [("Fossil", "Grant")]),
    ("[WTS] Sinn 105 UTC St Sa", [("Sinn", "105 UTC")]),
    ("[WTS/WTT] SINN NAVITIMER Vintage Excel-O-Graph", [("Sinn", "Navitimer")]),   # shared name: Sinn named
    ("Dispo : Tudor BB GMT Pepsi 79830RB 2021 FS TBE", [("Tudor", "Black Bay GMT")]),   # no Rolex Pepsi here
    ("[WTS] Seiko 5T82-0AJ0 World Time ANA Pilots Quartz", []),               # Patek's `World Time` needs Patek
    ("PANERAI PAM00979 Carbotech Submersible Marina Militare", [("Panerai", "Submersible")]),
    ("Tudor BB41 bleue 2019", [("Tudor", "Black Bay")]),
    ("Rolex Oysterquartz 17000", [("Rolex", "Oysterquartz")]),
    ("Omega Ultra Deep 6000m", [("Omega", "Seamaster Planet Ocean")]),
    ("Patek 5711 Jumbo", []),                                    # `Jumbo` is AP's only without another maker
    ("AP Jumbo 15202ST", [("Audemars Piguet", "Royal Oak")]),
    ("TAG Heuer Monaco Le Mans edition", [("TAG Heuer", "Monaco")]),
    ("Seiko MM300 SBDX017", [("Seiko", "Marinemaster")]),
    ("Omega Sea Master 300", [("Omega", "Seamaster")]),          # and `Sea Dweller` does not cut it short
    ("Vends Rolex Submarine 16610", [("Rolex", "Submariner")]),  # misspellings dealers make
    ("Nautilius 5711", [("Patek Philippe", "Nautilus")]),
]


@pytest.mark.parametrize("text, expected", FOUND, ids=[t[:40] for t, _e in FOUND])
def test_models_found(text, expected):
    assert models(text) == expected


NOT_MODELS = [
    "Grand Seiko GMT SBGM221",            # `GMT` is Rolex's only when no other maker is named
    "Seiko SKX007 sub-dial",              # `sub-dial` is no Submariner
    "[WTS] Vintage SEIKO QUARTZ TANK - 8Y21-5040",   # a Seiko shaped like a tank is no Cartier
    "all links included, royal blue dial",
    "On se fait un café à Opéra ?",
    "the diver is on a rubber strap",
    "Grant me a discount on the bold one",    # Fossil's and Movado's lines need their brand named
    "Quelqu'un a testé le nouveau tank de plongée ?",   # common words in lower case need their brand
    "Any pilot here? flying to Dubai", "I'm an explorer at heart", "monster truck", "panda express",
    "The president is here", "DD meeting tomorrow", "a submarine movie", "Dayton Ohio", "RO at 2pm", "OP was right",   # and capitals need it too
]


@pytest.mark.parametrize("text", NOT_MODELS)
def test_no_model_in(text):
    assert models(text) == []


def test_spans_and_records():
    text = "WTS Rolex Submariner Date 126610LN and a Speedy"
    found = find_models(text)
    assert [text[m.start:m.end] for m in found] == ["Submariner Date", "Speedy"]
    assert all(isinstance(m, ModelMatch) for m in found)


BRANDS = [
    ("Vends AP RO et Rolex", ["Audemars Piguet", "Rolex"]),
    ("tag heuer carrera and TAG monaco", ["TAG Heuer", "TAG Heuer"]),
    ("both tag 07/2025", []),                 # `tag` in lower case is a sticker, not TAG Heuer
    ("Jaeger-LeCoultre, JLC", ["Jaeger-LeCoultre", "Jaeger-LeCoultre"]),
    ("Zénith ou Zenith", ["Zenith", "Zenith"]),
    ("🌻 A.Lange & sohne 405.035", ["A. Lange & Söhne"]),
]


@pytest.mark.parametrize("text, expected", BRANDS)
def test_find_brands(text, expected):
    assert [b for _s, _e, b in find_brands(text)] == expected


KNOWN_FAILURES = [
    ("[WTS] Newmark 71", [("Newmark", "71")]),                                 # a bare number as the model
    ("[WTS] Seiko SPB201 “Mountain Sunset”", [("Seiko", "Prospex Alpinist")]),  # a nickname of one edition
    ("[WTS] Dan Henry 1964 Silver Panda", [("Dan Henry", "1964")]),             # `Panda` is read as Daytona
    ("Sterile 42mm Automatic Pilot Men Watch NH35A", []),                      # a generic word, no maker named
    ("vends ap offshore 26470ST", [("Audemars Piguet", "Royal Oak Offshore")]),  # `ap` in lower case is no AP
]


@pytest.mark.xfail(strict=True, reason="numbers as model names, edition nicknames, generic words")
@pytest.mark.parametrize("text, expected", KNOWN_FAILURES, ids=[t[:30] for t, _e in KNOWN_FAILURES])
def test_known_failures(text, expected):
    assert models(text) == expected


@pytest.mark.skipif(not os.path.isdir(SHARED), reason="../shared/datasets not present")
def test_dev_sets_model_recall():
    """Every labelled model should be read from the text (by name, nickname or reference)."""
    from extract.references_gen import devsets
    c = devsets([os.path.join(SHARED, "fr-dev.jsonl"), os.path.join(SHARED, "real-dev.jsonl")])
    print(f"dev models: {c['models_read']}/{c['models']}")
    assert c["models_read"] / c["models"] >= 0.95   # measured 517/531


def test_every_brand_in_the_tables_is_a_canonical_brand():
    """Models and reference shapes name brands exactly as the extractor's brand table does."""
    from extract.models_data import MODELS
    from extract.references_data import FAMILY_PREFIXES, HAND_PREFIXES, SHAPES, SPACED_SHAPES
    from extract.vocab import BRAND_ABBREVIATIONS, BRANDS
    canonical = set(BRANDS) | set(BRAND_ABBREVIATIONS.values())
    named = (set(MODELS) | {b for b, _p, _n in SHAPES} | set(FAMILY_PREFIXES) | set(HAND_PREFIXES)
             | {b for b, _p in SPACED_SHAPES})
    assert named - canonical == set()
