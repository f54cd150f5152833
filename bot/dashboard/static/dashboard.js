// The dashboard's only script: countdowns that tick each second, and the board that refreshes
// itself. Everything a resident wrote is put on the page with textContent, never as HTML.
(function () {
  "use strict";
  let offset = 0;  // server clock minus this browser's clock, in seconds

  function serverNow() { return Date.now() / 1000 + offset; }

  function pad(n) { return String(n).padStart(2, "0"); }

  function duration(seconds) {
    const s = Math.floor(Math.abs(seconds));
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    return h ? h + ":" + pad(m) + ":" + pad(r) : pad(m) + ":" + pad(r);
  }

  function words() {
    const board = document.getElementById("board");
    const raw = board ? board.dataset.words : document.body.dataset.words;
    return raw ? JSON.parse(raw) : {overdue: "超时", left: "剩余", contacted_stop: "已联系"};
  }

  // Every [data-deadline] shows the time left (or how far past), unless the clock has stopped.
  function tick() {
    const w = words();
    document.querySelectorAll("[data-deadline]").forEach(function (el) {
      if (el.dataset.stopped) { el.textContent = w.contacted_stop; return; }
      const left = Number(el.dataset.deadline) - serverNow();
      el.textContent = (left < 0 ? w.overdue + " " : "") + duration(left);
      el.classList.toggle("late", left < 0);
      el.classList.toggle("soon", left >= 0 && left < 120);
    });
  }

  function cell(row, text, className) {
    const td = document.createElement("td");
    td.textContent = text;
    if (className) td.className = className;
    row.appendChild(td);
    return td;
  }

  function renderRow(report, board, isNew) {
    const w = words();
    const tr = document.createElement("tr");
    tr.className = "risk-" + report.risk + (report.overdue ? " overdue" : "") + (isNew ? " new" : "");
    tr.dataset.id = report.id;
    const clock = cell(tr, "", "countdown");
    clock.dataset.deadline = report.deadline_at;
    if (report.status === "contacted") clock.dataset.stopped = "1";
    const idCell = cell(tr, "", "rid");
    const link = document.createElement("a");
    link.href = board.dataset.reportUrl.replace("RID", encodeURIComponent(report.id));
    link.textContent = report.id;
    idCell.appendChild(link);
    const risk = cell(tr, "", "risk");
    const badge = document.createElement("span");
    badge.className = "badge risk-" + report.risk;
    badge.textContent = report.risk_name;
    risk.appendChild(badge);
    cell(tr, report.place, "place");
    cell(tr, report.grid_name, "grid");
    cell(tr, report.claimer_name || w.none, report.claimer ? "claimer" : "claimer nobody");
    cell(tr, report.status_name + (report.overdue ? " · " + w.overdue : ""), "status status-" + report.status);
    cell(tr, report.situation, "situation");
    tr.addEventListener("click", function (event) { if (event.target.tagName !== "A") link.click(); });
    return tr;
  }

  function startBoard(board) {
    const rows = document.getElementById("rows");
    const empty = document.getElementById("empty");
    const live = document.getElementById("live");
    const liveText = document.getElementById("live-text");
    const filters = document.getElementById("filters");
    const pollMs = Number(board.dataset.pollMs) || 1500;
    let seen = null, last = "", timer = null;

    function query() {
      const params = new URLSearchParams(new FormData(filters));
      for (const [key, value] of Array.from(params)) if (!value) params.delete(key);
      return params.toString();
    }

    function show(data) {
      offset = data.now - Date.now() / 1000;
      const fingerprint = JSON.stringify(data.reports);
      if (fingerprint !== last) {
        last = fingerprint;
        const fresh = new Set(data.reports.map(function (r) { return r.id; }));
        rows.replaceChildren.apply(rows, data.reports.map(function (r) {
          return renderRow(r, board, seen !== null && !seen.has(r.id));
        }));
        seen = fresh;
        empty.hidden = data.reports.length > 0;
      }
      Object.keys(data.counts).forEach(function (key) {
        const el = document.getElementById("count-" + key);
        if (el) el.textContent = data.counts[key];
      });
      document.title = (data.counts.open ? "(" + data.counts.open + ") " : "") + "看板 · 反诈哨兵";
      live.className = "live";
      // The community's clock (UTC+8), whatever time zone this browser is set to.
      const now = new Date((data.now + 8 * 3600) * 1000);
      liveText.textContent = "实时 · " + pad(now.getUTCHours()) + ":" + pad(now.getUTCMinutes()) + ":" + pad(now.getUTCSeconds());
      tick();
    }

    async function poll() {
      clearTimeout(timer);
      try {
        const response = await fetch(board.dataset.api + "?" + query(), {headers: {Accept: "application/json"}});
        if (response.status === 401) { window.location.reload(); return; }
        if (!response.ok) throw new Error(String(response.status));
        show(await response.json());
      } catch (err) {
        live.className = "live down";
        liveText.textContent = "连接中断，正在重试…";
      }
      timer = setTimeout(poll, pollMs);
    }

    filters.addEventListener("change", function () {
      const q = query();
      history.replaceState(null, "", q ? "?" + q : window.location.pathname);
      last = "";
      poll();
    });
    poll();
  }

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
  // On a narrow screen a time series scrolls sideways: start at its latest end.
  document.querySelectorAll(".chart-wrap").forEach(function (wrap) { wrap.scrollLeft = wrap.scrollWidth; });
  if (document.body.dataset.now) offset = Number(document.body.dataset.now) - Date.now() / 1000;
  const board = document.getElementById("board");
  if (board) startBoard(board);
  tick();
  setInterval(tick, 1000);
})();
