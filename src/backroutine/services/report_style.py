"""The report's stylesheet: readable on a screen, and printable (A4, no dark backgrounds, no
chart or table cut across a page). Inline in the file, with nothing from outside: the system's
own fonts, no @import, no url()."""

CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body {
  margin: 0; background: #ffffff; color: #1a1a1a;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
    sans-serif;
}
main { max-width: 62rem; margin: 0 auto; padding: 1.5rem 1.25rem 3rem; }
h1 { font-size: 1.6rem; margin: 0 0 0.3rem; }
h2 {
  font-size: 1.2rem; margin: 2rem 0 0.6rem; padding-bottom: 0.2rem;
  border-bottom: 2px solid #1f3f6e;
}
p { margin: 0.4rem 0; }
.period { font-size: 1.05rem; margin: 0; }
.meta { color: #4a4a4a; font-size: 0.9rem; margin-top: 0.2rem; }
.glance {
  display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 0.6rem;
  margin-top: 1.2rem;
}
.glance div { border: 1px solid #c8c8c8; border-radius: 6px; padding: 0.5rem 0.75rem; }
.glance .label {
  display: block; font-size: 0.75rem; color: #4a4a4a; text-transform: uppercase;
  letter-spacing: 0.03em;
}
.glance .value { display: block; font-size: 1.2rem; font-weight: 600; }
figure { margin: 0.4rem 0 0.8rem; }
figure svg { display: block; width: 100%; height: auto; }
figcaption { font-size: 0.85rem; color: #4a4a4a; }
.keys {
  list-style: none; padding: 0; margin: 0.1rem 0 0.3rem; font-size: 0.9rem;
  display: flex; flex-wrap: wrap; gap: 0.2rem 1.4rem;
}
.keys li { display: flex; align-items: center; gap: 0.45rem; margin: 0; }
.key { display: inline-block; width: 1.7rem; height: 0; border-top: 3px solid var(--c); }
.key-thick { border-top-width: 5px; }
.key-dashed { border-top: 2px dashed var(--c); }
.key-dot, .key-box { width: 0.8rem; height: 0.8rem; border: 0; background: var(--c); }
.key-dot { border-radius: 50%; }
ul { margin: 0.4rem 0; padding-left: 1.3rem; }
li { margin: 0.2rem 0; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; margin: 0.6rem 0; }
th, td {
  text-align: left; vertical-align: top; padding: 0.3rem 0.5rem;
  border-bottom: 1px solid #dcdcdc;
}
th { background: #f2f2f2; font-weight: 600; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.nowrap { white-space: nowrap; }
.note { white-space: pre-wrap; overflow-wrap: anywhere; }
.reasons { list-style: none; padding-left: 0; }
.reasons li { border-left: 5px solid #e09f3e; padding: 0.3rem 0.6rem; margin: 0.4rem 0; }
.reasons li.urgency-today { border-left-color: #d1495b; }
.reasons li.urgency-emergency { border-left-color: #8b0000; border-left-width: 8px; }
@page {
  size: A4; margin: 14mm 12mm 16mm;
  @bottom-right {
    content: "Page " counter(page) " of " counter(pages);
    font: 8pt system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #4a4a4a;
  }
}
@media print {
  body { font-size: 10pt; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; margin-top: 1.2rem; }
  .lead, figure, tr, .glance div, .reasons li { break-inside: avoid; }
  * { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
}
"""
