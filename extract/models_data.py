"""Model vocabulary: the model families a dealer names, their spellings and nicknames, per brand.

Read by extract/models.py, which builds its regexes from this table at import. Hand-written from what
trading groups write (the labelled dev sets, the alias list in ../shared/datasets/catalog/) and the
families of the shared catalogue; not generated. Brands are spelled as in ../shared/datasets/brands.txt
and extract/vocab.py (BRANDS), which also holds the brand names themselves.

MODELS: brand -> lines `Family: alias; alias; ...`. The family is what a match reports, in the market's
spelling (the labels compare models loosely, `Submariner` ~ `Submariner Date`, so a longer family that
contains the short one is safe). Only the aliases are looked for (`Diver: Diver X` does not take every
`diver`). In an alias:
  - a space or a hyphen matches a space, a hyphen or nothing (`GMT Master` finds GMT-Master, GMTMaster);
  - a leading `=` makes it case-sensitive (`=DJ`, `=RO`: short capitals that are words in lower case);
  - a leading `^` makes it need its brand written just before (`^AT` only in `Omega AT`, `^1926` in
    `Tudor 1926`);
  - a leading `@` makes it need its brand named somewhere in the message (`@Grant` is Fossil's only
    where Fossil is named: the word is common);
  - a leading `~` marks a name several makers use or a nickname other makers borrow (`GMT`, `Pepsi`): it
    counts unless the message names another brand (`Grand Seiko GMT`, `Tudor BB GMT Pepsi`);
  - a leading `*` marks a common word (`Explorer`, `Tank`, `Pilot`): as `~`, and written in lower case it
    counts only where its own brand is named (`a tank`, `any pilot here?`).
Two brands may share an alias (`Navitimer`: Breitling, and Sinn's old one): the brand the message names
wins, else the first listed. Longer aliases win over shorter ones at the same place (`Submariner Date`
over `Sub`).
"""

MODELS = {
    "Rolex": """
        Submariner: Submariner; Submariner Date; Submariner No Date; Sub Date; No Date Sub; ~Sub; Subby;
            Submariner Hulk; ~Hulk; ~Kermit; ~Starbucks; ~Cermit; ~Bluesy; ~Smurf; ~Cookie Monster; Big Sub;
            Red Sub; Meters First; *Submarine; Submarine Date; Submarinr; Submarnier
        GMT-Master II: GMT-Master II; GMT Master 2; GMTII; GMT-Master; ~GMT; ~Pepsi; ~Batman; ~Batgirl; ~Sprite;
            ~Root Beer; ~Rootbeer; ~Coke; ~Bruce Wayne; ~Destro; ~Guinness; ~Lefty; Fat Lady
        Daytona: Daytona; Cosmograph Daytona; Cosmograph; Paul Newman; Rainbow Daytona; *Le Mans;
            John Mayer; Panda Daytona; *Panda; Tona; Zenith Daytona; *Rainbow; Daytonna
        Datejust: Datejust; Date Just; Date-Just; Datejuste; =DJ; ~Wimbledon; Datejust 41; Datejust 36; Datejust II; =DJ41; =DJ36;
            =DJII; Thunderbird
        Datejust Turn-O-Graph: Turn-O-Graph; Datejust Turn-O-Graph; Turnograph
        Lady-Datejust: Lady-Datejust; Lady Datejust; =LDJ
        Day-Date: Day-Date; Day Date; @=DD; *President; Day-Date 40; Day-Date 36; Day-Date II; =DD40; =DD36
        Oyster Perpetual: Oyster Perpetual; @=OP; =OP36; =OP41; =OP39; =OP34; =OP31; =OP28; Tiffany Dial;
            Celebration Dial; *Celebration
        Explorer: *Explorer; Explorer I; Explorer 1; Explo; =EXP; =EXP1; Exp 1
        Explorer II: Explorer II; Explorer 2; Polar Explorer; Exp II; =EXP2; =EXPII; *Polar
        Sea-Dweller: Sea-Dweller; Seadweller; Sea Dweller; =SD43; =SD4K; Double Red; Single Red
        Deepsea: Deepsea; Deep Sea; Sea-Dweller Deepsea; =DSSD; James Cameron
        Yacht-Master: Yacht-Master; Yachtmaster; @=YM; Yacht-Master 40; Yacht-Master 42; =YM40; =YM42
        Yacht-Master II: Yacht-Master II; Yachtmaster 2; Yacht-Master 2; =YM2; =YMII
        Sky-Dweller: Sky-Dweller; Sky Dweller; Skydweller
        Air-King: Air-King; Airking
        Milgauss: Milgauss; @=GV
        Cellini: Cellini
        Pearlmaster: Pearlmaster
        Oysterdate: Oysterdate; Oyster Date; Oyster Precision
        Land-Dweller: Land-Dweller; Land Dweller
        Oysterquartz: Oysterquartz; Oyster Quartz
        1908: Perpetual 1908
        Date: ^Date
    """,
    "Omega": """
        Speedmaster: Speedmaster; Speedy; Moonwatch; Moon Watch; Speedmater; Speedmastre; Speedmaster Moonwatch; Speedy Pro; Speedy Moonwatch;
            Snoopy; Dark Side of the Moon; =DSOTM; Speedmaster '57; Speedmaster 57; Speedy Tuesday;
            Speedmaster Professional Moonwatch; Speedmaster Pro; Speedmaster Automatic; Speedmaster Date;
            Speedmaster Mark II; Speedmaster Mark 40; Speedmaster Triple Date; Speedmaster Chronoscope;
            Silver Snoopy; Moonphase Speedmaster
        Speedmaster Professional: Speedmaster Professional; Speedy Professional
        Speedmaster Reduced: Speedmaster Reduced; Speedy Reduced
        Speedmaster Racing: Speedmaster Racing; Speedy Racing
        Speedmaster Broad Arrow: Speedmaster Broad Arrow; Broad Arrow
        Speedmaster X-33: Speedmaster X-33; X-33
        Speedmaster Skywalker X-33: Skywalker X-33; Speedmaster Skywalker X-33; Skywalker
        Seamaster: Seamaster; Sea Master; Seamaster Professional; Seamaster Bond; Seamaster 120; Seamaster 120M;
            Seamaster 300; Seamaster Cosmic; Seamaster De Ville; Seamaster Chronograph; Seamaster 600;
            Seamaster Railmaster; Seamaster 30; Seamaster Automatic
        Seamaster 300M: Seamaster 300M; Seamaster 300 M; =SMP; =SMP300; Seamaster Professional 300M
        Seamaster Diver 300M: Seamaster Diver 300M; Seamaster Diver 300; Diver 300M; Diver 300
        Seamaster Planet Ocean: Planet Ocean; Seamaster Planet Ocean; @=PO; Seamaster PO; Ultra Deep;
            Planet Ocean Ultra Deep
        Seamaster Aqua Terra: Aqua Terra; Seamaster Aqua Terra; ^AT; Aquaterra
        Seamaster Ploprof: Ploprof; Seamaster Ploprof; Plo-Prof
        Seamaster Bullhead: Bullhead; Seamaster Bullhead
        Railmaster: Railmaster
        Constellation: Constellation; Connie; Constellation Pie Pan; Pie Pan Constellation
        De Ville: De Ville; Deville; De Ville Prestige; De Ville Trésor; Trésor; Tresor
        Globemaster: Globemaster
        Ladymatic: Ladymatic
        Dynamic: ^Dynamic
        Flightmaster: Flightmaster
    """,
    "Audemars Piguet": """
        Royal Oak: Royal Oak; @=RO; *Jumbo; Royal Oak Jumbo; Royal Oak Chronograph; Royal Oak Perpetual Calendar;
            Royal Oak Selfwinding; Royal Oak Extra-Thin; Royal Oak Double Balance
        Royal Oak Offshore: Royal Oak Offshore; *Offshore; =ROO; RO Offshore; Royal Oak Offshore Diver
        Royal Oak Concept: Royal Oak Concept
        Code 11.59: Code 11.59; Code 1159
        Jules Audemars: Jules Audemars
        Millenary: Millenary
    """,
    "Patek Philippe": """
        Nautilus: Nautilus; Nauti; Nautilus Jumbo; Nautilius; Nautlius; Nautillus
        Aquanaut: Aquanaut; Aquanaut Travel Time; Aquanaut Luce; Aquanot; Acquanaut
        Calatrava: Calatrava; Clous de Paris
        Complications: Complications; @Annual Calendar; @World Time; @Worldtimer; @Travel Time
        Grand Complications: Grand Complications; @Perpetual Calendar; @Minute Repeater; @Split Seconds
        Twenty~4: Twenty~4; Twenty 4; Twenty-4; Twenty Four
        Gondolo: Gondolo
        Golden Ellipse: Golden Ellipse; *Ellipse
        Cubitus: Cubitus
    """,
    "Tudor": """
        Black Bay: Black Bay; =BB; Heritage Black Bay; Black Bay 41; Black Bay 36; Black Bay 39; Black Bay 31;
            Black Bay 32; BB41; BB36; BB39; BB31; BB32; Black Bay Bronze; Black Bay Harrods; Black Bay Monochrome; Black Bay Burgundy;
            Black Bay Blue; Black Bay Ceramic; Black Bay S&G; Black Bay Steel
        Black Bay 58: Black Bay 58; Black Bay Fifty-Eight; Black Bay Fifty Eight; BB58; =BB 58; Fifty-Eight;
            BB58 Navy; BB58 Bronze; BB58 925
        Black Bay 54: Black Bay 54; BB54; =BB 54
        Black Bay GMT: Black Bay GMT; BB GMT; BBGMT
        Black Bay Pro: Black Bay Pro; BB Pro; BBPro
        Black Bay Chrono: Black Bay Chrono; Black Bay Chronograph; BB Chrono; BBChrono
        Black Bay 68: Black Bay 68
        Pelagos: Pelagos; Pelagos 39; Pelagos LHD; Pelagos 42
        Pelagos FXD: Pelagos FXD; FXD
        Ranger: *Ranger; Tudor Ranger
        Submariner: Submariner; Tudor Submariner; Tudor Sub; Snowflake Sub; *Snowflake
        Mini Sub: Mini Sub; Mini-Sub
        1926: ^1926
        Royal: ^Royal
        Prince Oysterdate: Prince Oysterdate; Oysterdate; Prince Date
        Heritage Chrono: Heritage Chrono; Heritage Chronograph
        Heritage Advisor: Heritage Advisor; *Advisor
        Fastrider: Fastrider; Fastrider Black Shield
        North Flag: North Flag
        Le Royer: Le Royer
        Style: ^Style
        Glamour: ^Glamour
        Clair de Rose: Clair de Rose
    """,
    "Cartier": """
        Santos: Santos; Santos de Cartier; Santos Large; Santos Medium; Santos Galbée; Santos Galbee; Santos 100;
            Santos Skeleton; Santos Chronograph
        Santos-Dumont: Santos-Dumont; Santos Dumont
        Santos Carrée: Santos Carrée; Santos Carree
        Tank: *Tank; Tank Solo; Tank Française; Tank Francaise; Tank Américaine; Tank Americaine;
            Tank Anglaise; Tank Basculante; Tank Normale
        Tank Louis: Tank Louis; Tank Louis Cartier
        Tank Must: Tank Must; Must de Cartier Tank
        Tank Cintrée: Tank Cintrée; Tank Cintree
        Ballon Bleu: Ballon Bleu; Ballon Blue; Ballon Bleu de Cartier
        Panthère: Panthère; Panthere; Panthère de Cartier
        Pasha: Pasha; Pasha de Cartier
        Crash: *Crash
        Calibre de Cartier: Calibre de Cartier
        Clé de Cartier: Clé de Cartier; Cle de Cartier
        Drive de Cartier: Drive de Cartier
        Ronde de Cartier: Ronde Solo; Ronde Must; Ronde de Cartier; Ronde Louis
        Roadster: *Roadster
        Baignoire: Baignoire
        Tortue: *Tortue
        Must 21: Must 21; Must de Cartier 21
        Rotonde de Cartier: Rotonde; Rotonde de Cartier
    """,
    "Panerai": """
        Luminor: Luminor; Luminor Base; Luminor Power Reserve; Luminor Chrono
        Luminor Marina: Luminor Marina
        Luminor Due: Luminor Due
        Luminor GMT: Luminor GMT
        Luminor 1950: Luminor 1950
        Radiomir: Radiomir; Radiomir 1940; Radiomir California
        Submersible: *Submersible; Luminor Submersible
    """,
    "IWC": """
        Portugieser: Portugieser; Portuguese; Portugaise; Portugieser Chronograph; Portugieser Chronographe;
            Portugieser Chrono; Portuguese Chronograph; Portugieser Automatic; Portugieser Perpetual
        Pilot: *Pilot; Pilot's Watch; Pilots Watch; *Pilot Chronograph; Spitfire; *Pilot Chrono; Le Petit Prince;
            Petit Prince; *Pilot's Chronograph
        Pilot Mark XX: Mark XX; Pilot Mark XX; Mark 20; Mk XX; Mk20
        Pilot Mark XVIII: Mark XVIII; Mark 18; Mk XVIII; Mk18
        Pilot Mark XVII: Mark XVII; Mark 17; Mk XVII
        Big Pilot: Big Pilot; Big Pilot's Watch; Big Pilot Top Gun
        Top Gun: Top Gun; Pilot Top Gun
        Ingenieur: Ingenieur; Ingénieur
        Portofino: Portofino
        Aquatimer: Aquatimer
        Da Vinci: Da Vinci
    """,
    "Jaeger-LeCoultre": """
        Reverso: Reverso; Reverso Classic; Reverso Classic Large; Reverso Duoface; Reverso Duetto;
            Reverso Squadra; Reverso Grande Taille
        Reverso Tribute: Reverso Tribute
        Master Ultra Thin: Master Ultra Thin; Master Ultra-Thin; =MUT
        Master Control: Master Control
        Master: Master Compressor; Master Grande Tradition; Master Extreme; Master Geographic
        Polaris: *Polaris
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
        Historiques: Historiques; American 1921; ^222
        Égérie: Égérie; Egerie
    """,
    "A. Lange & Söhne": """
        Lange 1: Lange 1; Lange One; Grand Lange 1; Lange 1 Moonphase; Lange 1 Daymatic
        Little Lange 1: Little Lange 1
        Datograph: Datograph; Datograph Up/Down
        Zeitwerk: Zeitwerk
        Saxonia: Saxonia; Saxonia Thin
        1815: ^1815; 1815 Chronograph; 1815 Up/Down
        Odysseus: Odysseus
        Richard Lange: Richard Lange
        Cabaret: Cabaret
    """,
    "Breitling": """
        Navitimer: ~Navitimer; Navitimer 01; Navitimer B01; Navitimer 8; Navitimer World; Old Navitimer;
            Navitimer Cosmonaute; Cosmonaute
        Superocean Heritage: Superocean Heritage; =SOH; Superocean Heritage II
        Superocean: Superocean; Super Ocean
        Avenger: *Avenger; Avenger Seawolf; Avenger II; Avenger Hurricane; Seawolf
        Super Avenger: Super Avenger
        Chronomat: Chronomat; Chronomat Evolution; Chronomat B01
        Premier: *Premier
        Top Time: Top Time
        Colt: *Colt
        Transocean: Transocean
        Aerospace: *Aerospace
        Emergency: *Emergency
        Endurance Pro: Endurance Pro
        Galactic: *Galactic
        Chronospace: Chronospace
        Montbrillant: Montbrillant
        Cockpit: *Cockpit
        Bentley: Breitling for Bentley; ^Bentley
    """,
    "TAG Heuer": """
        Carrera: Carrera; Carrera Chronograph; Carrera Calibre 16; Carrera Calibre 5; Carrera Calibre 1887;
            Carrera Heuer 01; Carrera Heuer 02; Carrera Glassbox
        Carrera Twin-Time: Carrera Twin-Time; Carrera Twin Time
        Monaco: *Monaco
        Aquaracer: Aquaracer
        Formula 1: Formula 1; Formula One; =F1
        Autavia: Autavia
        Link: @Link
        Monza: *Monza
        Kirium: Kirium
        Professional: Professional 1000; Heuer Professional; ^Professional; ^2000; 2000 Series
        Connected: ^Connected
    """,
    "Grand Seiko": """
        Snowflake: *Snowflake
        White Birch: White Birch
        Heritage: @Heritage Collection; ^Heritage
        Elegance: Elegance Collection; ^Elegance
        Evolution 9: Evolution 9
        Sport: Sport Collection
        Shunbun: Shunbun
        Omiwatari: Omiwatari
    """,
    "Seiko": """
        Seiko 5: Seiko 5; Seiko5
        Seiko 5 Sports: Seiko 5 Sports; 5 Sports; Seiko 5 Sport
        Presage: Presage; Cocktail Time; Presage Cocktail
        Presage Sharp Edged: Sharp Edge; Sharp Edged; Presage Sharp Edged
        Prospex: Prospex
        Prospex Alpinist: Alpinist; Prospex Alpinist
        Turtle: *Turtle; King Turtle
        Samurai: *Samurai
        Sumo: *Sumo
        Monster: *Monster
        Tuna: *Tuna
        Shogun: *Shogun
        Marinemaster: Marinemaster; Marine Master; =MM300; =MM200
        Captain Willard: Captain Willard; Willard
        King Seiko: King Seiko; =KS
        King Seiko Vanac: King Seiko Vanac; KS Vanac
        Lord Matic: Lord Matic; LordMatic
        Lord Marvel: Lord Marvel
        Astron: *Astron
        Black Series: Black Series
        Grand Quartz: Grand Quartz
        Chariot: *Chariot
        Essentials: @Essentials
        Noie: @Noie
        S-Wave: @S-Wave
        SQ: ^=SQ
        Bellmatic: Bellmatic
        Pogue: Pogue
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
        Defy: *Defy; Defy Classic; Defy Skyline; Defy Extreme; Defy Revival
        Pilot: Pilot Type 20; ^Pilot
        Elite: *Elite
        Port Royal: Port Royal
    """,
    "Swatch": """
        MoonSwatch: MoonSwatch; Moon Swatch; Mission to the Moon; Mission to Mars; Mission to Mercury
        Scuba Fifty Fathoms: Scuba Fifty Fathoms; Blancpain X Swatch; Blancpain x Swatch
        Sistem51: Sistem51; Sistem 51
    """,
    "Longines": """
        HydroConquest: HydroConquest; Hydro Conquest
        Conquest: *Conquest; Conquest V.H.P.; Conquest VHP
        Spirit: *Spirit; Spirit Zulu Time; Zulu Time
        Legend Diver: Legend Diver
        Master Collection: Master Collection
        La Grande Classique: La Grande Classique; Le Grande Classique; Grande Classique
        Heritage: Heritage Classic; ^Heritage
        Flagship: *Flagship
        DolceVita: DolceVita; Dolce Vita
        PrimaLuna: PrimaLuna
        Avigation: Avigation
        Ultra-Chron: Ultra-Chron; Ultra Chron
    """,
    "Hamilton": """
        Khaki Field: Khaki Field; Khaki Field Mechanical; Khaki Field Auto; Khaki Field Murph; Murph
        Khaki: Khaki; Khaki Aviation; Khaki Pilot
        Khaki Navy Frogman: Khaki Navy Frogman; *Frogman
        Khaki Navy: Khaki Navy; Khaki Scuba
        Jazzmaster: Jazzmaster
        Ventura: *Ventura
        Intra-Matic: Intra-Matic; Intramatic
        Accumatic: Accumatic
        Pan Europ: Pan Europ
        American Classic: American Classic
        Boulton: Boulton
    """,
    "Tissot": """
        PRX: PRX; PRX Powermatic 80
        Gentleman: *Gentleman
        Seastar: *Seastar
        Le Locle: Le Locle
        Classic Dream: Classic Dream
        Visodate: Visodate
        PR 100: PR 100; PR100
        T-Touch: T-Touch
        Heritage: ^Heritage
    """,
    "Oris": """
        Aquis: Aquis; Aquis Date
        Big Crown: Big Crown; Big Crown Pointer Date; Big Crown ProPilot
        Divers Sixty-Five: Divers Sixty-Five; Sixty-Five; Divers 65; ^65
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
        Marine: ^Marine
        Classique: ^Classique
        Tradition: ^Tradition
        Reine de Naples: Reine de Naples
    """,
    "Blancpain": """
        Fifty Fathoms: Fifty Fathoms; Fifty Fathoms Bathyscaphe; Bathyscaphe
        Villeret: Villeret
        Air Command: Air Command
    """,
    "Bell & Ross": """
        BR 01: BR 01; BR01
        BR 03: BR 03; BR03; BR 03-92; BR03-92
        BR 05: BR 05; BR05
        BR V2: BR V2; BRV2; BR V1
    """,
    "Bulgari": """
        Octo: Octo; Octo Finissimo; Finissimo
        Serpenti: Serpenti
        Bvlgari Bvlgari: Bvlgari Bvlgari; Bulgari Bulgari
    """,
    "Girard-Perregaux": """
        Laureato: Laureato
    """,
    "Ulysse Nardin": """
        Marine: Marine Chronometer; Marine Torpilleur; ^Marine
        Freak: *Freak
        Diver: Diver X; ^Diver
    """,
    "Nomos": """
        Tangente: Tangente; Tangomat
        Club: Club Sport; Club Neomatic; ^Club
        Club Campus: Club Campus
        Orion: *Orion
        Metro: ^Metro
        Ahoi: Ahoi
        Tetra: ^Tetra
        Lambda: ^Lambda
        Zürich: ^Zürich; ^Zurich
        Autobahn: Autobahn
    """,
    "Montblanc": """
        1858 Geosphere: 1858 Geosphere; Geosphere
        1858: ^1858
        Heritage: Heritage Chronométrie; ^Heritage
        Star Legacy: Star Legacy
        Timewalker: Timewalker
    """,
    "Yema": """
        Superman: *Superman
        Navygraf: Navygraf
    """,
    "Doxa": """
        SUB 300: SUB 300; Sub 300T
        Sub 200: Sub 200
        Sub 200T: Sub 200T
        Sub 600T: Sub 600T
        Sub 200 Sharkhunter: Sub 200 Sharkhunter; Sharkhunter
    """,
    "Squale": """
        1521: ^1521; ^50 Atmos
        20 Atmos: 20 Atmos
    """,
    "Casio": """
        G-Shock: G-Shock; GShock; Casioak; G Shock
        Baby-G: Baby-G
        Pro Trek: Pro Trek; ProTrek
        Edifice: Edifice
        Oceanus: Oceanus
        F-91W: F-91W; F91W
    """,
    "Citizen": """
        Promaster: Promaster
        Cosmotron: Cosmotron
        Eco-Drive: Eco-Drive; Eco Drive
        Tsuyosa: Tsuyosa
        Series 8: Series 8
        Chronomaster: ^Chronomaster
    """,
    "Orient": """
        Bambino: Bambino
        Kamasu: Kamasu
        Mako: ^Mako; Mako II; Mako USA
        Ray: ^Ray; Ray II
        Orient Star: Orient Star
        King Diver: King Diver
        Sports: ^Sports
    """,
    "F.P. Journe": """
        Chronomètre à Résonance: Chronomètre à Résonance; Chronometre a Resonance; Résonance; Resonance
        Tourbillon Souverain: Tourbillon Souverain; ^Vertical; Tourbillon Souverain Vertical
        Chronomètre Bleu: Chronomètre Bleu; Chronometre Bleu
        Octa: ^Octa
        Élégante: Élégante; Elegante
    """,
    "Lip": """
        Himalaya: *Himalaya
        Nautic-Ski: Nautic-Ski; Nautic Ski
    """,
    "Sinn": """
        U1: ^U1
        556: ^556
        556 A: ^556 A; ^556A
        104: ^104
        105 UTC: ^105 UTC; ^105
        356: ^356
        856 UTC: ^856 UTC
        856: ^856
        857: ^857
        EZM: ^EZM
        Navitimer: Navitimer
    """,
    "Vostok": """
        Amphibia: Amphibia
        Komandirskie: Komandirskie
    """,
    "Herbelin": """
        Newport: *Newport
    """,
    "Bremont": """
        ALT1-C: ALT1-C; ALT1
        Supermarine: Supermarine
    """,
    "Christopher Ward": """
        C60 Trident: C60 Trident; C60
        C63 Sealander: C63 Sealander
        C65: C65; C65 Dune; C65 Sandhurst
        The Twelve: The Twelve
    """,
    "Certina": """
        DS: ^DS; DS Action; DS-1
        DS+: DS+
    """,
    "Mido": """
        Ocean Star: Ocean Star; Ocean Star Powerwind
        Commander: *Commander
        Multifort: Multifort
        Baroncelli: Baroncelli
    """,
    "Raymond Weil": """
        Tango: @Tango
        Freelancer: Freelancer
        Maestro: @Maestro
    """,
    "Frederique Constant": """
        Chopin: @Chopin
        Highlife: Highlife
        Slimline: Slimline
    """,
    "Rado": """
        Captain Cook: Captain Cook
        True Thinline: True Thinline
        Centrix: Centrix
        HyperChrome: HyperChrome
        DiaStar: DiaStar
        Voyager: @Voyager
    """,
    "Junghans": """
        Max Bill: Max Bill
        Form C: Form C
        Meister: @Meister
    """,
    "Glycine": """
        Airman: Airman
        Combat: @Combat
    """,
    "Ball": """
        Engineer: @Engineer
        Fireman: @Fireman
        Fireman Night Train: Fireman Night Train
        Roadmaster: @Roadmaster
        Trainmaster: @Trainmaster
    """,
    "Fossil": """
        Grant: @Grant
        Sloan: @Sloan
        Neutra: @Neutra
        Machine: @Machine
        Townsman: @Townsman
    """,
    "Michael Kors": """
        Lennox: @Lennox
        Bradshaw: @Bradshaw
        Runway: @Runway
    """,
    "Coach": """
        Harrison: @Harrison
        Cruiser: @Cruiser
        Boyfriend: @Boyfriend
        Madison: @Madison
    """,
    "Movado": """
        Bold: @Bold
        Museum: @Museum
    """,
    "Zodiac": """
        Super Sea Wolf: Super Sea Wolf
        Sea Wolf: Sea Wolf
        Olympos: Olympos
    """,
    "Baltic": """
        Aquascaphe: Aquascaphe
        Bicompax: Bicompax
        Hermétique: Hermétique; Hermetique
        Hermétique Tourer: Hermétique Tourer; Hermetique Tourer
    """,
    "Glashütte Original": """
        Senator: @Senator
        PanoMatic: PanoMatic; PanoReserve; PanoInverse
        Seventies: @Seventies
    """,
    "Timex": """
        Marlin: @Marlin
        Q Timex: Q Timex
        Expedition: @Expedition
    """,
    "Invicta": """
        Pro Diver: @Pro Diver
    """,
    "Vaer": """
        D4 Meridian: D4 Meridian; ^D4
    """,
    "Helm": """
        Khuraburi: Khuraburi
        Vanuatu: Vanuatu
    """,
    "Unimatic": """
        Modello Uno: Modello Uno
    """,
    "Titoni": """
        Seascoper: Seascoper; Seascoper 300
    """,
    "Zelos": """
        Blacktip: Blacktip
        Mako: ^Mako
    """,
    "Gruen": """
        Veri-Thin: Veri-Thin; Veri Thin
    """,
    "Farer": """
        World Timer Roche: World Timer Roche
    """,
    "Phoibos": """
        Leviathan: Leviathan
    """,
    "Waltham": """
        Crescent Street: Crescent Street; Crescent St
    """,
    "Ice-Watch": """
        Sunshine: @Sunshine
    """,
    "Tory Burch": """
        Robinson: @Robinson
    """,
    "Nixon": """
        Ranger: @Ranger
    """,
    "Perrelet": """
        Turbine: @Turbine
    """,
    "Jacob & Co.": """
        Five Time Zone: Five Time Zone
        Astronomia: Astronomia
        Epic X: Epic X
    """,
    "Gerald Genta": """
        Retro Sport: Retro Sport
    """,
    "Leijona": """
        Jarwi: Jarwi
    """,
}
