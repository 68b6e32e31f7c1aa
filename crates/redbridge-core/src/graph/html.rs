//! The HTML report: one self-contained page (inline CSS and JavaScript, nothing loaded from
//! anywhere, a Content-Security-Policy that forbids it) with a title, a summary, the graph as
//! inline SVG laid out by [`super::layout`] with a legend, and a table whose rows a text box
//! and a status list filter live. Every user-derived string is HTML-escaped.

use std::fmt::Write as _;

use redbridge_iam::escape::escape_controls_except;
use serde::Serialize;

use super::layout::{Layout, NODE_HEIGHT, layout};
use super::{EdgeStatus, Graph};

/// A whole page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HtmlPage {
    /// The page's title and heading.
    pub title: String,
    /// Lines said above the graph, e.g. `12 chains: 9 ok, 2 broken, 1 over-broad`.
    pub summary: Vec<String>,
    /// The drawing.
    pub graph: Graph,
    /// The table under it.
    pub table: Table,
}

/// A table with a status column first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Table {
    /// The headings of the columns after the status.
    pub columns: Vec<String>,
    /// The rows.
    pub rows: Vec<TableRow>,
}

/// One row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableRow {
    /// Its status, the first cell and what the status filter selects on.
    pub status: EdgeStatus,
    /// The other cells, in column order.
    pub cells: Vec<String>,
}

const STYLE: &str = r#"
body { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 1.5rem; color: #202124; }
h1 { font-size: 1.4rem; margin: 0 0 .75rem; }
h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
.summary li { margin: .15rem 0; }
.legend { display: flex; flex-wrap: wrap; gap: 1rem; font-size: .85rem; margin: .5rem 0; padding: 0; list-style: none; }
.legend .line { display: inline-block; width: 28px; height: 0; border-top: 3px solid; vertical-align: middle; margin-right: .3rem; }
.legend .unknown .line { border-top-style: dashed; }
.legend .kind { display: inline-block; width: 14px; height: 14px; border: 1px solid #5f6368; vertical-align: middle; margin-right: .3rem; }
.drawing { overflow: auto; border: 1px solid #dadce0; border-radius: 6px; max-height: 80vh; }
svg text { font-size: 12px; }
svg .account rect { fill: #f8f9fa; stroke: #80868b; }
svg .account text.title { font-weight: 600; fill: #3c4043; }
svg .account text.note { fill: #b06000; font-style: italic; }
svg .node rect { stroke: #5f6368; }
svg .node text { fill: #202124; }
svg .edge path { fill: none; stroke-width: 2; }
svg .edge text { font-size: 11px; font-weight: 600; paint-order: stroke; stroke: #ffffff; stroke-width: 3px; }
.ok { color: #188038; } .broken { color: #d93025; } .over_broad { color: #e37400; } .unknown { color: #80868b; }
svg .edge.ok path { stroke: #188038; } svg .edge.broken path { stroke: #d93025; stroke-width: 3; }
svg .edge.over_broad path { stroke: #e37400; stroke-width: 3; } svg .edge.unknown path { stroke: #9aa0a6; stroke-dasharray: 6 4; }
svg .edge.broken text { fill: #d93025; } svg .edge.over_broad text { fill: #e37400; }
.kind-cluster, svg .kind-cluster rect { fill: #e8f0fe; background: #e8f0fe; }
.kind-workgroup, svg .kind-workgroup rect { fill: #d2e3fc; background: #d2e3fc; }
.kind-role, svg .kind-role rect { fill: #ffffff; background: #ffffff; }
.kind-bucket, svg .kind-bucket rect { fill: #e6f4ea; background: #e6f4ea; }
.kind-key, svg .kind-key rect { fill: #fef7e0; background: #fef7e0; }
.filters { display: flex; gap: 1rem; align-items: center; margin: .5rem 0; font-size: .9rem; }
table { border-collapse: collapse; width: 100%; font-size: .85rem; }
th, td { border-bottom: 1px solid #e8eaed; padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #f1f3f4; position: sticky; top: 0; }
td { word-break: break-word; }
td.status { font-weight: 600; white-space: nowrap; }
"#;

/// The filter: rows whose text holds the box's words (case-insensitive) and whose status is
/// the one chosen. Every element is looked up and checked before use, so it cannot throw.
const SCRIPT: &str = r#"
(function () {
  var text = document.getElementById("filter-text");
  var status = document.getElementById("filter-status");
  var shown = document.getElementById("rows-shown");
  var table = document.getElementById("chains");
  if (!text || !status || !table || !table.tBodies || table.tBodies.length === 0) { return; }
  var rows = table.tBodies[0].rows;
  function apply() {
    var words = String(text.value || "").toLowerCase();
    var wanted = String(status.value || "");
    var count = 0;
    for (var i = 0; i < rows.length; i++) {
      var row = rows[i];
      var visible = (wanted === "" || row.getAttribute("data-status") === wanted) &&
        (words === "" || String(row.textContent || "").toLowerCase().indexOf(words) !== -1);
      row.hidden = !visible;
      if (visible) { count++; }
    }
    if (shown) { shown.textContent = String(count); }
  }
  text.addEventListener("input", apply);
  status.addEventListener("change", apply);
  apply();
})();
"#;

/// The page as HTML text.
pub fn render(page: &HtmlPage) -> String {
    let graph = &page.graph;
    let mut out = String::with_capacity(8192 + 400 * (graph.nodes.len() + graph.edges.len() + page.table.rows.len()));
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n",
    );
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(out, "<title>{}</title>", escape(&page.title));
    let _ = writeln!(out, "<style>{STYLE}</style>\n</head>\n<body>");
    let _ = writeln!(out, "<h1>{}</h1>", escape(&page.title));
    if !page.summary.is_empty() {
        out.push_str("<ul class=\"summary\">\n");
        for line in &page.summary {
            let _ = writeln!(out, "<li>{}</li>", escape(line));
        }
        out.push_str("</ul>\n");
    }
    out.push_str("<h2>Graph</h2>\n");
    legend(&mut out);
    out.push_str("<div class=\"drawing\">\n");
    svg(&mut out, graph, &layout(graph));
    out.push_str("</div>\n");
    table(&mut out, &page.table);
    let _ = writeln!(out, "<script>{SCRIPT}</script>\n</body>\n</html>");
    out
}

fn legend(out: &mut String) {
    out.push_str("<ul class=\"legend\">\n");
    for (status, words) in [
        (EdgeStatus::Ok, "ok"),
        (EdgeStatus::Broken, "broken (its finding codes on the edge)"),
        (EdgeStatus::OverBroad, "over-broad"),
        (EdgeStatus::Unknown, "unknown (dashed)"),
    ] {
        let _ = writeln!(out, "<li class=\"{}\"><span class=\"line\"></span>{words}</li>", status.as_str());
    }
    for kind in ["cluster", "workgroup", "role", "bucket", "key"] {
        let _ = writeln!(out, "<li><span class=\"kind kind-{kind}\"></span>{kind}</li>");
    }
    out.push_str("</ul>\n");
}

fn svg(out: &mut String, graph: &Graph, layout: &Layout) {
    let _ = writeln!(
        out,
        "<svg class=\"graph\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{label}\">",
        w = layout.width,
        h = layout.height,
        label = escape(&graph.title),
    );
    out.push_str("<defs>\n");
    for (status, color) in [
        (EdgeStatus::Ok, "#188038"),
        (EdgeStatus::Broken, "#d93025"),
        (EdgeStatus::OverBroad, "#e37400"),
        (EdgeStatus::Unknown, "#9aa0a6"),
    ] {
        let _ = writeln!(
            out,
            "<marker id=\"arrow-{}\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"10\" markerHeight=\"10\" markerUnits=\"userSpaceOnUse\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"{color}\"/></marker>",
            status.as_str()
        );
    }
    out.push_str("</defs>\n<g class=\"accounts\">\n");
    for account in &layout.boxes {
        let r = account.rect;
        let _ = write!(
            out,
            "<g class=\"account\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"8\"/><text class=\"title\" x=\"{}\" y=\"{}\">{}</text>",
            r.x,
            r.y,
            r.width,
            r.height,
            r.x + 10,
            r.y + 18,
            escape(&account.title)
        );
        if let Some(note) = &account.note {
            let _ = write!(
                out,
                "<text class=\"note\" x=\"{}\" y=\"{}\">{}</text>",
                r.x + 10,
                r.y + 36,
                escape(&shorten(note, 160))
            );
        }
        out.push_str("</g>\n");
    }
    out.push_str("</g>\n<g class=\"edges\">\n");
    for placed in &layout.edges {
        let edge = &graph.edges[placed.edge];
        let ((x1, y1), (x2, y2)) = (placed.from, placed.to);
        // A cubic curve leaving right and arriving from the left; backward edges bow out. An
        // edge that skips columns runs along the gap above the rows instead of through nodes.
        let bend = x2.abs_diff(x1).max(60) / 2;
        let path = match placed.lane {
            Some(lane) => {
                let g = 24;
                format!(
                    "M{x1},{y1} C{},{y1} {},{lane} {},{lane} L{},{lane} C{},{lane} {},{y2} {x2},{y2}",
                    x1 + g,
                    x1 + g,
                    x1 + 2 * g,
                    x2.saturating_sub(2 * g),
                    x2.saturating_sub(g),
                    x2.saturating_sub(g)
                )
            }
            None => format!("M{x1},{y1} C{},{y1} {},{y2} {x2},{y2}", x1 + bend, x2.saturating_sub(bend)),
        };
        let _ = write!(
            out,
            "<g class=\"edge {status}\"><title>{title}</title><path d=\"{path}\" marker-end=\"url(#arrow-{status})\"/>",
            status = edge.status.as_str(),
            title =
                escape(&format!("{} → {}: {} ({})", edge.from, edge.to, edge.label_with_codes(), edge.status.words())),
        );
        if matches!(edge.status, EdgeStatus::Broken | EdgeStatus::OverBroad) && !edge.codes.is_empty() {
            let y = placed.lane.map_or((y1 + y2) / 2, |lane| lane + 2);
            let _ = write!(
                out,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                (x1 + x2) / 2,
                y - 4,
                escape(&shorten(&edge.codes.join(" "), 40))
            );
        }
        out.push_str("</g>\n");
    }
    out.push_str("</g>\n<g class=\"nodes\">\n");
    for placed in &layout.nodes {
        let node = &graph.nodes[placed.node];
        let r = placed.rect;
        let radius = if node.kind == super::NodeKind::Role { 14 } else { 4 };
        let mut title = format!("{} ({})", node.label, node.kind.as_str());
        for extra in [Some(&node.id), node.detail.as_ref()].into_iter().flatten() {
            title.push('\n');
            title.push_str(extra);
        }
        let _ = writeln!(
            out,
            "<g class=\"node kind-{kind}\"><title>{title}</title><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"{radius}\"/><text x=\"{}\" y=\"{}\">{}</text></g>",
            r.x,
            r.y,
            r.width,
            r.height,
            r.x + 10,
            r.y + NODE_HEIGHT / 2 + 4,
            escape(&shorten(&node.label, 30)),
            kind = node.kind.as_str(),
            title = escape(&title),
        );
    }
    out.push_str("</g>\n</svg>\n");
}

fn table(out: &mut String, table: &Table) {
    out.push_str("<h2>Chains</h2>\n<div class=\"filters\">\n");
    out.push_str("<label>Filter <input id=\"filter-text\" type=\"search\" placeholder=\"account, role, bucket, code\" autocomplete=\"off\"></label>\n");
    out.push_str("<label>Status <select id=\"filter-status\">\n<option value=\"\">all</option>\n");
    for status in EdgeStatus::ALL {
        let _ = writeln!(out, "<option value=\"{}\">{}</option>", status.as_str(), status.words());
    }
    let total = table.rows.len();
    let _ =
        writeln!(out, "</select></label>\n<span><span id=\"rows-shown\">{total}</span> of {total} rows</span>\n</div>");
    out.push_str("<table id=\"chains\">\n<thead><tr><th>status</th>");
    for column in &table.columns {
        let _ = write!(out, "<th>{}</th>", escape(column));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &table.rows {
        let status = row.status.as_str();
        let _ = write!(out, "<tr data-status=\"{status}\"><td class=\"status {status}\">{}</td>", row.status.words());
        let width = table.columns.len().max(row.cells.len());
        for number in 0..width {
            let _ = write!(out, "<td>{}</td>", escape(row.cells.get(number).map_or("", String::as_str)));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

/// `text` safe in HTML text and in double- or single-quoted attributes; control characters
/// other than line breaks are written as visible escapes.
pub fn escape(text: &str) -> String {
    let text = escape_controls_except(text, &['\n']);
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `text` cut to `max` characters, ending with `…` when cut.
fn shorten(text: &str, max: usize) -> String {
    if text.chars().nth(max).is_none() {
        return text.to_owned();
    }
    let kept: String = text.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", kept.trim_end())
}
