// outlookgen preview: repaint on save, errors over the last good page, lint findings, downloads.
// Injected into served pages only (never into what `outlookgen build` writes). Text from the
// server is set with textContent, never parsed as HTML.
(() => {
  "use strict";
  const me = document.currentScript;
  const page = me.dataset.ogPage || "";
  const version = me.dataset.ogVersion || "";
  const scrollKey = "outlookgen-preview-scroll:" + location.pathname;
  const WORDS = {
    en: {
      live: "Live preview", offline: "Disconnected, reconnecting…", errors: (n) => (n === 1 ? "1 error" : n + " errors"),
      lastGood: "The page shows the last version that built.", noPage: "No version of this spec has built yet.",
      findings: "Plan quality", none: "no findings", explain: "explain", hide: "Hide",
      gone: "This spec is no longer previewed.", index: "All outlooks", download: "Download",
    },
    "zh-CN": {
      live: "实时预览", offline: "连接已断开，正在重连…", errors: (n) => n + " 个错误",
      lastGood: "页面显示的是最后一次成功生成的版本。", noPage: "此规格尚未成功生成过。",
      findings: "计划质量", none: "无发现", explain: "说明", hide: "隐藏",
      gone: "此规格已不在预览中。", index: "全部展望", download: "下载",
    },
  };
  let words = WORDS[(document.documentElement.lang || "").startsWith("zh") ? "zh-CN" : "en"];

  // Scroll position: kept across the reload a save causes.
  try {
    const saved = JSON.parse(sessionStorage.getItem(scrollKey) || "null");
    if (saved) {
      sessionStorage.removeItem(scrollKey);
      history.scrollRestoration = "manual";
      const restore = () => window.scrollTo(saved[0], saved[1]);
      restore();
      window.addEventListener("load", restore, { once: true });
    }
  } catch (_) { /* storage refused: the page starts at the top */ }

  const host = document.createElement("outlookgen-preview");
  const root = host.attachShadow({ mode: "open" });
  const style = document.createElement("style");
  style.textContent = `
    :host { all: initial; }
    @media print { :host { display: none !important; } }
    * { box-sizing: border-box; }
    .errors { position: fixed; inset: 0 0 auto 0; max-height: 70vh; overflow: auto; z-index: 2147483646;
      margin: 0; padding: 14px 18px; background: #fff5f5; color: #3b0a0a; border-bottom: 4px solid #c62828;
      box-shadow: 0 4px 18px rgba(0,0,0,.25); font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
    .errors h2 { margin: 0 0 8px; font: 600 15px/1.3 system-ui, sans-serif; color: #b71c1c; }
    .errors p { margin: 0 0 10px; font: 13px system-ui, sans-serif; }
    .problem { margin: 0 0 10px; white-space: pre-wrap; word-break: break-word; }
    .problem .src { display: block; color: #555; white-space: pre; overflow-x: auto; }
    .bar { position: fixed; right: 12px; bottom: 12px; z-index: 2147483647; max-width: min(640px, calc(100vw - 24px));
      background: #1f2933; color: #f5f7fa; border-radius: 8px; box-shadow: 0 2px 10px rgba(0,0,0,.3);
      font: 13px/1.4 system-ui, sans-serif; }
    .row { display: flex; gap: 12px; align-items: center; padding: 6px 12px; flex-wrap: wrap; }
    .dot { width: 9px; height: 9px; border-radius: 50%; background: #3ddc84; flex: none; }
    .dot.off { background: #9aa5b1; }
    .dot.bad { background: #ff5252; }
    a { color: #9fd3ff; }
    .hint { color: #cbd2d9; font-size: 12px; }
    details { border-top: 1px solid #3e4c59; }
    summary { cursor: pointer; padding: 6px 12px; }
    ol { margin: 0; padding: 0 12px 10px 30px; max-height: 40vh; overflow: auto;
      font: 12px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
    li { margin: 0 0 6px; white-space: pre-wrap; word-break: break-word; }
  `;
  const errors = element("section", "errors");
  errors.setAttribute("role", "alert");
  errors.hidden = true;
  const bar = element("div", "bar");
  const row = element("div", "row");
  const dot = element("span", "dot off");
  const status = element("span", "status");
  const links = element("span", "links");
  const findings = element("details", "findings");
  findings.hidden = true;
  row.append(dot, status, links);
  bar.append(row, findings);
  root.append(style, errors, bar);
  (document.body || document.documentElement).append(host);
  status.textContent = words.live;

  function element(tag, className) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    return node;
  }

  function problemNode(problem) {
    const node = element("div", "problem");
    node.append(document.createTextNode(problem.text));
    if (problem.source) {
      const number = String(problem.line);
      const gutter = " ".repeat(number.length);
      const caret = problem.column > 0 ? "\n" + gutter + " | " + " ".repeat(problem.column - 1) + "^" : "";
      const src = element("span", "src");
      src.textContent = number + " | " + problem.source + caret;
      node.append(src);
    }
    return node;
  }

  function showErrors(state) {
    const problems = state.problems || [];
    errors.replaceChildren();
    errors.hidden = problems.length === 0;
    dot.className = "dot " + (problems.length ? "bad" : "");
    if (!problems.length) return;
    const heading = element("h2");
    heading.textContent = words.errors(problems.length);
    const note = element("p");
    note.textContent = version === "0" ? words.noPage : words.lastGood;
    errors.append(heading, note, ...problems.map(problemNode));
  }

  function showLinks(state) {
    links.replaceChildren();
    if (!state.downloads) return;
    for (const [format, name] of Object.entries(state.downloads)) {
      const label = { docx: "Word", pdf: "PDF", md: "Markdown" }[format] || format;
      if (name) {
        const link = element("a");
        link.href = "/" + encodeURIComponent(name);
        link.download = name;
        link.textContent = label;
        link.title = words.download + " " + name;
        links.append(link, " ");
      } else if (state.pdf_hint) {
        const hint = element("span", "hint");
        hint.textContent = label + ": " + state.pdf_hint;
        links.append(hint, " ");
      }
    }
  }

  function showFindings(state) {
    const list = state.findings;
    findings.hidden = !list;
    if (!list) return;
    const open = findings.open;
    findings.replaceChildren();
    const summary = element("summary");
    summary.textContent = words.findings + ": " + (list.length ? list.length : words.none);
    const items = element("ol");
    for (const finding of list) {
      const item = element("li");
      item.append(document.createTextNode(finding.text + " "));
      if (finding.code) {
        const link = element("a");
        link.href = "/_preview/explain/" + encodeURIComponent(finding.code) + "?lang=" + encodeURIComponent(state.lang || "en");
        link.target = "_blank";
        link.rel = "noopener";
        link.textContent = "(" + words.explain + " " + finding.code + ")";
        item.append(link);
      }
      items.append(item);
    }
    findings.append(summary, items);
    findings.open = open && list.length > 0;
  }

  function reload() {
    try {
      sessionStorage.setItem(scrollKey, JSON.stringify([window.scrollX, window.scrollY]));
    } catch (_) { /* the page reloads at the top */ }
    events.close();
    location.reload();
  }

  const events = new EventSource("/_preview/events?page=" + encodeURIComponent(page));
  events.addEventListener("state", (event) => {
    const state = JSON.parse(event.data);
    if (state.version === "gone") {
      events.close();
      showErrors({ problems: [{ text: words.gone, line: 0, column: 0, source: "" }] });
      const back = element("a");
      back.href = "/";
      back.textContent = words.index;
      errors.append(back);
      return;
    }
    if (state.version !== version) {
      reload();
      return;
    }
    if (state.lang && WORDS[state.lang]) words = WORDS[state.lang];
    status.textContent = words.live;
    showErrors(state);
    showLinks(state);
    showFindings(state);
  });
  events.addEventListener("open", () => {
    dot.classList.remove("off");
    status.textContent = words.live;
  });
  events.addEventListener("error", () => {
    dot.className = "dot off";
    status.textContent = words.offline;
  });
})();
