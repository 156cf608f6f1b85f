//! End to end in a real browser: headless Chromium drives the search page and the widget
//! embedded in a page of another origin, against the real router on a real listener.
//!
//! Needs Debian's `chromium` (`/usr/bin/chromium`). Without it the test is skipped with a
//! message, except under CI (`CI` set), where it fails: CI installs it (`.ci/run`).
//! Screenshots go to `tests/artifacts/` (not versioned).

mod cdp;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::response::Html;
use axum::routing::get;
use axum::Router;
use cdp::{Browser, Key};
use serde_json::json;
use vigie::http::{router, AppState, HttpSettings};

use crate::support::corpus_index;

const CHROMIUM: &str = "/usr/bin/chromium";
const DECLARATION: &str = "declaration-franco-belge-2018.fr.txt";

/// The widget's shadow root, in page JavaScript.
const ROOT: &str = "document.querySelector('[data-vigie-search]').shadowRoot";

fn artifacts() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/artifacts")
}

/// The browser to drive, or `None` (after saying why) when the test must be skipped.
fn chromium() -> Option<PathBuf> {
    let binary = PathBuf::from(CHROMIUM);
    if binary.exists() {
        return Some(binary);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{CHROMIUM} is missing; CI must install Debian's chromium package (see .ci/run)"
    );
    eprintln!(
        "SKIPPED browser end-to-end test: {CHROMIUM} is missing \
         (install it with `apt-get install chromium`)"
    );
    None
}

/// The page of another origin that embeds the widget from Vigie's origin.
fn host_page(vigie: &str) -> String {
    format!(
        r#"<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Intranet — recherche</title>
<script src="{vigie}/widget.js" defer></script></head>
<body style="font-family: Georgia, serif; background: #eef3ee; margin: 2rem;">
<h1>Intranet du service</h1>
<p>Une page d'un autre site qui intègre le moteur.</p>
<div data-vigie-search style="--vigie-accent: #1f6f3f; --vigie-mark: #c7f0d0;"></div>
</body></html>"#
    )
}

/// Two servers on free ports: Vigie (allowing the host page's origin) and the host page.
struct Servers {
    runtime: tokio::runtime::Runtime,
    vigie: String,
    host: String,
}

fn start_servers() -> Servers {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let bind = || {
        runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("free port")
    };
    let vigie_listener = bind();
    let host_listener = bind();
    let vigie = format!(
        "http://{}",
        vigie_listener.local_addr().expect("vigie address")
    );
    let host = format!(
        "http://{}",
        host_listener.local_addr().expect("host address")
    );
    let state = AppState::new(Arc::clone(&corpus_index().engine));
    let settings = HttpSettings {
        cors_origins: vec![host.clone()],
        ..HttpSettings::default()
    };
    let vigie_app = router(state, &settings);
    let page = host_page(&vigie);
    let host_app = Router::new().route("/", get(move || async move { Html(page) }));
    runtime.spawn(async move { axum::serve(vigie_listener, vigie_app).await });
    runtime.spawn(async move { axum::serve(host_listener, host_app).await });
    Servers {
        runtime,
        vigie,
        host,
    }
}

/// Page JavaScript: the texts of the options shown in the listbox.
fn option_texts() -> String {
    format!(
        "(() => {{ const list = {ROOT}.querySelector('[role=listbox]');
           return list.hidden ? [] : [...list.querySelectorAll('[role=option] .text')].map(o => o.textContent); }})()"
    )
}

/// Page JavaScript: the shown hits as `[doc_id, [marked words]]`, once there are some.
fn shown_hits() -> String {
    format!(
        "(() => {{ const hits = [...{ROOT}.querySelectorAll('.hit')];
           return hits.length ? hits.map(h => [h.dataset.docId, [...h.querySelectorAll('mark')].map(m => m.textContent)]) : null; }})()"
    )
}

fn marked_passages_of(hits: &serde_json::Value, doc_id: &str) -> Vec<Vec<String>> {
    hits.as_array()
        .into_iter()
        .flatten()
        .filter(|hit| hit[0] == doc_id)
        .map(|hit| {
            hit[1]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|mark| mark.as_str().map(str::to_lowercase))
                .collect()
        })
        .collect()
}

#[test]
fn the_widget_suggests_and_shows_highlighted_passages_in_chromium() {
    let Some(binary) = chromium() else { return };
    let servers = start_servers();
    let mut browser = Browser::launch(&binary, 1100, 1300).expect("Chromium starts");
    let outcome = drive(&mut browser, &servers);
    if outcome.is_err() {
        let _ = browser.screenshot(&artifacts().join("widget-failure.png"));
    }
    drop(browser);
    servers.runtime.shutdown_background();
    if let Err(error) = outcome {
        panic!("{error} (screenshot: tests/artifacts/widget-failure.png)");
    }
}

/// Empties the box and the results, then types `query` and presses Enter.
fn search_afresh(browser: &mut Browser, query: &str) -> Result<(), String> {
    browser.eval(&format!(
        "{ROOT}.querySelector('input').value = ''; {ROOT}.querySelector('.results').replaceChildren()"
    ))?;
    browser.type_text(query)?;
    browser.press(Key::Enter)
}

fn drive(browser: &mut Browser, servers: &Servers) -> Result<(), String> {
    // The search page, served by Vigie under its CSP.
    browser.navigate(&format!("{}/", servers.vigie))?;
    browser.wait_for(
        &format!("{ROOT} && {ROOT}.querySelector('input')"),
        "the widget",
    )?;
    let combobox = browser.eval(&format!(
        "(() => {{ const input = {ROOT}.querySelector('input');
           input.focus();
           return [input.getAttribute('role'), input.getAttribute('aria-expanded'),
                   {ROOT}.getElementById(input.getAttribute('aria-controls')).getAttribute('role'),
                   {ROOT}.activeElement === input]; }})()"
    ))?;
    check(
        combobox == json!(["combobox", "false", "listbox", true]),
        format!("combobox pattern: {combobox}"),
    )?;

    // Suggestions appear while typing, letter by letter.
    browser.type_text("coopé")?;
    let options = browser.wait_for(
        &format!(
            "(() => {{ const texts = {}; return texts.some(t => t.startsWith('coopération')) ? texts : null; }})()",
            option_texts()
        ),
        "suggestions for « coopé »",
    )?;
    let expanded = browser.eval(&format!(
        "{ROOT}.querySelector('input').getAttribute('aria-expanded')"
    ))?;
    check(
        expanded == json!("true"),
        format!("aria-expanded after suggestions: {expanded}"),
    )?;
    // Down arrow: the first option becomes the active descendant.
    browser.press(Key::ArrowDown)?;
    browser.screenshot(&artifacts().join("widget-suggestions.png"))?;
    let active = browser.eval(&format!(
        "(() => {{ const input = {ROOT}.querySelector('input');
           const option = {ROOT}.getElementById(input.getAttribute('aria-activedescendant'));
           return option ? [option.getAttribute('aria-selected'), option.querySelector('.text').textContent] : null; }})()"
    ))?;
    check(
        active.get(1) == options.get(0) && active.get(0) == Some(&json!("true")),
        format!("active option {active} of {options}"),
    )?;
    // Escape closes the list, a second Escape empties the box.
    browser.press(Key::Escape)?;
    browser.press(Key::Escape)?;
    browser.wait_for(
        &format!(
            "{ROOT}.querySelector('[role=listbox]').hidden && {ROOT}.querySelector('input').value === ''"
        ),
        "Escape to close the list and empty the box",
    )?;

    // A whole query, typed, then Enter: highlighted passages of the right document.
    browser.type_text("équipes communes d'enquête")?;
    browser.wait_for(
        &format!("{}.length > 0", option_texts()),
        "suggestions for « équipes communes d'enquête »",
    )?;
    browser.press(Key::Enter)?;
    let hits = browser.wait_for(&shown_hits(), "search results")?;
    let marked = marked_passages_of(&hits, DECLARATION);
    check(
        marked.iter().any(|marks| {
            marks.iter().any(|mark| mark.starts_with("équipe"))
                && marks.iter().any(|mark| mark.starts_with("enquête"))
        }),
        format!("no highlighted passage of {DECLARATION}: {hits}"),
    )?;
    let status = browser.eval(&format!("{ROOT}.querySelector('.status').textContent"))?;
    check(
        status.as_str().is_some_and(|text| text.contains("passage")),
        format!("live region: {status}"),
    )?;
    let styled = browser.eval(&format!(
        "getComputedStyle({ROOT}.querySelector('mark')).backgroundColor"
    ))?;
    check(
        styled != json!("rgba(0, 0, 0, 0)"),
        format!("widget styles did not apply under the CSP: {styled}"),
    )?;
    browser.screenshot(&artifacts().join("widget-search.png"))?;

    // A list item is shown under the sentence introducing its list, its words marked too.
    search_afresh(browser, "entropie minimale mot de passe")?;
    let lead_in = browser.wait_for(
        &format!(
            "(() => {{ const hit = {ROOT}.querySelector('.hit');
               const lead = hit && hit.querySelector('.lead-in');
               if (!lead || lead.nextElementSibling !== hit.querySelector('.passage')) return null;
               return [lead.textContent, [...lead.querySelectorAll('mark')].map(m => m.textContent)]; }})()"
        ),
        "a list item with its lead-in for « entropie minimale mot de passe »",
    )?;
    check(
        lead_in[0]
            .as_str()
            .is_some_and(|text| text.starts_with("imposer une complexité du mot de passe"))
            && lead_in[1]
                .as_array()
                .is_some_and(|marks| marks.iter().any(|mark| mark == "passe")),
        format!("lead-in shown: {lead_in}"),
    )?;

    // One long text does not fill the page: three passages of a document at most.
    search_afresh(browser, "terrorisme")?;
    let per_document = browser.wait_for(
        &format!(
            "(() => {{ const items = [...{ROOT}.querySelectorAll('.hit')];
               if (items.length < 10) return null;
               const counts = {{}};
               for (const item of items) counts[item.dataset.docId] = (counts[item.dataset.docId] || 0) + 1;
               return Object.values(counts); }})()"
        ),
        "ten results for « terrorisme »",
    )?;
    check(
        per_document.as_array().is_some_and(|counts| {
            counts.len() >= 4 && counts.iter().all(|count| count.as_u64() <= Some(3))
        }),
        format!("passages per document: {per_document}"),
    )?;
    // The next passages come below, none twice, still three per document at most.
    browser.eval(&format!("{ROOT}.querySelector('.more').click()"))?;
    let more = browser.wait_for(
        &format!(
            "(() => {{ const items = [...{ROOT}.querySelectorAll('.hit')];
               if (items.length <= 10) return null;
               const keys = items.map(i => i.dataset.docId + ' ' + i.querySelector('.passage').textContent);
               const counts = {{}};
               for (const item of items) counts[item.dataset.docId] = (counts[item.dataset.docId] || 0) + 1;
               return [items.length, new Set(keys).size, Math.max(...Object.values(counts)),
                       {ROOT}.querySelector('.status').textContent]; }})()"
        ),
        "the next passages for « terrorisme »",
    )?;
    check(
        more[0].as_u64() > Some(10)
            && more[0] == more[1]
            && more[2].as_u64() <= Some(3)
            && more[3]
                .as_str()
                .is_some_and(|status| status.contains("premiers") || !status.contains(',')),
        format!("next passages: {more}"),
    )?;
    // A query the server refuses says why; an empty one clears what was shown.
    browser.eval(&format!("{ROOT}.querySelector('input').value = ''"))?;
    browser.type_text("-terrorisme")?;
    browser.press(Key::Enter)?;
    browser.wait_for(
        &format!(
            "{ROOT}.querySelector('.status').textContent.includes('ajoutez au moins un mot') \
             && {ROOT}.querySelectorAll('.hit').length === 0"
        ),
        "the reason a query of exclusions only is refused",
    )?;

    // A misspelt word is corrected, and the box says what was searched.
    browser.eval(&format!("{ROOT}.querySelector('input').value = ''"))?;
    browser.type_text("disolution des groupements")?;
    browser.press(Key::Enter)?;
    let corrected = browser.wait_for(
        &format!(
            "(() => {{ const text = {ROOT}.querySelector('.status').textContent;
               return text.includes('passage') ? text : null; }})()"
        ),
        "results for a misspelt query",
    )?;
    check(
        corrected
            .as_str()
            .is_some_and(|text| text.starts_with("Résultats pour « dissolution des groupements »")),
        format!("no correction shown: {corrected}"),
    )?;

    // Two passages write `ECE`: the page goes on with related passages, under their own
    // heading, their shared words marked.
    search_afresh(browser, "ECE")?;
    let related = browser.wait_for(
        &format!(
            "(() => {{ const section = {ROOT}.querySelector('.related');
               if (!section || section.hidden) return null;
               return [section.querySelector('.related-title').textContent,
                       section.querySelectorAll('.hit').length,
                       {ROOT}.querySelector('.results').querySelectorAll('.hit').length,
                       section.querySelectorAll('mark').length]; }})()"
        ),
        "related passages for « ECE »",
    )?;
    check(
        related[0] == "Passages apparentés"
            && related[1].as_u64() >= Some(5)
            && related[2] == 2
            && related[3].as_u64() >= Some(5),
        format!("related passages: {related}"),
    )?;
    browser.screenshot(&artifacts().join("widget-related.png"))?;

    // The widget embedded in a page of another origin, calling Vigie through CORS.
    browser.navigate(&format!("{}/", servers.host))?;
    browser.wait_for(
        &format!("{ROOT} && {ROOT}.querySelector('input')"),
        "the embedded widget",
    )?;
    browser.eval(&format!("{ROOT}.querySelector('input').focus()"))?;
    browser.type_text("coopération pol")?;
    let options = browser.wait_for(
        &format!(
            "(() => {{ const texts = {}; return texts.includes('coopération policière') ? texts : null; }})()",
            option_texts()
        ),
        "suggestions across origins",
    )?;
    // Chosen with the keyboard: down to « coopération policière », then Enter.
    let position = options
        .as_array()
        .and_then(|texts| {
            texts
                .iter()
                .position(|text| text == "coopération policière")
        })
        .ok_or("no « coopération policière » option")?;
    for _ in 0..=position {
        browser.press(Key::ArrowDown)?;
    }
    browser.press(Key::Enter)?;
    browser.wait_for(
        &format!("{ROOT}.querySelector('input').value === 'coopération policière'"),
        "the chosen suggestion in the box",
    )?;
    let hits = browser.wait_for(&shown_hits(), "results across origins")?;
    check(
        hits.as_array().is_some_and(|hits| {
            hits.iter()
                .any(|hit| hit[1].as_array().is_some_and(|marks| !marks.is_empty()))
        }),
        format!("no highlighted passage across origins: {hits}"),
    )?;
    // Passages of the codes show where they stand: the headings above them.
    let metas = browser.eval(&format!(
        "[...{ROOT}.querySelectorAll('.hit .meta')].map(m => m.textContent)"
    ))?;
    check(
        metas.as_array().is_some_and(|metas| {
            metas
                .iter()
                .any(|meta| meta.as_str().is_some_and(|text| text.contains(" › ")))
        }),
        format!("no hit shows its headings: {metas}"),
    )?;
    let link = browser.eval(&format!("{ROOT}.querySelector('.hit a').href"))?;
    check(
        link.as_str()
            .is_some_and(|href| href.starts_with(&format!("{}/documents/", servers.vigie))),
        format!("document link not on Vigie's origin: {link}"),
    )?;
    browser.screenshot(&artifacts().join("widget-cross-origin.png"))?;

    // The link opens the whole document as a page to read, its passage marked.
    let link = link.as_str().ok_or("no document link")?.to_string();
    browser.navigate(&link)?;
    let target = browser.wait_for(
        "(() => { const t = document.querySelector('.passage:target'); return t ? t.id : null; })()",
        "the linked passage, as the page's target",
    )?;
    check(
        link.ends_with(&format!("#{}", target.as_str().unwrap_or("?"))),
        format!("the page marks {target}, the link named {link}"),
    )?;
    let marked = browser
        .eval("getComputedStyle(document.querySelector('.passage:target')).backgroundColor")?;
    check(
        marked != json!("rgba(0, 0, 0, 0)"),
        format!("the document page's stylesheet did not apply: {marked}"),
    )?;
    // The words searched are marked in the linked passage, as in the result.
    let marks = browser.eval(
        "[...document.querySelectorAll('.passage:target mark')].map(m => m.textContent.toLowerCase())",
    )?;
    check(
        marks
            .as_array()
            .is_some_and(|marks| marks.iter().any(|mark| mark == "coopération")),
        format!("the linked passage has no marked word: {marks}"),
    )?;
    browser.screenshot(&artifacts().join("document-page.png"))?;
    Ok(())
}

fn check(condition: bool, message: String) -> Result<(), String> {
    if condition {
        Ok(())
    } else {
        Err(message)
    }
}
