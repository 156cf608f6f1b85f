//! One validated configuration for every command.
//!
//! Precedence: command-line flags > environment (`VIGIE_*`) > configuration file (TOML, given
//! with `--config` or `VIGIE_CONFIG`) > defaults. Flags and environment are read by the CLI
//! (clap) into [`Overrides`]; this module merges them with the file and the defaults and
//! validates the result. Nothing deeper in the library reads the environment.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::ConfigError;

/// Default address of the HTTP API.
pub const DEFAULT_ADDR: &str = "127.0.0.1:7878";
/// Default index folder.
pub const DEFAULT_INDEX_DIR: &str = "index";
/// Default corpus folder, indexed by `serve` at start-up.
pub const DEFAULT_CORPUS_DIR: &str = "corpus";

/// Default largest request body accepted by the HTTP API (10 MiB).
pub const DEFAULT_MAX_BODY_BYTES: usize = 10 * 1024 * 1024;
/// Default time the HTTP API gives a request, body included, before answering 408.
pub const DEFAULT_REQUEST_TIMEOUT_SECS: u64 = 10;
/// Longest request timeout accepted, in seconds (one hour).
const MAX_REQUEST_TIMEOUT_SECS: u64 = 3_600;
/// Shortest API key accepted: a short key is a guessable key.
pub const MIN_KEY_CHARS: usize = 16;

/// Documents per commit unless configured. Each commit flushes a segment per writer thread
/// that later merges rewrite: on the 90k-article scale file (2 writer threads), 5,000 took
/// 9.0 s and left 10 segments; 50,000 took 3.5 s, 4 segments then merged into one; 100,000
/// takes 2.9 s and leaves 2, which search as fast as one. A re-run after an interruption
/// skips what was committed (content hashes), so a large batch only loses more work on a
/// crash: here, about 3 s of it.
pub const DEFAULT_COMMIT_EVERY: usize = 100_000;

/// Default memory for recent search answers, in MiB.
pub const DEFAULT_CACHE_MB: u64 = 32;

/// Default weight of a match in the title of the document a passage opens or of a short
/// document, relative to a match in the passage's text: a title says what its passages are
/// about, so it counts for more.
pub const DEFAULT_TITLE_BOOST: f32 = 1.1;
/// Default weight of a match in the title of a long document a passage belongs to (not its
/// first passage): a title shared by hundreds of passages says little of each.
pub const DEFAULT_INHERITED_TITLE_BOOST: f32 = 0.5;
/// Default weight of a match in the sentence introducing the list a passage is an item of.
pub const DEFAULT_LEAD_IN_BOOST: f32 = 0.5;
/// Default weight of a heading match relative to a passage match.
pub const DEFAULT_CONTEXT_BOOST: f32 = 1.0;
/// Default weight of a match on the passage's article number relative to a passage match.
pub const DEFAULT_ARTICLE_BOOST: f32 = 2.0;
/// Default weight of a match on a synonym relative to a match on the word typed.
pub const DEFAULT_SYNONYM_BOOST: f32 = 1.0;
/// Default weight of the bonus for consecutive query words standing close together.
pub const DEFAULT_PROXIMITY_BOOST: f32 = 0.3;
/// Default weight of the bonus for holding every word of the query in its order, close
/// together (three words or more).
pub const DEFAULT_PHRASE_BOOST: f32 = 1.0;
/// Default weight of the bonus for how much of the query a partial match holds.
pub const DEFAULT_COVERAGE_BOOST: f32 = 1.0;
/// Default weight of the bonus for words found as typed, in variants with an exact field.
pub const DEFAULT_EXACT_BOOST: f32 = 0.5;
/// Default number of words the related passages are searched with (see `search::related`).
pub const DEFAULT_RELATED_TERMS: usize = 20;
/// Default number of best matches the related passages' words are read from.
pub const DEFAULT_RELATED_FROM: usize = 3;
/// Most words the related passages may be searched with, and most matches read for them.
pub const MAX_RELATED: usize = 50;

/// The settings in force.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Folder of the on-disk index.
    pub index_dir: PathBuf,
    /// Address the HTTP API binds.
    pub addr: SocketAddr,
    /// Folder `serve` indexes at start-up (skipped when it does not exist).
    pub corpus_dir: PathBuf,
    /// Origins allowed to call the API from a browser; empty: none.
    pub cors_origins: Vec<String>,
    /// Indexing threads.
    pub threads: usize,
    /// Documents written between two commits while indexing.
    pub commit_every: usize,
    /// Weight of a title match relative to a passage match.
    pub title_boost: f32,
    /// Weight of a match in a long document's title, on its passages after the first.
    pub inherited_title_boost: f32,
    /// Weight of a match in a list item's lead-in relative to a passage match.
    pub lead_in_boost: f32,
    /// Weight of a heading match relative to a passage match.
    pub context_boost: f32,
    /// Weight of a match on the passage's article number relative to a passage match.
    pub article_boost: f32,
    /// Weight of a synonym match relative to a match on the word typed.
    pub synonym_boost: f32,
    /// Weight of the bonus for consecutive query words standing close together.
    pub proximity_boost: f32,
    /// Weight of the bonus for holding every word of the query in order, close together.
    pub phrase_boost: f32,
    /// Weight of the bonus for how much of the query a partial match holds.
    pub coverage_boost: f32,
    /// Weight of the bonus for words found as typed (variants with an exact field).
    pub exact_boost: f32,
    /// Passages holding every query word come first (else ranked by score alone).
    pub all_words_first: bool,
    /// Words of the best matches the related passages are searched with; 0: no related
    /// passages.
    pub related_terms: usize,
    /// Best matches the related passages' words are read from.
    pub related_from: usize,
    /// A user's synonym file, added to the built-in list.
    pub synonyms_file: Option<PathBuf>,
    /// Key the write endpoints require (`Authorization: Bearer …`); `None`: writes disabled.
    pub api_key: Option<Secret>,
    /// Key the read endpoints require when set; `None`: reads are open.
    pub read_key: Option<Secret>,
    /// Largest request body the HTTP API accepts, in bytes.
    pub max_body_bytes: usize,
    /// Time the HTTP API gives a request, body included, before answering 408, in seconds.
    pub request_timeout_secs: u64,
    /// Memory for recent search answers, in MiB; 0: none kept.
    pub cache_mb: u64,
}

/// A key kept only as its digest, compared in constant time, never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret {
    digest: blake3::Hash,
}

impl Secret {
    /// Keeps `key` as a digest.
    pub fn new(key: &str) -> Self {
        Secret {
            digest: blake3::hash(key.as_bytes()),
        }
    }

    /// True when `candidate` is the key. Digests are compared in constant time (blake3's
    /// `Hash` equality), and hashing first hides the key's length too.
    pub fn matches(&self, candidate: &str) -> bool {
        blake3::hash(candidate.as_bytes()) == self.digest
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("Secret(<redacted>)")
    }
}

/// Values given on the command line or in the environment; `None` when not given.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Overrides {
    /// Configuration file to read.
    pub config_file: Option<PathBuf>,
    /// Index folder.
    pub index_dir: Option<PathBuf>,
    /// Bind address, `HOST:PORT`.
    pub addr: Option<String>,
    /// Corpus folder.
    pub corpus_dir: Option<PathBuf>,
    /// Allowed CORS origins.
    pub cors_origins: Option<Vec<String>>,
    /// Indexing threads.
    pub threads: Option<usize>,
    /// A user's synonym file.
    pub synonyms_file: Option<PathBuf>,
    /// Write key (from `VIGIE_API_KEY`; never a flag, so it stays out of process lists).
    pub api_key: Option<String>,
    /// Read key (from `VIGIE_READ_KEY`).
    pub read_key: Option<String>,
    /// Largest request body, in bytes.
    pub max_body_bytes: Option<usize>,
    /// Time given a request before 408, in seconds.
    pub request_timeout_secs: Option<u64>,
    /// Memory for recent search answers, in MiB.
    pub cache_mb: Option<u64>,
}

/// The configuration file's shape; every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    index: Option<PathBuf>,
    addr: Option<String>,
    corpus: Option<PathBuf>,
    cors_origins: Option<Vec<String>>,
    threads: Option<usize>,
    commit_every: Option<usize>,
    title_boost: Option<f32>,
    inherited_title_boost: Option<f32>,
    context_boost: Option<f32>,
    lead_in_boost: Option<f32>,
    article_boost: Option<f32>,
    synonym_boost: Option<f32>,
    proximity_boost: Option<f32>,
    phrase_boost: Option<f32>,
    coverage_boost: Option<f32>,
    exact_boost: Option<f32>,
    all_words_first: Option<bool>,
    related_terms: Option<usize>,
    related_from: Option<usize>,
    synonyms: Option<PathBuf>,
    api_key: Option<String>,
    read_key: Option<String>,
    max_body_bytes: Option<usize>,
    request_timeout_secs: Option<u64>,
    cache_mb: Option<u64>,
}

impl Config {
    /// Merges overrides, the configuration file and defaults, and validates the result.
    pub fn load(overrides: Overrides) -> Result<Config, ConfigError> {
        let file = match &overrides.config_file {
            Some(path) => read_file(path)?,
            None => FileSettings::default(),
        };
        let addr_text = overrides
            .addr
            .or(file.addr)
            .unwrap_or_else(|| DEFAULT_ADDR.to_string());
        let addr = addr_text
            .parse::<SocketAddr>()
            .map_err(|error| ConfigError::Invalid {
                name: "addr (VIGIE_ADDR)".to_string(),
                value: addr_text.clone(),
                reason: format!("expected HOST:PORT such as {DEFAULT_ADDR}: {error}"),
            })?;
        let threads = overrides
            .threads
            .or(file.threads)
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |count| count.get()));
        if !(1..=64).contains(&threads) {
            return Err(ConfigError::Invalid {
                name: "threads (VIGIE_THREADS)".to_string(),
                value: threads.to_string(),
                reason: "must be between 1 and 64".to_string(),
            });
        }
        let commit_every = file.commit_every.unwrap_or(DEFAULT_COMMIT_EVERY);
        if commit_every == 0 {
            return Err(ConfigError::Invalid {
                name: "commit_every".to_string(),
                value: "0".to_string(),
                reason: "must be at least 1".to_string(),
            });
        }
        let related_terms = file.related_terms.unwrap_or(DEFAULT_RELATED_TERMS);
        let related_from = file.related_from.unwrap_or(DEFAULT_RELATED_FROM);
        for (name, value, least) in [
            ("related_terms", related_terms, 0),
            ("related_from", related_from, 1),
        ] {
            if !(least..=MAX_RELATED).contains(&value) {
                return Err(ConfigError::Invalid {
                    name: name.to_string(),
                    value: value.to_string(),
                    reason: format!("must be from {least} to {MAX_RELATED}"),
                });
            }
        }
        let title_boost = weight("title_boost", file.title_boost, DEFAULT_TITLE_BOOST)?;
        let inherited_title_boost = weight(
            "inherited_title_boost",
            file.inherited_title_boost,
            DEFAULT_INHERITED_TITLE_BOOST,
        )?;
        let context_boost = weight("context_boost", file.context_boost, DEFAULT_CONTEXT_BOOST)?;
        let lead_in_boost = weight("lead_in_boost", file.lead_in_boost, DEFAULT_LEAD_IN_BOOST)?;
        let article_boost = weight("article_boost", file.article_boost, DEFAULT_ARTICLE_BOOST)?;
        let synonym_boost = weight("synonym_boost", file.synonym_boost, DEFAULT_SYNONYM_BOOST)?;
        let proximity_boost = weight(
            "proximity_boost",
            file.proximity_boost,
            DEFAULT_PROXIMITY_BOOST,
        )?;
        let phrase_boost = weight("phrase_boost", file.phrase_boost, DEFAULT_PHRASE_BOOST)?;
        let coverage_boost = weight(
            "coverage_boost",
            file.coverage_boost,
            DEFAULT_COVERAGE_BOOST,
        )?;
        let exact_boost = weight("exact_boost", file.exact_boost, DEFAULT_EXACT_BOOST)?;
        let cors_origins = cors_origins(overrides.cors_origins.or(file.cors_origins))?;
        let api_key = secret(
            "api_key (VIGIE_API_KEY)",
            overrides.api_key.or(file.api_key),
        )?;
        let read_key = secret(
            "read_key (VIGIE_READ_KEY)",
            overrides.read_key.or(file.read_key),
        )?;
        let max_body_bytes = overrides
            .max_body_bytes
            .or(file.max_body_bytes)
            .unwrap_or(DEFAULT_MAX_BODY_BYTES);
        if max_body_bytes < 1024 {
            return Err(ConfigError::Invalid {
                name: "max_body_bytes (VIGIE_MAX_BODY_BYTES)".to_string(),
                value: max_body_bytes.to_string(),
                reason: "must be at least 1024".to_string(),
            });
        }
        let request_timeout_secs = overrides
            .request_timeout_secs
            .or(file.request_timeout_secs)
            .unwrap_or(DEFAULT_REQUEST_TIMEOUT_SECS);
        if !(1..=MAX_REQUEST_TIMEOUT_SECS).contains(&request_timeout_secs) {
            return Err(ConfigError::Invalid {
                name: "request_timeout_secs (VIGIE_REQUEST_TIMEOUT_SECS)".to_string(),
                value: request_timeout_secs.to_string(),
                reason: format!("must be from 1 to {MAX_REQUEST_TIMEOUT_SECS} seconds"),
            });
        }
        Ok(Config {
            index_dir: overrides
                .index_dir
                .or(file.index)
                .unwrap_or_else(|| PathBuf::from(DEFAULT_INDEX_DIR)),
            addr,
            corpus_dir: overrides
                .corpus_dir
                .or(file.corpus)
                .unwrap_or_else(|| PathBuf::from(DEFAULT_CORPUS_DIR)),
            cors_origins,
            threads,
            commit_every,
            title_boost,
            inherited_title_boost,
            context_boost,
            lead_in_boost,
            article_boost,
            synonym_boost,
            proximity_boost,
            phrase_boost,
            coverage_boost,
            exact_boost,
            all_words_first: file.all_words_first.unwrap_or(true),
            related_terms,
            related_from,
            synonyms_file: overrides.synonyms_file.or(file.synonyms),
            api_key,
            read_key,
            max_body_bytes,
            request_timeout_secs,
            cache_mb: overrides
                .cache_mb
                .or(file.cache_mb)
                .unwrap_or(DEFAULT_CACHE_MB),
        })
    }
}

/// The CORS origins as browsers send them (`https://host[:port]`), or `*` alone for any
/// origin. A bare trailing slash is dropped; a path, query or user part is refused, since an
/// `Origin` header never holds one and such an entry would never match.
fn cors_origins(values: Option<Vec<String>>) -> Result<Vec<String>, ConfigError> {
    let refuse = |value: &str, reason: &str| ConfigError::Invalid {
        name: "cors_origins (VIGIE_CORS_ORIGINS)".to_string(),
        value: value.to_string(),
        reason: reason.to_string(),
    };
    let mut origins = Vec::new();
    for value in values.unwrap_or_default() {
        let trimmed = value.trim();
        if trimmed.is_empty() {
            continue;
        }
        let origin = trimmed.strip_suffix('/').unwrap_or(trimmed);
        if origin == "*" {
            origins.push(origin.to_string());
            continue;
        }
        let authority = origin
            .strip_prefix("https://")
            .or_else(|| origin.strip_prefix("http://"));
        let Some(authority) = authority else {
            return Err(refuse(
                trimmed,
                "an origin is a scheme and host such as https://intranet.example",
            ));
        };
        if authority.is_empty()
            || authority.contains(['/', '?', '#', '@', '*'])
            || axum::http::HeaderValue::from_str(origin).is_err()
        {
            return Err(refuse(
                trimmed,
                "an origin is a scheme, host and optional port, without path \
                 (https://intranet.example or https://intranet.example:8443)",
            ));
        }
        origins.push(origin.to_string());
    }
    if origins.len() > 1 && origins.iter().any(|origin| origin == "*") {
        return Err(refuse(
            &origins.join(","),
            "`*` (any origin) must be alone; list origins or give `*`, not both",
        ));
    }
    Ok(origins)
}

/// A key setting: absent or blank means none; otherwise long enough and without spaces. The
/// refusal never repeats the key.
fn secret(name: &str, value: Option<String>) -> Result<Option<Secret>, ConfigError> {
    let Some(key) = value.filter(|key| !key.trim().is_empty()) else {
        return Ok(None);
    };
    let refuse = |reason: String| ConfigError::Invalid {
        name: name.to_string(),
        value: "<hidden>".to_string(),
        reason,
    };
    if key.chars().any(char::is_whitespace) {
        return Err(refuse("a key may not contain spaces".to_string()));
    }
    if key.chars().count() < MIN_KEY_CHARS {
        return Err(refuse(format!(
            "a key must be at least {MIN_KEY_CHARS} characters long"
        )));
    }
    Ok(Some(Secret::new(&key)))
}

/// A ranking weight from the file, or its default; must be a finite non-negative number.
fn weight(name: &str, value: Option<f32>, default: f32) -> Result<f32, ConfigError> {
    let value = value.unwrap_or(default);
    if value.is_finite() && value >= 0.0 {
        Ok(value)
    } else {
        Err(ConfigError::Invalid {
            name: name.to_string(),
            value: value.to_string(),
            reason: "must be a non-negative number".to_string(),
        })
    }
}

fn read_file(path: &Path) -> Result<FileSettings, ConfigError> {
    let invalid = |reason: String| ConfigError::Invalid {
        name: "config (VIGIE_CONFIG)".to_string(),
        value: path.display().to_string(),
        reason,
    };
    let text = std::fs::read_to_string(path).map_err(|error| invalid(error.to_string()))?;
    toml::from_str(&text).map_err(|error| invalid(error.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_apply_when_nothing_is_given() {
        let config = Config::load(Overrides::default()).ok();
        let config = config.expect("defaults are valid");
        assert_eq!(config.addr.to_string(), DEFAULT_ADDR);
        assert_eq!(config.index_dir, PathBuf::from("index"));
        assert!(config.cors_origins.is_empty());
        assert_eq!(config.request_timeout_secs, DEFAULT_REQUEST_TIMEOUT_SECS);
    }

    #[test]
    fn flags_win_over_the_file_and_the_file_over_defaults() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("vigie.toml");
        std::fs::write(
            &path,
            "addr = \"127.0.0.1:9000\"\nindex = \"from-file\"\nrequest_timeout_secs = 30\n",
        )
        .expect("write");
        let config = Config::load(Overrides {
            config_file: Some(path),
            index_dir: Some(PathBuf::from("from-flag")),
            ..Overrides::default()
        })
        .expect("valid");
        assert_eq!(config.index_dir, PathBuf::from("from-flag"));
        assert_eq!(config.addr.port(), 9000);
        assert_eq!(config.request_timeout_secs, 30);
    }

    #[test]
    fn related_passage_settings_come_from_the_file_within_their_range() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("vigie.toml");
        let load = |text: &str| {
            std::fs::write(&path, text).expect("write");
            Config::load(Overrides {
                config_file: Some(path.clone()),
                ..Overrides::default()
            })
        };
        let defaults = load("").expect("valid");
        assert_eq!(
            (defaults.related_terms, defaults.related_from),
            (DEFAULT_RELATED_TERMS, DEFAULT_RELATED_FROM)
        );
        let off = load("related_terms = 0\nrelated_from = 5\n").expect("valid");
        assert_eq!((off.related_terms, off.related_from), (0, 5));
        for (text, name) in [
            ("related_terms = 51\n", "related_terms"),
            ("related_from = 0\n", "related_from"),
        ] {
            let error = load(text).err().map(|e| e.to_string()).unwrap_or_default();
            assert!(
                error.contains(name) && error.contains("to 50"),
                "{text}: {error}"
            );
        }
    }

    #[test]
    fn bad_values_are_refused_with_their_name() {
        let error = Config::load(Overrides {
            addr: Some("localhost".into()),
            ..Overrides::default()
        })
        .err()
        .map(|error| error.to_string())
        .unwrap_or_default();
        assert!(error.contains("VIGIE_ADDR"), "{error}");
        let error = Config::load(Overrides {
            cors_origins: Some(vec!["intranet".into()]),
            ..Overrides::default()
        });
        assert!(error.is_err());
        for seconds in [0, 3_601] {
            let error = Config::load(Overrides {
                request_timeout_secs: Some(seconds),
                ..Overrides::default()
            })
            .err()
            .map(|error| error.to_string())
            .unwrap_or_default();
            assert!(
                error.contains("VIGIE_REQUEST_TIMEOUT_SECS") && error.contains("from 1 to 3600"),
                "{seconds}: {error}"
            );
        }
    }

    #[test]
    fn cors_origins_are_origins_browsers_send_or_a_lone_wildcard() {
        let load = |origins: &[&str]| {
            Config::load(Overrides {
                cors_origins: Some(origins.iter().map(|origin| origin.to_string()).collect()),
                ..Overrides::default()
            })
            .map(|config| config.cors_origins)
            .map_err(|error| error.to_string())
        };
        assert_eq!(load(&["*"]), Ok(vec!["*".to_string()]));
        assert_eq!(
            load(&[" https://intranet.example/ ", "http://localhost:8080"]),
            Ok(vec![
                "https://intranet.example".to_string(),
                "http://localhost:8080".to_string()
            ])
        );
        for bad in [
            "https://intranet.example/path",
            "https://intranet.example//",
            "https://intranet.example?x=1",
            "https://user@intranet.example",
            "https://",
            "intranet.example",
        ] {
            let error = load(&[bad]).err().unwrap_or_default();
            assert!(
                error.contains("VIGIE_CORS_ORIGINS") && error.contains(bad),
                "{bad}: {error}"
            );
        }
        let error = load(&["*", "https://intranet.example"])
            .err()
            .unwrap_or_default();
        assert!(error.contains("must be alone"), "{error}");
    }

    #[test]
    fn keys_are_checked_kept_as_digests_and_never_shown() {
        let key = "a-long-enough-secret-key";
        let config = Config::load(Overrides {
            api_key: Some(key.into()),
            read_key: Some("   ".into()),
            ..Overrides::default()
        })
        .expect("valid");
        let stored = config.api_key.clone().expect("key kept");
        assert!(stored.matches(key));
        assert!(!stored.matches("a-long-enough-secret-kez"));
        assert!(config.read_key.is_none());
        assert!(!format!("{config:?}").contains(key));
        let error = Config::load(Overrides {
            api_key: Some("short".into()),
            ..Overrides::default()
        })
        .err()
        .map(|error| error.to_string())
        .unwrap_or_default();
        assert!(
            error.contains("VIGIE_API_KEY") && !error.contains("short\""),
            "{error}"
        );
    }
}
