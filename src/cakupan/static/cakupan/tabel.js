/* Cakupan: sortable tables. <table data-sortable> with <th data-sort="num|text"> headers; a cell's
   data-value, when present, is sorted on instead of its text. Styles in peta.css. */
(function () {
  "use strict";

  const EMPTY = new Set(["", "-", "–", "—"]);
  const compareText = (a, b) => a.localeCompare(b, "id", { numeric: true });

  // The column a header cell starts at, counting the colspans before it.
  function columnOf(th) {
    let column = 0;
    for (let cell = th.previousElementSibling; cell; cell = cell.previousElementSibling) {
      column += cell.colSpan || 1;
    }
    return column;
  }

  function cellAt(row, column) {
    let at = 0;
    for (const cell of row.cells) {
      if (column < at + cell.colSpan) return cell;
      at += cell.colSpan;
    }
    return null;
  }

  // Shown text is read the way the page's language writes numbers: "12.345" and "39,41%" in
  // Indonesian, "12,345" and "39.41%" in English. data-value holds a plain number: "39.41"
  // (a decimal comma, "39,41", is read too).
  function parseShown(text, decimalComma) {
    const clean = text.replace(/\u2212/g, "-").replace(/[^0-9.,-]/g, "");
    return decimalComma ? clean.replace(/\./g, "").replace(",", ".") : clean.replace(/,/g, "");
  }

  // The key a row sorts on in this column; null for an empty cell.
  function sortKey(row, column, kind, decimalComma) {
    const cell = cellAt(row, column);
    if (!cell) return null;
    const given = cell.dataset.value !== undefined;
    const raw = (given ? cell.dataset.value : cell.textContent).trim();
    if (EMPTY.has(raw)) return null;
    if (kind === "text") return raw;
    const value = parseFloat(given ? raw.replace(",", ".") : parseShown(raw, decimalComma));
    return Number.isFinite(value) ? value : null;
  }

  function sortBy(table, th, kind, direction) {
    const column = columnOf(th);
    const sign = direction === "ascending" ? 1 : -1;
    const decimalComma = (document.documentElement.lang || "id").toLowerCase().startsWith("id");
    for (const body of table.tBodies) {
      const rows = Array.from(body.rows).map((row, index) => {
        return { row, index, key: sortKey(row, column, kind, decimalComma) };
      });
      rows.sort((a, b) => {
        if (a.key === null || b.key === null) {
          // Empty values sort last in both directions.
          return (a.key === null) - (b.key === null) || a.index - b.index;
        }
        const order = kind === "num" ? a.key - b.key : compareText(a.key, b.key);
        return sign * order || a.index - b.index;
      });
      body.append(...rows.map((entry) => entry.row));
    }
  }

  function setUp(table) {
    if (table.dataset.sortReady) return;
    table.dataset.sortReady = "1";
    const headers = Array.from(table.querySelectorAll("thead th[data-sort]"));
    headers.forEach((th) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.append(...th.childNodes);
      th.append(button);
      if (!th.hasAttribute("aria-sort")) th.setAttribute("aria-sort", "none");
      button.addEventListener("click", () => {
        const direction = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
        headers.forEach((other) => other.setAttribute("aria-sort", "none"));
        th.setAttribute("aria-sort", direction);
        sortBy(table, th, th.dataset.sort === "num" ? "num" : "text", direction);
      });
    });
  }

  function init(root) {
    if (!root || !root.querySelectorAll) return;
    const tables = Array.from(root.querySelectorAll("table[data-sortable]"));
    if (root.matches && root.matches("table[data-sortable]")) tables.push(root);
    tables.forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", () => init(document));
  } else {
    init(document);
  }
  // Tables swapped in by htmx become sortable too.
  document.addEventListener("htmx:load", (event) => init(event.target));
})();
