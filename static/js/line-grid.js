/* The line editor's keyboard and paste (htmx does the requests; templates/disclosures/entry/lines.html).

   - A row is saved when focus leaves it after a change, or on Enter (the new row: on Enter or 添加):
     the row fires "grid-save", on which its hx-post sends its cells.
   - Enter: save and go to the same column of the next row; ↑/↓: same column, row above/below;
     ←/→: previous/next cell when the caret is at the start/end of the text.
   - While a row is typed, the totals panel shows the totals with it (debounced POST of its cells).
   - Typing in a code cell asks for the catalog's matches (code or name, the filing's year) for its datalist.
   - Pasting several cells (tab- or line-separated text from Excel) into the grid puts them in the paste
     box and asks for its preview; a single value pastes into the cell as usual.
   - Every htmx request carries the CSRF token (data-csrf of the grid). */
(function () {
  "use strict";
  var grid = document.getElementById("line-grid");
  if (!grid || !window.htmx) return;
  var csrf = grid.getAttribute("data-csrf");
  var totalsUrl = grid.getAttribute("data-totals-url");
  var focusNewRow = false;
  var typingTimer = null;

  document.body.addEventListener("htmx:configRequest", function (event) {
    if (csrf) event.detail.headers["X-CSRFToken"] = csrf;
  });

  function rowOf(element) { return element && element.closest ? element.closest("tr.grid-row") : null; }
  function fields(row) { return Array.prototype.slice.call(row.querySelectorAll("input:not([type=hidden]), select")); }
  function rows() { return Array.prototype.slice.call(grid.querySelectorAll("tbody tr.grid-row")); }

  function save(row) {
    if (!row || row.getAttribute("data-saving")) return;
    if (!row.classList.contains("new-row") && !row.getAttribute("data-dirty")) return;
    row.setAttribute("data-saving", "1");
    clearTimeout(typingTimer);
    if (row.classList.contains("new-row")) focusNewRow = true;
    htmx.trigger(row, "grid-save");
  }

  function focusCell(row, index) {
    if (!row) return false;
    var list = fields(row);
    if (!list.length) return false;
    var target = list[Math.min(index, list.length - 1)];
    target.focus();
    if (target.select && target.tagName === "INPUT") target.select();
    return true;
  }

  function move(from, rowStep, cellStep) {
    var row = rowOf(from);
    var list = fields(row);
    var index = list.indexOf(from);
    if (cellStep) {
      var next = list[index + cellStep];
      if (next) { next.focus(); if (next.select && next.tagName === "INPUT") next.select(); return true; }
      return false;
    }
    var all = rows();
    return focusCell(all[all.indexOf(row) + rowStep], index);
  }

  function caretAt(input, end) {
    if (input.tagName !== "INPUT" || typeof input.selectionStart !== "number") return true;
    if (input.selectionStart !== input.selectionEnd) return false;
    return end ? input.selectionEnd === input.value.length : input.selectionStart === 0;
  }

  grid.addEventListener("keydown", function (event) {
    var target = event.target;
    if (!target.matches || !target.matches("input, select") || event.altKey || event.ctrlKey || event.metaKey) return;
    var row = rowOf(target);
    if (!row) return;
    if (event.key === "Enter") {
      event.preventDefault();
      if (row.classList.contains("new-row")) { save(row); return; }
      save(row);
      if (!move(target, 1, 0)) focusCell(grid.querySelector("tr.new-row"), fields(row).indexOf(target));
    } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (target.list && target.value) return;  /* the catalog suggestions use ↑/↓ */
      event.preventDefault();
      move(target, event.key === "ArrowDown" ? 1 : -1, 0);
    } else if (event.key === "ArrowLeft" && caretAt(target, false)) {
      if (move(target, 0, -1)) event.preventDefault();
    } else if (event.key === "ArrowRight" && caretAt(target, true)) {
      if (move(target, 0, 1)) event.preventDefault();
    }
  });

  function typed(event) {
    var row = rowOf(event.target);
    if (!row) return;
    row.setAttribute("data-dirty", "1");
    if (!totalsUrl || !/amount|function_item|category/.test(event.target.name || "")) return;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(function () {
      if (!document.body.contains(row) || row.getAttribute("data-saving")) return;
      var values = {_row: row.id.replace("row-", "")};
      fields(row).forEach(function (field) { values[field.name] = field.value; });
      htmx.ajax("POST", totalsUrl, {target: "#grid-totals", swap: "outerHTML", values: values});
    }, 400);
  }
  var lookupUrl = grid.getAttribute("data-lookup-url");
  var lookupTimer = null;
  function lookup(event) {
    var input = event.target;
    var kind = input.getAttribute && input.getAttribute("data-lookup");
    if (!kind || !lookupUrl) return;
    clearTimeout(lookupTimer);
    lookupTimer = setTimeout(function () {
      var query = input.value.trim();
      if (!query) return;
      htmx.ajax("GET", lookupUrl + "?kind=" + encodeURIComponent(kind) + "&q=" + encodeURIComponent(query),
                {target: "#catalog-" + kind, swap: "innerHTML"});
    }, 250);
  }
  grid.addEventListener("input", lookup);
  grid.addEventListener("input", typed);
  grid.addEventListener("change", typed);

  grid.addEventListener("focusout", function (event) {
    var row = rowOf(event.target);
    if (!row || row.classList.contains("new-row")) return;
    if (event.relatedTarget && row.contains(event.relatedTarget)) return;
    save(row);
  });

  grid.addEventListener("click", function (event) {
    if (event.target.matches && event.target.matches("[data-grid-add]")) save(rowOf(event.target));
  });

  document.body.addEventListener("htmx:afterSettle", function (event) {
    if (!focusNewRow) return;
    var fresh = grid.querySelector("tr.new-row");
    if (fresh && !fresh.classList.contains("invalid")) { focusNewRow = false; focusCell(fresh, 0); }
    else if (fresh) { focusNewRow = false; var bad = fresh.querySelector("[aria-invalid=true]"); if (bad) bad.focus(); }
  });
  document.body.addEventListener("htmx:afterRequest", function (event) {
    var row = event.detail.elt;
    if (row && row.removeAttribute) row.removeAttribute("data-saving");
  });

  grid.addEventListener("paste", function (event) {
    var text = (event.clipboardData || window.clipboardData).getData("text");
    if (!text || !/[\t\n]/.test(text.replace(/\s+$/, ""))) return;
    var box = document.getElementById("paste-box");
    var area = document.getElementById("paste-text");
    if (!box || !area) return;
    event.preventDefault();
    box.open = true;
    area.value = text;
    htmx.trigger(area.form, "submit");
    box.scrollIntoView({block: "start"});
  });
})();
