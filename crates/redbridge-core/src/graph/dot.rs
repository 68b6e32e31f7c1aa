//! The graph as Graphviz DOT: left to right, one `cluster_N` box per account, node shapes by
//! kind, edges coloured by status with broken edges' codes on their labels. Every id and label
//! is a quoted string, escaped so that hostile ARNs and names cannot end it early.

use std::collections::HashSet;
use std::fmt::Write as _;

use redbridge_iam::escape::escape_controls_except;

use super::{EdgeStatus, Graph, Node, NodeKind};

impl Graph {
    /// The graph as Graphviz DOT (`dot -Tsvg` draws it). Deterministic: the same graph gives
    /// the same text.
    pub fn to_dot(&self) -> String {
        let mut out = String::with_capacity(256 + 160 * (self.nodes.len() + self.edges.len()));
        out.push_str("digraph \"redbridge\" {\n");
        let _ = writeln!(out, "  label={};", label(&self.title));
        out.push_str("  labelloc=t;\n  rankdir=LR;\n  fontname=\"Helvetica\";\n");
        out.push_str("  node [fontname=\"Helvetica\", fontsize=11, style=\"filled\", fillcolor=\"white\"];\n");
        out.push_str("  edge [fontname=\"Helvetica\", fontsize=10];\n");
        for (number, group) in self.groups().iter().enumerate() {
            let _ = writeln!(out, "  subgraph \"cluster_{number}\" {{");
            let _ = writeln!(out, "    label={};", label(&group.title_joined("\n")));
            out.push_str("    style=\"rounded\";\n    color=\"#666666\";\n");
            if let Some(note) = group.note {
                let _ = writeln!(
                    out,
                    "    {} [label={}, shape=note, fillcolor=\"#fff4e0\"];",
                    id(&format!("account note {number}")),
                    label(note)
                );
            }
            for &index in &group.nodes {
                node(&mut out, &self.nodes[index]);
            }
            out.push_str("  }\n");
        }
        // An edge's end that is no node is drawn as a plain node, so its label is escaped too.
        let known: HashSet<&str> = self.nodes.iter().map(|n| n.id.as_str()).collect();
        let mut dangling = HashSet::new();
        for end in self.edges.iter().flat_map(|e| [e.from.as_str(), e.to.as_str()]) {
            if !known.contains(end) && dangling.insert(end) {
                let _ = writeln!(out, "  {} [label={}, shape=plaintext];", id(end), label(end));
            }
        }
        for edge in &self.edges {
            let (color, extra) = match edge.status {
                EdgeStatus::Ok => ("darkgreen", ""),
                EdgeStatus::Broken => ("red", ", penwidth=2"),
                EdgeStatus::OverBroad => ("orange", ", penwidth=2"),
                EdgeStatus::Unknown => ("grey", ", style=\"dashed\""),
            };
            let text = match edge.status {
                EdgeStatus::Broken | EdgeStatus::OverBroad if !edge.codes.is_empty() => {
                    format!("{}\n{}", edge.label, edge.codes.join(" "))
                }
                _ => edge.label_with_codes(),
            };
            let _ = writeln!(
                out,
                "  {} -> {} [label={}, tooltip={}, color=\"{color}\", fontcolor=\"{color}\"{extra}];",
                id(&edge.from),
                id(&edge.to),
                label(&text),
                tooltip(&format!("{}: {}", edge.status.words(), edge.label_with_codes())),
            );
        }
        out.push_str("}\n");
        out
    }
}

fn node(out: &mut String, node: &Node) {
    let (shape, fill) = match node.kind {
        NodeKind::Cluster => ("cylinder", "#e8f0fe"),
        NodeKind::Workgroup => ("box3d", "#e8f0fe"),
        NodeKind::Role => ("box", "#f3f3f3"),
        NodeKind::Bucket => ("folder", "#e6f4ea"),
        NodeKind::Key => ("hexagon", "#fef7e0"),
    };
    let style = if node.kind == NodeKind::Role { "\"rounded,filled\"" } else { "\"filled\"" };
    let detail = node.detail.as_deref().unwrap_or(&node.id);
    let _ = writeln!(
        out,
        "    {} [label={}, tooltip={}, shape={shape}, style={style}, fillcolor=\"{fill}\"];",
        id(&node.id),
        label(&node.label),
        tooltip(detail),
    );
}

/// A DOT id: a quoted string in which `"` and `\` are escaped and control characters
/// (line breaks too) are written as visible escapes.
pub(crate) fn id(text: &str) -> String {
    quoted(text, Quoted::Id)
}

/// A DOT label: as [`id`], but a line break is the label's line break, and `<>{}|` are escaped
/// as record labels need.
pub(crate) fn label(text: &str) -> String {
    quoted(text, Quoted::Label)
}

/// A tooltip: as [`label`], without the record escapes (a tooltip would show them).
fn tooltip(text: &str) -> String {
    quoted(text, Quoted::Tooltip)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Quoted {
    Id,
    Label,
    Tooltip,
}

fn quoted(text: &str, kind: Quoted) -> String {
    let keep: &[char] = if kind == Quoted::Id { &[] } else { &['\n'] };
    let text = escape_controls_except(text, keep);
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '<' | '>' | '{' | '}' | '|' if kind == Quoted::Label => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    // Older Graphviz lexers read `\\"` as a backslash and an escaped quote: a string never
    // ends in a backslash here.
    if out.ends_with('\\') {
        out.push(' ');
    }
    out.push('"');
    out
}
