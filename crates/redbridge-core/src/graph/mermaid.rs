//! The graph as a Mermaid flowchart: left to right, one `subgraph` per account, generated ids
//! (`n0`, `n1`, … for nodes, `a0`, … for accounts) so that no ARN reaches Mermaid's id syntax,
//! labels written with Mermaid's entity codes (`#quot;`, `#60;`), and a `linkStyle` per edge
//! colouring it by status.

use std::collections::HashMap;
use std::fmt::Write as _;

use redbridge_iam::escape::escape_controls_except;

use super::{EdgeStatus, Graph, NodeKind};

impl Graph {
    /// The graph as a Mermaid `flowchart LR`. Deterministic: the same graph gives the same text.
    /// Mermaid refuses diagrams over its `maxTextSize` (50,000 characters) and `maxEdges` (500)
    /// unless the page that renders it raises them: draw a large audit as DOT or HTML.
    pub fn to_mermaid(&self) -> String {
        let mut out = String::with_capacity(256 + 120 * (self.nodes.len() + self.edges.len()));
        out.push_str("flowchart LR\n");
        // A comment holds no line break (escaped), so the title cannot start a statement.
        let _ = writeln!(out, "  %% {}", redbridge_iam::escape::escape_controls(&self.title));
        let mut ids: HashMap<&str, String> = HashMap::with_capacity(self.nodes.len());
        for (number, group) in self.groups().iter().enumerate() {
            let _ = writeln!(out, "  subgraph a{number}[\"{}\"]", text(&group.title()));
            out.push_str("    direction LR\n");
            if let Some(note) = group.note {
                let _ = writeln!(out, "    a{number}note>\"{}\"]", text(note));
            }
            for &index in &group.nodes {
                let node = &self.nodes[index];
                let generated = format!("n{}", ids.len());
                let (open, close) = match node.kind {
                    NodeKind::Cluster => ("[(", ")]"),
                    NodeKind::Workgroup => ("[[", "]]"),
                    NodeKind::Role => ("([", "])"),
                    NodeKind::Bucket => ("[/", "\\]"),
                    NodeKind::Key => ("{{", "}}"),
                };
                let _ = writeln!(out, "    {generated}{open}\"{}\"{close}", text(&node.label));
                ids.insert(node.id.as_str(), generated);
            }
            out.push_str("  end\n");
        }
        // An edge's end that is no node is drawn as a plain node labelled with its id.
        for end in self.edges.iter().flat_map(|e| [e.from.as_str(), e.to.as_str()]) {
            if !ids.contains_key(end) {
                let generated = format!("n{}", ids.len());
                let _ = writeln!(out, "  {generated}[\"{}\"]", text(end));
                ids.insert(end, generated);
            }
        }
        for edge in &self.edges {
            let arrow = if edge.status == EdgeStatus::Unknown { "-.->" } else { "-->" };
            let _ = writeln!(
                out,
                "  {} {arrow}|\"{}\"| {}",
                ids[edge.from.as_str()],
                text(&edge.label_with_codes()),
                ids[edge.to.as_str()]
            );
        }
        for (number, edge) in self.edges.iter().enumerate() {
            let style = match edge.status {
                EdgeStatus::Ok => "stroke:green,color:green",
                EdgeStatus::Broken => "stroke:red,stroke-width:3px,color:red",
                EdgeStatus::OverBroad => "stroke:orange,stroke-width:3px,color:orange",
                EdgeStatus::Unknown => "stroke:grey,stroke-dasharray:5 5,color:grey",
            };
            let _ = writeln!(out, "  linkStyle {number} {style}");
        }
        out
    }
}

/// Text inside a quoted Mermaid label: letters, digits and a few safe marks as they are, a
/// line break as `<br>`, everything else (quotes, `<>&#;|`, every non-ASCII character) as a
/// Mermaid entity code `#N;`; control characters are first written as visible escapes.
pub(crate) fn text(input: &str) -> String {
    let input = escape_controls_except(input, &['\n']);
    let mut out = String::with_capacity(input.len() + 8);
    for c in input.chars() {
        match c {
            '\n' => out.push_str("<br>"),
            c if c.is_ascii_alphanumeric() || " -_.:/@,+=*()!?".contains(c) => out.push(c),
            '"' => out.push_str("#quot;"),
            c => {
                let _ = write!(out, "#{};", u32::from(c));
            }
        }
    }
    out
}
