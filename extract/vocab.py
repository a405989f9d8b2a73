"""Vocabulary of watch-trading messages, as data.

Everything a dealer's eye recognises that is not a reference or a model family lives here
(references and models: references.py, models.py). The tables are plain tuples and dicts;
prices.py and parse.py compile their regexes from them once, at import.

Spelling conventions used in the tables below:
- BRANDS spellings are matched case-insensitively; a space stands for any run of spaces, dots
  or hyphens ("Jaeger LeCoultre" also reads "Jaeger-LeCoultre", "jaeger le coultre" needs its
  own entry), "&" also reads "and"/"et", accented letters also read unaccented.
- BRAND_ABBREVIATIONS are matched case-sensitively: "AP" is Audemars Piguet, "ap" is not.
- Word lists are regex fragments (already escaped where needed), matched case-insensitively
  between Latin-letter boundaries (so "used二手" and "Rolex勞力士" still read).
"""
import re

# ── Letter boundaries ────────────────────────────────────────────────────────────────
# \b counts CJK characters and digits as word characters; dealers glue words to both
# ("used二手", "2025like new"), so words are bounded by Latin letters only.
LATIN = "A-Za-zÀ-ÖØ-öø-ÿ"
LB = rf"(?<![{LATIN}])"
RB = rf"(?![{LATIN}])"


def words(*alternatives: str) -> str:
    """One regex alternative per phrase, longest first, bounded by Latin letters."""
    ordered = sorted(alternatives, key=len, reverse=True)
    return LB + "(?:" + "|".join(ordered) + ")" + RB


# ── Brands ───────────────────────────────────────────────────────────────────────────
# canonical name (as ../shared/datasets/brands.txt spells it) → spellings and misspellings.
BRANDS = {
    "A. Lange & Söhne": ("A. Lange & Söhne", "A Lange & Söhne", "Lange & Söhne", "A.Lange", "Lange"),
    "Atlantic": (),
    "Audemars Piguet": ("Audemars Piguet", "Audemar Piguet", "Audemard Piguet", "Audemars Piguets",
                        "Audemars", "Audemar"),
    "Ball": (),
    "Baltic": (),
    "Baume & Mercier": ("Baume & Mercier", "Baumé & Mercier", "Baume"),
    "Bell & Ross": ("Bell & Ross",),
    "Blancpain": (),
    "Breguet": (),
    "Breitling": ("Breitling", "Breitlin", "Brietling"),
    "Bremont": (),
    "Bulgari": ("Bulgari", "Bvlgari"),
    "Bulova": (),
    "Carpenter": (),
    "Cartier": (),
    "Casio": ("Casio", "G-Shock", "GShock", "G Shock", "Casioak"),
    "Certina": (),
    "Chopard": (),
    "Christopher Ward": ("Christopher Ward",),
    "Citizen": (),
    "Coach": (),
    "Corum": (),
    "CWC": (),
    "Cyma": (),
    "Dan Henry": ("Dan Henry",),
    "Doxa": (),
    "E. Howard": ("E. Howard", "E Howard"),
    "F.P. Journe": ("F.P. Journe", "FP Journe", "F P Journe", "Journe"),
    "Farer": (),
    "Favre-Leuba": ("Favre Leuba", "Fave Leuba"),
    "Fossil": (),
    "Franck Muller": ("Franck Muller", "Frank Muller"),
    "Frederique Constant": ("Frederique Constant", "Frédérique Constant"),
    "Gerald Genta": ("Gerald Genta", "Gérald Genta"),
    "Girard-Perregaux": ("Girard Perregaux", "Girard Perrégaux"),
    "Glashütte Original": ("Glashütte Original", "Glashütte"),
    "Glycine": (),
    "Grand Seiko": ("Grand Seiko",),
    "Gruen": (),
    "Guess": (),
    "H. Moser & Cie": ("H. Moser & Cie", "H Moser", "Moser"),
    "Hamilton": (),
    "Helm": (),
    "Herbelin": ("Michel Herbelin", "Herbelin"),
    "Hublot": ("Hublot", "Hublo"),
    "Ice-Watch": ("Ice Watch",),
    "Invicta": (),
    "IWC": ("IWC Schaffhausen", "IWC", "International Watch Co"),
    "Jacob & Co.": ("Jacob & Co", "Jacob & Co."),
    "Jaeger-LeCoultre": ("Jaeger LeCoultre", "Jaeger Le Coultre", "Jaeger", "Jaegar LeCoultre",
                         "Jeager LeCoultre"),
    "Junghans": (),
    "Kenneth Cole": ("Kenneth Cole New York", "Kenneth Cole"),
    "Leijona": (),
    "Longines": ("Longines", "Longine"),
    "Louis Erard": ("Louis Erard",),
    "Maurice Lacroix": ("Maurice Lacroix",),
    "MB&F": ("MB&F", "MBF"),
    "Michael Kors": ("Michael Kors",),
    "Mido": (),
    "Monbrey": (),
    "Montblanc": ("Montblanc", "Mont Blanc"),
    "Movado": (),
    "Mühle-Glashütte": ("Mühle Glashütte",),
    "Newmark": (),
    "Nixon": (),
    "Nomos": ("Nomos Glashütte", "Nomos", "Nomors"),
    "Oak & Oscar": ("Oak & Oscar",),
    "Olevs": (),
    "Omega": ("Omega", "Oméga", "Omga", "Omgea"),
    "Orfina": (),
    "Orient": (),
    "Oris": (),
    "Panerai": ("Officine Panerai", "Panerai", "Paneraï", "Panerei"),
    "Patek Philippe": ("Patek Philippe", "Patek Phillipe", "Patek Philipe", "Patek Phiilippe",
                       "Patek", "Pateck"),
    "Perrelet": (),
    "Phoibos": (),
    "Piaget": (),
    "Pierre Paulin": ("Pierre Paulin",),
    "Rado": (),
    "Raymond Weil": ("Raymond Weil",),
    "Richard Mille": ("Richard Mille", "Richard Mill"),
    "Rolex": ("Rolex", "Rollex", "Rolexx", "Rolx"),
    "San Martin": ("San Martin",),
    "Seiko": (),
    "Sinn": (),
    "Slava": (),
    "SMAEL": (),
    "Squale": (),
    "Swatch": ("Swatch", "MoonSwatch"),
    "TAG Heuer": ("TAG Heuer", "Tag Hauer", "Heuer"),
    "Tandorio": (),
    "Timberland": (),
    "Timex": (),
    "Tissot": (),
    "Titoni": (),
    "Tory Burch": ("Tory Burch",),
    "Tudor": ("Tudor", "Tudors"),
    "Ulysse Nardin": ("Ulysse Nardin",),
    "Unimatic": (),
    "Universal Genève": ("Universal Genève",),
    "Vacheron Constantin": ("Vacheron Constantin", "Vacheron Constantine", "Vacheron"),
    "Vaer": (),
    "Van Cleef & Arpels": ("Van Cleef & Arpels", "Van Cleef"),
    "Vostok": (),
    "Waltham": (),
    "Weiss": (),
    "Yema": (),
    "Zelos": (),
    "Zenith": ("Zenith", "Zénith"),
    "Zodiac": (),
}

# Short forms read only as written (case-sensitive): they are common letters otherwise.
# Capitalised common words ("Ball", "Lip", "Tag", "Guess") are here for the same reason.
BRAND_ABBREVIATIONS = {
    "AP": "Audemars Piguet", "PP": "Patek Philippe", "VC": "Vacheron Constantin",
    "JLC": "Jaeger-LeCoultre", "GS": "Grand Seiko", "RM": "Richard Mille",
    "ALS": "A. Lange & Söhne", "FPJ": "F.P. Journe", "F.P.J": "F.P. Journe",
    "CW": "Christopher Ward", "B&R": "Bell & Ross", "GP": "Girard-Perregaux",
    "FM": "Franck Muller", "VCA": "Van Cleef & Arpels", "PAM": "Panerai",
    "Tag": "TAG Heuer", "TAG": "TAG Heuer", "Lip": "Lip", "LIP": "Lip",
    "Ball": "Ball", "BALL": "Ball", "Guess": "Guess", "GUESS": "Guess",
}

# A collaboration "A x B" is sold by its maker: Swatch makes the MoonSwatch and the
# Blancpain x Swatch; otherwise the first-named brand is the maker.
COLLABORATION_MAKERS = ("Swatch",)

# ── Currencies ───────────────────────────────────────────────────────────────────────
# written form (regex, case-insensitive) → ISO 4217. Symbols bind to the number they touch;
# words and codes after a number may also open the next one ("Ltd 30 HKD 2,000,000").
CURRENCY_SYMBOLS = (
    (r"€", "EUR"),
    (r"us\$|💲", "USD"),
    (r"hk\$", "HKD"),
    (r"s\$", "SGD"),
    (r"c\$", "CAD"),
    (r"a\$", "AUD"),
    (r"\$", "$"),                        # resolved per message: HKD in Hong Kong lists, else USD
    (r"£", "GBP"),
    (r"¥", "JPY"),
)
CURRENCY_WORDS = (
    (r"eur|euros?|eu?ros", "EUR"),
    (r"usd|usdt|dollars?", "USD"),
    (r"hkd", "HKD"),
    (r"gbp|pounds?|livres?", "GBP"),
    (r"chf|francs?\ suisses?|sfr", "CHF"),
    (r"jpy|yens?", "JPY"),
    (r"sgd", "SGD"),
    (r"aed|dirhams?|dhs", "AED"),
    (r"cad", "CAD"),
    (r"aud", "AUD"),
    (r"cny|rmb", "CNY"),
)
CURRENCIES = CURRENCY_SYMBOLS + CURRENCY_WORDS
# Signs that a message is a Hong Kong dealer list, where a bare "$" means HKD. One regex each (any
# one will do), each starting with what it reads so re skips to it instead of trying all at every
# position (one alternation of them all took 13 us a search, these 8).
HONG_KONG_MARKERS = (r"hkd|hk\$",                                             # the currency
                     r"[\u4e00-\u9fff]",                                       # Chinese
                     r"n(?<![A-Za-z0-9]n)\d{1,2}(?:/\d{2,4})?(?![\d/])",       # N11, N9/2025: new, card date
                     r"y(?<=(?:19|20)\d\dy)(?![A-Za-z])",                        # 2021y
                     r"only\ watch",                                           # HK English ("watch only" elsewhere)
                     r"^[^\S\n]*[A-Za-z&.]+(?:[^\S\n][A-Za-z&.]+)?[^\S\n]+(?:new|used)[^\S\n]*$")  # "PP Used" header

# ── Price cues ───────────────────────────────────────────────────────────────────────
# Words that make a bare number a price ("prix : 4500", "budget 7k", "💰69000").
PRICE_CUES = ("prix", "price", "asking", "ask", "budget", "💰", "px", "tarif", "sell for", "selling for",
              "vendu pour", "vendue pour", "now", "maintenant", "à", "at")           # plain words
# Words just before a price that make it not the asking price.
NOT_ASKING_CUES = (r"was", r"avant", r"[ée]tait", r"before", r"initially", r"initialement", r"au\ lieu\ de",
                   r"instead\ of", r"retail", r"msrp", r"rrp",
                   r"prix\ (?:boutique|neuf|public|catalogue)", r"paid", r"pay[ée]e?",
                   r"achet[ée]e?\ (?:à|pour)", r"bought\ (?:at|for)", r"frais\ de\ port",
                   r"shipping", r"fdp", r"port", r"livraison", r"list\ price")
# Words of a remark on the shop price ("(7 200 € neuve en boutique)", "(retail $10,100 new)"): the
# condition said inside it is the shop's, not the watch's.
RETAIL_NOTES = (r"boutique", r"retail", r"msrp", r"rrp", r"en\ magasin", r"in\ store", r"chez\ l'AD",
                r"at\ (?:the\ )?AD", r"prix\ (?:neuf|public|catalogue)", r"new\ price", r"list\ price")
# Gold fineness written like a price ("18k gold", "or jaune 18k").
GOLD_WORDS = (r"gold", r"or", r"white", r"yellow", r"rose", r"red", r"pink", r"solid", r"wg",
              r"yg", r"rg", r"carats?", r"ct", r"jaune", r"blanc", r"gris", r"massif")
GOLD_KARATS = ("9", "10", "14", "18", "22", "24")

# ── Condition ────────────────────────────────────────────────────────────────────────
# Listed per value; parse.py ranks a line's conditions: new/excellent/good first as written,
# then used, then vintage (README: "when used and a grade are both given, the grade wins").
CONDITIONS = {
    "excellent": (r"comme\ neu(?:f|ve)s?", r"like[\ -]new", r"as\ new", r"near\ mint", r"impeccable",
                  r"quasi[\ -]neu(?:f|ve)", r"proche\ du\ neuf", r"[ée]tat\ impeccable", r"superbe\ [ée]tat",
                  r"mint(?!\ (?:green|gr[üu]n|dial|colou?r|vert|blue|bleu))",
                  r"excellente?(?:\ (?:état|etat|condition|shape))?", r"tr[èe]s\ bon\ [ée]tat",
                  r"tbe", r"great\ (?:condition|shape)", r"very\ good(?:\ condition)?",
                  r"pristine", r"(?:9|9[.,]5)/10", r"tr[èe]s\ bon(?:ne)?(?!\ (?:prix|deal|plan|vendeur))"),
    "new": (r"neu(?:f|ve)s?", r"[ée]tat\ neuf", r"brand[\ -]new", r"new\ old\ stock",
            r"new(?!\ (?:year|buckle|strap|bracelet|members?|model|release|version|arrivals?|price|"
            r"in\ town|watch\ (?:in|to)))",
            r"unworn", r"unused", r"(?-i:NOS)", r"jamais\ port[ée]e?s?",     # NOS, not French "nos"
            r"never\ worn", r"stickers?", r"both\ tags?", r"tags?\ attached", r"全新", r"🆕"),
    "good": (r"bon\ [ée]tat", r"(?-i:BE)", r"good(?=\ (?:condition|shape|state|\d))", r"in\ good",
             r"(?:7|7[.,]5|8|8[.,]5)/10", r"tr[èe]s\ correct"),                # BE, not English "be"
    "used": (r"[ée]tat\ d'usage", r"[ée]tat\ correct", r"d'occasion", r"occasion", r"used",
             r"worn", r"fair\ (?:condition|shape)", r"poor(?:\ condition)?", r"us(?:é|ée|ee)", r"二手",
             r"pre-?owned"),
    "vintage": (r"vintage",),
}
# Shorthand that says two things at once: (condition, box).
NEW_IN_BOX = ((r"bnib|brand\ new\ in\ box|new\ in\ box|nib", "new"), (r"lnib|like\ new\ in\ box", "excellent"))
# "new" used as an ordinary adjective before the watch ("the new Speedmaster").
NEW_AS_ADJECTIVE = r"(?<![A-Za-z])(?:the|a|my|this|your|their|his|her|le|la|nouvelle?|un|une)\s+$"

# ── Box and papers ───────────────────────────────────────────────────────────────────
# (phrase, box, papers); None leaves the field as it was. Longest phrases win at a position.
_BOX = r"(?:box|bo[îi]te|coffret|[ée]crin)"
_PAPERS = r"(?:papers?|papiers?|cards?|cartes?|warranty|garantie)"
_YES = r"(?:\ ?[:=]\ ?(?:yes|oui|y|included|incluse?|ok)|\ ?[:=]?\ ?(?:✅|✔️?|☑️?))"     # "Box: yes", "Box ✅"
_NO = r"(?:\ ?[:=]\ ?(?:no|non|n|none|aucune?|missing)|\ ?[:=]?\ ?(?:❌|✖️?|✗))"     # "Papiers : non"
BOX_PAPERS = (
    (r"m[êe]me\ sans\ (?:bo[îi]te|papiers?)", None, None),           # a wanted post's tolerance
    (r"bracelet\ (?:d'origine\ )?complet|full\ links", None, None),  # all the links, not a full set
    (r"(?:je|tu|il|on)\ compl[èe]te", None, None),                     # "je complète": adds cash
    (_BOX + _YES, True, None), (_BOX + _NO, False, None),
    (_PAPERS + _YES, None, True), (_PAPERS + _NO, None, False),
    (r"(?:montre|set)\ compl[èe]te?|compl[èe]te?(?=\s*(?:$|[,.;!)]))", True, True),  # "complète, 6.5k"
    (r"(?:peu\ importe|no\ matter)", None, None),
    (r"full[\ -]?(?:set|kit|package)", True, True),
    (r"complete\ set", True, True),
    (r"b\ ?[&+]\ ?p", True, True),
    (r"(?:box|bo[îi]te)\ ?(?:&|and|et|\+|,|/)?\ ?(?:papers?|papiers?|cartes?|card)", True, True),
    (r"(?:papers?|papiers?|cartes?|card)\ ?(?:&|and|et|\+|/)\ ?(?:box|bo[îi]te)", True, True),
    (r"(?:fs)(?![\w-])", True, True),                                # dealer shorthand for full set
    (r"full(?=\s*(?:$|used|new|\t|\d|,))", True, True),              # HK lists: "full used"
    (r"(?:box|bo[îi]te)\ (?:only|seule(?:ment)?|uniquement)", True, False),
    (r"(?:papers?|papiers?|card|carte)\ (?:only|seule?s?(?:ment)?|uniquement)", False, True),
    (r"(?:watch|montre)\ ?(?:\+|and|&|et|avec|with|w/)\ ?(?:cards?|cartes?|papers?|papiers?)"
     r"(?:\ (?:only|uniquement|seule?s?(?:ment)?))?", False, True),
    (r"(?:watch|montre)\ (?:only|seule)|only\ watch|naked|montre\ nue", False, False),
    (r"sans\ bo[îi]te\ ni\ papiers?|no\ box\ (?:or|nor|and|,)?\ ?(?:no\ )?papers?|"
     r"without\ box\ (?:or|and)\ papers?|ni\ bo[îi]te\ ni\ papiers?", False, False),
    (r"(?:sans|no|without|pas\ de)\ (?:(?:sa|ses|la|les|the|its|any)\ )?(?:bo[îi]te|box)", False, None),
    (r"(?:sans|no|without|pas\ de)\ (?:(?:sa|ses|la|les|the|its|any)\ )?(?:papiers?|papers?|cartes?|card)",
     None, False),
    (r"boxed|coffret|[ée]crin|bo[îi]tes?|box(?:es)?", True, None),
    (r"papiers?|papers?|cartes?(?!\ (?:bancaire|de\ cr[ée]dit))|cards?|warranty|garantie|"
     r"certifi(?:cat|cate)|guarantee|gurantee", None, True),
)

# ── Movement ─────────────────────────────────────────────────────────────────────────
MOVEMENTS = {
    "automatic": (r"automatique", r"automatic", r"auto", r"self[- ]winding", r"remontage\ automatique"),
    "manual": (r"remontage\ manuel", r"manuel(?:le)?", r"manual(?:\ wind(?:ing)?)?",
               r"hand[- ]?wound", r"hand[- ]?wind(?:ing)?", r"[àa]\ remontage\ manuel"),
    "quartz": (r"quartz",),
}

# ── Message type ─────────────────────────────────────────────────────────────────────
# Opening words: the first words of a message (after emojis and brackets) settle its type.
OPENERS = {
    "sale": (r"wts", r"fs", r"for\ sale", r"vends?", r"vds", r"je\ vends", r"[àa]\ vendre", r"vente(?:\ flash)?",
             r"en\ vente", r"selling", r"sale", r"je\ me\ s[ée]pare", r"je\ mets\ en\ vente",
             r"mise\ en\ vente", r"d[ée]stockage", r"arrivage", r"new\ arrivals?", r"just\ in",
             r"je\ c[èe]de", r"c[èe]de", r"liquidation", r"baisse\ de\ prix", r"price\ drop",
             r"prix\ en\ baisse", r"reduced"),
    "wanted": (r"wtb", r"iso", r"cherche", r"je\ cherche", r"recherche", r"rch", r"je\ recherche",
               r"looking\ for", r"searching\ for", r"want\ to\ buy", r"wanted", r"lf", r"buying",
               r"seeking", r"in\ search\ of", r"j'ach[èe]te", r"ach[èe]te", r"rach[èe]te", r"achat"),
    "trade": (r"wtt", r"trade", r"swap", r"[ée]change", r"[ée]ch", r"exchange", r"troc", r"up\ for\ trade",
              r"propose\ [ée]change", r"vente\ ou\ [ée]change", r"wts/wtt", r"wtt/wts",
              r"open\ to\ trades?", r"ft", r"for\ trade",             # FT: For Trade, as FS is For Sale
              r"ft/fs", r"fs/ft"),
}
# Same intents anywhere in the message (weaker than an opener).
ANYWHERE = {
    "sale": (r"\[wts\]", r"wts", r"je\ vends", r"vends", r"[àa]\ vendre", r"for\ sale(?!\s*\?)",
             r"je\ me\ s[ée]pare", r"mets\ en\ vente", r"selling", r"je\ c[èe]de"),
    "wanted": (r"wtb", r"cherche", r"recherche", r"looking\ for", r"searching\ for",
               r"want\ to\ buy", r"budget", r"iso(?=\s+[A-Z])", r"j'ach[èe]te", r"in\ search\ of",
               r"int[ée]ress[ée]e?s?\ par", r"preneur", r"je\ prends", r"anyone\ selling",
               r"(?:qqn|quelqu'un|quelqu'un\ d'entre\ vous)(?:\ qui)?\ (?:a|aurait|poss[èe]de|vend)"
               r"\ (?:une?|des|la|le)(?=\ (?!avis|id[ée]e|conseil|retour|question|adresse|bon\ plan))",
               r"(?:does\ )?(?:anyone|somebody|someone)\ (?:have|has|got|selling)\ (?:an?|one|the)"
               r"(?=\ (?!opinion|idea|clue|experience|question))"),
    "trade": (r"wtt", r"trade", r"swap", r"[ée]changes?", r"exchange", r"en\ [ée]change", r"troc",
              r"open\ to\ trades?",
              r"contre\ (?:une?|ma|mon|ta|ton|votre|vos|des)(?=\ )"),   # "ma Speedy contre une Sub"
}
# Openers that announce stock only when a watch follows ("Dispo demain ?" is logistics).
STOCK_OPENERS = (r"dispo(?:nible)?s?", r"stock", r"available", r"in\ stock", r"en\ stock")
# A watch mentioned in passing: sold, received, waited for, thanked for.
PASSING = (r"sold", r"vendue?s?", r"est\ partie?", r"partie", r"re[çc]ue?", r"received",
           r"arrived", r"toujours\ dispo", r"still\ available", r"d'attente", r"waiting\ list",
           r"waitlist", r"pass[ée]\ chez", r"en\ vue", r"got\ my", r"just\ got", r"picked\ up",
           r"(?:j'ai\ )?port[ée]\ (?:ma|mon|sa|son)", r"j'ai\ port[ée]",     # "Porté ma Sub tout le week-end"
           r"(?:wore|wearing|rocking)\ (?:my|it|this)")
# A warning or a question asked without "?": not an offer either.
WARNINGS = (r"arnaque", r"scam(?:mer)?", r"escroc", r"fake", r"contrefa[çc]on", r"r[ée]plique", r"replica",
            r"attention", r"beware", r"warning")
QUESTIONS = (r"combien", r"quel(?:le)?s?", r"c'est\ quoi", r"diff[ée]rence", r"vaut", r"avis",
             r"pourquoi", r"comment", r"est-ce", r"how\ much", r"what(?:'s|\ is)", r"which", r"worth",
             r"thoughts", r"opinions?", r"real\ or\ fake", r"vrai\ ou\ faux", r"legit", r"difference",
             # someone else's offer asked about: "Guy is selling a 5711 for...", "un mec vend une Sub"
             r"(?:(?:a|this|that|the|some)\ )?(?:guy|someone|somebody|seller|dealer|he|she|they|dude|person)"
             r"(?:\ [^\s,.;!?]+){0,3}?(?:\ is|'s|\ are)\ (?:selling|offering|listing|asking)",
             r"(?:un|ce|le)\ (?:mec|gars|type|vendeur|monsieur)\ (?:me\ )?(?:vend|propose)",
             r"(?:il|elle|on)\ me\ (?:vend|propose)")
# A swap refused: no intent to trade ("9 800€, pas d'échange").
NO_TRADE = (r"pas\ d'[ée]changes?", r"sans\ [ée]changes?", r"no\ trades?", r"no\ swaps?",
            r"not\ (?:open|interested)\ (?:to|in)\ trades?", r"[ée]changes?\ non")
THANKS = (r"merci", r"thanks?", r"thank\ you", r"cheers")     # passing too, unless a question is asked
# ── Listing structure ────────────────────────────────────────────────────────────────
# Words between two watches of one line: alternatives share a budget or a "full set".
ALTERNATIVE_WORDS = (r"ou", r"or", r"vs\.?", r"versus", r"ou\ bien", r"either",
                     r"compared\ (?:to|with)", r"par\ rapport\ [àa]", r"face\ [àa]", r"plut[ôo]t\ que",
                     r"rather\ than")                      # a comparison names two watches too
# Words that put the watch sought after the watch offered.
EXCHANGE_WORDS = (r"contre", r"for", r"against", r"↔", r"<->", r"->", r"=>", r"⇄", r"🔄",
                  r"en\ [ée]change\ d[e']", r"in\ exchange\ for", r"pour\ un[e]?", r"over")
LIST_WORDS = (r"and", r"et")
LIST_MARKS = r"[,;+&|•\n]"                  # not "/": SSC813/SBDL085 is one watch
# Words that apply a listing word to the whole message ("tout en TBE", "all full set").
WHOLE_MESSAGE = (r"tout(?:es)?(?:\ en)?", r"tous", r"all(?:\ in)?", r"each", r"chacune?", r"les\ deux")
# What is sold is not a watch: straps, bracelets, accessories, a collection.
ACCESSORIES = (r"straps?", r"bracelets?", r"clasps?", r"buckles?", r"boucles?", r"accessor(?:y|ies)",
               r"collection", r"bezel\ inserts?")
# Words before an accessory that make it part of a watch ("on strap", "with bracelet").
ACCESSORY_OF_WATCH = (r"(?:(?<![A-Za-z])(?:on|with|w/|sur|avec|and|extra|additional)|[+&,(])"
                      r"\s*(?:\w+\s+){0,2}$")
# A line that dismisses the brand: a homage/mod, or the brand only made the movement.
NOT_THE_BRAND = (r"mods?", r"homage", r"hommage", r"custom", r"sterile", r"movement",
                 r"mouvement")

# Words that end a model name written after a brand the model table does not know
# ("Phoibos Leviathan diver", "Zodiac Super Sea Wolf black"): what describes any watch.
NOT_A_MODEL = (r"dial", r"cadran", r"watch(?:es)?", r"wrist-?watch", r"montre", r"men'?s?", r"mens",
               r"women'?s?", r"womens", r"ladies", r"lady", r"unisex", r"black", r"white", r"blue",
               r"green", r"red", r"orange", r"silver", r"gold", r"golden", r"grey", r"gray", r"brown",
               r"yellow", r"pink", r"purple", r"navy", r"rose", r"champagne", r"salmon", r"beige",
               r"cream", r"noire?", r"blanc", r"bleue?", r"verte?", r"steel", r"stainless", r"acier",
               r"titanium", r"titane", r"ceramic", r"bronze", r"leather", r"rubber", r"pvd", r"dlc",
               r"platinum", r"platine", r"carbon", r"sapphire", r"saphir", r"wg", r"yg", r"rg", r"pg",
               r"ussr", r"soviet", r"germany", r"french", r"italian",
               r"rare", r"limited", r"edition", r"le", r"pocket", r"vintage", r"japan", r"swiss",
               r"original", r"oem", r"mod", r"custom", r"x", r"w", r"with", r"on", r"in", r"for",
               r"from", r"by", r"de", r"du", r"avec", r"sur", r"pour", r"et", r"and", r"ou", r"or",
               r"ref", r"reference", r"réf", r"only", r"just", r"full", r"box", r"papers", r"priced",
               r"reduced", r"repost", r"sale", r"sold", r"chronograph", r"chrono", r"diver", r"dive",
               r"quartz", r"automatic", r"auto", r"solar", r"mechanical", r"digital", r"analog",
               r"is", r"est", r"a", r"une?", r"my", r"ma", r"mon", r"the(?=\s*$)", r"size", r"mm",
               r"new", r"neuve?", r"\d+k",
               r"lundi", r"mardi", r"mercredi", r"jeudi", r"vendredi", r"samedi", r"dimanche", r"demain",
               r"monday", r"tuesday", r"wednesday", r"thursday", r"friday", r"saturday", r"sunday",
               r"today", r"tomorrow", r"tonight")             # "je poste la Nomos lundi"

# ── Service dates and open ranges that are not the watch's year ─────────────────────
SERVICE_WORDS = (r"r[ée]vis[ée]e?", r"r[ée]vision", r"serviced?", r"entretien", r"poli(?:e|shed)?",
                 r"expires?", r"expiring", r"until", r"jusqu'(?:à|en)", r"valid", r"ann[ée]es", r"depuis",
                 r"since", r"before", r"avant")

# ── Language ─────────────────────────────────────────────────────────────────────────
# Plain words, lower case, accents dropped (parse.py folds the message's words the same way).
FRENCH = frozenset("""
    je j' le la les un une des du de et ou avec sans pour sur chez est ma mon vends vend cherche
    recherche echange dispo boite papiers etat neuf neuve neuves prix carte cadran bleu bleue noir
    noire blanc vert verte euro euros merci bonjour salut quelqu'un qqn ca c'est tres tout port
    remise annee annees revisee montre achetee jamais portee piece nego ferme debattre envoi contre
    tbe seule vente a pas mais qui que quoi vous nous moi au aux en ete etait maintenant
""".split())
ENGLISH = frozenset("""
    the a an and or with for is are my your this that of in on to anyone looking sale box papers
    new used condition dial shipped price prices thanks please watch only full set kit blue black
    white green from have has what how which wts wtb wtt iso obo asking like mint excellent brand
    men's women's ladies strap bracelet serviced card warranty sold it be will can just reduced
    shipping good automatic vintage both tag tags
""".split())

# ── Shared helpers for the regex builders ───────────────────────────────────────────
ACCENTS = {"a": "aàâä", "e": "eéèêë", "i": "iîï", "o": "oôö", "u": "uùûü", "c": "cç"}
FOLD = {accented: plain for plain, group in ACCENTS.items() for accented in group}


def loose(spelling: str) -> str:
    """A brand spelling as a forgiving regex: separators optional-ish, accents optional."""
    out = []
    for ch in spelling:
        low = ch.lower()
        if ch == " ":
            out.append(r"[\s.\-]*")                          # "Jaeger LeCoultre" ~ "Jaeger-LeCoultre"
        elif ch == "&":
            out.append(r"\s*(?:&|and|et|n)\s*")              # "Baume & Mercier" ~ "Baume and Mercier"
        elif ch in ".-":
            out.append(r"[\s.\-]*")
        elif FOLD.get(low, low) in ACCENTS:
            out.append("[" + ACCENTS[FOLD.get(low, low)] + "]")
        else:
            out.append(re.escape(ch))
    return "".join(out)
