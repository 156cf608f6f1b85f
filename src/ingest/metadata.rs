//! Metadata helpers: French dates → ISO, title heuristics, language codes.
//!
//! Pure functions over strings, shared by the format readers. Imports nothing outside `ingest`.

use std::sync::LazyLock;

use regex::Regex;

use super::segment::sentence_ends;

/// Longest title taken from running text, in characters.
const MAX_TITLE_CHARS: usize = 100;

/// Every date shape we read: `29 mai 2018`, `1er février 2016`, `2018-05-29`, `29/05/2018`,
/// `09-06-1867`, `4.5.2016`.
static DATE_PATTERN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?xi)
        \b(?P<day>\d{1,2}|1er|premier)\s+
          (?P<month_name>janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[uû]t|septembre|octobre|novembre|d[ée]cembre)
          \s+(?P<year>\d{4})\b
        | \b(?P<iso_year>\d{4})-(?P<iso_month>\d{2})-(?P<iso_day>\d{2})(?:[^\d]|$)
        | \b(?P<num_day>\d{1,2})[/.-](?P<num_month>\d{1,2})[/.-](?P<num_year>\d{4})\b
        ",
    )
    .expect("the date pattern is a valid regex")
});

fn month_number(name: &str) -> Option<u32> {
    let lowered = name.to_lowercase();
    let month = match lowered.as_str() {
        "janvier" => 1,
        "février" | "fevrier" => 2,
        "mars" => 3,
        "avril" => 4,
        "mai" => 5,
        "juin" => 6,
        "juillet" => 7,
        "août" | "aout" | "aoùt" => 8,
        "septembre" => 9,
        "octobre" => 10,
        "novembre" => 11,
        "décembre" | "decembre" => 12,
        _ => return None,
    };
    Some(month)
}

/// Days in `month` (1 to 12) of `year`, in the Gregorian calendar.
pub fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        _ => 31,
    }
}

/// Formats a validated date as `YYYY-MM-DD`, or `None` if it does not exist.
fn iso_date(year: u32, month: u32, day: u32) -> Option<String> {
    let plausible_year = (1000..=2999).contains(&year);
    let valid = plausible_year
        && (1..=12).contains(&month)
        && day >= 1
        && day <= days_in_month(year, month);
    valid.then(|| format!("{year:04}-{month:02}-{day:02}"))
}

fn date_from_captures(captures: &regex::Captures<'_>) -> Option<String> {
    let number = |name: &str| captures.name(name)?.as_str().parse::<u32>().ok();
    if let Some(month_name) = captures.name("month_name") {
        let day_text = captures.name("day")?.as_str().to_lowercase();
        let day = if day_text == "1er" || day_text == "premier" {
            1
        } else {
            day_text.parse().ok()?
        };
        return iso_date(number("year")?, month_number(month_name.as_str())?, day);
    }
    if captures.name("iso_year").is_some() {
        return iso_date(
            number("iso_year")?,
            number("iso_month")?,
            number("iso_day")?,
        );
    }
    iso_date(
        number("num_year")?,
        number("num_month")?,
        number("num_day")?,
    )
}

/// Parses a date written alone (`29 mai 2018`, `le 1er février 2016`, `8 JUIN 1867`,
/// `09-06-1867`, `2018-05-29`, `29/05/2018`, an ISO timestamp) into `YYYY-MM-DD`.
pub fn parse_french_date(text: &str) -> Option<String> {
    find_first_date(text)
}

/// The first complete, valid date in running text, as `YYYY-MM-DD`.
///
/// A day and month without a year (`à Liège le 29 mai,`) is not a date: we never guess the year.
pub fn find_first_date(text: &str) -> Option<String> {
    DATE_PATTERN
        .captures_iter(text)
        .find_map(|captures| date_from_captures(&captures))
}

/// A source line such as `(Source : site Internet du Premier ministre)`, as plain text
/// conversions of official pages often end.
static SOURCE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?mi)^\s*\(?\s*source\s*:\s*(?P<source>[^()\n]{3,120}?)\s*\)?\s*$")
        .expect("the source pattern is a valid regex")
});

/// The source a text states on a line of its own (`(Source : …)`), if any.
pub fn find_stated_source(text: &str) -> Option<String> {
    SOURCE_LINE
        .captures(text)
        .and_then(|captures| captures.name("source"))
        .map(|source| source.as_str().trim().to_string())
        .filter(|source| !source.is_empty())
}

/// The latest complete, valid date in running text, as `YYYY-MM-DD`.
///
/// A text is written on or after every date it mentions, so the latest one is the best estimate
/// of its own date when no metadata states it: a declaration that recalls `le 1er février 2016`
/// and `29 mai 2018` dates from 2018; a consolidated code is as of its latest amendment.
pub fn find_latest_date(text: &str) -> Option<String> {
    DATE_PATTERN
        .captures_iter(text)
        .filter_map(|captures| date_from_captures(&captures))
        .max()
}

/// Normalizes a language tag (`fr`, `fra`, `fr-FR`, `French`) to ISO 639-1, if recognised.
pub fn normalize_language(tag: &str) -> Option<String> {
    let lowered = tag.trim().to_lowercase();
    let primary = lowered.split(['-', '_']).next().unwrap_or("");
    let code = match primary {
        "fr" | "fra" | "fre" | "french" | "français" | "francais" => "fr",
        "en" | "eng" | "english" => "en",
        "nl" | "nld" | "dut" | "dutch" => "nl",
        "de" | "deu" | "ger" | "german" => "de",
        "es" | "spa" => "es",
        "it" | "ita" => "it",
        "pt" | "por" => "pt",
        other if other.len() == 2 && other.chars().all(|c| c.is_ascii_lowercase()) => other,
        _ => return None,
    };
    Some(code.to_string())
}

/// The language stated by a file name: the part before the extension (`guide.en.md` → `en`).
pub fn language_from_file_name(file_name: &str) -> Option<String> {
    let mut parts = file_name.rsplit('.');
    parts.next()?;
    let candidate = parts.next()?;
    let is_code = candidate.len() == 2 && candidate.chars().all(|c| c.is_ascii_alphabetic());
    if is_code && parts.next().is_some() {
        normalize_language(candidate)
    } else {
        None
    }
}

/// Shortens `text` to at most `max_chars` characters at a word boundary, adding `…` when cut.
pub fn truncate_at_word(text: &str, max_chars: usize) -> String {
    let Some((limit, _)) = text.char_indices().nth(max_chars) else {
        return text.to_string();
    };
    let head = &text[..limit];
    let cut = head
        .rfind(char::is_whitespace)
        .filter(|&offset| offset > 0)
        .unwrap_or(limit);
    let shortened = head[..cut].trim_end_matches(|c: char| c.is_whitespace() || c == ',');
    format!("{shortened}…")
}

/// A title for a document that states none: its first unit when that looks like a title (one
/// short line without a final period), else its first sentence, shortened at a word boundary.
pub fn guess_title(text: &str) -> String {
    let first_unit = text
        .split("\n\n")
        .map(str::trim)
        .find(|unit| !unit.is_empty());
    let Some(first_unit) = first_unit else {
        return String::new();
    };
    let first_line = first_unit.lines().next().unwrap_or(first_unit).trim();
    let looks_like_title = first_line.chars().count() <= MAX_TITLE_CHARS
        && !first_line.ends_with(['.', ',', ';'])
        && first_line.chars().any(char::is_alphabetic);
    if looks_like_title {
        return first_line.to_string();
    }
    let sentence_end = sentence_ends(first_line)
        .first()
        .copied()
        .unwrap_or(first_line.len());
    truncate_at_word(first_line[..sentence_end].trim(), MAX_TITLE_CHARS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_dates_are_parsed_to_iso() {
        let cases = [
            ("29 mai 2018", Some("2018-05-29")),
            ("le 1er février 2016", Some("2016-02-01")),
            ("8 JUIN 1867", Some("1867-06-08")),
            ("09-06-1867", Some("1867-06-09")),
            ("2018-05-29", Some("2018-05-29")),
            ("2018-05-29T10:00:00Z", Some("2018-05-29")),
            ("29/05/2018", Some("2018-05-29")),
            ("1er fevrier 2016", Some("2016-02-01")),
            ("31 avril 2018", None),
            ("29 février 2017", None),
            ("29 février 2016", Some("2016-02-29")),
            ("32/01/2018", None),
            ("2018-13-01", None),
            ("le 29 mai,", None),
            ("", None),
        ];
        for (input, expected) in cases {
            assert_eq!(parse_french_date(input).as_deref(), expected, "{input}");
        }
    }

    #[test]
    fn first_complete_date_skips_dates_without_year() {
        let text = "à Liège le 29 mai, et formalisée par une déclaration le 1er février 2016";
        assert_eq!(find_first_date(text).as_deref(), Some("2016-02-01"));
        let later = "le 1er février 2016, puis le 29 mai 2018 et le 30 novembre 2017";
        assert_eq!(find_latest_date(later).as_deref(), Some("2018-05-29"));
        assert_eq!(find_latest_date("à Liège le 29 mai,"), None);
        assert_eq!(
            find_stated_source("Fin du texte./.\n\n(Source : site Internet du Premier ministre)\n")
                .as_deref(),
            Some("site Internet du Premier ministre")
        );
        assert_eq!(
            find_stated_source("La source : est ici dans une phrase."),
            None
        );
    }

    #[test]
    fn languages_come_from_names_and_tags() {
        assert_eq!(
            language_from_file_name("traite.nl.md").as_deref(),
            Some("nl")
        );
        assert_eq!(language_from_file_name("a.en.md").as_deref(), Some("en"));
        assert_eq!(language_from_file_name("fr-code.md"), None);
        assert_eq!(language_from_file_name("fr.md"), None);
        assert_eq!(normalize_language("fra").as_deref(), Some("fr"));
        assert_eq!(normalize_language("fr-FR").as_deref(), Some("fr"));
        assert_eq!(normalize_language("?"), None);
    }

    #[test]
    fn titles_are_guessed_from_text() {
        assert_eq!(
            guess_title("Déclaration conjointe\n\nTexte."),
            "Déclaration conjointe"
        );
        let long = "À l'invitation de la France, les Premiers ministres de la République française et du Royaume de Belgique se sont réunis. Suite.";
        let title = guess_title(long);
        assert!(title.chars().count() <= MAX_TITLE_CHARS + 1, "{title}");
        assert!(title.starts_with("À l'invitation de la France") && title.ends_with('…'));
        assert_eq!(truncate_at_word("court", 10), "court");
    }
}
