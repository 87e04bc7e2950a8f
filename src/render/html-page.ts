import { escapeHtml } from './format.js';

const CSS = `
:root{--fg:#1d2330;--muted:#5b6475;--line:#e4e7ed;--bg:#f5f6f8;--card:#fff;--warn:#a0522d}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;-webkit-font-smoothing:antialiased}
main{max-width:1080px;margin:0 auto;padding:28px 24px 40px}
header.top{padding:4px 2px 8px}
.overline{font-size:12px;letter-spacing:.08em;text-transform:uppercase;color:var(--muted);font-weight:600}
h1{font-size:26px;line-height:1.25;margin:4px 0 2px;word-break:break-word}
.subtitle{color:var(--muted);font-size:15px}
section.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:18px 22px 20px;margin:18px 0;box-shadow:0 1px 2px rgba(20,30,50,.04)}
h2{font-size:17px;margin:0 0 12px}
h3{font-size:14.5px;margin:18px 0 8px}
p.lead{color:var(--muted);margin:-4px 0 12px;font-size:13px}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:5px 22px;margin:0}
dl.meta dt{color:var(--muted)}
dl.meta dd{margin:0;word-break:break-word}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th,td{padding:7px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:baseline}
thead th.m{text-transform:none;letter-spacing:0;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;color:var(--fg)}
thead th.run{white-space:normal;text-transform:none;letter-spacing:0;font-size:12px;color:var(--fg);min-width:110px}
td.scope{white-space:nowrap}
thead th{font-size:11.5px;font-weight:600;color:var(--muted);text-transform:uppercase;letter-spacing:.04em;border-bottom:1.5px solid #d5d9e1;white-space:nowrap}
table.fit thead th{white-space:normal;vertical-align:bottom}
th.num,td.num{text-align:right}
td.nowrap{white-space:nowrap}
tbody tr:last-child td{border-bottom:none}
tr.total td{font-weight:600;border-top:1.5px solid #d5d9e1}
td.acc{font-weight:650}
.ci{color:var(--muted);font-size:12px}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px;background:#f0f2f5;border-radius:4px;padding:1px 5px}
.swatch{display:inline-block;width:11px;height:11px;border-radius:3px;margin-right:8px;vertical-align:-1px}
.legend{display:flex;flex-wrap:wrap;gap:6px 20px;margin:0 0 8px;font-size:13px}
.chart-wrap{overflow-x:auto}
.chart-wrap>svg{max-width:100%;height:auto}
.missing{color:var(--warn);font-style:italic}
.callout{border-left:3px solid var(--warn);background:#fbf5f0;padding:8px 12px;border-radius:0 6px 6px 0;margin:12px 0}
.tag{display:inline-block;font-size:11px;padding:1px 7px;border-radius:10px;background:#eef1f6;color:var(--muted);margin-left:6px;vertical-align:1px}
.sig{font-weight:650}
.heatmaps{display:flex;flex-wrap:wrap;gap:10px 14px}
.method-block{margin-top:14px;padding-top:12px;border-top:1px solid var(--line)}
.method-block:first-of-type{border-top:none;padding-top:0}
ul.notes{margin:0;padding-left:20px}
ul.notes li{margin:3px 0}
details.fold{margin:18px 0}
details.fold>summary{cursor:pointer;color:var(--muted);font-weight:600;padding:10px 22px;background:var(--card);border:1px solid var(--line);border-radius:10px}
footer{color:var(--muted);font-size:12px;text-align:center;margin-top:24px}
@media print{body{background:#fff}section.card{box-shadow:none;break-inside:avoid}}
`;

/** Every page endorm writes says so: an existing file is replaced only when it is a page endorm wrote (run-store/output-rules.ts). */
export const GENERATOR_META = '<meta name="generator" content="endorm">';

/** A complete, self-contained page: inline CSS, inline SVG, no script, no external resource. */
export function htmlPage(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${GENERATOR_META}
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

export function card(title: string, content: string, lead?: string): string {
  const id = title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  return `<section class="card" id="${id}">\n<h2>${escapeHtml(title)}</h2>\n${lead ? `<p class="lead">${lead}</p>\n` : ''}${content}\n</section>`;
}

export function legend(items: readonly { name: string; color: string }[]): string {
  return `<div class="legend">${items
    .map((item) => `<span><span class="swatch" style="background:${item.color}"></span><code>${escapeHtml(item.name)}</code></span>`)
    .join('')}</div>`;
}
