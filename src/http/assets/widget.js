/*
 * Vigie search widget. No dependency, no build step.
 *
 * Usage in any page:
 *   <script src="https://vigie.example/widget.js" defer></script>
 *   <div data-vigie-search></div>
 *
 * Options (attributes of the element):
 *   data-vigie-endpoint  the Vigie server (default: the origin this script was loaded from)
 *   data-vigie-limit     passages shown per search (default 10, 1 to 100: the server's cap)
 *   data-vigie-per-doc   passages shown per document at most (default 3; 0: no limit)
 *   data-vigie-autofocus focus the search box on load
 *   data-vigie-history   keep the query in the page's address (?q=…)
 *
 * The widget lives in a shadow root: the host page's styles do not reach it and its styles do
 * not leak out. The host restyles it through CSS custom properties (--vigie-*), set on the
 * element or any ancestor. The only HTML inserted is the API's `highlight` (escaped text
 * with <mark>), and even that is rebuilt node by node; everything else is set as text.
 */
(() => {
  "use strict";

  const script = document.currentScript;
  const scriptOrigin = script && script.src ? new URL(script.src, location.href).origin : location.origin;

  const SUGGEST_DELAY_MS = 150;
  const SUGGEST_LIMIT = 8;
  // The server's cap on `limit` (`MAX_LIMIT`): asking more would be lowered to it anyway.
  const MAX_LIMIT = 100;
  const DEFAULT_PER_DOC = 3;
  // The server's caps on a query's length and on how deep pages go (`offset`).
  const MAX_QUERY_CHARS = 1000;
  const MAX_OFFSET = 1000;
  // A search still unanswered after this long is given up: the server is stuck or unreachable.
  const SEARCH_TIMEOUT_MS = 15000;

  const TEXT = {
    label: "Rechercher dans les textes",
    placeholder: "Par exemple : équipes communes d’enquête",
    submit: "Rechercher",
    suggestions: "Suggestions",
    results: "Résultats",
    searching: "Recherche en cours…",
    empty: "Saisissez au moins un mot.",
    none: "Aucun passage trouvé.",
    failed: "La recherche a échoué. Réessayez dans un instant.",
    timedOut: "Le serveur de recherche ne répond pas. Réessayez dans un instant.",
    // What the server refuses, said so that the user can change the query (by error code).
    refused: {
      only_exclusions: "La requête ne fait qu’exclure des mots : ajoutez au moins un mot à chercher.",
      query_too_long: `La requête est trop longue : ${MAX_QUERY_CHARS.toLocaleString("fr-FR")} caractères au plus.`,
      empty_query: "Saisissez au moins un mot.",
    },
    more: "Afficher les passages suivants",
    related: "Passages apparentés",
    relatedNote: "Ils ne contiennent pas les mots cherchés, mais ceux des meilleurs résultats (surlignés).",
    passage: "passage",
    article: "Article",
    suggestionCount: (count) =>
      count === 0 ? "Aucune suggestion." :
        `${count} suggestion${count > 1 ? "s" : ""} : flèches haut et bas pour choisir, Entrée pour rechercher.`,
    corrected: (query) => `Résultats pour « ${query} ».`,
    resultCount: (total, shown) => {
      if (total === 0) return "Aucun passage trouvé.";
      const found = `${total.toLocaleString("fr-FR")} passage${total > 1 ? "s" : ""} trouvé${total > 1 ? "s" : ""}`;
      return shown < total ? `${found}, les ${shown} premiers sont affichés.` : `${found}.`;
    },
  };

  const STYLE = `
:host {
  display: block;
  font-family: var(--vigie-font, system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif);
  color: var(--vigie-text, #1b1b1b);
  line-height: 1.5;
}
[hidden] { display: none !important; }
.vigie { max-width: var(--vigie-max-width, 48rem); }
.sr-only {
  position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0;
}
.label { display: block; font-weight: 600; margin-bottom: 0.25rem; }
.row { display: flex; gap: 0.5rem; align-items: stretch; }
.field { position: relative; flex: 1; }
.input {
  box-sizing: border-box; width: 100%; font: inherit; color: inherit;
  padding: 0.55rem 0.75rem;
  background: var(--vigie-background, #fff);
  border: 2px solid var(--vigie-border, #6a6a6a);
  border-radius: var(--vigie-radius, 4px);
}
.button {
  font: inherit; font-weight: 600; cursor: pointer;
  padding: 0.55rem 1rem;
  color: var(--vigie-accent-text, #fff);
  background: var(--vigie-accent, #000091);
  border: 2px solid var(--vigie-accent, #000091);
  border-radius: var(--vigie-radius, 4px);
}
.input:focus-visible, .button:focus-visible, a:focus-visible, .option:focus-visible {
  outline: 3px solid var(--vigie-focus, #f5a300);
  outline-offset: 2px;
}
.listbox {
  position: absolute; z-index: 10; left: 0; right: 0; top: calc(100% + 2px);
  margin: 0; padding: 0.25rem 0; list-style: none;
  background: var(--vigie-background, #fff);
  border: 2px solid var(--vigie-border, #6a6a6a);
  border-radius: var(--vigie-radius, 4px);
  box-shadow: 0 6px 16px rgba(0, 0, 0, 0.18);
  max-height: 20rem; overflow-y: auto;
}
.option { padding: 0.35rem 0.75rem; cursor: pointer; display: flex; justify-content: space-between; gap: 1rem; }
.option:hover { background: var(--vigie-hover, #ececf8); }
.option[aria-selected="true"] {
  background: var(--vigie-accent, #000091); color: var(--vigie-accent-text, #fff);
  outline: 2px solid var(--vigie-focus, #f5a300); outline-offset: -2px;
}
.kind { font-size: 0.8em; opacity: 0.75; }
.status { margin: 0.75rem 0 0.5rem; color: var(--vigie-muted, #4a4a4a); min-height: 1.5em; }
.results { list-style: none; margin: 0; padding: 0; }
.hit {
  margin: 0 0 0.75rem; padding: 0.75rem 1rem;
  background: var(--vigie-surface, #fff);
  border: 1px solid var(--vigie-border-light, #d6d6d6);
  border-left: 4px solid var(--vigie-accent, #000091);
  border-radius: var(--vigie-radius, 4px);
}
.title { font-size: 1.05rem; margin: 0; }
.title a { color: var(--vigie-link, #000091); }
.meta { margin: 0.15rem 0 0.4rem; font-size: 0.875rem; color: var(--vigie-muted, #4a4a4a); }
.passage { margin: 0; white-space: pre-line; overflow-wrap: anywhere; }
.lead-in { margin: 0 0 0.15rem; color: var(--vigie-muted, #4a4a4a); font-style: italic; }
.related-title { font-size: 1rem; margin: 1rem 0 0.15rem; }
.related-note { margin: 0 0 0.5rem; font-size: 0.875rem; color: var(--vigie-muted, #4a4a4a); }
.related .hit { border-left-color: var(--vigie-border, #929292); }
.more {
  font: inherit; cursor: pointer; margin: 0.25rem 0 0.75rem; padding: 0.45rem 0.9rem;
  color: var(--vigie-link, #000091); background: var(--vigie-background, #fff);
  border: 2px solid var(--vigie-accent, #000091); border-radius: var(--vigie-radius, 4px);
}
.more:focus-visible { outline: 3px solid var(--vigie-focus, #f5a300); outline-offset: 2px; }
mark {
  background: var(--vigie-mark, #fde68a); color: inherit;
  padding: 0 0.1em; border-radius: 2px;
}
`;

  let instances = 0;
  let sharedSheet = null;

  /** Styles the shadow root: a constructed sheet where supported, a <style> otherwise. */
  function adoptStyles(root) {
    if ("adoptedStyleSheets" in root && typeof CSSStyleSheet === "function" && "replaceSync" in CSSStyleSheet.prototype) {
      if (!sharedSheet) {
        sharedSheet = new CSSStyleSheet();
        sharedSheet.replaceSync(STYLE);
      }
      root.adoptedStyleSheets = [sharedSheet];
      return;
    }
    const style = document.createElement("style");
    style.textContent = STYLE;
    root.append(style);
  }

  /** Creates an element with attributes and text (never HTML). */
  function element(tag, attributes = {}, text = "") {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (value !== null && value !== undefined) node.setAttribute(name, String(value));
    }
    if (text) node.textContent = text;
    return node;
  }

  /** Rebuilds the API's highlight (escaped text and <mark>) as text and <mark> nodes only. */
  function highlightNodes(html) {
    const template = document.createElement("template");
    template.innerHTML = html;
    const fragment = document.createDocumentFragment();
    for (const node of template.content.childNodes) {
      if (node.nodeName === "MARK") {
        fragment.append(element("mark", {}, node.textContent));
      } else {
        fragment.append(document.createTextNode(node.textContent || ""));
      }
    }
    return fragment;
  }

  /** `2018-05-29` → `29 mai 2018`. */
  function frenchDate(iso) {
    const parts = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$/.exec(iso || "");
    if (!parts) return iso || "";
    const [, year, month, day] = parts;
    const date = new Date(Date.UTC(Number(year), Number(month || 1) - 1, Number(day || 1)));
    const options = { year: "numeric", timeZone: "UTC" };
    if (month) options.month = "long";
    if (day) options.day = "numeric";
    return date.toLocaleDateString("fr-FR", options);
  }

  class VigieSearch {
    constructor(host) {
      this.host = host;
      this.id = `vigie-${++instances}`;
      this.endpoint = (host.dataset.vigieEndpoint || scriptOrigin).replace(/\/+$/, "");
      this.limit = Math.max(1, Math.min(MAX_LIMIT, Math.round(Number(host.dataset.vigieLimit)) || 10));
      // A few passages per document, so that one long text does not fill the page: its title
      // opens it whole. An attribute that is not a number keeps the default.
      const perDocText = (host.dataset.vigiePerDoc ?? "").trim();
      const perDoc = perDocText === "" ? DEFAULT_PER_DOC : Math.round(Number(perDocText));
      this.perDoc = Number.isFinite(perDoc)
        ? (perDoc > 0 ? Math.min(perDoc, 50) : 0)
        : DEFAULT_PER_DOC;
      // The query shown and how many of its passages are listed, for "more".
      this.shownQuery = "";
      this.shown = 0;
      this.suggestions = [];
      this.active = -1;
      this.suggestTimer = 0;
      this.suggestAbort = null;
      this.searchSequence = 0;
      this.render();
      this.bind();
      if (host.hasAttribute("data-vigie-history")) {
        const query = new URLSearchParams(location.search).get("q");
        if (query) {
          this.input.value = query;
          this.search(query);
        }
      }
      if (host.hasAttribute("data-vigie-autofocus")) this.input.focus();
    }

    render() {
      const root = this.host.shadowRoot || this.host.attachShadow({ mode: "open" });
      root.replaceChildren();
      adoptStyles(root);
      const ids = {
        input: `${this.id}-input`,
        listbox: `${this.id}-listbox`,
        status: `${this.id}-status`,
        related: `${this.id}-related`,
      };
      this.ids = ids;
      const container = element("div", { class: "vigie", part: "container" });
      this.form = element("form", { class: "form", role: "search", novalidate: "" });
      const label = element("label", { class: "label", for: ids.input }, TEXT.label);
      const row = element("div", { class: "row" });
      const field = element("div", { class: "field" });
      this.input = element("input", {
        id: ids.input,
        class: "input",
        type: "text",
        name: "q",
        role: "combobox",
        "aria-autocomplete": "list",
        "aria-expanded": "false",
        "aria-controls": ids.listbox,
        "aria-describedby": ids.status,
        autocomplete: "off",
        autocapitalize: "off",
        spellcheck: "false",
        enterkeyhint: "search",
        maxlength: String(MAX_QUERY_CHARS),
        placeholder: TEXT.placeholder,
      });
      this.listbox = element("ul", {
        id: ids.listbox,
        class: "listbox",
        role: "listbox",
        "aria-label": TEXT.suggestions,
        hidden: "",
      });
      const button = element("button", { class: "button", type: "submit" }, TEXT.submit);
      field.append(this.input, this.listbox);
      row.append(field, button);
      this.form.append(label, row);
      this.suggestStatus = element("div", { class: "sr-only", role: "status", "aria-live": "polite" });
      this.status = element("p", { id: ids.status, class: "status", role: "status", "aria-live": "polite", "aria-atomic": "true" });
      this.results = element("ol", { class: "results", "aria-label": TEXT.results });
      this.moreButton = element("button", { class: "more", type: "button", hidden: "" }, TEXT.more);
      // Passages holding none of the words, completing a page the matches do not fill.
      this.related = element("section", { class: "related", "aria-labelledby": ids.related, hidden: "" });
      this.relatedResults = element("ol", { class: "results" });
      this.related.append(
        element("h3", { id: ids.related, class: "related-title" }, TEXT.related),
        element("p", { class: "related-note" }, TEXT.relatedNote),
        this.relatedResults,
      );
      container.append(this.form, this.suggestStatus, this.status, this.results, this.moreButton, this.related);
      root.append(container);
    }

    bind() {
      this.input.addEventListener("input", () => this.scheduleSuggest());
      this.input.addEventListener("keydown", (event) => this.onKeyDown(event));
      this.form.addEventListener("submit", (event) => {
        event.preventDefault();
        this.closeList();
        this.search(this.input.value);
      });
      // Keep the focus in the box when an option is pressed, then take the option.
      this.listbox.addEventListener("mousedown", (event) => event.preventDefault());
      this.listbox.addEventListener("click", (event) => {
        const option = event.target.closest("[role=option]");
        if (option) this.choose(Number(option.dataset.index));
      });
      this.input.addEventListener("blur", () => this.closeList());
      this.moreButton.addEventListener("click", () => this.search(this.shownQuery, this.shown));
    }

    onKeyDown(event) {
      const open = !this.listbox.hidden;
      switch (event.key) {
        case "ArrowDown":
          event.preventDefault();
          if (!open) {
            // Suggestions for what the box holds now, not for an earlier prefix.
            if (this.suggestions.length && this.suggestedFor === this.input.value) {
              this.openList(event.altKey ? -1 : 0);
            } else {
              this.scheduleSuggest(0);
            }
          } else {
            this.setActive(this.active + 1 >= this.suggestions.length ? 0 : this.active + 1);
          }
          break;
        case "ArrowUp":
          if (!open) return;
          event.preventDefault();
          this.setActive(this.active <= 0 ? this.suggestions.length - 1 : this.active - 1);
          break;
        case "Enter":
          if (open && this.active >= 0) {
            event.preventDefault();
            this.choose(this.active);
          }
          break;
        case "Escape":
          if (open) {
            event.preventDefault();
            this.closeList();
          } else if (this.input.value) {
            event.preventDefault();
            this.input.value = "";
            this.suggestions = [];
          }
          break;
        case "Tab":
          this.closeList();
          break;
        default:
          break;
      }
    }

    scheduleSuggest(delay = SUGGEST_DELAY_MS) {
      clearTimeout(this.suggestTimer);
      const prefix = this.input.value;
      // The server suggests for 100 characters at most: past that, nothing to ask.
      if (!prefix.trim() || prefix.length > 100) {
        this.suggestions = [];
        this.closeList();
        return;
      }
      this.suggestTimer = setTimeout(() => this.suggest(prefix), delay);
    }

    async suggest(prefix) {
      if (this.suggestAbort) this.suggestAbort.abort();
      const abort = new AbortController();
      this.suggestAbort = abort;
      const url = `${this.endpoint}/suggest?q=${encodeURIComponent(prefix)}&limit=${SUGGEST_LIMIT}`;
      try {
        const response = await fetch(url, { signal: abort.signal, headers: { Accept: "application/json" } });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        const body = await response.json();
        if (abort.signal.aborted || this.input.value !== prefix) return;
        this.suggestions = Array.isArray(body.suggestions) ? body.suggestions : [];
        this.suggestedFor = prefix;
        this.fillList();
      } catch (error) {
        if (error && error.name === "AbortError") return;
        this.suggestions = [];
        this.closeList();
      }
    }

    fillList() {
      this.listbox.replaceChildren();
      this.suggestions.forEach((suggestion, index) => {
        const option = element("li", {
          id: `${this.id}-option-${index}`,
          class: "option",
          role: "option",
          "aria-selected": "false",
          "data-index": index,
        });
        option.append(element("span", { class: "text" }, suggestion.text));
        if (suggestion.kind === "phrase") {
          option.append(element("span", { class: "kind", "aria-hidden": "true" }, "expression"));
        }
        this.listbox.append(option);
      });
      this.suggestStatus.textContent = TEXT.suggestionCount(this.suggestions.length);
      if (this.suggestions.length && this.host.shadowRoot.activeElement === this.input) this.openList(-1);
      else this.closeList();
    }

    openList(active) {
      this.listbox.hidden = false;
      this.input.setAttribute("aria-expanded", "true");
      this.setActive(active);
    }

    closeList() {
      this.listbox.hidden = true;
      this.input.setAttribute("aria-expanded", "false");
      this.setActive(-1);
    }

    setActive(index) {
      this.active = index;
      const options = this.listbox.querySelectorAll("[role=option]");
      options.forEach((option, position) => {
        option.setAttribute("aria-selected", position === index ? "true" : "false");
      });
      const current = options[index];
      if (current) {
        this.input.setAttribute("aria-activedescendant", current.id);
        current.scrollIntoView({ block: "nearest" });
      } else {
        this.input.removeAttribute("aria-activedescendant");
      }
    }

    choose(index) {
      const suggestion = this.suggestions[index];
      if (!suggestion) return;
      this.input.value = suggestion.text;
      this.closeList();
      this.search(suggestion.text);
    }

    /** Searches `query`; with `offset`, appends the next passages to those shown. */
    async search(query, offset = 0) {
      clearTimeout(this.suggestTimer);
      if (this.suggestAbort) this.suggestAbort.abort();
      const text = query.trim();
      const sequence = ++this.searchSequence;
      if (!text) {
        this.results.replaceChildren();
        this.showRelated([]);
        this.moreButton.hidden = true;
        this.status.textContent = TEXT.empty;
        return;
      }
      this.status.textContent = TEXT.searching;
      this.results.setAttribute("aria-busy", "true");
      this.moreButton.hidden = true;
      if (this.host.hasAttribute("data-vigie-history") && offset === 0) {
        // Only `q` changes in the page's address: its other parameters and fragment stay.
        const address = new URL(location.href);
        address.searchParams.set("q", text);
        history.replaceState(history.state, "", address.href);
      }
      const perDoc = this.perDoc ? `&per_doc=${this.perDoc}` : "";
      const page = offset ? `&offset=${offset}` : "";
      const url = `${this.endpoint}/search?q=${encodeURIComponent(text)}&limit=${this.limit}${perDoc}${page}`;
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), SEARCH_TIMEOUT_MS);
      try {
        const response = await fetch(url, { signal: abort.signal, headers: { Accept: "application/json" } });
        const body = await response.json().catch(() => ({}));
        if (sequence !== this.searchSequence) return;
        if (!response.ok) {
          const refused = response.status < 500 && TEXT.refused[body.code];
          this.results.replaceChildren();
          this.showRelated([]);
          this.status.textContent = refused || TEXT.failed;
          return;
        }
        this.showResults(body, text, offset);
      } catch (error) {
        if (sequence !== this.searchSequence) return;
        this.results.replaceChildren();
        this.showRelated([]);
        this.status.textContent = error && error.name === "AbortError" ? TEXT.timedOut : TEXT.failed;
      } finally {
        clearTimeout(timer);
        if (sequence === this.searchSequence) this.results.removeAttribute("aria-busy");
      }
    }

    showResults(body, text, offset) {
      const hits = Array.isArray(body.hits) ? body.hits : [];
      const query = typeof body.query === "string" ? body.query : "";
      const items = hits.map((hit) => this.hitItem(hit, query));
      if (offset) {
        this.results.append(...items);
        // The first new passage takes the focus, so that a keyboard user reads on from there.
        const first = items[0] && items[0].querySelector("a");
        if (first) first.focus();
      } else {
        this.results.replaceChildren(...items);
      }
      this.shownQuery = text;
      this.shown = offset + hits.length;
      const total = Number(body.total) || 0;
      // A word found nowhere was corrected: say what was searched ("did you mean").
      const corrected = typeof body.corrected_query === "string" && body.corrected_query
        ? `${TEXT.corrected(body.corrected_query)} ` : "";
      this.status.textContent = corrected + TEXT.resultCount(total, this.shown);
      this.moreButton.hidden = !(hits.length && this.shown < total && this.shown <= MAX_OFFSET);
      // A page the matches do not fill ends with related passages; an earlier page has none.
      const related = Array.isArray(body.related) ? body.related : [];
      if (related.length || !offset) this.showRelated(related);
    }

    showRelated(related) {
      // Their marks are the best matches' words, not the query's: the document opens unmarked.
      this.relatedResults.replaceChildren(...related.map((hit) => this.hitItem(hit, "")));
      this.related.hidden = related.length === 0;
    }

    hitItem(hit, query) {
      const item = element("li", { class: "hit", "data-doc-id": hit.doc_id });
      const title = element("h3", { class: "title" });
      // The whole document, opened at the passage, with the words searched marked.
      // `link` is a path on the server: kept under the endpoint's own path, if any (a server
      // behind a proxy at `/vigie`).
      const link = hit.link || "";
      const href = new URL(link.startsWith("/") ? `${this.endpoint}${link}` : link, `${this.endpoint}/`);
      if (query) href.searchParams.set("q", query);
      const anchor = element("a", { href: href.href }, hit.title || hit.doc_id);
      title.append(anchor);
      const meta = [];
      if (hit.date) meta.push(frenchDate(hit.date));
      if (hit.source) meta.push(hit.source);
      // Where the passage stands in its document: the headings above it, then its article.
      if (hit.section || hit.heading) meta.push(hit.section || hit.heading);
      if (hit.article) meta.push(`${TEXT.article} ${hit.article}`);
      const details = element("p", { class: "meta" }, meta.join(" · "));
      const passage = element("p", { class: "passage" });
      passage.append(highlightNodes(hit.highlight || ""));
      item.append(title, details);
      // A list item is shown under the sentence that introduces its list.
      if (hit.lead_in_highlight) {
        const leadIn = element("p", { class: "lead-in" });
        leadIn.append(highlightNodes(hit.lead_in_highlight));
        item.append(leadIn);
      }
      item.append(passage);
      return item;
    }
  }

  function mountAll() {
    for (const host of document.querySelectorAll("[data-vigie-search]")) {
      if (!host.vigieSearch) host.vigieSearch = new VigieSearch(host);
    }
  }

  window.VigieSearch = { mountAll };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mountAll);
  } else {
    mountAll();
  }
})();
