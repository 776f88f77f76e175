// The inline stylesheet and script of the `keel trace` page. No external resource is loaded:
// the page's Content-Security-Policy forbids it.

export const TRACE_CSS = `
*{box-sizing:border-box}
body{margin:0;font:13px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2430;background:#f6f7f9}
header{padding:18px 24px 8px}
h1{margin:0;font-size:19px}
.sub{color:#687082;font-size:12px}
.totals{display:flex;flex-wrap:wrap;gap:10px;padding:8px 24px 4px}
.card{background:#fff;border:1px solid #e1e4ea;border-radius:8px;padding:8px 12px;min-width:108px}
.card b{display:block;font-size:17px;font-variant-numeric:tabular-nums}
.card span{color:#687082;font-size:11px;text-transform:uppercase;letter-spacing:.04em}
.card.bad b{color:#c62828}
section.run{margin:14px 24px;background:#fff;border:1px solid #e1e4ea;border-radius:10px;overflow:hidden}
section.run h2{margin:0;padding:10px 14px;font-size:14px;border-bottom:1px solid #eceef2;display:flex;gap:10px;align-items:center}
.pill{font-size:11px;font-weight:600;padding:1px 8px;border-radius:10px;background:#e8eaf0;color:#3c4354}
.pill.completed{background:#e3f4e6;color:#1b6b2c}.pill.failed{background:#fde4e4;color:#b3261e}.pill.running{background:#fff3d6;color:#8a5a00}
.grid{display:grid;grid-template-columns:270px 1fr 250px}
.row{display:contents;cursor:pointer}
.row>div{padding:5px 10px;border-bottom:1px solid #f0f1f4;min-height:28px}
.row:hover>div{background:#f8f9fc}
.label{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.row.step .label{padding-left:22px;font-weight:600}
.row.span .label{padding-left:40px;color:#3c4354}
.row.run .label{font-weight:700}
.kind{display:inline-block;width:66px;font-size:10px;color:#8a90a0;text-transform:uppercase}
.meta{color:#4a5162;font-size:12px;text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.track{position:relative}
.axis .track{height:24px}
.tick{position:absolute;top:6px;font-size:10px;color:#8a90a0;transform:translateX(-50%);white-space:nowrap}
.tick::before{content:"";position:absolute;left:50%;top:14px;height:6px;border-left:1px solid #ccd0d8}
.bar{position:absolute;top:7px;height:14px;min-width:2px;border-radius:3px;background:#7c8db5;overflow:hidden}
.bar.run{background:#c9d1e3}.bar.step{background:#5b7bd5}.bar.step.fallback{background:#d59a2b}.bar.step.failed{background:#d84b4b}
.bar.model{background:#3aa17e}.bar.tool{background:#8a6fd1}.bar.retrieval{background:#2f8fc6}
.bar.failed{background:#d84b4b}.bar.open{background:repeating-linear-gradient(45deg,#aab,#aab 4px,#ccd 4px,#ccd 8px)}
.wait{position:absolute;left:0;top:0;bottom:0;background:rgba(255,255,255,.55)}
.marker{position:absolute;top:9px;width:10px;height:10px;margin-left:-5px;transform:rotate(45deg);border:1px solid #fff;z-index:2}
.m-retry{background:#e0a100}.m-fallback{background:#e06c00}.m-cache{background:#1aa39a}.m-truncation{background:#7a7f8c}
.m-timeout,.m-attempt-failed,.m-budget{background:#c62828}.m-breaker{background:#6d4c41}.m-eval{background:#5e35b1}
.details{display:none;grid-column:1/-1;background:#fafbfd;border-bottom:1px solid #eceef2;padding:6px 14px 8px 40px;font-size:12px;color:#3c4354}
.details.open{display:block}
.details dt{float:left;clear:left;width:130px;color:#8a90a0}.details dd{margin:0 0 2px 130px;word-break:break-word}
.err{color:#b3261e}
.legend{display:flex;flex-wrap:wrap;gap:14px;padding:6px 24px 24px;color:#687082;font-size:12px}
.legend i{display:inline-block;width:10px;height:10px;margin-right:5px;vertical-align:-1px;border-radius:2px}
.legend i.marker{position:static;transform:rotate(45deg);margin-left:0}
.empty{padding:24px;color:#687082}
`;

export const TRACE_SCRIPT = `
document.addEventListener("click", function (event) {
  var row = event.target.closest("[data-details]");
  if (!row) return;
  var panel = document.getElementById(row.getAttribute("data-details"));
  if (panel) panel.classList.toggle("open");
});
`;
