//! A small builder for self-contained HTML reports: one file, CSS inline, pictures inline (SVG
//! markup or PNG `data:` URIs), no script and no external resource, so that a report can be
//! mailed, archived and opened offline.
//!
//! Every piece of text a caller hands over is HTML-escaped inside the builder, so text from a
//! scenario file (its name, description, group names) always renders as text. The only markup
//! taken as it is, is the SVG of a [`Figure`], which plotters draws and escapes itself.
//!
//! ```
//! use sahelsim::report::html::Report;
//! let mut r = Report::new("A <b>title</b>");
//! r.section("What was run");
//! r.key_values(&[("seed", "42".to_string())]);
//! let html = r.to_html();
//! assert!(html.contains("A &lt;b&gt;title&lt;/b&gt;"));
//! ```

use std::fmt::Write as _;
use std::path::Path;

use super::figure::{Figure, base64};
use crate::record::atomic::write_atomic;

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The style sheet, inline: readable on screen and in print, no web fonts.
const CSS: &str = r#"
:root { --ink: #1a1a1a; --muted: #5a5a5a; --rule: #d0d0d0; --accent: #0072b2; --shade: #f4f6f8; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: var(--ink);
  margin: 0; background: #fff; line-height: 1.45; font-size: 15px; }
main { max-width: 1180px; margin: 0 auto; padding: 28px 32px 60px; }
header { border-bottom: 4px solid var(--accent); padding-bottom: 12px; margin-bottom: 18px; }
header .kicker { color: var(--accent); font-weight: bold; letter-spacing: .05em;
  text-transform: uppercase; font-size: 12px; margin: 0; }
h1 { font-size: 28px; margin: 4px 0 6px; }
header .lede { color: var(--muted); margin: 0; font-size: 16px; }
h2 { font-size: 21px; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--rule); }
h3 { font-size: 17px; margin: 24px 0 8px; }
nav { background: var(--shade); padding: 10px 16px; border-radius: 4px; font-size: 14px; }
nav ol { margin: 4px 0; padding-left: 22px; columns: 2; }
a { color: var(--accent); }
table { border-collapse: collapse; margin: 8px 0 14px; font-size: 14px; }
th, td { padding: 5px 10px; border-bottom: 1px solid var(--rule); text-align: left; vertical-align: top; }
th { background: var(--shade); font-weight: bold; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.kv th { background: none; width: 15em; color: var(--muted); font-weight: normal; }
tr.strong td { font-weight: bold; }
figure { margin: 18px 0 26px; }
figure svg, figure img { display: block; max-width: 100%; height: auto; border: 1px solid var(--rule); }
figcaption { color: var(--muted); font-size: 14px; margin-top: 6px; }
figcaption b { color: var(--ink); }
p.note { color: var(--muted); font-size: 13px; }
p.warning { border-left: 4px solid #d55e00; background: #fdf0e8; padding: 8px 12px; }
p.reading { font-size: 14px; margin: 6px 0 0; }
pre { background: var(--shade); padding: 12px; overflow-x: auto; font-size: 12px; line-height: 1.35; }
details { margin: 8px 0; }
summary { cursor: pointer; color: var(--accent); }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--rule); padding-top: 8px; }
@media print { main { max-width: none; padding: 0; } nav { display: none; } figure { break-inside: avoid; } }
"#;

/// A report under construction.
#[derive(Debug, Clone)]
pub struct Report {
    title: String,
    kicker: String,
    lede: String,
    sections: Vec<String>,
    body: String,
    footer: String,
    figures: usize,
}

impl Report {
    /// An empty report with a title (the page's heading and `<title>`).
    pub fn new(title: &str) -> Self {
        Self {
            title: title.to_string(),
            kicker: String::new(),
            lede: String::new(),
            sections: Vec::new(),
            body: String::new(),
            footer: String::new(),
            figures: 0,
        }
    }

    /// A short line above the title (what kind of report this is).
    pub fn kicker(&mut self, text: &str) -> &mut Self {
        self.kicker = text.to_string();
        self
    }

    /// A sentence under the title (what the report is about).
    pub fn lede(&mut self, text: &str) -> &mut Self {
        self.lede = text.to_string();
        self
    }

    /// A line at the foot of the page.
    pub fn footer(&mut self, text: &str) -> &mut Self {
        self.footer = text.to_string();
        self
    }

    /// Starts a numbered section, listed in the contents.
    pub fn section(&mut self, heading: &str) -> &mut Self {
        self.sections.push(heading.to_string());
        let _ = writeln!(
            self.body,
            "<h2 id=\"s{}\">{}. {}</h2>",
            self.sections.len(),
            self.sections.len(),
            escape(heading)
        );
        self
    }

    /// A heading inside a section.
    pub fn subsection(&mut self, heading: &str) -> &mut Self {
        let _ = writeln!(self.body, "<h3>{}</h3>", escape(heading));
        self
    }

    /// A paragraph of text.
    pub fn paragraph(&mut self, text: &str) -> &mut Self {
        let _ = writeln!(self.body, "<p>{}</p>", escape(text));
        self
    }

    /// A small print note (methods, caveats).
    pub fn note(&mut self, text: &str) -> &mut Self {
        let _ = writeln!(self.body, "<p class=\"note\">{}</p>", escape(text));
        self
    }

    /// A warning the reader must not miss (set apart in vermillion).
    pub fn warning(&mut self, text: &str) -> &mut Self {
        let _ = writeln!(
            self.body,
            "<p class=\"warning\"><b>Warning.</b> {}</p>",
            escape(text)
        );
        self
    }

    /// A bulleted list.
    pub fn list<S: AsRef<str>>(&mut self, items: &[S]) -> &mut Self {
        self.body.push_str("<ul>\n");
        for i in items {
            let _ = writeln!(self.body, "<li>{}</li>", escape(i.as_ref()));
        }
        self.body.push_str("</ul>\n");
        self
    }

    /// A two-column table of names and values.
    pub fn key_values<K: AsRef<str>, V: AsRef<str>>(&mut self, rows: &[(K, V)]) -> &mut Self {
        self.body.push_str("<table class=\"kv\">\n");
        for (k, v) in rows {
            let _ = writeln!(
                self.body,
                "<tr><th scope=\"row\">{}</th><td>{}</td></tr>",
                escape(k.as_ref()),
                escape(v.as_ref())
            );
        }
        self.body.push_str("</table>\n");
        self
    }

    /// A data table: a header row and rows of cells; cells that read as numbers are aligned
    /// right.
    pub fn table<S: AsRef<str>>(&mut self, header: &[&str], rows: &[Vec<S>]) -> &mut Self {
        self.table_marked(header, rows, &[])
    }

    /// A data table whose rows listed in `strong` (indices) are set in bold.
    pub fn table_marked<S: AsRef<str>>(
        &mut self,
        header: &[&str],
        rows: &[Vec<S>],
        strong: &[usize],
    ) -> &mut Self {
        self.body.push_str("<table>\n<thead><tr>");
        for h in header {
            let _ = write!(self.body, "<th scope=\"col\">{}</th>", escape(h));
        }
        self.body.push_str("</tr></thead>\n<tbody>\n");
        for (i, row) in rows.iter().enumerate() {
            if strong.contains(&i) {
                self.body.push_str("<tr class=\"strong\">");
            } else {
                self.body.push_str("<tr>");
            }
            for cell in row {
                let cell = cell.as_ref();
                let class = if looks_numeric(cell) {
                    " class=\"num\""
                } else {
                    ""
                };
                let _ = write!(self.body, "<td{class}>{}</td>", escape(cell));
            }
            self.body.push_str("</tr>\n");
        }
        self.body.push_str("</tbody>\n</table>\n");
        self
    }

    /// A numbered figure: the SVG inline when it was drawn and the plot prefers it, otherwise
    /// the PNG as a `data:` URI. A figure drawn in neither format is skipped.
    pub fn figure(&mut self, fig: &Figure) -> &mut Self {
        let prefer_png = fig.png.is_some() && (fig.svg.is_none() || fig.raster);
        let picture = if prefer_png {
            let png = fig.png.as_deref().unwrap_or_default();
            format!(
                "<img src=\"data:image/png;base64,{}\" width=\"{}\" height=\"{}\" alt=\"{}\">",
                base64(png),
                fig.size.0,
                fig.size.1,
                escape(&fig.caption)
            )
        } else if let Some(svg) = &fig.svg {
            inline_svg(svg, &fig.caption)
        } else {
            return self;
        };
        self.figures += 1;
        let _ = writeln!(
            self.body,
            "<figure id=\"{}\">\n{picture}\n<figcaption><b>Figure {}.</b> {}</figcaption>{}\n</figure>",
            escape(&fig.stem),
            self.figures,
            escape(&fig.caption),
            if fig.reading.is_empty() {
                String::new()
            } else {
                format!(
                    "\n<p class=\"reading\"><b>How to read this.</b> {}</p>",
                    escape(&fig.reading)
                )
            }
        );
        self
    }

    /// Preformatted text (a file, JSON), folded under a one-line summary when `summary` is
    /// given.
    pub fn preformatted(&mut self, summary: Option<&str>, text: &str) -> &mut Self {
        if let Some(s) = summary {
            let _ = writeln!(self.body, "<details><summary>{}</summary>", escape(s));
        }
        let _ = writeln!(self.body, "<pre>{}</pre>", escape(text));
        if summary.is_some() {
            self.body.push_str("</details>\n");
        }
        self
    }

    /// The whole page.
    pub fn to_html(&self) -> String {
        let mut out = String::with_capacity(self.body.len() + 4096);
        out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        // Nothing may be fetched: no scripts, no network, inline images only.
        out.push_str(
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n",
        );
        let _ = writeln!(out, "<title>{}</title>", escape(&self.title));
        let _ = writeln!(
            out,
            "<style>{CSS}</style>\n</head>\n<body>\n<main>\n<header>"
        );
        if !self.kicker.is_empty() {
            let _ = writeln!(out, "<p class=\"kicker\">{}</p>", escape(&self.kicker));
        }
        let _ = writeln!(out, "<h1>{}</h1>", escape(&self.title));
        if !self.lede.is_empty() {
            let _ = writeln!(out, "<p class=\"lede\">{}</p>", escape(&self.lede));
        }
        out.push_str("</header>\n");
        if self.sections.len() > 1 {
            out.push_str("<nav aria-label=\"Contents\"><b>Contents</b>\n<ol>\n");
            for (i, s) in self.sections.iter().enumerate() {
                let _ = writeln!(out, "<li><a href=\"#s{}\">{}</a></li>", i + 1, escape(s));
            }
            out.push_str("</ol>\n</nav>\n");
        }
        out.push_str(&self.body);
        if !self.footer.is_empty() {
            let _ = writeln!(out, "<footer>{}</footer>", escape(&self.footer));
        }
        out.push_str("</main>\n</body>\n</html>\n");
        out
    }

    /// Writes the page to `path` atomically.
    pub fn write_atomic(&self, path: &Path) -> std::io::Result<()> {
        write_atomic(path, self.to_html().as_bytes())
    }
}

/// Plotters' SVG, made to scale with the page and labelled for screen readers.
fn inline_svg(svg: &str, caption: &str) -> String {
    let svg = svg.trim_start();
    let svg = match svg.strip_prefix("<?xml") {
        Some(rest) => rest.split_once("?>").map(|(_, r)| r).unwrap_or(rest),
        None => svg,
    }
    .trim_start();
    match svg.strip_prefix("<svg") {
        Some(rest) => format!(
            "<svg role=\"img\" aria-label=\"{}\" preserveAspectRatio=\"xMidYMid meet\"{rest}",
            escape(caption)
        ),
        // Not SVG: show nothing rather than unknown markup.
        None => String::new(),
    }
}

fn looks_numeric(cell: &str) -> bool {
    let t = cell.trim_start_matches(['+', '-', '−', '–']);
    t.starts_with(|c: char| c.is_ascii_digit()) || cell == "n/a" || cell == "–"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_everywhere() {
        let bad = "<script>alert(\"x\")</script> & 'q'";
        let mut r = Report::new(bad);
        r.kicker(bad).lede(bad).footer(bad);
        r.section(bad)
            .subsection(bad)
            .paragraph(bad)
            .note(bad)
            .warning(bad);
        r.list(&[bad]);
        r.key_values(&[(bad, bad)]);
        r.table(&[bad], &[vec![bad]]);
        r.preformatted(Some(bad), bad);
        let html = r.to_html();
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("alert(\"x\")"));
        assert!(
            html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;")
        );
    }

    #[test]
    fn figures_are_inline_and_numbered() {
        let mut r = Report::new("t");
        let fig = Figure {
            stem: "a".into(),
            caption: "A \"quoted\" caption".into(),
            reading: "Look <here> first.".into(),
            svg: Some("<svg width=\"10\" height=\"10\" viewBox=\"0 0 10 10\" xmlns=\"http://www.w3.org/2000/svg\"></svg>".into()),
            png: None,
            size: (10, 10),
            raster: false,
        };
        r.figure(&fig);
        r.figure(&Figure {
            stem: "map_b".into(),
            png: Some(vec![1, 2, 3]),
            raster: true,
            ..fig.clone()
        });
        let html = r.to_html();
        assert!(html.contains("<svg role=\"img\" aria-label=\"A &quot;quoted&quot; caption\""));
        assert!(html.contains("<img src=\"data:image/png;base64,AQID\""));
        assert!(html.contains("Figure 2."));
        assert!(html.contains("<b>How to read this.</b> Look &lt;here&gt; first."));
    }
}
