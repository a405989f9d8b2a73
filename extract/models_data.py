"""Model vocabulary: the model families a dealer names, their spellings and nicknames, per brand.

Read by extract/models.py, which builds one regex from these tables at import. Hand-written from what
trading groups write (the labelled dev sets, the alias list in ../shared/datasets/catalog/) and the
families of the shared catalogue; not generated.

MODELS: brand -> lines `Family: alias; alias; ...`. The family is what a match reports, in the market's
spelling (the labels compare models loosely, `Submariner` ~ `Submariner Date`, so a longer family that
contains the short one is safe). Only the aliases are looked for (`Diver: Diver X` does not take every
`diver`). In an alias:
  - a space or a hyphen matches a space, a hyphen or nothing (`GMT Master` finds GMT-Master, GMTMaster);
  - a leading `=` makes it case-sensitive (`=DJ`, `=RO`: short capitals that are words in lower case);
  - a leading `^` makes it need the brand named just before (`^AT` only in `Omega AT`);
  - a leading `~` marks a common word or a name several makers use (`GMT`, `Pilot`, `Ranger`): it
    counts only when the message names no other brand (`Grand Seiko GMT` is no Rolex).
Longer aliases win over shorter ones at the same place (`Submariner Date` over `Sub`).
"""

MODELS = {
    "Rolex": """
        Submariner: Submariner; Submariner Date; Submariner No Date; Sub Date; No Date Sub; ~Sub; Subby;
            Submariner Hulk; Hulk; Kermit; Starbucks; Cermit; Bluesy; Smurf; Cookie Monster; Big Sub
        GMT-Master II: GMT-Master II; GMT Master 2; GMT-Master; ~GMT; Pepsi; Batman; Batgirl; Sprite;
            Root Beer; Rootbeer; Coke; Bruce Wayne; Destro; Guinness; Lefty
        Daytona: Daytona; Cosmograph Daytona; Cosmograph; Paul Newman; Rainbow Daytona; Le Mans;
            John Mayer; Panda Daytona; Tona; Zenith Daytona
        Datejust: Datejust; Date Just; =DJ; Wimbledon; Datejust 41; Datejust 36; Datejust II; =DJ41; =DJ36;
            Datejust Turn-O-Graph; Turn-O-Graph; Thunderbird
        Lady-Datejust: Lady-Datejust; Lady Datejust
        Day-Date: Day-Date; Day Date; =DD; President; Day-Date 40; Day-Date 36; Day-Date II; =DD40; =DD36
        Oyster Perpetual: Oyster Perpetual; =OP; =OP36; =OP41; =OP39; Tiffany Dial; Celebration Dial
        Explorer: ~Explorer; Explorer I; Explo; =EXP; Exp 1
        Explorer II: Explorer II; Explorer 2; Polar Explorer; Exp II; =EXP2; Polar
        Sea-Dweller: Sea-Dweller; Seadweller; Sea Dweller; =SD43; Double Red; Single Red
        Deepsea: Deepsea; Deep Sea; Sea-Dweller Deepsea; =DSSD; James Cameron
        Yacht-Master: Yacht-Master; Yachtmaster; =YM; Yacht-Master 40; Yacht-Master 42
        Yacht-Master II: Yacht-Master II; Yachtmaster 2; =YM2; =YMII
        Sky-Dweller: Sky-Dweller; Sky Dweller; Skydweller
        Air-King: Air-King; Airking
        Milgauss: Milgauss; =GV
        Cellini: Cellini
        Pearlmaster: Pearlmaster
        Oysterdate: Oysterdate; Oyster Date
        Land-Dweller: Land-Dweller
        1908: Perpetual 1908
    """,
    "Omega": """
        Speedmaster: Speedmaster; Speedy; Moonwatch; Speedmaster Moonwatch; Speedy Pro; Speedy Moonwatch;
            Snoopy; Dark Side of the Moon; =DSOTM; Speedmaster '57; Speedmaster 57; Speedy Tuesday;
            Speedmaster Professional Moonwatch; Speedmaster Pro; Speedmaster Automatic; Speedmaster Date
        Speedmaster Professional: Speedmaster Professional; Speedy Professional
        Speedmaster Reduced: Speedmaster Reduced; Speedy Reduced
        Speedmaster Racing: Speedmaster Racing; Speedy Racing
        Speedmaster Broad Arrow: Speedmaster Broad Arrow; Broad Arrow
        Speedmaster X-33: Speedmaster X-33; X-33; Skywalker X-33; Speedmaster Skywalker X-33
        Seamaster: Seamaster; Seamaster Professional; =SMP; Seamaster Bond; Seamaster 120; Seamaster 120M;
            Seamaster 300; Seamaster Cosmic; Seamaster De Ville; Seamaster Chronograph
        Seamaster 300M: Seamaster 300M; Seamaster 300 M; =SMP300; Seamaster Diver; Seamaster Diver 300M;
            Diver 300M; Diver 300
        Seamaster Planet Ocean: Planet Ocean; Seamaster Planet Ocean; =PO; Seamaster PO
        Seamaster Aqua Terra: Aqua Terra; Seamaster Aqua Terra; ^AT; Aquaterra
        Seamaster Ploprof: Ploprof; Seamaster Ploprof
        Railmaster: Railmaster
        Constellation: Constellation; Connie; Constellation Pie Pan
        De Ville: De Ville; Deville; De Ville Prestige
        Globemaster: Globemaster
        Ladymatic: Ladymatic
    """,
    "Audemars Piguet": """
        Royal Oak: Royal Oak; =RO; Jumbo; Royal Oak Jumbo; Royal Oak Chronograph; Royal Oak Perpetual Calendar
        Royal Oak Offshore: Royal Oak Offshore; Offshore; =ROO; RO Offshore
        Royal Oak Concept: Royal Oak Concept
        Code 11.59: Code 11.59; Code 1159
        Jules Audemars: Jules Audemars
        Millenary: Millenary
    """,
    "Patek Philippe": """
        Nautilus: Nautilus; Nauti; Nautilus Jumbo
        Aquanaut: Aquanaut; Aquanaut Travel Time
        Calatrava: Calatrava
        Complications: Complications; Annual Calendar; World Time; Worldtimer
        Grand Complications: Grand Complications; Perpetual Calendar; Minute Repeater
        Twenty~4: Twenty~4; Twenty 4; Twenty-4
        Gondolo: Gondolo
        Golden Ellipse: Golden Ellipse; Ellipse
        Cubitus: Cubitus
    """,
    "Tudor": """
        Black Bay: Black Bay; =BB; Heritage Black Bay; Black Bay 41; Black Bay 36; Black Bay 39; Black Bay 31;
            Black Bay Bronze; Black Bay Harrods; Black Bay Monochrome
        Black Bay 58: Black Bay 58; Black Bay Fifty-Eight; Black Bay Fifty Eight; BB58; =BB 58; Fifty-Eight
        Black Bay 54: Black Bay 54; BB54; =BB 54
        Black Bay GMT: Black Bay GMT; BB GMT; BBGMT
        Black Bay Pro: Black Bay Pro; BB Pro; BBPro
        Black Bay Chrono: Black Bay Chrono; Black Bay Chronograph; BB Chrono
        Black Bay 68: Black Bay 68
        Pelagos: Pelagos; Pelagos 39; Pelagos LHD
        Pelagos FXD: Pelagos FXD; FXD
        Ranger: ~Ranger; Tudor Ranger
        Submariner: Tudor Submariner; Tudor Sub; Snowflake Sub
        Mini Sub: Mini Sub; Mini-Sub
        1926: ^1926
        Prince Oysterdate: Prince Oysterdate; Oysterdate; Prince Date
        Heritage Chrono: Heritage Chrono
        Fastrider: Fastrider; Fastrider Black Shield
        North Flag: North Flag
        Le Royer: Le Royer
    """,
    "Cartier": """
        Santos: Santos; Santos de Cartier; Santos Large; Santos Medium; Santos Galbée; Santos Galbee; Santos 100
        Santos-Dumont: Santos-Dumont; Santos Dumont
        Tank: ~Tank; Tank Solo; Tank Française; Tank Francaise; Tank Américaine; Tank Americaine
        Tank Louis: Tank Louis; Tank Louis Cartier
        Tank Must: Tank Must; Must de Cartier Tank
        Tank Cintrée: Tank Cintrée; Tank Cintree
        Ballon Bleu: Ballon Bleu; Ballon Blue
        Panthère: Panthère; Panthere
        Pasha: Pasha
        Crash: ~Crash
        Calibre de Cartier: Calibre de Cartier
        Clé de Cartier: Clé de Cartier; Cle de Cartier
        Drive de Cartier: Drive de Cartier
        Ronde: Ronde Solo; Ronde Must; Ronde de Cartier
        Roadster: ~Roadster
        Baignoire: Baignoire
        Tortue: ~Tortue
        Must 21: Must 21; Must de Cartier 21
    """,
    "Panerai": """
        Luminor: Luminor; Luminor Base
        Luminor Marina: Luminor Marina
        Luminor Due: Luminor Due
        Luminor GMT: Luminor GMT
        Luminor 1950: Luminor 1950
        Radiomir: Radiomir; Radiomir 1940
        Submersible: ~Submersible; Luminor Submersible; Sub Panerai
    """,
    "IWC": """
        Portugieser: Portugieser; Portuguese; Portugaise; Portugieser Chronograph; Portugieser Chronographe;
            Portugieser Chrono; Portuguese Chronograph
        Pilot: ~Pilot; Pilot's Watch; Pilots Watch; Pilot Chronograph; Spitfire; Pilot Chrono
        Pilot Mark XX: Mark XX; Pilot Mark XX; Mark 20; Mk XX
        Pilot Mark XVIII: Mark XVIII; Mark 18; Mk XVIII
        Big Pilot: Big Pilot; =BP; Big Pilot's Watch
        Top Gun: Top Gun; Pilot Top Gun
        Ingenieur: Ingenieur; Ingénieur
        Portofino: Portofino
        Aquatimer: Aquatimer
        Da Vinci: Da Vinci
    """,
    "Jaeger-LeCoultre": """
        Reverso: Reverso; Reverso Classic; Reverso Classic Large; Reverso Duoface; Reverso Tribute
        Reverso Tribute: Reverso Tribute
        Master Ultra Thin: Master Ultra Thin; Master Ultra-Thin; =MUT
        Master Control: Master Control
        Master: Master Compressor; Master Grande Tradition; Master Extreme
        Polaris: ~Polaris
        Memovox: Memovox
        Duometre: Duometre; Duomètre
        Geophysic: Geophysic
        Rendez-Vous: Rendez-Vous; Rendez Vous
    """,
    "Vacheron Constantin": """
        Overseas: Overseas
        Patrimony: Patrimony
        Traditionnelle: Traditionnelle
        Fiftysix: Fiftysix; Fifty Six
        Historiques: Historiques; American 1921
        Égérie: Égérie; Egerie
    """,
    "A. Lange & Söhne": """
        Lange 1: Lange 1; Lange One; Grand Lange 1
        Little Lange 1: Little Lange 1
        Datograph: Datograph
        Zeitwerk: Zeitwerk
        Saxonia: Saxonia
        1815: ^1815
        Odysseus: Odysseus
        Richard Lange: Richard Lange
        Cabaret: Cabaret
    """,
    "Breitling": """
        Navitimer: ~Navitimer; Navitimer 01; Navitimer B01; Navitimer 8
        Superocean Heritage: Superocean Heritage; SOH
        Superocean: Superocean; Super Ocean
        Avenger: ~Avenger
        Super Avenger: Super Avenger
        Chronomat: Chronomat
        Premier: ~Premier
        Top Time: Top Time
        Colt: ~Colt
        Transocean: Transocean
        Aerospace: ~Aerospace
        Emergency: ~Emergency
        Endurance Pro: Endurance Pro
        Galactic: ~Galactic
    """,
    "TAG Heuer": """
        Carrera: Carrera; Carrera Chronograph; Carrera Calibre 16; Carrera Calibre 5
        Carrera Twin-Time: Carrera Twin-Time; Carrera Twin Time
        Monaco: ~Monaco
        Aquaracer: Aquaracer
        Formula 1: Formula 1; Formula One; =F1
        Autavia: Autavia
        Monza: Monza
        Professional: Professional 1000; Heuer Professional
    """,
    "Grand Seiko": """
        Snowflake: ~Snowflake
        White Birch: White Birch
        Heritage: Heritage Collection
        Elegance: Elegance Collection; Elegance
        Evolution 9: Evolution 9
        Sport: Sport Collection
    """,
    "Seiko": """
        Seiko 5: Seiko 5
        Seiko 5 Sports: Seiko 5 Sports; 5 Sports
        Presage: Presage; Cocktail Time; Presage Cocktail
        Prospex: Prospex
        Prospex Alpinist: Alpinist; Prospex Alpinist
        Turtle: ~Turtle
        Samurai: ~Samurai
        Sumo: ~Sumo
        Monster: ~Monster
        King Seiko: King Seiko
        Lord Matic: Lord Matic; LordMatic
        Astron: ~Astron
        Black Series: Black Series
        Grand Quartz: Grand Quartz
        Chariot: Chariot
        Essentials: Essentials
    """,
    "Hublot": """
        Big Bang: Big Bang; Big Bang Unico; Unico
        Classic Fusion: Classic Fusion
        Spirit of Big Bang: Spirit of Big Bang
        King Power: King Power
    """,
    "Zenith": """
        El Primero: El Primero
        Chronomaster Sport: Chronomaster Sport
        Chronomaster Original: Chronomaster Original
        Chronomaster Revival: Chronomaster Revival
        Chronomaster: Chronomaster
        Defy: ~Defy; Defy Classic; Defy Skyline
        Pilot: Pilot Type 20
        Elite: ~Elite
    """,
    "Swatch": """
        MoonSwatch: MoonSwatch; Moon Swatch; Mission to the Moon
    """,
    "Longines": """
        HydroConquest: HydroConquest; Hydro Conquest
        Conquest: ~Conquest; Conquest V.H.P.; Conquest VHP
        Spirit: ~Spirit; Spirit Zulu Time
        Legend Diver: Legend Diver
        Master Collection: Master Collection
        La Grande Classique: La Grande Classique
        Heritage: Heritage Classic
    """,
    "Hamilton": """
        Khaki Field: Khaki Field; Khaki Field Mechanical; Khaki Field Auto; Khaki Field Murph; Murph
        Khaki: Khaki
        Khaki Navy Frogman: Khaki Navy Frogman; Frogman
        Jazzmaster: Jazzmaster
        Ventura: ~Ventura
        Intra-Matic: Intra-Matic; Intramatic
    """,
    "Tissot": """
        PRX: PRX; PRX Powermatic 80
        Gentleman: ~Gentleman
        Seastar: ~Seastar
        Le Locle: Le Locle
        Classic Dream: Classic Dream
    """,
    "Oris": """
        Aquis: Aquis; Aquis Date
        Big Crown: Big Crown; Big Crown Pointer Date; Big Crown ProPilot
        Divers Sixty-Five: Divers Sixty-Five; Sixty-Five; Divers 65
        ProPilot: ProPilot
    """,
    "Chopard": """
        Happy Sport: Happy Sport
        Alpine Eagle: Alpine Eagle
        L.U.C: L.U.C; LUC
        Mille Miglia: Mille Miglia
    """,
    "Breguet": """
        Type XX: Type XX; Type 20; Type XXI
        Reine de Naples: Reine de Naples
    """,
    "Blancpain": """
        Fifty Fathoms: Fifty Fathoms; Fifty Fathoms Bathyscaphe; Bathyscaphe
        Villeret: Villeret
    """,
    "Girard-Perregaux": """
        Laureato: Laureato
    """,
    "Ulysse Nardin": """
        Marine: Marine Chronometer
        Freak: ~Freak
        Diver: Diver X
    """,
    "Nomos": """
        Tangente: Tangente
        Club: Club Sport; Club Neomatic
        Club Campus: Club Campus
        Orion: ~Orion
        Ahoi: Ahoi
        Tetra: Tetra
    """,
    "Montblanc": """
        1858 Geosphere: 1858 Geosphere
        1858: ^1858
        Heritage: Heritage Chronométrie
    """,
    "Yema": """
        Superman: ~Superman
        Navygraf: Navygraf
    """,
    "Doxa": """
        SUB 300: SUB 300; Sub 300T
        Sub 200: Sub 200
        Sub 200T: Sub 200T
        Sub 200 Sharkhunter: Sub 200 Sharkhunter; Sharkhunter
    """,
    "Casio": """
        G-Shock: G-Shock; GShock
        Baby-G: Baby-G
        Pro Trek: Pro Trek; ProTrek
    """,
    "Citizen": """
        Promaster: Promaster
        Cosmotron: Cosmotron
    """,
    "F.P. Journe": """
        Chronomètre à Résonance: Chronomètre à Résonance; Chronometre a Resonance; Résonance; Resonance
        Tourbillon Souverain: Tourbillon Souverain
        Chronomètre Bleu: Chronomètre Bleu; Chronometre Bleu
        Octa: Octa
    """,
    "Lip": """
        Himalaya: ~Himalaya
    """,
    "Sinn": """
        U1: ^U1
        556: ^556
        104: ^104
        856: ^856
    """,
    "Vostok": """
        Amphibia: Amphibia
    """,
    "Herbelin": """
        Newport: ~Newport
    """,
    "Bremont": """
        ALT1-C: ALT1-C; ALT1
        Supermarine: Supermarine
    """,
    "Christopher Ward": """
        C63 Sealander: C63 Sealander
        C65: C65
        The Twelve: The Twelve
    """,
    "Certina": """
        DS: DS Action; DS+
    """,
    "Mido": """
        Ocean Star: Ocean Star
        Commander: ~Commander
    """,
}
