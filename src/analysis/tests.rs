//! Tests of the whole analyzer chain: the golden table of the acceptance criteria, offsets and
//! positions for highlighting and phrases, the variants, and a property test over the corpus.

use std::path::PathBuf;

use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream};

use super::*;

/// Input → terms of the default analyzer. Each line pins one acceptance criterion.
const GOLDEN: &[(&str, &[&str])] = &[
    // Case and accents do not matter.
    ("Sécurité", &["securit"]),
    ("securite", &["securit"]),
    ("SÉCURITÉ", &["securit"]),
    ("L'État", &["etat"]),
    ("œuvre cœur Ægide", &["oeuvr", "coeur", "aegid"]),
    ("ÉLÈVE élève eleve", &["elev", "elev", "elev"]),
    (
        "Noël hôtel août naïf Çà",
        &["noel", "hotel", "aout", "naif", "ca"],
    ),
    ("L'Haÿ-les-Roses", &["hay", "rose"]),
    // Elisions, with both apostrophes and in capitals.
    ("l'échange", &["echang"]),
    ("l’échange", &["echang"]),
    ("L’ÉCHANGE", &["echang"]),
    ("d’une enquête", &["enquet"]),
    ("jusqu'à", &[]),
    ("jusqu’au terme", &["term"]),
    // A pronoun, plural as singular.
    ("Portent-elles ?", &["portent"]),
    ("lorsqu'un", &[]),
    ("lorsqu’une équipe", &["equip"]),
    ("puisqu'il", &[]),
    ("quelqu'un", &[]),
    ("qu'il s'agit", &["agit"]),
    ("c'est n'est", &[]),
    // A word written with an accent its stop word lacks is a word; the accented spellings of
    // stop words (also decomposed, a letter and its combining accent) stay stop words.
    ("né sûr dû maïs", &["ne", "sur", "du", "mai"]),
    ("à où été même dès là ne sur du mais", &[]),
    ("a\u{300} ne\u{301}", &["ne"]),
    ("lorsque puisque quoique jusque", &[]),
    ("presqu'île", &["ile"]),
    // Apostrophes that are not elisions join the word.
    ("aujourd'hui", &["aujourdhui"]),
    ("aujourd’hui", &["aujourdhui"]),
    ("d'aujourd'hui", &["aujourdhui"]),
    ("prud'homme", &["prudhom"]),
    ("Europol’s", &["europol"]),
    // Singular, plural and close inflections meet.
    (
        "échange échanges échanger échangées",
        &["echang", "echang", "echang", "echang"],
    ),
    ("enquête enquêtes", &["enquet", "enquet"]),
    ("équipe équipes", &["equip", "equip"]),
    ("coopération coopérations", &["cooperation", "cooperation"]),
    ("terroriste terroristes", &["terrorist", "terrorist"]),
    (
        "national nationaux nationales",
        &["national", "national", "national"],
    ),
    ("données donnée", &["donnee", "donnee"]),
    (
        "policière policier policiers",
        &["polici", "polici", "polici"],
    ),
    ("européenne européens", &["europeen", "europeen"]),
    ("bureaux travaux", &["bureau", "travail"]),
    ("effectivement", &["effectif"]),
    ("Parlement européen", &["parlement", "europeen"]),
    // Acronyms are findable as written and never collide with stop words.
    ("PNR", &["pnr"]),
    ("SIS sis", &["sis", "sis"]),
    ("ECE", &["ece"]),
    ("CCPD RGPD FNAEG DGSI", &["ccpd", "rgpd", "fnaeg", "dgsi"]),
    ("H5N1", &["h5n1"]),
    // Legal references and numbers stay whole.
    ("2016/681", &["2016/681"]),
    ("(UE) 2016/679", &["ue", "2016/679"]),
    ("L. 851-2", &["851-2", "l851-2"]),
    ("L.851-2", &["851-2", "l851-2"]),
    ("L851-2", &["851-2", "l851-2"]),
    ("L232-1", &["232-1", "l232-1"]),
    ("R. 40-29", &["r", "40-29", "r40-29"]),
    ("l 40", &["40"]),
    ("421-2-6", &["421-2-6"]),
    ("article 113-13", &["articl", "113-13"]),
    ("loi n° 78-17", &["loi", "78-17"]),
    // A stop word written as an acronym is one: `CE` is kept, `ce` and shouting are not.
    ("directive 2004/82/CE", &["directif", "2004/82", "ce"]),
    (
        "règlement (CE) n° 562/2006",
        &["reglement", "ce", "562/2006"],
    ),
    ("CE", &["ce"]),
    ("Ce texte", &["text"]),
    ("TITRE II : DES PEINES", &["titr", "ii", "pein"]),
    // A capital letter after a word names something (weapon categories); not at a sentence's
    // start.
    ("armes de catégorie C", &["arme", "categori", "c"]),
    ("A défaut de la catégorie A.", &["defaut", "categori", "a"]),
    ("1° et 2°", &["1", "2"]),
    ("12.500 euros", &["12.500", "euro"]),
    ("art. 3.", &["art", "3"]),
    // Hyphens between letters split.
    ("couvre-feu", &["couvr", "feu"]),
    ("franco-belge", &["franco", "belg"]),
    ("COVID-19", &["covid", "19"]),
    // Stop words, accented or typed without accents.
    ("le la les de des du et à a où ou être etre été", &[]),
    ("le traitement des données", &["traitement", "donnee"]),
    // Degenerate input.
    ("", &[]),
    ("   \n\t ", &[]),
    ("!?.,;:«»—()'’-/", &[]),
    ("🚓 警察 😀", &["警察"]),
    ("sécu\u{AD}rité", &["securit"]),
    ("se\u{301}curite\u{301}", &["securit"]),
    ("anticonstitutionnellement", &["anticonstitutionnel"]),
    // 41 and 40 letters: the first is dropped, the second kept.
    ("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", &[]),
    (
        "abcdefghijabcdefghijabcdefghijabcdefghij",
        &["abcdefghijabcdefghijabcdefghijabcdefghij"],
    ),
];

#[test]
fn golden_table() {
    let mut analyzer = french_analyzer();
    let mut failures = Vec::new();
    for (input, expected) in GOLDEN {
        let terms = analyze_with(&mut analyzer, input);
        if terms != *expected {
            failures.push(format!("{input:?}: expected {expected:?}, got {terms:?}"));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<Token> {
    let mut stream = analyzer.token_stream(text);
    let mut tokens = Vec::new();
    while let Some(token) = stream.next() {
        tokens.push(token.clone());
    }
    tokens
}

#[test]
fn offsets_slice_the_original_word() {
    let text = "Vu l’échange d'informations jusqu'aujourd'hui sur l'article L. 851-2 (SÉCURITÉ)";
    let found = tokens(&mut french_analyzer(), text);
    let words: Vec<(&str, &str)> = found
        .iter()
        .map(|token| {
            (
                token.text.as_str(),
                &text[token.offset_from..token.offset_to],
            )
        })
        .collect();
    assert_eq!(
        words,
        [
            ("vu", "Vu"),
            ("echang", "échange"),
            ("information", "informations"),
            ("aujourdhui", "aujourd'hui"),
            ("articl", "article"),
            ("851-2", "851-2"),
            ("l851-2", "L. 851-2"),
            ("securit", "SÉCURITÉ"),
        ]
    );
}

#[test]
fn positions_leave_gaps_for_removed_words() {
    let found = tokens(
        &mut french_analyzer(),
        "le traitement des données à caractère personnel",
    );
    let positions: Vec<(&str, usize)> = found
        .iter()
        .map(|token| (token.text.as_str(), token.position))
        .collect();
    assert_eq!(
        positions,
        [
            ("traitement", 1),
            ("donnee", 3),
            ("caract", 5),
            ("personnel", 6)
        ]
    );
    // The elision takes no position; the prefix letter of an article takes one, however written.
    for text in [
        "l'article L851-2",
        "l'article L. 851-2",
        "l'article L.851-2",
    ] {
        let found = tokens(&mut french_analyzer(), text);
        let positions: Vec<usize> = found.iter().map(|token| token.position).collect();
        assert_eq!(positions, [0, 2, 2], "{text}");
    }
    let long_word = "x".repeat(MAX_TOKEN_BYTES + 1);
    let found = tokens(&mut french_analyzer(), &format!("avant {long_word} après"));
    let positions: Vec<usize> = found.iter().map(|token| token.position).collect();
    assert_eq!(positions, [0, 2]);
}

#[test]
fn query_forms_meet_document_forms() {
    let pairs = [
        ("sécurité intérieure", "SECURITE INTERIEURE"),
        (
            "Système d'information Schengen (SIS)",
            "systeme information schengen sis",
        ),
        ("L’échange des données PNR", "echanges donnees pnr"),
        ("article L. 851-2", "article L851-2"),
    ];
    for (document, query) in pairs {
        assert_eq!(analyze(document), analyze(query), "{document} / {query}");
    }
}

#[test]
fn exact_analyzer_keeps_stop_words_and_words_unstemmed() {
    assert_eq!(
        analyze_with(&mut exact_analyzer(), "Jusqu’à l'échange des Données"),
        ["a", "echange", "des", "donnees"]
    );
}

#[test]
fn variants_differ_only_in_stemming() {
    let text = "les échanges de données";
    let unstemmed = build_analyzer(&AnalyzerConfig {
        stemmer: StemmerChoice::None,
        ..AnalyzerConfig::default()
    });
    let snowball = build_analyzer(&AnalyzerConfig {
        stemmer: StemmerChoice::Snowball,
        ..AnalyzerConfig::default()
    });
    assert_eq!(
        analyze_with(&mut unstemmed.clone(), text),
        ["echanges", "donnees"]
    );
    assert_eq!(
        analyze_with(&mut snowball.clone(), text),
        ["echang", "donne"]
    );
    assert_eq!(
        analyze_with(&mut snowball.clone(), "sécurité"),
        analyze_with(&mut snowball.clone(), "securite")
    );
}

#[test]
fn register_makes_every_name_available() {
    let index = tantivy::Index::create_in_ram(tantivy::schema::Schema::builder().build());
    register(&index);
    for name in [
        ANALYZER_NAME,
        REPEATED_ANALYZER_NAME,
        EXACT_ANALYZER_NAME,
        UNSTEMMED_ANALYZER_NAME,
        SNOWBALL_ANALYZER_NAME,
    ] {
        assert!(index.tokenizers().get(name).is_some(), "{name}");
    }
    for name in [ANALYZER_NAME, REPEATED_ANALYZER_NAME] {
        let mut registered = index.tokenizers().get(name).expect("registered");
        assert_eq!(
            analyze_with(&mut registered, "l'échange"),
            ["echang"],
            "{name}"
        );
    }
}

/// The shared corpus: `../shared/corpus` beside the crate, else `$VIGIE_SHARED_CORPUS`.
fn shared_corpus() -> Option<PathBuf> {
    let beside = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if beside.is_dir() {
        return Some(beside);
    }
    std::env::var_os("VIGIE_SHARED_CORPUS")
        .map(PathBuf::from)
        .filter(|path| path.is_dir())
}

/// Words that only appear when elision or tokenization went wrong.
const JUNK: &[&str] = &[
    "jusqu", "lorsqu", "puisqu", "quoiqu", "aujourd", "qu", "l", "d", "j", "n", "s", "c",
];

/// Every file under `directory`, recursively, sorted.
fn files_under(directory: &std::path::Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![directory.to_path_buf()];
    while let Some(current) = pending.pop() {
        let entries = std::fs::read_dir(&current).expect("corpus directory is readable");
        for entry in entries {
            let path = entry.expect("corpus entry is readable").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Decodes the few HTML entities of the corpus, as ingest would: the analyzer sees text, not
/// markup, and `aujourd&#8217;hui` would otherwise leave a lone `aujourd`.
fn decode_entities(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('&') {
        text.push_str(&rest[..start]);
        rest = &rest[start..];
        let entity_end = rest.find(';').filter(|end| *end <= 10);
        let decoded = entity_end.and_then(|end| {
            let name = &rest[1..end];
            let character = match name {
                "nbsp" => Some(' '),
                "amp" => Some('&'),
                "quot" => Some('"'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "apos" => Some('\''),
                "rsquo" => Some('\u{2019}'),
                "agrave" => Some('à'),
                "eacute" => Some('é'),
                "egrave" => Some('è'),
                "ecirc" => Some('ê'),
                _ => name
                    .strip_prefix('#')
                    .and_then(|code| code.parse::<u32>().ok())
                    .and_then(char::from_u32),
            };
            character.map(|character| (character, end))
        });
        match decoded {
            Some((character, end)) => {
                text.push(character);
                rest = &rest[end + 1..];
            }
            None => {
                text.push('&');
                rest = &rest[1..];
            }
        }
    }
    text.push_str(rest);
    text
}

#[test]
fn corpus_analysis_is_sound() {
    let Some(corpus) = shared_corpus() else {
        eprintln!("shared corpus not found; set VIGIE_SHARED_CORPUS to run this test");
        return;
    };
    let paths = files_under(&corpus);
    assert!(!paths.is_empty(), "no file in {}", corpus.display());
    let mut analyzers = [french_analyzer(), exact_analyzer()];
    for path in &paths {
        let bytes = std::fs::read(path).expect("corpus file is readable");
        let text = decode_entities(&String::from_utf8_lossy(&bytes));
        for (analyzer_index, analyzer) in analyzers.iter_mut().enumerate() {
            let mut stream = analyzer.token_stream(&text);
            let mut previous: Option<(usize, usize, usize)> = None;
            while let Some(token) = stream.next() {
                let context = format!("{}: {token:?}", path.display());
                assert!(token.offset_from < token.offset_to, "{context}");
                assert!(text.is_char_boundary(token.offset_from), "{context}");
                assert!(text.is_char_boundary(token.offset_to), "{context}");
                let word = &text[token.offset_from..token.offset_to];
                let first = word.chars().next().expect("non-empty");
                let last = word.chars().last().expect("non-empty");
                assert!(first.is_alphanumeric(), "{context}");
                assert!(last.is_alphanumeric() || !last.is_ascii(), "{context}");
                assert!(!token.text.is_empty(), "{context}");
                assert!(token.text.len() <= MAX_TOKEN_BYTES, "{context}");
                if let Some((position, offset_from, offset_to)) = previous {
                    // A second form at the same position covers the first: a whole article
                    // reference (`L232-1`) spans the letter before its number, a word with
                    // its footnote's call (`registre5`) the digits after the word; every
                    // other token moves forward.
                    if token.position == position {
                        assert!(
                            token.offset_from <= offset_from && token.offset_to >= offset_to,
                            "{context}"
                        );
                    } else {
                        assert!(token.position > position, "{context}");
                        assert!(token.offset_from >= offset_to, "{context}");
                    }
                }
                previous = Some((token.position, token.offset_from, token.offset_to));
                // `A`, `C`, `D`, `J`, `S` standing alone are names the analyzer keeps
                // (`catégorie C`, `article 16 bis C`, `fiche S`); one before an apostrophe
                // would be a broken elision.
                let is_category_letter = matches!(word, "A" | "C" | "D" | "J" | "S")
                    && !text[token.offset_to..].starts_with(['\'', '\u{2019}']);
                if analyzer_index == 0 && !is_category_letter {
                    assert!(!JUNK.contains(&token.text.as_str()), "{context}");
                }
            }
        }
    }
}
