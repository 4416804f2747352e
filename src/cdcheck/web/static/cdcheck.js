/* cdcheck page: sends the statement to the JSON API and shows the answer.
   Everything the user or the server wrote is put on the page with textContent or text nodes,
   never innerHTML. Offsets from the server count code points (Python), so the text is sliced
   as an array of code points, not UTF-16 units. */
(function () {
  "use strict";

  var SEVERITY = { error: "Breaks the rule", warning: "Needs review", info: "Allowed" };
  var LABEL = {
    blame: "names and shames",
    situation: "describes the country's situation",
    work: "your organization's work",
    neutral: "incidental mention",
    exempt: "the speaker's own country"
  };
  var KIND = {
    name: "country name", alias: "country name", code: "country code", demonym: "adjective",
    capital: "capital", city: "city", region: "region", placeholder: "placeholder"
  };
  var VERDICT = {
    violation: {
      title: "Violation",
      text: "This statement names and shames a country. Rewrite the mentions marked " +
        "\u201cbreaks the rule\u201d before you deliver it."
    },
    review: {
      title: "Review",
      text: "This statement describes a specific country's situation. The Secretariat may ask " +
        "you to generalise the mentions marked \u201cneeds review\u201d."
    },
    ok: { title: "OK", text: "No country mention breaks the no-naming rule." }
  };

  var form = document.getElementById("check-form");
  var textArea = document.getElementById("text");
  var fileInput = document.getElementById("file");
  var clearFile = document.getElementById("clear-file");
  var speakerInput = document.getElementById("speaker");
  var tokenInput = document.getElementById("token");
  var submitButton = document.getElementById("submit");
  var busy = document.getElementById("busy");
  var formError = document.getElementById("form-error");
  var statusRegion = document.getElementById("status");
  var results = document.getElementById("results");
  var resultsHeading = document.getElementById("results-heading");
  var verdictBox = document.getElementById("verdict");
  var statement = document.getElementById("statement");
  var findingsList = document.getElementById("findings");
  var api = form.getAttribute("data-api");

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  function announce(message) {
    // Clear first so that the same message twice is still read out.
    statusRegion.textContent = "";
    window.setTimeout(function () { statusRegion.textContent = message; }, 50);
  }

  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  /* ---------------------------------------------------------------- errors */

  function clearError() {
    formError.hidden = true;
    formError.textContent = "";
    [textArea, fileInput, speakerInput, tokenInput].forEach(function (field) {
      if (field) {
        field.removeAttribute("aria-invalid");
        var described = (field.getAttribute("aria-describedby") || "").replace(/\s*form-error/, "");
        field.setAttribute("aria-describedby", described);
      }
    });
  }

  function showError(message, field) {
    formError.textContent = message;
    formError.hidden = false;
    if (field) {
      field.setAttribute("aria-invalid", "true");
      field.setAttribute("aria-describedby",
        (field.getAttribute("aria-describedby") + " form-error").trim());
      field.focus();
    } else {
      formError.focus();
    }
  }

  function fieldFor(code, usedFile) {
    if (code === "bad_option") { return speakerInput; }
    if (code === "unauthorized") { return tokenInput || null; }
    if (usedFile) { return fileInput; }
    return textArea;
  }

  /* ---------------------------------------------------------------- request */

  // The API takes a code in capitals or a name exactly as the list spells it; a person may type
  // "norway", "nor" or pick "Norway (NOR)": all are sent as NOR. Anything else is sent as typed
  // and the server's error names it.
  function speakerValue() {
    var value = speakerInput.value.trim();
    var code = /\(([A-Za-z]{3})\)\s*$/.exec(value);  // "Norway (NOR)" from the list
    if (code) { return code[1].toUpperCase(); }
    var wanted = value.toLocaleLowerCase();
    var options = document.querySelectorAll("#countries option");
    for (var i = 0; i < options.length; i++) {
      var listed = /^(.*) \(([A-Z]{3})\)$/.exec(options[i].value);
      if (listed && (listed[1].toLocaleLowerCase() === wanted ||
                     listed[2].toLocaleLowerCase() === wanted)) {
        return listed[2];
      }
    }
    return /^[A-Za-z]{2}$/.test(value) ? value.toUpperCase() : value;
  }

  function setBusy(on) {
    submitButton.disabled = on;
    busy.hidden = !on;
    form.setAttribute("aria-busy", on ? "true" : "false");
    if (on) { announce("Checking the statement\u2026"); }
  }

  function submit(event) {
    event.preventDefault();
    clearError();
    var file = fileInput.files && fileInput.files[0];
    var text = textArea.value;
    if (!file && !text.trim()) {
      showError("Paste a statement or choose a file to check.", textArea);
      return;
    }
    var headers = { "Accept": "application/json" };
    if (tokenInput && tokenInput.value.trim()) {
      headers.Authorization = "Bearer " + tokenInput.value.trim();
    }
    var speaker = speakerValue();
    var body;
    if (file) {
      body = new FormData();
      body.append("file", file, file.name);
      if (speaker) { body.append("speaker_country", speaker); }
    } else {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify({ text: text, speaker_country: speaker || null });
    }
    results.hidden = true;  // never show an earlier statement's result beside a new request
    setBusy(true);
    fetch(api + "?include_text=true", { method: "POST", headers: headers, body: body })
      .then(function (response) {
        return response.json().then(
          function (data) { return { response: response, data: data }; },
          function () { return { response: response, data: null }; });
      })
      .then(function (answer) {
        var data = answer.data;
        if (!answer.response.ok || !data || !data.document) {
          var err = data && data.error;
          showError(err ? err.message : "The server answered " + answer.response.status +
            ". Try again in a moment.", fieldFor(err && err.code, Boolean(file)));
          return;
        }
        render(data, file ? null : text);
      })
      .catch(function () {
        showError("The server could not be reached. Check your connection and try again.", null);
      })
      .then(function () { setBusy(false); });
  }

  /* ---------------------------------------------------------------- result */

  function render(data, sentText) {
    var doc = data.document;
    var text = typeof data.text === "string" ? data.text : (sentText || "");
    var findings = (doc.findings || []).slice().sort(function (a, b) { return a.start - b.start; });
    var verdict = VERDICT[doc.verdict] ? doc.verdict : "ok";

    resultsHeading.textContent = doc.source && doc.source !== "<text>"
      ? "Result for " + doc.source : "Result";
    verdictBox.className = "verdict verdict-" + verdict;
    document.getElementById("verdict-title").textContent = VERDICT[verdict].title;
    var counts = { error: 0, warning: 0, info: 0, accepted: 0 };
    findings.forEach(function (f) {
      var key = f.accepted ? "accepted" : f.severity;
      counts[key] = (counts[key] || 0) + 1;
    });
    var summary = findings.length === 0
      ? "No country mentions found."
      : plural(findings.length, "country mention") + ": " + counts.error +
        " break" + (counts.error === 1 ? "s" : "") + " the rule, " + counts.warning +
        " need" + (counts.warning === 1 ? "s" : "") + " review, " + counts.info + " allowed" +
        (counts.accepted ? ", " + counts.accepted + " accepted by a reviewer" : "") + ".";
    document.getElementById("verdict-text").textContent = VERDICT[verdict].text + " " + summary;

    renderStatement(text, findings);
    renderFindings(findings);
    document.getElementById("findings-block").hidden = findings.length === 0;

    results.hidden = false;
    resultsHeading.focus();
    announce(VERDICT[verdict].title + ". " + summary);
  }

  // chars[a, b) onto `parent`, cut where evidence spans begin and end so that the runs inside
  // one (the words that decided a finding) are underlined; a mention inside its own evidence
  // keeps its mark, so evidence is never nested in a mark or a mark in it.
  function appendRuns(parent, chars, a, b, spans) {
    var cuts = [a, b];
    spans.forEach(function (s) {
      [s.start, s.end].forEach(function (x) { if (x > a && x < b) { cuts.push(x); } });
    });
    cuts.sort(function (x, y) { return x - y; });
    for (var i = 0; i + 1 < cuts.length; i++) {
      var x = cuts[i], y = cuts[i + 1];
      if (x === y) { continue; }
      var run = chars.slice(x, y).join("");
      var inside = spans.some(function (s) { return s.start <= x && y <= s.end; });
      parent.append(inside ? el("span", "evidence", run) : document.createTextNode(run));
    }
  }

  function renderStatement(text, findings) {
    var chars = Array.from(text);
    var slice = function (a, b) { return chars.slice(a, b).join(""); };
    var spans = findings.map(function (f) { return f.evidence; }).filter(function (e) {
      return e && e.start < e.end && e.end <= chars.length;
    });
    var pos = 0;
    statement.replaceChildren();
    findings.forEach(function (f, i) {
      var n = i + 1;
      if (f.start < pos || f.end > chars.length) { return; }  // overlapping: shown in the list
      appendRuns(statement, chars, pos, f.start, spans);
      var mark = el("mark", "sev-" + f.severity);
      var link = el("a", null, slice(f.start, f.end));
      link.href = "#finding-" + n;
      link.id = "mention-" + n;
      link.append(el("span", "visually-hidden",
        " (mention " + n + ": " + (SEVERITY[f.severity] || f.severity).toLowerCase() + ")"));
      var tag = el("sup", null, String(n));
      tag.setAttribute("aria-hidden", "true");
      mark.append(link, tag);
      statement.append(mark);
      pos = f.end;
    });
    appendRuns(statement, chars, pos, chars.length, spans);
  }

  // The words that decided a blame or situation finding; when no single phrase did, the
  // message already quotes the sentence, so the line says so instead of repeating it.
  function decidedBy(f) {
    var line = el("p", "decided");
    line.append(el("strong", null, "Decided by: "));
    if (f.evidence.text === f.sentence) {
      line.append("the sentence as a whole (underlined in the statement)");
    } else {
      line.append("\u201c", el("mark", "evidence", f.evidence.text), "\u201d");
    }
    return line;
  }

  function renderFindings(findings) {
    findingsList.replaceChildren();
    findings.forEach(function (f, i) {
      var n = i + 1;
      var item = el("li", "finding sev-" + f.severity);
      item.id = "finding-" + n;
      item.tabIndex = -1;

      var head = el("h4");
      head.append(el("span", "badge sev-" + f.severity, SEVERITY[f.severity] || f.severity));
      head.append(el("span", null, n + ". \u201c" + f.text + "\u201d"));
      var meta = [f.country_name, KIND[f.kind] || f.kind, LABEL[f.label] || f.label];
      if (typeof f.confidence === "number") {
        meta.push("confidence " + Math.round(f.confidence * 100) + "%");
      }
      if (f.location) { meta.push(describeLocation(f.location)); }
      head.append(el("span", "meta", meta.filter(Boolean).join(" \u00b7 ")));
      item.append(head);

      var why = el("p");
      why.append(el("strong", null, "Why: "), document.createTextNode(f.message || ""));
      item.append(why);
      if (f.evidence) { item.append(decidedBy(f)); }
      if (f.accepted) {
        var accepted = el("p", "accepted");
        accepted.append(el("strong", null, "Accepted: "), document.createTextNode(f.accepted +
          " (this mention does not count towards the verdict)"));
        item.append(accepted);
      }

      var actions = el("div", "finding-actions");
      if (f.suggestion) {
        var label = el("p");
        label.append(el("strong", null, "Suggested rewrite:"));
        var rewrite = el("p", "rewrite", f.suggestion);
        rewrite.id = "rewrite-" + n;
        item.append(label, rewrite);
        var copy = el("button", "button-secondary", "Copy the rewrite");
        copy.type = "button";
        copy.setAttribute("aria-describedby", rewrite.id);
        copy.addEventListener("click", function () { copyText(f.suggestion, copy); });
        actions.append(copy);
      }
      var back = el("a", null, "Show in the statement");
      back.href = "#mention-" + n;
      actions.append(back);
      item.append(actions);
      findingsList.append(item);
    });
  }

  // The same words as documents.describe() in the CLI's text report.
  function describeLocation(loc) {
    var parts = [];
    var note = loc.part === "footnote" || loc.part === "endnote";
    if (loc.part && loc.part !== "body") {
      parts.push(note && loc.paragraph ? loc.part + " " + loc.paragraph : loc.part);
    }
    if (loc.page) { parts.push("page " + loc.page); }
    if (loc.table) {
      parts.push("table " + loc.table + ", row " + loc.row + ", cell " + loc.cell);
    } else if (loc.paragraph && !note) {
      parts.push("paragraph " + loc.paragraph);
    }
    if (loc.line) { parts.push("line " + loc.line + (loc.column ? ", column " + loc.column : "")); }
    return parts.join(", ");
  }

  /* ---------------------------------------------------------------- copy */

  function copyFallback(text) {
    var helper = el("textarea", "clipboard-helper");
    helper.value = text;
    helper.setAttribute("readonly", "");
    helper.setAttribute("aria-hidden", "true");
    document.body.append(helper);
    helper.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    helper.remove();
    return ok;
  }

  function copyText(text, button) {
    var done = function (ok) {
      button.focus();
      button.textContent = ok ? "Copied" : "Copy failed: select the text";
      announce(ok ? "The rewrite is copied to the clipboard."
        : "Could not copy. Select the rewrite and copy it by hand.");
      window.setTimeout(function () { button.textContent = "Copy the rewrite"; }, 2500);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(
        function () { done(true); },
        function () { done(copyFallback(text)); });
    } else {
      done(copyFallback(text));
    }
  }

  /* ---------------------------------------------------------------- wiring */

  fileInput.addEventListener("change", function () {
    clearFile.hidden = !(fileInput.files && fileInput.files.length);
  });
  clearFile.addEventListener("click", function () {
    fileInput.value = "";
    clearFile.hidden = true;
    fileInput.focus();
    announce("The file is removed; the pasted text will be checked.");
  });
  // Following a link to a finding or a mention moves keyboard focus there too.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[href^='#finding-'], a[href^='#mention-']");
    if (!link) { return; }
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (target) {
      event.preventDefault();
      target.scrollIntoView({ block: "center" });
      target.focus();
    }
  });
  form.addEventListener("submit", submit);
}());
