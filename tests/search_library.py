"""A library of patient texts and judged queries for measuring search (issue 21); test data, written for this test.

Each item exists in English and Italian, as the portal's content does. `ITEMS` rows are
(key, kind, topic, {language: (title, summary, body)}); a procedure's body is its "what it is" section, an FAQ has no
summary. `QUERIES[language]` rows are (query, the key of the page that should come first, other keys that are also
relevant). Every item of the best page's topic counts as relevant too.
"""

ITEMS = [
    # --- Acne ------------------------------------------------------------------------------------------------------
    ("acne", "article", "acne", {
        "en": (
            "Acne: what it is and why it happens",
            "Blocked pores, oil and bacteria cause spots on the face, chest and back.",
            "Acne starts when the tiny openings of your skin (pores) get blocked with oil (sebum) and dead skin. "
            "Bacteria then grow in the blocked pore. This causes red, swollen spots, blackheads and whiteheads.\n\n"
            "## Who gets it\n\nMost teenagers get some acne. Many adults get it too, especially women. Hormones, "
            "some medicines and stress can make it worse.\n\n## What does not cause it\n\nAcne is not caused by "
            "dirty skin. Scrubbing hard can make it worse.",
        ),
        "it": (
            "Acne: che cos'è e perché compare",
            "Pori chiusi, sebo e batteri causano brufoli su viso, petto e schiena.",
            "L'acne inizia quando i piccoli fori della pelle (pori) si chiudono con sebo e cellule morte. Nel poro "
            "chiuso crescono i batteri. Così compaiono brufoli rossi e gonfi, punti neri e punti bianchi.\n\n"
            "## Chi ne soffre\n\nQuasi tutti i ragazzi hanno un po' di acne. Anche molti adulti, soprattutto le "
            "donne. Ormoni, alcuni farmaci e lo stress possono peggiorarla.\n\n## Cosa non la causa\n\nL'acne non "
            "dipende dalla pelle sporca. Strofinare forte può peggiorarla.",
        ),
    }),
    ("acne-treatments", "article", "acne", {
        "en": (
            "Treatments for acne",
            "Creams, gels and tablets that calm spots, and how long they take to work.",
            "Mild acne often gets better with a cream or gel that contains benzoyl peroxide or a retinoid. Put it on "
            "all the area, not just on each spot.\n\nFor moderate acne your doctor may add antibiotic tablets for a "
            "few months. Some women are helped by the contraceptive pill.\n\nEvery treatment takes six to eight weeks "
            "to work. Keep going even if you see no change at first.",
        ),
        "it": (
            "Le cure per l'acne",
            "Creme, gel e compresse che calmano i brufoli, e quanto tempo servono.",
            "L'acne lieve spesso migliora con una crema o un gel al perossido di benzoile o con un retinoide. "
            "Stendilo su tutta la zona, non solo sul singolo brufolo.\n\nPer l'acne moderata il medico può "
            "aggiungere un antibiotico in compresse per qualche mese. Ad alcune donne è utile la pillola.\n\nOgni cura "
            "richiede sei-otto settimane. Continua anche se all'inizio non vedi cambiamenti.",
        ),
    }),
    ("isotretinoin", "article", "acne", {
        "en": (
            "Isotretinoin tablets for severe acne",
            "A strong medicine for acne that other treatments have not helped.",
            "Isotretinoin is a tablet you take every day for four to six months. It shrinks the glands that make oil, "
            "so acne clears in most people.\n\nDry lips, dry skin and nosebleeds are common. Tell your doctor about "
            "any change in your mood.\n\nIsotretinoin harms an unborn baby. If you could get pregnant you must use "
            "contraception and have a pregnancy test every month.",
        ),
        "it": (
            "Isotretinoina in compresse per l'acne grave",
            "Un farmaco forte per l'acne che non è migliorata con altre cure.",
            "L'isotretinoina è una compressa da prendere ogni giorno per quattro-sei mesi. Riduce le ghiandole che "
            "producono il sebo, e nella maggior parte delle persone l'acne guarisce.\n\nSono comuni labbra secche, "
            "pelle secca e sangue dal naso. Avvisa il medico se il tuo umore cambia.\n\nL'isotretinoina danneggia il "
            "bambino in gravidanza. Se puoi rimanere incinta devi usare un contraccettivo e fare un test di "
            "gravidanza ogni mese.",
        ),
    }),
    ("faq-chocolate", "faq", "acne", {
        "en": (
            "Does chocolate cause acne?",
            "",
            "There is no strong proof. Some studies link sugary food and milk with more spots, but the effect is "
            "small. Eating a healthy diet is good for you anyway.",
        ),
        "it": (
            "Il cioccolato fa venire l'acne?",
            "",
            "Non ci sono prove forti. Alcuni studi collegano i cibi zuccherati e il latte a più brufoli, ma l'effetto "
            "è piccolo. Mangiare sano fa comunque bene.",
        ),
    }),
    ("faq-squeeze", "faq", "acne", {
        "en": (
            "Should I squeeze my spots?",
            "",
            "No. Squeezing pushes the infection deeper and can leave a scar. Let the spot heal on its own, or ask us "
            "about treatment.",
        ),
        "it": (
            "Posso schiacciare i brufoli?",
            "",
            "No. Schiacciarli spinge l'infezione più in profondità e può lasciare una cicatrice. Lascia che guariscano "
            "da soli, oppure chiedici una cura.",
        ),
    }),
    # --- Rosacea ---------------------------------------------------------------------------------------------------
    ("rosacea", "article", "rosacea", {
        "en": (
            "Rosacea: redness and flushing on the face",
            "A long-lasting skin condition that makes the cheeks and nose red.",
            "Rosacea makes your face flush easily. Over time the redness can stay, and small blood vessels may show. "
            "Some people get pimples that look like acne.\n\n## Triggers\n\nHot drinks, alcohol, spicy food, sun and "
            "heat often make it worse. A diary helps you find your own triggers.\n\n## Treatment\n\nCreams such as "
            "ivermectin or metronidazole calm the pimples. Laser or light treatment can reduce visible vessels.",
        ),
        "it": (
            "Rosacea: rossore e vampate sul viso",
            "Un disturbo della pelle che dura nel tempo e arrossa guance e naso.",
            "Con la rosacea il viso si arrossa facilmente. Col tempo il rossore può restare e si vedono piccoli vasi "
            "sanguigni. Alcune persone hanno brufoletti simili all'acne.\n\n## Cosa la scatena\n\nBevande calde, "
            "alcol, cibi piccanti, sole e caldo spesso la peggiorano. Un diario ti aiuta a capire cosa la scatena "
            "nel tuo caso.\n\n## Cure\n\nCreme all'ivermectina o al metronidazolo calmano i brufoletti. Il laser o "
            "la luce pulsata riducono i vasi visibili.",
        ),
    }),
    ("faq-rosacea-cure", "faq", "rosacea", {
        "en": (
            "Can rosacea be cured?",
            "",
            "There is no cure yet, but treatment keeps it under control for most people. It often comes and goes, so "
            "you may need treatment again.",
        ),
        "it": (
            "La rosacea si può curare per sempre?",
            "",
            "Per ora non guarisce del tutto, ma le cure la tengono sotto controllo nella maggior parte delle persone. "
            "Spesso va e viene, quindi potresti aver bisogno di nuove cure.",
        ),
    }),
    ("vascular-laser", "procedure", "rosacea", {
        "en": (
            "Laser treatment for facial redness and thread veins",
            "Light energy closes small visible blood vessels on the face.",
            "A laser sends short pulses of light into the skin. The light heats the small vessels so they close and "
            "fade. You feel a snap like a rubber band. Most people need two to four sessions a month apart.",
        ),
        "it": (
            "Laser per il rossore del viso e i capillari",
            "La luce chiude i piccoli vasi sanguigni visibili sul viso.",
            "Il laser invia brevi impulsi di luce nella pelle. La luce scalda i piccoli vasi, che si chiudono e "
            "sbiadiscono. Senti uno scatto come un elastico. Di solito servono da due a quattro sedute a un mese di "
            "distanza.",
        ),
    }),
    # --- Eczema ----------------------------------------------------------------------------------------------------
    ("eczema", "article", "eczema", {
        "en": (
            "Eczema (atopic dermatitis) in adults and children",
            "Dry, itchy, inflamed skin that comes and goes.",
            "Eczema makes the skin dry, red and very itchy. It often starts in childhood, on the face, in the elbow "
            "creases and behind the knees.\n\n## What helps\n\nUse a moisturiser every day, even when your skin looks "
            "fine. Use soap substitutes. Steroid creams calm flare-ups.\n\n## When to call us\n\nCall us if the skin "
            "weeps, crusts or hurts: it may be infected.",
        ),
        "it": (
            "Eczema (dermatite atopica) in adulti e bambini",
            "Pelle secca, che prude ed è infiammata, a fasi alterne.",
            "L'eczema rende la pelle secca, rossa e con un forte prurito. Spesso inizia da bambini, sul viso, nelle "
            "pieghe dei gomiti e dietro le ginocchia.\n\n## Cosa aiuta\n\nUsa una crema idratante ogni giorno, anche "
            "quando la pelle sembra a posto. Lava con detergenti delicati al posto del sapone. Le creme al cortisone "
            "calmano le riacutizzazioni.\n\n## Quando chiamarci\n\nChiamaci se la pelle trasuda, fa croste o fa "
            "male: potrebbe essere infetta.",
        ),
    }),
    ("emollients", "article", "eczema", {
        "en": (
            "Using moisturisers (emollients) for eczema",
            "How much moisturiser to use, how often, and which kind.",
            "Moisturisers (emollients) keep water in the skin and protect it. Use them at least twice a day and after "
            "every wash. Smooth them on in the direction the hair grows. Thick ointments work best on very dry skin; "
            "lighter creams suit the daytime.",
        ),
        "it": (
            "Le creme idratanti (emollienti) per l'eczema",
            "Quanta crema usare, quante volte e di che tipo.",
            "Le creme idratanti (emollienti) trattengono l'acqua nella pelle e la proteggono. Usale almeno due volte "
            "al giorno e dopo ogni lavaggio. Stendile nel verso dei peli. Gli unguenti densi vanno meglio sulla pelle "
            "molto secca; le creme leggere sono adatte di giorno.",
        ),
    }),
    ("faq-eczema-contagious", "faq", "eczema", {
        "en": (
            "Is eczema contagious?",
            "",
            "No. You cannot catch eczema from someone or give it to anyone. Infected eczema can spread germs, so wash "
            "your hands after touching weeping skin.",
        ),
        "it": (
            "L'eczema è contagioso?",
            "",
            "No. L'eczema non si prende da un'altra persona e non si trasmette. L'eczema infetto può diffondere i "
            "germi: lavati le mani dopo aver toccato la pelle che trasuda.",
        ),
    }),
    ("faq-steroid", "faq", "eczema", {
        "en": (
            "Are steroid creams safe for eczema?",
            "",
            "Used as your doctor advises, for short courses, steroid creams are a well-tested treatment. Thinning of "
            "the skin can happen with strong creams used for a long time, so follow the plan you are given.",
        ),
        "it": (
            "Le creme al cortisone per l'eczema sono sicure?",
            "",
            "Usate come dice il medico, per brevi periodi, le creme al cortisone sono una cura ben studiata. Con le "
            "creme forti usate a lungo la pelle può assottigliarsi, quindi segui lo schema che ti diamo.",
        ),
    }),
    # --- Psoriasis -------------------------------------------------------------------------------------------------
    ("psoriasis", "article", "psoriasis", {
        "en": (
            "Psoriasis: thick, scaly patches on the skin",
            "Why the skin builds up in red patches, and the treatments that help.",
            "In psoriasis the skin renews itself too fast. Cells pile up in raised red patches with silvery scales, "
            "often on the elbows, knees and scalp. Some people also get sore joints.\n\n## Treatment\n\nCreams with "
            "vitamin D or steroids help mild psoriasis. Light therapy and tablets or injections help when it covers "
            "a large area.",
        ),
        "it": (
            "Psoriasi: chiazze spesse che si squamano",
            "Perché la pelle si accumula in chiazze rosse, e le cure che aiutano.",
            "Nella psoriasi la pelle si rinnova troppo in fretta. Le cellule si accumulano in chiazze rosse in "
            "rilievo con squame argentate, spesso su gomiti, ginocchia e cuoio capelluto. Alcune persone hanno anche "
            "dolore alle articolazioni.\n\n## Cure\n\nLe creme con vitamina D o cortisone aiutano la psoriasi lieve. "
            "La fototerapia e le compresse o le iniezioni aiutano quando le chiazze sono estese.",
        ),
    }),
    ("phototherapy", "procedure", "psoriasis", {
        "en": (
            "Light therapy (phototherapy) for psoriasis",
            "Controlled doses of ultraviolet light slow the skin down.",
            "You stand in a cabinet that gives a measured dose of ultraviolet B light. Each session lasts a few "
            "minutes. You come two or three times a week for about ten weeks. The skin may go pink, like mild "
            "sunburn.",
        ),
        "it": (
            "Fototerapia per la psoriasi",
            "Dosi controllate di luce ultravioletta rallentano la pelle.",
            "Stai in piedi in una cabina che emette una dose misurata di luce ultravioletta B. Ogni seduta dura pochi "
            "minuti. Vieni due o tre volte alla settimana per circa dieci settimane. La pelle può arrossarsi un "
            "poco, come dopo una leggera scottatura.",
        ),
    }),
    ("faq-psoriasis-contagious", "faq", "psoriasis", {
        "en": (
            "Can you catch psoriasis from someone?",
            "",
            "No, psoriasis is not contagious. It comes from the immune system and often runs in families.",
        ),
        "it": (
            "La psoriasi si può prendere da qualcuno?",
            "",
            "No, la psoriasi non è contagiosa. Dipende dal sistema immunitario e spesso è presente in più persone "
            "della stessa famiglia.",
        ),
    }),
    # --- Moles and skin cancer -------------------------------------------------------------------------------------
    ("moles", "article", "moles", {
        "en": (
            "Moles: when to get one checked",
            "Most moles are harmless; these changes mean you should see us.",
            "A mole is a small spot of coloured skin cells. Most people have between ten and forty.\n\n## Signs to "
            "check\n\nShow us a mole that changes shape, size or colour, has an uneven edge or several colours, "
            "itches or bleeds, or looks different from your other moles. A new mole after the age of thirty also "
            "needs a look.",
        ),
        "it": (
            "Nei: quando farli controllare",
            "Quasi tutti i nei sono innocui; questi cambiamenti vanno fatti vedere.",
            "Un neo è una piccola macchia di cellule colorate della pelle. Quasi tutti ne hanno tra dieci e "
            "quaranta.\n\n## Segni da controllare\n\nFacci vedere un neo che cambia forma, misura o colore, ha il "
            "bordo irregolare o più colori, prude o sanguina, o è diverso dagli altri. Anche un neo nuovo dopo i "
            "trent'anni va controllato.",
        ),
    }),
    ("mole-removal", "procedure", "moles", {
        "en": (
            "Mole removal",
            "A short operation under local anaesthetic to remove a mole and check it.",
            "We numb the skin with a small injection, then cut out the mole or shave it off. The mole goes to the "
            "laboratory. You may have stitches for one or two weeks. A small scar remains.",
        ),
        "it": (
            "Asportazione di un neo",
            "Un breve intervento in anestesia locale per togliere un neo e analizzarlo.",
            "Addormentiamo la pelle con una piccola iniezione, poi togliamo il neo con un taglio o lo rasiamo. Il neo "
            "va in laboratorio. Potresti avere dei punti per una o due settimane. Resta una piccola cicatrice.",
        ),
    }),
    ("faq-mole-check", "faq", "moles", {
        "en": (
            "How often should I have my moles checked?",
            "",
            "Check your own skin once a month. If you have many moles, fair skin or a family history of melanoma, "
            "have a skin check with us once a year.",
        ),
        "it": (
            "Ogni quanto devo far controllare i nei?",
            "",
            "Controlla la tua pelle una volta al mese. Se hai molti nei, la pelle chiara o casi di melanoma in "
            "famiglia, fai un controllo da noi una volta all'anno.",
        ),
    }),
    ("melanoma", "article", "moles", {
        "en": (
            "Melanoma: the most serious skin cancer",
            "How melanoma starts, who is at risk, and why early checks matter.",
            "Melanoma is a cancer of the cells that colour the skin. It can start in a mole or in normal skin. "
            "Sunburn, sunbeds and fair skin raise the risk. Found early, it can usually be removed completely with a "
            "small operation.",
        ),
        "it": (
            "Melanoma: il tumore della pelle più serio",
            "Come nasce il melanoma, chi è più a rischio e perché i controlli precoci contano.",
            "Il melanoma è un tumore delle cellule che danno colore alla pelle. Può nascere da un neo o da pelle "
            "normale. Scottature, lampade abbronzanti e pelle chiara aumentano il rischio. Scoperto presto, di solito "
            "si toglie del tutto con un piccolo intervento.",
        ),
    }),
    # --- Sun protection --------------------------------------------------------------------------------------------
    ("sunscreen", "article", "sun", {
        "en": (
            "Sunscreen: how to choose it and use it",
            "Which sun cream to buy, how much to put on and how often.",
            "Choose a sunscreen with SPF 30 or more that also protects against UVA. Most people put on too little: "
            "use about six teaspoons for the whole body. Put it on again every two hours and after swimming.\n\n"
            "Shade, a hat and clothes protect you too. Keep babies out of direct sun.",
        ),
        "it": (
            "Crema solare: come sceglierla e usarla",
            "Quale protezione solare comprare, quanta metterne e ogni quanto.",
            "Scegli una crema solare con SPF 30 o più che protegga anche dagli UVA. Quasi tutti ne mettono troppo "
            "poca: per tutto il corpo servono circa sei cucchiaini. Rimettila ogni due ore e dopo il bagno. Le creme "
            "solari non bastano da sole.\n\nAnche l'ombra, un cappello e i vestiti ti proteggono. Tieni i neonati "
            "lontano dal sole diretto.",
        ),
    }),
    ("faq-spf", "faq", "sun", {
        "en": (
            "What does SPF mean?",
            "",
            "SPF stands for sun protection factor. It tells you how well a sunscreen protects against sunburn (UVB). "
            "SPF 30 blocks about 97 in every 100 rays if you put enough on.",
        ),
        "it": (
            "Cosa vuol dire SPF?",
            "",
            "SPF significa fattore di protezione solare. Indica quanto una crema protegge dalle scottature (UVB). "
            "Un SPF 30 blocca circa 97 raggi su 100 se ne metti abbastanza.",
        ),
    }),
    ("sunburn", "article", "sun", {
        "en": (
            "Sunburn: what to do",
            "How to soothe burnt skin, and when sunburn needs a doctor.",
            "Get out of the sun. Cool the skin with a cool shower and use a gentle moisturiser. Drink water. "
            "Painkillers can help.\n\nGet help if you have blisters over a large area, a fever, or feel dizzy or "
            "sick.",
        ),
        "it": (
            "Scottatura solare: cosa fare",
            "Come calmare la pelle scottata, e quando serve il medico.",
            "Mettiti all'ombra. Rinfresca la pelle con una doccia fresca e usa una crema idratante delicata. Bevi "
            "acqua. Gli antidolorifici possono aiutare.\n\nChiedi aiuto se hai vesciche su una zona ampia, febbre, "
            "capogiri o nausea.",
        ),
    }),
    ("faq-cloudy", "faq", "sun", {
        "en": (
            "Do I need sunscreen on cloudy days?",
            "",
            "Yes. Most ultraviolet rays pass through clouds. From spring to autumn, use it whenever you are outside "
            "for long.",
        ),
        "it": (
            "Serve la crema solare quando è nuvoloso?",
            "",
            "Sì. Quasi tutti i raggi ultravioletti passano attraverso le nuvole. Dalla primavera all'autunno usala "
            "ogni volta che stai a lungo all'aperto.",
        ),
    }),
    # --- Warts -----------------------------------------------------------------------------------------------------
    ("warts", "article", "warts", {
        "en": (
            "Warts and verrucas",
            "Small rough growths caused by a virus, and how to get rid of them.",
            "Warts are small, rough lumps caused by a virus. On the sole of the foot they are called verrucas. Most go "
            "away on their own within two years.\n\nSalicylic acid from the pharmacy works for many people if used "
            "every day for up to three months. Freezing is another choice.",
        ),
        "it": (
            "Verruche e porri",
            "Piccole escrescenze ruvide causate da un virus, e come eliminarle.",
            "Le verruche (chiamate anche porri) sono piccole escrescenze ruvide causate da un virus. Sotto il piede "
            "si chiamano verruche plantari. Quasi tutte spariscono da sole entro due anni.\n\nL'acido salicilico "
            "della farmacia funziona per molti se usato ogni giorno fino a tre mesi. Il congelamento è un'altra "
            "scelta.",
        ),
    }),
    ("cryotherapy", "procedure", "warts", {
        "en": (
            "Freezing warts (cryotherapy)",
            "Liquid nitrogen freezes the wart so it falls off.",
            "We spray very cold liquid nitrogen on the wart for a few seconds. It stings. A blister may form and the "
            "wart falls off within two weeks. You may need three or four sessions.",
        ),
        "it": (
            "Crioterapia delle verruche",
            "L'azoto liquido congela la verruca, che poi cade.",
            "Spruzziamo azoto liquido molto freddo sulla verruca per qualche secondo. Brucia un poco. Può formarsi una "
            "vescica e la verruca cade entro due settimane. Possono servire tre o quattro sedute.",
        ),
    }),
    ("faq-warts-contagious", "faq", "warts", {
        "en": (
            "Are warts contagious?",
            "",
            "Yes, a little. The virus spreads by touch and on wet floors. Cover verrucas when swimming and do not "
            "share towels.",
        ),
        "it": (
            "Le verruche sono contagiose?",
            "",
            "Sì, un poco. Il virus passa col contatto e sui pavimenti bagnati. Copri le verruche in piscina e non "
            "scambiare gli asciugamani.",
        ),
    }),
    # --- Hair loss -------------------------------------------------------------------------------------------------
    ("hair-loss", "article", "hair", {
        "en": (
            "Hair loss in men and women",
            "The common kinds of hair loss and the treatments that work.",
            "Losing up to 100 hairs a day is normal. Pattern hair loss runs in families: men lose hair at the temples "
            "and crown, women see thinning on top.\n\nPatchy hair loss (alopecia areata) comes from the immune "
            "system. Minoxidil lotion helps many people; results take six months.",
        ),
        "it": (
            "Caduta dei capelli in uomini e donne",
            "I tipi più comuni di caduta dei capelli e le cure che funzionano.",
            "Perdere fino a 100 capelli al giorno è normale. La calvizie ereditaria è di famiglia: gli uomini "
            "perdono capelli alle tempie e sulla nuca, le donne vedono diradarsi la parte alta.\n\nLa caduta a "
            "chiazze (alopecia areata) dipende dal sistema immunitario. La lozione al minoxidil aiuta molti; i "
            "risultati arrivano in sei mesi.",
        ),
    }),
    ("faq-stress-hair", "faq", "hair", {
        "en": (
            "Can stress make my hair fall out?",
            "",
            "Yes. A shock, an illness or a birth can make a lot of hair shed two to three months later. It almost "
            "always grows back within a year.",
        ),
        "it": (
            "Lo stress fa cadere i capelli?",
            "",
            "Sì. Uno shock, una malattia o un parto possono far cadere molti capelli due o tre mesi dopo. Quasi "
            "sempre ricrescono entro un anno.",
        ),
    }),
    ("prp", "procedure", "hair", {
        "en": (
            "Platelet-rich plasma (PRP) injections for hair loss",
            "Your own blood, concentrated, is injected into the scalp.",
            "We take a little of your blood and spin it to concentrate the platelets. We inject this plasma into the "
            "thinning areas of the scalp. Evidence that it helps is limited and mixed. Most clinics suggest three "
            "sessions a month apart.",
        ),
        "it": (
            "Plasma ricco di piastrine (PRP) per la caduta dei capelli",
            "Il tuo sangue, concentrato, viene iniettato nel cuoio capelluto.",
            "Preleviamo un po' del tuo sangue e lo centrifughiamo per concentrare le piastrine. Iniettiamo questo "
            "plasma nelle zone diradate del cuoio capelluto. Le prove che funzioni sono poche e discordanti. Di solito "
            "si fanno tre sedute a un mese di distanza.",
        ),
    }),
    # --- Scars -----------------------------------------------------------------------------------------------------
    ("acne-scars", "article", "scars", {
        "en": (
            "Acne scars: what can help",
            "Pitted and raised scars left by acne, and the treatments that improve them.",
            "Deep spots can leave pitted scars or raised scars. Treat active acne first, to stop new scars.\n\n"
            "Laser resurfacing, microneedling and chemical peels can make pitted scars shallower. Several sessions "
            "are usually needed, and scars improve rather than vanish.",
        ),
        "it": (
            "Cicatrici da acne: cosa può aiutare",
            "Le cicatrici incavate o in rilievo lasciate dall'acne, e le cure che le migliorano.",
            "I brufoli profondi possono lasciare cicatrici incavate o in rilievo. Prima cura l'acne attiva, per "
            "evitare nuove cicatrici.\n\nIl laser, il microneedling e il peeling chimico possono rendere meno "
            "profonde le cicatrici incavate. Di solito servono più sedute, e le cicatrici migliorano ma non "
            "spariscono.",
        ),
    }),
    ("laser-resurfacing", "procedure", "scars", {
        "en": (
            "Laser resurfacing for scars",
            "A laser removes thin layers of skin so smoother skin grows back.",
            "After a numbing cream, the laser treats the skin in tiny columns. The skin is red and swollen for a few "
            "days, then peels. Protect it from the sun for three months. Darker skin has a higher risk of colour "
            "changes.",
        ),
        "it": (
            "Laser per le cicatrici",
            "Il laser toglie strati sottili di pelle, che ricresce più liscia.",
            "Dopo una crema anestetica, il laser tratta la pelle in colonne minuscole. Per qualche giorno la pelle è "
            "rossa e gonfia, poi si spella. Proteggila dal sole per tre mesi. Sulla pelle scura il rischio di "
            "macchie è più alto.",
        ),
    }),
    ("keloid", "article", "scars", {
        "en": (
            "Keloid and raised scars",
            "Scars that grow beyond the wound, and how they are treated.",
            "A keloid is a scar that keeps growing past the edge of the wound. It can itch or hurt. Keloids are more "
            "common on the chest, shoulders and ear lobes, and in darker skin. Steroid injections and silicone "
            "sheets flatten them.",
        ),
        "it": (
            "Cheloidi e cicatrici in rilievo",
            "Cicatrici che crescono oltre la ferita, e come si curano.",
            "Un cheloide è una cicatrice che continua a crescere oltre il bordo della ferita. Può prudere o fare male. "
            "I cheloidi sono più frequenti su petto, spalle e lobi delle orecchie, e sulla pelle scura. Le "
            "iniezioni di cortisone e i cerotti al silicone li appiattiscono.",
        ),
    }),
    ("faq-scar-fade", "faq", "scars", {
        "en": (
            "Will my scar fade?",
            "",
            "Most scars fade and flatten over one to two years. Massage with a moisturiser and sun protection help. "
            "A scar never disappears completely.",
        ),
        "it": (
            "La mia cicatrice si schiarirà?",
            "",
            "Quasi tutte le cicatrici si schiariscono e si appiattiscono in uno o due anni. Aiutano il massaggio con "
            "una crema idratante e la protezione dal sole. Una cicatrice non sparisce mai del tutto.",
        ),
    }),
    # --- Botulinum toxin -------------------------------------------------------------------------------------------
    ("botox-wrinkles", "procedure", "toxin", {
        "en": (
            "Botulinum toxin injections for lines and wrinkles",
            "Small injections relax the muscles that cause frown lines and crow's feet.",
            "Botulinum toxin (Botox is one brand) relaxes the muscles it is injected into, so the lines above them "
            "soften. The injections take about ten minutes. The effect starts after three to five days and lasts "
            "three to four months.\n\n## Urgent\n\nIf you have difficulty swallowing, breathing or speaking, call "
            "112 at once.",
        ),
        "it": (
            "Tossina botulinica per rughe e linee d'espressione",
            "Piccole iniezioni rilassano i muscoli che formano le rughe della fronte e le zampe di gallina.",
            "La tossina botulinica (il Botox è una marca) rilassa i muscoli in cui viene iniettata, così le rughe "
            "sopra si distendono. Le iniezioni durano una decina di minuti. L'effetto inizia dopo tre-cinque giorni "
            "e dura tre-quattro mesi.\n\n## Urgente\n\nSe fai fatica a deglutire, respirare o parlare, chiama subito "
            "il 112.",
        ),
    }),
    ("botox-sweating", "procedure", "toxin", {
        "en": (
            "Botulinum toxin for excessive sweating",
            "Injections in the armpits reduce heavy sweating for several months.",
            "Heavy sweating (hyperhidrosis) of the armpits can be treated with many small injections of botulinum "
            "toxin into the skin. Sweating drops within two weeks. The effect lasts four to nine months.",
        ),
        "it": (
            "Tossina botulinica per la sudorazione eccessiva",
            "Iniezioni nelle ascelle riducono il sudore abbondante per alcuni mesi.",
            "La sudorazione abbondante delle ascelle (iperidrosi) si può trattare con molte piccole iniezioni di "
            "tossina botulinica nella pelle. Il sudore cala entro due settimane. L'effetto dura da quattro a nove "
            "mesi.",
        ),
    }),
    ("faq-botox-last", "faq", "toxin", {
        "en": (
            "How long does botulinum toxin last?",
            "",
            "For lines, usually three to four months. For sweating, four to nine months. The effect wears off "
            "slowly and you can have it again.",
        ),
        "it": (
            "Quanto dura l'effetto della tossina botulinica?",
            "",
            "Per le rughe, di solito tre-quattro mesi. Per il sudore, da quattro a nove mesi. L'effetto svanisce "
            "piano piano e si può ripetere.",
        ),
    }),
    ("faq-botox-after", "faq", "toxin", {
        "en": (
            "What should I avoid after botulinum toxin injections?",
            "",
            "For four hours, do not lie down or rub the area. Skip hard exercise, saunas and alcohol for a day. "
            "Small bruises are common and fade in a few days.",
        ),
        "it": (
            "Cosa devo evitare dopo le iniezioni di tossina botulinica?",
            "",
            "Per quattro ore non sdraiarti e non massaggiare la zona. Evita sport intenso, sauna e alcol per un "
            "giorno. Piccoli lividi sono comuni e spariscono in pochi giorni.",
        ),
    }),
    # --- Fillers ---------------------------------------------------------------------------------------------------
    ("fillers", "procedure", "fillers", {
        "en": (
            "Dermal fillers (hyaluronic acid)",
            "A gel injected under the skin to restore volume or smooth folds.",
            "Most fillers are made of hyaluronic acid, a sugar the body makes too. The gel fills lips, cheeks or "
            "folds. Results show at once and last six to eighteen months. Swelling and bruising are common for a "
            "few days.",
        ),
        "it": (
            "Filler (acido ialuronico)",
            "Un gel iniettato sotto la pelle per ridare volume o distendere i solchi.",
            "Quasi tutti i filler sono fatti di acido ialuronico, uno zucchero che produce anche il corpo. Il gel "
            "riempie labbra, zigomi o solchi. Il risultato si vede subito e dura da sei a diciotto mesi. Gonfiore e "
            "lividi sono comuni per qualche giorno.",
        ),
    }),
    ("faq-filler-dissolve", "faq", "fillers", {
        "en": (
            "Can fillers be dissolved?",
            "",
            "Hyaluronic acid fillers can be dissolved with an enzyme called hyaluronidase. It works within a day or "
            "two.",
        ),
        "it": (
            "Un filler si può sciogliere?",
            "",
            "I filler all'acido ialuronico si sciolgono con un enzima, la ialuronidasi. Agisce in uno o due giorni.",
        ),
    }),
    ("faq-lip-risks", "faq", "fillers", {
        "en": (
            "What are the risks of lip fillers?",
            "",
            "Swelling, bruising and lumps are common and settle. Rarely, filler blocks a blood vessel: severe pain or "
            "pale or dusky skin needs help the same day.",
        ),
        "it": (
            "Quali sono i rischi del filler alle labbra?",
            "",
            "Gonfiore, lividi e piccoli noduli sono comuni e passano. Raramente il filler chiude un vaso sanguigno: "
            "un dolore forte o la pelle pallida o scura richiedono aiuto in giornata.",
        ),
    }),
    # --- Peels and other topics ------------------------------------------------------------------------------------
    ("peel", "procedure", "peels", {
        "en": (
            "Chemical peel",
            "An acid solution removes the top layer of skin for a fresher, even tone.",
            "A mild acid is brushed on the skin for a few minutes, then washed off. It tingles. The skin flakes for "
            "three to seven days. Peels help dark marks, mild acne and fine lines.",
        ),
        "it": (
            "Peeling chimico",
            "Una soluzione acida toglie lo strato superficiale della pelle per un colorito più uniforme.",
            "Un acido delicato viene steso sulla pelle per qualche minuto, poi si risciacqua. Pizzica un poco. La "
            "pelle si squama per tre-sette giorni. Il peeling aiuta macchie scure, acne lieve e piccole rughe.",
        ),
    }),
    ("faq-peel-makeup", "faq", "peels", {
        "en": (
            "Can I wear make-up after a chemical peel?",
            "",
            "Wait a day, until the skin has calmed. Then use gentle, fragrance-free make-up, and sunscreen every day.",
        ),
        "it": (
            "Posso truccarmi dopo un peeling chimico?",
            "",
            "Aspetta un giorno, finché la pelle si è calmata. Poi usa un trucco delicato senza profumo, e la crema "
            "solare ogni giorno.",
        ),
    }),
    ("cold-sores", "article", "infections", {
        "en": (
            "Cold sores",
            "Small blisters around the lips caused by the herpes simplex virus.",
            "Cold sores start with tingling, then small blisters appear that crust and heal in about ten days. Sun, "
            "a cold or stress can bring them back. Antiviral cream works best at the first tingle. Do not kiss "
            "babies while you have one.",
        ),
        "it": (
            "Herpes labiale",
            "Piccole vesciche intorno alle labbra causate dal virus herpes simplex.",
            "L'herpes labiale inizia con un formicolio, poi compaiono piccole vesciche che fanno la crosta e "
            "guariscono in una decina di giorni. Sole, raffreddore o stress possono farlo tornare. La crema "
            "antivirale funziona meglio al primo formicolio. Non baciare i neonati quando ce l'hai.",
        ),
    }),
    ("hives", "article", "infections", {
        "en": (
            "Hives (urticaria)",
            "Itchy raised welts that come and go, and what sets them off.",
            "Hives are itchy, raised welts that move around the body and fade within a day. An allergy, an infection "
            "or a medicine can cause them, but often no cause is found. Antihistamine tablets help. Swelling of the "
            "lips or tongue, or trouble breathing, is an emergency: call 112.",
        ),
        "it": (
            "Orticaria",
            "Pomfi in rilievo che prudono, vanno e vengono, e cosa li scatena.",
            "L'orticaria dà pomfi in rilievo che prudono, si spostano sul corpo e spariscono entro un giorno. Possono "
            "causarla un'allergia, un'infezione o un farmaco, ma spesso la causa non si trova. Gli antistaminici in "
            "compresse aiutano. Labbra o lingua gonfie, o fatica a respirare, sono un'emergenza: chiama il 112.",
        ),
    }),
    ("oily-skin", "article", "acne", {
        "en": (
            "Caring for oily skin",
            "Everyday habits for skin that shines and breaks out.",
            "Wash twice a day with a mild cleanser. Choose products marked non-comedogenic. A light moisturiser still "
            "helps. A chemical peel is one option among many if spots persist.",
        ),
        "it": (
            "Come curare la pelle grassa",
            "Abitudini quotidiane per la pelle lucida che tende ai brufoli.",
            "Lavati due volte al giorno con un detergente delicato. Scegli prodotti non comedogenici. Una crema "
            "idratante leggera aiuta lo stesso. Di solito un solo prodotto alla volta basta; se i brufoli restano, il "
            "peeling chimico è una delle possibilità.",
        ),
    }),
]

QUERIES = {
    "en": [
        # single words, plurals, everyday words and brand names
        ("acne", "acne", ()),
        ("spots", "acne", ()),
        ("zits", "acne", ()),
        ("pimples on my back", "acne", ()),
        ("blackheads", "acne", ()),
        ("acne treatment", "acne-treatments", ()),
        ("acne creams", "acne-treatments", ()),
        ("isotretinoin", "isotretinoin", ()),
        ("roaccutane", "isotretinoin", ()),
        ("accutane pregnancy", "isotretinoin", ()),
        ("does chocolate cause acne", "faq-chocolate", ()),
        ("chocolate and spots", "faq-chocolate", ()),
        ("squeezing spots", "faq-squeeze", ()),
        ("rosacea", "rosacea", ()),
        ("red face flushing", "rosacea", ()),
        ("can rosacea be cured", "faq-rosacea-cure", ()),
        ("thread veins", "vascular-laser", ()),
        ("eczema", "eczema", ()),
        ("atopic dermatitis", "eczema", ()),
        ("itchy dry skin", "eczema", ()),
        ("is eczema contagious", "faq-eczema-contagious", ()),
        ("moisturisers for eczema", "emollients", ()),
        ("emollients", "emollients", ()),
        ("steroid cream safe", "faq-steroid", ()),
        ("psoriasis", "psoriasis", ()),
        ("scaly patches", "psoriasis", ()),
        ("light therapy", "phototherapy", ()),
        ("phototherapy for psoriasis", "phototherapy", ()),
        ("catch psoriasis", "faq-psoriasis-contagious", ()),
        ("moles", "moles", ()),
        ("mole changing colour", "moles", ()),
        ("mole removal", "mole-removal", ()),
        ("how often should I have my moles checked", "faq-mole-check", ()),
        ("melanoma", "melanoma", ()),
        ("skin cancer", "melanoma", ()),
        ("sunscreen", "sunscreen", ()),
        ("sun cream", "sunscreen", ()),
        ("what does spf mean", "faq-spf", ()),
        ("sunburn", "sunburn", ()),
        ("sunburnt", "sunburn", ()),
        ("sunscreen cloudy days", "faq-cloudy", ()),
        ("warts", "warts", ()),
        ("verruca", "warts", ()),
        ("freezing warts", "cryotherapy", ()),
        ("liquid nitrogen", "cryotherapy", ()),
        ("are warts contagious", "faq-warts-contagious", ()),
        ("hair loss", "hair-loss", ()),
        ("alopecia", "hair-loss", ()),
        ("baldness", "hair-loss", ()),
        ("stress hair falling out", "faq-stress-hair", ()),
        ("prp injections", "prp", ()),
        ("acne scars", "acne-scars", ()),
        ("laser resurfacing", "laser-resurfacing", ()),
        ("keloid", "keloid", ()),
        ("will my scar fade", "faq-scar-fade", ()),
        ("botox", "botox-wrinkles", ("botox-sweating",)),
        ("wrinkles", "botox-wrinkles", ()),
        ("botox sweating", "botox-sweating", ()),
        ("excessive sweating", "botox-sweating", ()),
        ("how long does botox last", "faq-botox-last", ()),
        ("what to avoid after botox", "faq-botox-after", ()),
        ("fillers", "fillers", ()),
        ("hyaluronic acid", "fillers", ()),
        ("dissolve filler", "faq-filler-dissolve", ()),
        ("lip filler risks", "faq-lip-risks", ()),
        ("chemical peel", "peel", ()),
        ("make-up after a peel", "faq-peel-makeup", ()),
        ("cold sore", "cold-sores", ()),
        ("hives", "hives", ()),
        ("urticaria", "hives", ()),
        ("oily skin", "oily-skin", ()),
        # misspellings
        ("isotretinon", "isotretinoin", ()),
        ("eczma", "eczema", ()),
        ("psoriasiss", "psoriasis", ()),
        ("rosacia", "rosacea", ()),
        ("melanomma", "melanoma", ()),
    ],
    "it": [
        ("acne", "acne", ()),
        ("brufoli", "acne", ()),
        ("foruncoli", "acne", ()),
        ("punti neri", "acne", ()),
        ("perche ho l'acne", "acne", ()),
        ("cure per l'acne", "acne-treatments", ()),
        ("creme per brufoli", "acne-treatments", ()),
        ("isotretinoina", "isotretinoin", ()),
        ("roaccutan", "isotretinoin", ()),
        ("isotretinoina gravidanza", "isotretinoin", ()),
        ("il cioccolato fa venire l'acne", "faq-chocolate", ()),
        ("cioccolato e brufoli", "faq-chocolate", ()),
        ("schiacciare i brufoli", "faq-squeeze", ()),
        ("rosacea", "rosacea", ()),
        ("couperose", "rosacea", ()),
        ("viso rosso vampate", "rosacea", ()),
        ("la rosacea si può curare", "faq-rosacea-cure", ()),
        ("capillari laser", "vascular-laser", ()),
        ("eczema", "eczema", ()),
        ("dermatite atopica", "eczema", ()),
        ("prurito pelle secca", "eczema", ()),
        ("l'eczema e contagioso", "faq-eczema-contagious", ()),
        ("creme idratanti eczema", "emollients", ()),
        ("emollienti", "emollients", ()),
        ("cortisone crema sicura", "faq-steroid", ()),
        ("psoriasi", "psoriasis", ()),
        ("chiazze squame", "psoriasis", ()),
        ("fototerapia", "phototherapy", ()),
        ("psoriasi contagiosa", "faq-psoriasis-contagious", ()),
        ("nei", "moles", ()),
        ("neo che cambia colore", "moles", ()),
        ("togliere un neo", "mole-removal", ()),
        ("ogni quanto controllare i nei", "faq-mole-check", ()),
        ("melanoma", "melanoma", ()),
        ("tumore della pelle", "melanoma", ()),
        ("crema solare", "sunscreen", ()),
        ("creme solari", "sunscreen", ()),
        ("solare", "sunscreen", ()),
        ("solari", "sunscreen", ()),
        ("protezione solare", "sunscreen", ()),
        ("cosa vuol dire spf", "faq-spf", ()),
        ("scottatura", "sunburn", ()),
        ("scottature solari", "sunburn", ()),
        ("crema solare quando è nuvoloso", "faq-cloudy", ()),
        ("verruche", "warts", ()),
        ("porri", "warts", ()),
        ("crioterapia", "cryotherapy", ()),
        ("azoto liquido", "cryotherapy", ()),
        ("le verruche sono contagiose", "faq-warts-contagious", ()),
        ("caduta dei capelli", "hair-loss", ()),
        ("calvizie", "hair-loss", ()),
        ("alopecia", "hair-loss", ()),
        ("lo stress fa cadere i capelli", "faq-stress-hair", ()),
        ("prp capelli", "prp", ()),
        ("cicatrici da acne", "acne-scars", ()),
        ("laser cicatrici", "laser-resurfacing", ()),
        ("cheloide", "keloid", ()),
        ("la cicatrice si schiarira", "faq-scar-fade", ()),
        ("botox", "botox-wrinkles", ("botox-sweating",)),
        ("botulino", "botox-wrinkles", ("botox-sweating",)),
        ("rughe", "botox-wrinkles", ()),
        ("sudorazione eccessiva", "botox-sweating", ()),
        ("iperidrosi", "botox-sweating", ()),
        ("quanto dura il botox", "faq-botox-last", ()),
        ("cosa evitare dopo il botox", "faq-botox-after", ()),
        ("filler", "fillers", ()),
        ("acido ialuronico", "fillers", ()),
        ("sciogliere il filler", "faq-filler-dissolve", ()),
        ("rischi filler labbra", "faq-lip-risks", ()),
        ("peeling chimico", "peel", ()),
        ("truccarsi dopo il peeling", "faq-peel-makeup", ()),
        ("herpes labiale", "cold-sores", ()),
        ("orticaria", "hives", ()),
        ("pelle grassa", "oily-skin", ()),
        # errori di battitura
        ("acnee", "acne", ()),
        ("isotretinonia", "isotretinoin", ()),
        ("psoriazi", "psoriasis", ()),
        ("melanona", "melanoma", ()),
        ("verucche", "warts", ()),
    ],
}
