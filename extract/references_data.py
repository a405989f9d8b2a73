"""Reference vocabulary: the shapes of each maker's references and what a reference says about the watch.

Read by extract/references.py (which builds its regexes from these tables at import). Two kinds of data:

- hand-written facts a dealer knows (the shapes below, Rolex's numbering, the famous Patek and Rolex
  references, which suffix letters mean which metal);
- two GENERATED tables at the bottom, ROLEX_SERIES and FAMILY_PREFIXES, derived once from the shared
  watchbase catalogue (../shared/datasets/catalog/reference_catalog.csv, 24,796 rows) by a compressed
  prefix trie: a reference prefix is listed only where the family most references under it belong to
  differs from its parent prefix's family, and branches seen fewer than twice are dropped (a singleton is
  memorised, not learned). Family names were mapped to the market's (`Day Date 40` -> `Day-Date`,
  `Ballon Blue De Cartier` -> `Ballon Bleu`, `Black Bay 31 32 36 39 41` -> `Black Bay`); families that are
  not a model (`Spring Drive`, `Pocket Watches`, `Vintage`) map to None. 1,220 prefixes and 161 Rolex
  series stand in for the 24,796 rows; the catalogue itself is not shipped. Regenerate and measure with
  `python -m extract.references_gen tables|coverage` (extract/references_gen.py holds the name mapping).
"""

# ── reference shapes ────────────────────────────────────────────────────────────────────────────────
# (brand, pattern, needs): the pattern must match a whole candidate token (case-insensitive). `needs`:
#   None      the shape alone is that maker's (PAM01312, 126710BLRO, 310.30.42.50.01.001);
#   "named"   the shape's maker, unless the message names one other maker only: letter-led shapes that
#             makers share (Breitling's M13313 is no Tudor, TAG's WAY2013 no Cartier);
#   "rolex"   Rolex's when the number is one Rolex uses or carries a Rolex model suffix (LN, BLRO);
#   "brand"   only when the message names the brand or one of its models, or a reference word stands
#             right before it (Lange's 191.032 is a price shape too; Seiko's 6139-6040 a phone number's).
# Order matters: the first shape that matches a token, and whose need is met, decides its brand.
SHAPES = (
    # Omega: 3.2.2.2.2.3 since 2008, 4.2.2 and 4.2 before (2254.50), 3.3 for vintage (166.003)
    ("Omega", r"\d{3}\.\d{2}\.\d{2}\.\d{2}\.\d{2}\.\d{3}", None),
    ("Omega", r"[1-5]\d{3}\.\d{2}\.\d{2}", None),
    ("Omega", r"[1-5]\d{3}\.\d{2}", "brand"),
    ("Omega", r"1[0-9]{2}\.\d{3,4}(?:-\d{2})?", "brand"),
    # Hublot 411.NX.1170.RX, Zenith 03.3100.3600/69.M3100, Longines L3.781.4.96.6, Tissot T137.407...
    ("Hublot", r"\d{3}\.[A-Z]{2}\.[0-9A-Z]{3,4}\.[A-Z]{2}(?:\.[A-Z0-9]{4,6})*", None),
    ("Zenith", r"\d{1,2}\.[A-Z0-9]{4,5}\.[0-9]{3,4}(?:-\d)?(?:[/.]\d{2}\.[A-Z]{1,2}\d{3,4}(?:\.[A-Z0-9/]+)?)?", None),
    ("Longines", r"L\d\.\d{3}\.\d\.\d{2}\.\d", None),
    ("Tissot", r"T\d{13}|T\d{3}\.\d{3}\.\d{2}\.\d{3}\.\d{2}", None),
    ("Mido", r"M\d{3}\.\d{3}\.\d{2}\.\d{3}\.\d{2}", None),                # the Swatch Group's 3.3.2.3.2
    ("Certina", r"C\d{3}\.\d{3}\.\d{2}\.\d{3}\.\d{2}", None),
    ("Frederique Constant", r"FC-\d{3}[A-Z0-9]{3,8}", None),
    # A. Lange & Söhne 191.032, 384.032F
    ("A. Lange & Söhne", r"[1-9]\d{2}\.\d{3}[A-Z]?", "brand"),
    # Audemars Piguet: 5 digits + metal (15500ST, 26331ST.OO.1220ST.01)
    ("Audemars Piguet", r"(?:14|15|25|26|67|77)\d{3}(?!LN|LV|LB|BM|TB|TN|SG|RB|CN|BK|TC|GB|MB|NU)[A-Z]{2}"
                        r"(?:\.[A-Z0-9]{1,2}\.[A-Z0-9/]{4,8}(?:\.\d{1,2})?(?:-[A-Z])?)?"
                        r"|[1-9]\d{4}[A-Z]{0,2}\.[A-Z0-9]{1,2}\.[A-Z0-9/]{4,8}(?:\.[A-Z0-9]{1,2}){0,2}", None),
    # Vacheron Constantin 4500V/110A-B128
    ("Vacheron Constantin", r"(?:\d{4}[A-Z]|\d{5})/\d{3}[A-Z](?:-[A-Z0-9]{4,5})?", None),
    # Breguet 3810ST, 5177BB/29/9V6
    ("Breguet", r"\d{4}(?:ST|BB|BR|TI|BA|PT|PL)(?:/[A-Z0-9]{2,3}){0,4}", None),
    # Patek Philippe: 4 digits, optional /bracelet or variant, metal letter(s), optional -dial (5711/1A-010)
    ("Patek Philippe", r"[1-7]\d{3}(?:/\d{1,4}[A-Z]{1,2}|[AGRJPT]|GR|AR|HA|EG)(?:-\d{3}[A-Z]?)?", None),
    # Rolex's own site writes M126610LN-0001
    ("Rolex", r"M[1-3]\d{5}[A-Z]{0,5}(?:-\d{4})?", None),
    # Tudor: M-prefixed (M79030N-0001, M2543C1A7NU-0001) or 5 digits + Tudor suffix (79230N, 25600TB)
    ("Tudor", r"M\d{4,5}(?!\d)[A-Z0-9]{0,7}(?:-\d{4})?", "named"),
    ("Tudor", r"\d{4}[A-Z]\d[A-Z][A-Z0-9]{2,4}(?:-\d{4})?", None),
    ("Tudor", r"(?:12|2[0-25]|28|35|42|5[1-7]|70|79|91)\d{3}"
              r"(?:(?:N|B|BM|TB|TN|SG|RB|CN|BK|P|TC|BB|G|GB|MB|NU|V|U|R|A)(?:-\d{4})?|-\d{4})", None),
    ("Tudor", r"(?:12|2[0-25]|28|35|42|5[1-7]|70|79|91)\d{3}", "brand"),
    # Rolex: 4-6 digits + optional model letters + optional -dial (126710BLRO, 16610LV, 279175-0016)
    ("Rolex", r"[1-3]\d{5}[A-Z]{0,5}(?:-\d{4,5})?|[1-8]\d{4}[A-Z]{0,5}(?:-\d{4,5})?", "rolex"),
    # Chopard 168501-3001, Blancpain 5015-1130-52A, Ulysse Nardin 1183-170/40: only with their brand named
    ("Chopard", r"\d{6}-\d{4}", "brand"),
    ("Blancpain", r"\d{4}[A-Z]?-[0-9A-Z]{4,6}-[0-9A-Z]{2,4}", "brand"),
    ("Ulysse Nardin", r"\d{3,4}-\d{2,3}(?:-\d{1,2})?(?:/[0-9A-Z]{2,6})?", "brand"),
    # Panerai PAM01312 / PAM 1312, IWC IW371605 / IW3717-01, Jaeger-LeCoultre Q1368420
    ("Panerai", r"PAM-?0*\d{2,4}(?:\.\d)?", None),
    ("IWC", r"IW\d{6}|IW\d{3,4}(?:-[A-Z0-9]{2})?", None),
    ("Jaeger-LeCoultre", r"Q\d{7}[A-Z0-9]?", None),
    # Richard Mille RM011, RM 67-02, RM35-03
    ("Richard Mille", r"RM-?0?\d{2,3}(?:-\d{2})?", None),
    # Cartier WSSA0030, W2020068, CRWSTA0041
    ("Cartier", r"(?:CR)?W[A-Z0-9]{2,3}\d{4}|(?:CR)?W[A-Z0-9]{2}\d{5}|W\d{5}[A-Z]\d|HPI\d{5}", "named"),
    # Grand Seiko SBGA211, SLGH005 (Seiko's SBG/SLG lines); Seiko SKX007K2, SRPB41, SPB121, SBDC101
    ("Grand Seiko", r"S[BL]G[A-Z]-?\d{3}[A-Z]?\d?", None),
    ("Seiko", r"S[A-Z]{1,4}\d{2,3}[A-Z]?\d?", None),
    # Seiko case numbers: calibre-case (6139-6040, 7N42-0FG0, V137-0DJ0)
    ("Seiko", r"\d[0-9A-Z]\d{2}-[0-9A-Z]{4}|[A-Z]\d{3}-[0-9A-Z]{4}", "brand"),
    # Zenith's vintage calibre-named references (A386, A384)
    ("Zenith", r"A3\d{2}", "brand"),
    # Hamilton H69439931, Citizen BN0151-09L, Casio DW-5600E-1V / BA-110AH-9AJF
    ("Hamilton", r"H\d{6,8}", "named"),
    ("Citizen", r"[A-Z]{2}\d{4}-\d{2}[A-Z]", None),
    ("Casio", r"(?:DW|GA|GW|GM|GMW|GBD|GST|GBA|GD|BA|BG|PRW|PRG|MTP|LTP|AE|MRG|MTG|GWG|GR|GG)-[A-Z0-9]{3,6}(?:-[A-Z0-9]{1,4})?", None),
    # Breitling A17320, AB0138211B1A1, C3733053.C831.236X
    ("Breitling", r"(?:A|AB|B|C|CB|E|EB|K|M|MB|R|RB|S|SB|U|UB|V|VB|X|XB|Y|YB|IB|H|HB|W|WB|JB|PB)\d{5,7}[A-Z0-9]{0,9}"
                  r"(?:[./][A-Z0-9]{2,5}){0,4}", "named"),
    # TAG Heuer CBN2010.BA0642, CAW211P.FC6356, WAY2013, CV201AK
    ("TAG Heuer", r"(?:CA[A-Z]?|CB[A-Z]|WA[A-Z]|WB[A-Z]|CV|CS|CR|CJ|CN|CK|WV|WJ[A-Z]?|WK|WL|WH|WG|CW|WW|WS|CT|CX|WN)"
                  r"\d{3,4}[A-Z0-9]{0,2}(?:\.[A-Z]{2}\d{4})?"
                  r"|[A-Z]{2,3}[0-9A-Z]{3,6}\.(?:\d{2})?[A-Z]{2}\d{4}"
                  r"|(?:CA|CB|WA|WB)[A-Z]\d[A-Z0-9]{3}", "named"),
)

# References written with spaces inside (Oris 01 733 7730 4135-07 8 24 05PEB): read before the tokens.
SPACED_SHAPES = (
    # (the lookbehind after the first digit, so that re can skip to the next "0" without entering the pattern)
    ("Oris", r"0(?<![\d.]0)\d[ .]\d{3}[ .]\d{4}[ .]\d{4}(?:-\d{2})?(?:[ .]\d[ .]\d{2}[ .]\d{2}[A-Z]{0,6})?(?![\d.])"),
)

# A reference-looking token that has letters and digits but no maker's shape: kept with brand None
# (Fossil FS4735, Michael Kors MK7248, Orient RA-TX0208L...) unless it starts with one of these,
# which are calibres, currencies, units or dealer shorthand, not references.
NOT_REFERENCE_PREFIXES = (
    "ETA SW NH NE VK VH MT PT CAL KAL ELB SEL UNI LEM VAL PUW AS FHF "        # calibre makers
    "HKD USD EUR CHF GBP SGD AED JPY CAD AUD RMB CNY USDT MYR THB KRW TWD "   # currencies
    "N Y X K F J M"                                                          # N11/25, n2025y, x2, 18k...
).split()

# Tokens made of digits then one of these are sizes, prices, times, counts: never a reference.
NOT_REFERENCE_UNITS = (
    "mm cm m ft atm bar k kt ct g gr hz vph h hrs hr min s th st nd rd y yr yrs yo ans an j pcs pc x l"
).split()
# Currency words after a number make it a price (`8200 euros`), unless a number follows them: then they
# open the next price (`116500 HKD 235,000`).
CURRENCY_WORDS = "eur e euro euros usd usdt hkd chf gbp sgd aed jpy cad aud rmb cny".split()

# Words right before a number that make it a calibre, not a reference (cal. 3135, ETA 2824)...
CALIBRE_WORDS = (
    "cal calibre caliber kaliber calibro movement mouvement mvt mouv eta valjoux sellita unitas lemania"
).split()
# ... and right after a code (ST1655 Movement), unless a number follows them (166.003 cal.565).
CALIBRE_AFTER_WORDS = "movement mouvement mvt calibre caliber cal kaliber".split()
# Calibres dealers name by their bare number (Speedy 3861, Planet Ocean 8500): never a reference alone.
CALIBRE_NUMBERS = frozenset((
    "3861 1861 1863 3135 3130 3131 3132 3235 3230 3285 3255 3186 3187 4130 4131 2236 3035 3085 3155 3175 "
    "1570 1575 1520 1560 8500 8800 8806 8900 8906 9300 9900 9901 2500 1120 1164 2824 2836 2892 2893 "
    "7750 7753 5100 6497 6498 9015 8215"
).split())
# Words right before a bare number that make it a price or a phone number.
PRICE_WORDS = (
    "prix price asking ask budget now was for à a pour max min around approx env environ "
    "tel tél phone whatsapp call at @ obo only"
).split()

# Words right before a bare number that make it a reference.
REFERENCE_WORDS = "ref ref. réf réf. reference référence refs".split()

# Words right before a code that make it a serial, order or parcel number, not a reference.
SERIAL_WORDS = "serial série serie numéro numero sn order commande tracking sku iban invoice facture".split()

# ── Rolex: numbering a dealer reads ──────────────────────────────────────────────────────────────────
# A Rolex number is [generation][model core][material]: 116610 = 11 | 661 | 0, 16610 = 1 | 661 | 0,
# 126710 = 12 | 671 | 0. The core (the three digits before the last) names the family across generations.
ROLEX_CORE_FAMILY = {
    "661": "Submariner", "406": "Submariner", "680": "Submariner", "161": "Submariner",
    "671": "GMT-Master II", "672": "GMT-Master II", "676": "GMT-Master II", "675": "GMT-Master II",
    "650": "Daytona", "651": "Daytona", "652": "Daytona", "653": "Daytona", "658": "Daytona",
    "659": "Daytona", "655": "Daytona",
    "657": "Explorer II", "427": "Explorer", "660": "Sea-Dweller", "666": "Deepsea",
    "640": "Milgauss", "690": "Air-King", "430": "Oyster Perpetual", "420": "Oyster Perpetual",
    "668": "Yacht-Master II", "662": "Yacht-Master", "665": "Yacht-Master", "667": "Yacht-Master",
    "693": "Sky-Dweller",
}
# (generation, core) pairs that break the rule above, and whole references a dealer knows by heart.
ROLEX_EXCEPTIONS = {
    "1|670": "GMT-Master", "1|675": "GMT-Master", "1|666": "Sea-Dweller", "1|665": "Sea-Dweller",
    "32|613": "Sky-Dweller", "11|613": "Datejust", "1|661": "Submariner",
    "11|665": "Yacht-Master", "12|600": "Oyster Perpetual", "11|600": "Oyster Perpetual",
    "1|600": "Datejust", "1|601": "Datejust", "1|603": "Datejust", "1|620": "Datejust",
    "1|623": "Datejust", "1|626": "Datejust Turn-O-Graph", "11|626": "Datejust Turn-O-Graph",
    "12|630": "Datejust", "12|633": "Datejust", "12|620": "Datejust", "12|623": "Datejust",
    "11|620": "Datejust", "11|623": "Datejust", "11|630": "Datejust", "11|633": "Datejust",
    "27|620": "Oyster Perpetual", "17|620": "Oyster Perpetual", "27|720": "Oyster Perpetual",
    "1|802": "Day-Date", "1|803": "Day-Date", "1|823": "Day-Date", "1|820": "Day-Date",
    "1|834": "Day-Date", "1|838": "Day-Date", "1|839": "Day-Date", "1|824": "Day-Date",
    "1|500": "Date", "1|501": "Date", "1|505": "Date", "1|520": "Date", "1|521": "Date", "1|522": "Date",
}
ROLEX_EXACT = {
    "116659": "Submariner", "116655": "Yacht-Master", "126655": "Yacht-Master", "16660": "Sea-Dweller",
    "14060": "Submariner", "14270": "Explorer", "114270": "Explorer", "16570": "Explorer II",
    "16550": "Explorer II", "1016": "Explorer", "1655": "Explorer II", "6610": "Explorer",
    "1675": "GMT-Master", "6542": "GMT-Master", "1680": "Submariner", "5513": "Submariner",
    "5512": "Submariner", "5508": "Submariner", "6538": "Submariner", "6536": "Submariner",
    "1665": "Sea-Dweller", "6263": "Daytona", "6265": "Daytona", "6239": "Daytona", "6241": "Daytona",
    "6262": "Daytona", "6240": "Daytona", "1019": "Milgauss", "6541": "Milgauss", "1601": "Datejust",
    "1603": "Datejust", "1600": "Datejust", "1500": "Oyster Perpetual", "1002": "Oyster Perpetual",
    "1803": "Day-Date", "1802": "Day-Date", "1807": "Day-Date", "5500": "Air-King", "14000": "Air-King",
    "14010": "Air-King", "114200": "Oyster Perpetual", "6694": "Oysterdate", "1530": "Oyster Perpetual",
    "16520": "Daytona", "16523": "Daytona", "16528": "Daytona", "16518": "Daytona", "16519": "Daytona",
    "16700": "GMT-Master", "16750": "GMT-Master", "16753": "GMT-Master", "16758": "GMT-Master",
    "16710": "GMT-Master II", "16713": "GMT-Master II", "16718": "GMT-Master II", "16760": "GMT-Master II",
    "16600": "Sea-Dweller", "16610": "Submariner", "16613": "Submariner", "16618": "Submariner",
    "16800": "Submariner", "168000": "Submariner", "16264": "Datejust Turn-O-Graph",
    "126755": "Yacht-Master", "116759": "GMT-Master II", "126759": "GMT-Master II",
}
# Rolex model letters after the digits (LN = black ceramic, BLRO = blue/red...): a number with one of
# these is a Rolex reference even without a brand in the text.
ROLEX_SUFFIXES = ("LN LV LB BLNR BLRO VTNR GRNR CHNR GV TBR RBOW SABR SARU SA SATS SACO SANR SACI G NG RBR "
                  "BKSO DB TBK TRNR NR A RS RG PE M T").split()                  # 14060M, 16610T: late runs

# ── Cartier: the collection letters of a modern reference ──────────────────────────────────────────────
# W + metal (S steel, G gold, J jewellery, T two-tone, 2/4/E...) + collection + 4 digits: WSSA0018 is a
# steel Santos, WGTA0041 a gold Tank. The catalogue's prefix table cannot see the collection letters.
CARTIER_COLLECTIONS = {
    "SA": "Santos", "TA": "Tank", "BB": "Ballon Bleu", "PN": "Panthère", "CL": "Clé de Cartier",
    "RN": "Ronde de Cartier", "PA": "Pasha", "NM": "Drive de Cartier", "CA": "Calibre de Cartier",
    "DA": "Santos-Dumont", "BA": "Baignoire", "TO": "Tortue",
}

# ── Omega before 1980: 3.3 digits, the family in the first three (145.022 Speedmaster, 166.010 Seamaster)
OMEGA_VINTAGE = {"105": "Speedmaster", "145": "Speedmaster", "165": "Seamaster", "166": "Seamaster",
                 "167": "Constellation", "168": "Constellation", "176": "Seamaster"}

# ── families by reference prefix, hand-written: makers the catalogue lacks, and lines it files elsewhere
# brand -> {prefix of the reference's letters and digits: family}; the longest prefix wins.
HAND_PREFIXES = {
    "A. Lange & Söhne": {"403": "Datograph", "405": "Datograph", "410": "Datograph"},
    "Seiko": {"SBSA": "Seiko 5 Sports", "SRPD": "Seiko 5 Sports", "SRPE": "Seiko 5 Sports",
              "SRPK": "Seiko 5 Sports", "SSK": "Seiko 5 Sports", "SNK": "Seiko 5", "SNZG": "Seiko 5",
              "SNXS": "Seiko 5", "SRPJ": "Seiko 5", "SARX": "Presage", "SRPB": "Presage", "SSA": "Presage",
              "SBDC": "Prospex", "SBDX": "Prospex", "SLA": "Prospex"},
    "Hamilton": {"H69": "Khaki Field", "H70": "Khaki Field", "H68": "Khaki Field", "H77": "Khaki Navy",
                 "H82": "Khaki Navy", "H32": "Jazzmaster", "H42": "Jazzmaster", "H24": "Ventura"},
    "Tissot": {"T137": "PRX", "T120": "Seastar", "T127": "Gentleman", "T006": "Le Locle", "T129": "Classic Dream",
               "T101": "PR 100"},
    "Longines": {"L3781": "HydroConquest", "L3782": "HydroConquest", "L3783": "HydroConquest",
                 "L3740": "HydroConquest", "L3742": "HydroConquest", "L3810": "Spirit", "L3811": "Spirit",
                 "L3802": "Spirit", "L3812": "Spirit", "L3774": "Legend Diver", "L2793": "Master Collection",
                 "L2673": "Master Collection", "L4709": "La Grande Classique", "L4209": "La Grande Classique",
                 "L4512": "La Grande Classique", "L3728": "Conquest V.H.P.", "L3716": "Conquest V.H.P."},
}

# ── Patek Philippe: the four digits a dealer knows ───────────────────────────────────────────────────
# A bare four-digit number is Patek's only when it is one of these (5711 alone is read as a reference;
# 5712GR, 5167A... are caught by their shape and get their family from FAMILY_PREFIXES).
PATEK_FAMILY = {
    "Nautilus": "5711 5712 5726 5980 5990 7118 7010 3700 3800 3710 5740 5811 3711 5800 5976",
    "Aquanaut": "5167 5168 5164 5065 5066 5060 7968 7967 7900 5062 5067 5069 5072 5267 5269 5968 5261 4960",
    "Calatrava": "5196 5119 5227 6119 5153 5296 3919 96 5116 5226 6007 5297 5123 5120 3520 2526 570",
    "Complications": "5205 5146 5396 5172 5905 5960 5930 5524 5935 4947 4948 5961 7234 5520 5212 5275 5230 5231",
    "Grand Complications": "5270 5271 5320 5327 5140 5204 5970 3970 5004 3940 5208 6300 5304 6104",
    "Twenty~4": "4910 7300",
    "Gondolo": "4962 5124 5111 5098 7099 5109",
    "Golden Ellipse": "3738 5738",
}

# ── GENERATED from the catalogue (see the module docstring); regenerate rather than edit ──────────
# Rolex 'generation|core' pairs (116610 -> 11|661) of every 4-6 digit Rolex reference: a bare number
# is read as a Rolex reference only when its pair is one of these or in ROLEX_CORE_FAMILY.
ROLEX_SERIES = frozenset("""
11|406 11|420 11|427 11|430 11|520 11|523 11|600 11|613 11|618 11|620 11|623 11|624 11|628 11|630
11|633 11|640 11|650 11|651 11|652 11|657 11|658 11|659 11|660 11|661 11|662 11|665 11|666 11|668
11|671 11|675 11|690 11|813 11|820 11|823 11|834 11|838 12|406 12|420 12|427 12|430 12|600 12|606
12|620 12|623 12|628 12|630 12|633 12|650 12|651 12|652 12|653 12|657 12|658 12|659 12|660 12|661
12|662 12|665 12|666 12|667 12|671 12|672 12|690 12|723 12|728 12|733 12|738 12|823 12|834 12|839
13|430 13|666 16|862 17|620 17|720 17|815 17|824 17|827 17|828 17|831 17|834 17|838 17|916 17|917
17|931 17|938 1|406 1|655 1|657 1|658 1|660 1|661 1|662 1|665 1|666 1|670 1|671 1|680 1|802 1|803
1|807 21|427 21|657 21|820 21|823 22|427 22|657 22|662 22|665 22|820 22|823 22|834 22|839 26|862
26|865 27|620 27|720 27|824 27|827 27|828 27|834 27|838 27|913 27|916 27|917 27|938 27|945 2|620
2|623 2|823 2|834 32|613 32|623 32|693 33|623 33|693 5|050 5|051 5|052 5|053 5|060 5|070 5|250 7|827
8|028 8|029 8|031 8|115 8|128 8|129 8|131 8|133 8|140 8|628 8|634 |101 |180 |544 |626 |651 |661
""".split())

# brand -> {family: "prefix prefix ..."}: a reference belongs to the family of its longest listed prefix,
# `*` standing for the empty prefix. Keys are the reference's letters and digits, upper case, except:
# Rolex "core+material|generation" (116610LN -> "6610|11"), Tudor without its M, Panerai the PAM number
# without leading zeros, Jaeger-LeCoultre without its Q.
FAMILY_PREFIXES = {
    'A. Lange & Söhne': {
        '1815': '2 401 402 414 42 706 73 82',
        'Cabaret': '107 118 157 703',
        'Lange 1': '1 32 34 7 704 8',
        'Odysseus': '36',
        'Richard Lange': '180 232 25 26 76',
        'Saxonia': '102 130 201 21 3 4 424 6 74 84 87',
        'Tourbillon': '70 71',
        'Zeitwerk': '14',
        None: '*',
    },
    'Audemars Piguet': {
        'Code 11.59': '152 2639 26600 7741',
        'Haute Joaillerie': '677 794',
        'Jules Audemars': '150 151 2586 2595 2598 2599 2600 2601 26023 26050 26084 2610 2615 2625 26344 26345 26346 26380 26390 26554 26559 26561 26590 77229 7723 77240 79',
        'Millenary': '1501 1504 1532 1533 1535 2614 2635 26371 2638 772 7730 7731',
        'Royal Oak': '1 1500 1520 25 25865 2602 26065 26068 2612 2616 26239 2624 26252 263 265 266 267 5 6 7 77220 8',
        'Royal Oak Concept': '2622 26265 26577 26587 26589 26593 2663 2665',
        'Royal Oak Offshore': '1534 156 157 2 257 2580 2585 25863 2594 2636 26387 2654 2656 26571 26582 2662 2670 675 776',
        None: '*',
    },
    'Blancpain': {
        'Fifty Fathoms': '5',
        'L-evolution': '0022 8 R',
        'Ladybird': '3',
        'Le Brassus': '0 23 4',
        'Leman': '2',
        'Spécialités': 'A',
        'Villeret': '008 6',
        None: '*',
    },
    'Breguet': {
        'Classique': '51 52 532 57 59 7 80 87 90',
        'Classique Complications': '3 53 544 732 76',
        'Heritage': '36 54 88',
        'Marine': '5 9',
        'Reine de Naples': '8',
        'Tradition': '70 75',
        'Type XX': '2 38',
        None: '*',
    },
    'Breitling': {
        'Aerospace': 'E EB7 R7 V79',
        'Airwolf': 'A78363 A78364',
        'Avenger': 'A1 A13317 A17318 A17319 A17328 A1733 A2431 A3 A7339 AB0146 AB0147 AB018 E1 EB014 M1733 S UB018 V XB',
        'Avi': 'A13314 A13316 A17314 A17315 A2338 A4533 AB0117 AB0119 AB0445 AB204 AB3 EB2 M1331 M1731 M4 R23 RB011 SB04 Y23 YB',
        'Bentley': 'A13362 A16 A25 A28 A44 A47 AB052 E2 P R44 R47',
        'Chrono-Matic': 'A14 A1936',
        'Chronoliner': 'M2 Y',
        'Chronomat': 'A1038 A13310 A1335 A1735 A4435 A7231 A7731 AB B1 C1 CB EB0 G HB I J K MB PB01 R1038 R1735 RB013 T U1038 U1735 U19 U7 UB013 W1',
        'Chronomat GMT': 'A32398 P3',
        'Chronospace': 'A23 A78 EB M7 V73',
        'Cockpit': 'A13358 A493501 A713561 B13358 B493501 B713561 C13358 C493501 C713561 EB5 VB',
        'Colt': 'A13388 A1731 A1738 A3235 A73 A74 A77 M13 X7',
        'Emergency': 'E76 V7',
        'Endurance Pro': 'E8 X',
        'Exospace': 'EB55 VB55',
        'Galactic': 'A A1336 A37 A4532 A7433 B C C71340L H W',
        'Montbrillant': 'A1935 A21 A2334 A41 AB0130 C2 H4 R2 RB0130',
        'Navitimer': '8 A13324 A1732 A17395 A1937 A1938 A2 A2332 A3231 A7732 AB012 AB0137 AB0138 AB0139 AB02 AB03 AB044 D H2 K2 LB0 MB012 PB R1 R3 R77 RB RB0137 RB0138 RB0139 U U7732 UB0137 UB0138',
        'Premier': 'A13315 A3734 A4534 AB0118 AB0145 AB09 L RB0118 RB014 RB2',
        'Skyracer': 'A27',
        'Superocean': 'A13311 A1334 A17 A17312 A17316 A3238 E10 M N R1737 U1736 U1737 V1736 Y1',
        'Superocean Heritage': 'A10 A1331 A1332 A17320 A17321 A2337 A3732 AB016 AB2 ABS SB016 U10 U1331 U13320 U17320 U17321 U2 UB016 UB2',
        'Top Time': 'A2331 A2531 AB017 AB31 SB2',
        'Transocean': 'A1036 A1631 A19 A4131 A45 AB015 AB05 R R10 R19 RB015 RB05 UB015 UB05',
        'Windrider': 'A713401 B713401 C7134',
        None: '* JZ',
    },
    'Bremont': {
        'ALT1': 'A',
        'Airco': 'AI',
        'Boeing': '1 2',
        'Jaguar': 'MK',
        'Martin Baker': 'M',
        'Solo': 'S',
        'Supermarine': 'S2 S3 S5',
        'U2': 'U',
        None: '* AC',
    },
    'Bulgari': {
        'B.zero1': '10208 10217 1023',
        'Bulgari Bulgari': '10186 1020',
        'Octo': '* 10196 10203 10237',
        'Serpenti': '101 10209 10212 10223 10272 10278',
    },
    'Cartier': {
        'Ballon Bleu': 'W W2B WGB WJB WSB',
        'Calibre de Cartier': 'W2C W7 WF WGCA WSC',
        'Clé de Cartier': 'HPI009 W2CL WGC WHC WJ WSCL',
        'Drive de Cartier': 'WGN WSN',
        'Ronde de Cartier': 'WSR',
        'Rotonde de Cartier': 'H W1 WH',
        'Santos': 'W2',
        'Tank': 'W4 W5 WG WJT WS',
        'Tortue': 'WGTO',
        None: '*',
    },
    'Chopard': {
        'Alpine Eagle': '2',
        'Classic Racing': '15 1612 168 168550 178',
        'Imperiale': '3',
        'L.U.C': '* 15855 16852 16854 16855 16859',
    },
    'F.P. Journe': {
        'Octa': '*',
        'Souveraine': '14 15',
    },
    'Grand Seiko': {
        None: '*',
    },
    'H. Moser & Cie': {
        'Endeavour': '*',
        'Henry': '324 5',
        'Heritage': '8',
        'Pioneer': '3',
        'Streamliner': '6',
        'Venturer': '2',
    },
    'Hublot': {
        'Big Bang': '3 4',
        'Classic Fusion': '*',
        'MP': '9',
        'Spirit of Big Bang': '6',
    },
    'IWC': {
        'Aquatimer': 'IW3288 IW3290 IW341 IW3536 IW3538 IW354 IW3568 IW3580 IW3707 IW3719 IW3723 IW3727 IW3756 IW3767 IW3768 IW3769 IW3782 IW379',
        'Big Pilot': 'IW329 IW50 IW5030 IW5036 IW5038 IW5105 IW5152 IW5903 IW5905',
        'Da Vinci': 'IW352 IW3566 IW3581 IW372 IW3736 IW375 IW376 IW392 IW393 IW452 IW4583 IW4593 IW8 IW9 IW9272',
        'Grande Complication': 'IW1 IW3770 IW927',
        'Ingenieur': '6 IW322 IW3234 IW3236 IW3239 IW3244 IW3246 IW3249 IW3289 IW350 IW3570 IW3725 IW378 IW3792 IW3796 IW38 IW451 IW5005 IW5900 IW95 IW97',
        'Pallweber': 'IW505',
        'Pilot': 'I IW3711 IW3713 IW3717 IW3718 IW3757 IW3780 IW3791 IW3799 IW387 IW388 IW389 IW3922 IW395 IW44',
        'Portofino': 'IW33 IW3446 IW35 IW3724 IW373 IW3783 IW391 IW4 IW51 IW6 IW9251 IW9261',
        'Portugieser': 'IW3250 IW3266 IW34 IW358 IW371 IW3774 IW3776 IW39 IW5 IW5000 IW5001 IW5007 IW5017 IW5021 IW5022 IW5023 IW503 IW504 IW5102',
        None: '* IW323 IW3254 IW5445 IW5448 IW5461',
    },
    'Jaeger-LeCoultre': {
        'Amvox': '19',
        'Duometre': '6',
        'Geophysic': '8',
        'Master': '14 15 16 600',
        'Master Control': '154 4',
        'Master Extreme': '17 18 20',
        'Master Grande Tradition': '5',
        'Master Ultra Thin': '1 168 169',
        'Polaris': '9',
        'Rendez-Vous': '34 35 36',
        'Reverso': '2 3 7',
        None: '*',
    },
    'Nomos': {
        'Ahoi': '5',
        'Autobahn': '130',
        'Club': '7',
        'Lambda': '9',
        'Ludwig': '2',
        'Lux': '92 94',
        'Metro': '11',
        'Minimatik': '120',
        'Orion': '3',
        'Tangente': '1 116 117 118 50 53 58',
        'Tangomat': '6',
        'Tetra': '4',
        'Zurich': '8',
        None: '*',
    },
    'Omega': {
        'Constellation': '1',
        'De Ville': '4 513 59 7',
        'Dynamic': '520 525 529',
        'Globemaster': '130',
        'Ladymatic': '425',
        'Railmaster': '2201040 2201240 2215 235 2512 26035 2608 28025 28035 2806 281',
        'Seamaster': '511 52 522534',
        'Seamaster 120M': '2101 2105 211 230 2501 2511 2581',
        'Seamaster 300': '233 234',
        'Seamaster Aqua Terra': '2 200 21035 2104 250 251 2565 257 5221 52223 5225338',
        'Seamaster Bullhead': '2251',
        'Seamaster Diver 300M': '20 21 223 225 226 228 229 2342 2352 236 238 239 24 25 263 283 286 289 292 293 294 295 296 299 52230422',
        'Seamaster Planet Ocean': '215 2200 2210 222 232 29 52233',
        'Seamaster Ploprof': '224 227',
        'Speedmaster': '3 32113 3513 3811 3813 382 384 387 389 5222 52230 C D S T',
        'Speedmaster 57': '33',
        'Speedmaster Broad Arrow': '315 3211 321134 32150 3215342 32190 355 358 365 385 388',
        'Speedmaster Chronoscope': '3293043 3293243 5226',
        'Speedmaster Dark Side Of The Moon': '31192',
        'Speedmaster First Omega In Space': '3103240 3113240',
        'Speedmaster Reduced': '351 353 38',
        'Speedmaster X-33': '318 325 3291 39',
        'Tresor': '428 432 435 5295',
        None: '* 2514 51112 511133 5119 5225 5229 595',
    },
    'Panerai': {
        'Luminor': '* 202 207',
        'Radiomir': '133 134 138 143 157 20 261 268 273 33 34 37 38 424 44 47 48 50 51 55 57 61 62 64 65 68 69 93 94 99',
        'Submersible': '106 116 120 122 123 128 151 167 223 269 297 96 97 98',
        None: '58',
    },
    'Patek Philippe': {
        'Aquanaut': '506 5072 516 526 5968',
        'Calatrava': '32 371 38 48 499 50 511 512 515 517 518 519 5212 522 529 60 611 7119 712 72',
        'Complications': '46 493 494 496 5070 51 5110 5170 5172 5180 5205 523 533 539 552 59 5975 707 71 7121 723',
        'Cubitus': '58 7128',
        'Golden Ellipse': '37 573',
        'Gondolo': '497 509 5111 5124 5200 704 709',
        'Grand Complications': '1 2 3 5 500 501 505 5073 5074 5078 5079 510 5140 5159 5160 5178 5236 594 595 597 6 6002 700 714',
        'Nautilus': '57 581 598 599 7 711',
        'Twenty~4': '4 73',
        None: '*',
    },
    'Richard Mille': {
        'Tonneau': '*',
    },
    'Rolex': {
        '1908': '2',
        'Air-King': '690',
        'Cellini': '0 54',
        'Date': '5',
        'Datejust': '6 6135|1 618 8 831 8341 8343 8344 838',
        'Datejust II': '6300|11 6333|11 6334|11',
        'Day-Date': '18 80 813 820 823 83 8388 8389',
        'Day-Date II': '8206|21 8235|21 8238|21 8239|21',
        'Daytona': '59 65',
        'Explorer': '427',
        'Explorer II': '657',
        'GMT-Master': '67',
        'Lady-Datejust': '9',
        'Land-Dweller': '723 728 73',
        'Milgauss': '64',
        'Oyster Perpetual': '4 60 6200|17 6200|2 7',
        'Pearlmaster': '02 03 1 634',
        'Sea-Dweller': '606 660 666',
        'Sky-Dweller': '61 6235 6238|3 6239 69',
        'Submariner': '40 66',
        'Yacht-Master': '662 665 668 86',
        None: '*',
    },
    'TAG Heuer': {
        '2000 Series': 'CK CN WN',
        '6000 Series': 'WH',
        'Alter Ego': 'WP',
        'Aquaracer': 'CAF CAJ CAK CAN CAP CAY CBP W',
        'Autavia': 'CBE WBE',
        'Carrera': 'C S SBF8A801411FT608 SBF8A801411FT61 SBF8A801611FT607 WAR WAS WBG WBK WBN WD WV',
        'Connected': 'SA SBF8A80138 SBF8A8014 SBF8A801611 SBG',
        'Formula 1': 'CA1 CAC CAH CAU CAZ CBZ WA1 WAC WAH WAU WAZ WBJ WBY',
        'Grand Carrera': 'CAV WAV',
        'Kirium': 'WL',
        'Link': 'CAT CJ CT WAT WBC WJ',
        'Monaco': '1 CAL CAW CBL CBW CR2110 CW WAW WW',
        'Monza': 'CR',
        'S/el': 'WG',
        'Silverstone': 'CAM',
        'Targa Florio': 'CX',
        None: '*',
    },
    'Tudor': {
        '1926': '9',
        'Black Bay': '7',
        'Black Bay 54': '7900',
        'Black Bay 58': '790 7939',
        'Black Bay 68': '7943',
        'Black Bay Chrono': '793',
        'Black Bay GMT': '798',
        'Black Bay Pro': '7947',
        'Clair De Rose': '3',
        'Classic': '2',
        'Fastrider': '4',
        'Glamour': '5',
        'Grantour': '20',
        'Heritage': '70 7962',
        'North Flag': '912',
        'Pelagos': '25',
        'Ranger': '799',
        'Royal': '28',
        'Style': '1',
        None: '*',
    },
    'Ulysse Nardin': {
        'Diver': '11831',
        'Executive': '3',
        'Freak': '2',
        'Marine': '*',
    },
    'Vacheron Constantin': {
        'Fiftysix': '4000E 44 46',
        'Harmony': '5005 5100S 53 78',
        'Heures Créatives': '37',
        'Historiques': '110 31 331 42 50 820 861',
        'Les Cabinotiers': '20 30135000R 66 760 9',
        'Malte': '30 8151 816 822',
        "Métiers d'Art": '1 24 3 4707 7 7600U 8 8202',
        'Overseas': '12 2 4 4600V 4605V 5 6000V 77 79',
        'Patrimony': '11 141 3011 40 41 431 81 8153 8159 85 8602',
        "Quai de l'Ile": '4500S',
        'Traditionnelle': '1405 25 4010T 402 4305 4307 43172 471 472 5000T 51 54 6 801 815 821 8257 827 83 852 8606 87 89',
        'Égérie': '4605 4606 80 8016',
        None: '*',
    },
    'Zenith': {
        'Academy': '1822',
        'Chronomaster Original': '0332 0334 1632003',
        'Chronomaster Sport': '033 183 223 303 513 6 9531',
        'Defy': '0392 04 10 169 189 229 3 4 8 9',
        'Defy Extreme': '0391 1091 8791 9591 9592 9596',
        'Defy Skyline': '039 06 1694 4993',
        'El Primero': '0 03228 03241 0333 102 1621 18 2220 2221 24 452 5 7 953 96',
        'Elite': '03201 03202 03212 0322 0323 0331006 1 18201 18227 18229 1823 1831006 22 2232',
        'Pilot': '03224 0324 034 042 05 11 1824 2 494 872 952',
        None: '* 030 03A 03L 10A 97A 97T',
    },
}
