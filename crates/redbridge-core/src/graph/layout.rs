//! Where the HTML report draws each thing: accounts as horizontal bands (one box each, in the
//! graph's account order) and layers as columns: Redshift clusters and workgroups first, then
//! roles by hop depth from them, then buckets and keys. In each band, the nodes of a column
//! are stacked. Linear in nodes and edges; no two nodes overlap and every node is inside its
//! account's box, by construction.

use std::collections::VecDeque;

use super::{Graph, NodeKind};

/// The width of a node.
pub const NODE_WIDTH: u32 = 210;
/// The height of a node.
pub const NODE_HEIGHT: u32 = 40;
const COLUMN_GAP: u32 = 110;
const ROW_GAP: u32 = 12;
const BAND_PADDING: u32 = 14;
const BAND_TITLE: u32 = 26;
const NOTE_HEIGHT: u32 = 18;
const BAND_GAP: u32 = 16;
const MARGIN: u32 = 10;

/// An axis-aligned rectangle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rect {
    /// Left.
    pub x: u32,
    /// Top.
    pub y: u32,
    /// Width.
    pub width: u32,
    /// Height.
    pub height: u32,
}

impl Rect {
    /// Whether `other` lies wholly inside this one.
    pub fn contains(&self, other: &Rect) -> bool {
        other.x >= self.x
            && other.y >= self.y
            && other.x + other.width <= self.x + self.width
            && other.y + other.height <= self.y + self.height
    }

    /// Whether the two share any area.
    pub fn overlaps(&self, other: &Rect) -> bool {
        self.x < other.x + other.width
            && other.x < self.x + self.width
            && self.y < other.y + other.height
            && other.y < self.y + self.height
    }
}

/// An account's box.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountBox {
    /// Its title: `111111111111 · Redshift account`, or `no account` for nodes of none.
    pub title: String,
    /// Its note, when the graph gives one.
    pub note: Option<String>,
    /// Where it is.
    pub rect: Rect,
}

/// A node's place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlacedNode {
    /// Its index in [`Graph::nodes`].
    pub node: usize,
    /// Its index in [`Layout::boxes`].
    pub account_box: usize,
    /// Its column.
    pub layer: usize,
    /// Where it is.
    pub rect: Rect,
}

/// An edge's ends: the middle of its start node's right side and of its end node's left side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlacedEdge {
    /// Its index in [`Graph::edges`].
    pub edge: usize,
    /// Where it starts.
    pub from: (u32, u32),
    /// Where it ends.
    pub to: (u32, u32),
    /// For an edge that skips a column, the height of the gap above the rows it passes, where
    /// it runs instead of through the nodes in between.
    pub lane: Option<u32>,
}

/// The whole drawing's geometry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// The drawing's width.
    pub width: u32,
    /// The drawing's height.
    pub height: u32,
    /// The account boxes, top to bottom.
    pub boxes: Vec<AccountBox>,
    /// Every node drawn (a node id given twice is placed once).
    pub nodes: Vec<PlacedNode>,
    /// Every edge whose two ends are nodes (an edge naming no node is not drawn).
    pub edges: Vec<PlacedEdge>,
}

/// Lays `graph` out.
pub fn layout(graph: &Graph) -> Layout {
    let index = graph.node_index();
    let layers = layers(graph, &index);
    let columns = layers.iter().copied().max().map_or(1, |m| m + 1);
    let width = 2 * MARGIN + 2 * BAND_PADDING + columns as u32 * NODE_WIDTH + (columns as u32 - 1) * COLUMN_GAP;
    let mut boxes = Vec::new();
    let mut placed = Vec::with_capacity(graph.nodes.len());
    let mut position = vec![None; graph.nodes.len()];
    let mut y = MARGIN;
    for group in graph.groups() {
        let account_box = boxes.len();
        let note_height = if group.note.is_some() { NOTE_HEIGHT } else { 0 };
        let top = y + BAND_TITLE + note_height;
        let mut stacked = vec![0u32; columns];
        for &node in &group.nodes {
            let layer = layers[node];
            let rect = Rect {
                x: MARGIN + BAND_PADDING + layer as u32 * (NODE_WIDTH + COLUMN_GAP),
                y: top + stacked[layer] * (NODE_HEIGHT + ROW_GAP),
                width: NODE_WIDTH,
                height: NODE_HEIGHT,
            };
            stacked[layer] += 1;
            position[node] = Some(rect);
            placed.push(PlacedNode { node, account_box, layer, rect });
        }
        let rows = stacked.iter().copied().max().unwrap_or(0);
        let body = if rows == 0 { 0 } else { rows * (NODE_HEIGHT + ROW_GAP) - ROW_GAP };
        let height = BAND_TITLE + note_height + body + BAND_PADDING;
        boxes.push(AccountBox {
            title: group.title(),
            note: group.note.map(str::to_owned),
            rect: Rect { x: MARGIN, y, width: width - 2 * MARGIN, height },
        });
        y += height + BAND_GAP;
    }
    let edges = graph
        .edges
        .iter()
        .enumerate()
        .filter_map(|(number, edge)| {
            let from = position[*index.get(edge.from.as_str())?]?;
            let to = position[*index.get(edge.to.as_str())?]?;
            let skips = to.x > from.x + from.width + COLUMN_GAP;
            Some(PlacedEdge {
                edge: number,
                from: (from.x + from.width, from.y + from.height / 2),
                to: (to.x, to.y + to.height / 2),
                lane: skips.then(|| from.y.min(to.y).saturating_sub(ROW_GAP / 2)),
            })
        })
        .collect();
    Layout { width, height: y.saturating_sub(BAND_GAP) + MARGIN, boxes, nodes: placed, edges }
}

/// Each node's column: 0 for clusters and workgroups; for a role, 1 + the fewest role hops
/// from one of them (1 when none reaches it); for buckets and keys, one past the last role.
fn layers(graph: &Graph, index: &std::collections::HashMap<&str, usize>) -> Vec<usize> {
    let count = graph.nodes.len();
    let mut next: Vec<Vec<usize>> = vec![Vec::new(); count];
    for edge in &graph.edges {
        if let (Some(&from), Some(&to)) = (index.get(edge.from.as_str()), index.get(edge.to.as_str())) {
            next[from].push(to);
        }
    }
    let mut depth: Vec<Option<usize>> = vec![None; count];
    let mut queue = VecDeque::new();
    for (number, node) in graph.nodes.iter().enumerate() {
        if node.kind.is_redshift() && index.get(node.id.as_str()) == Some(&number) {
            depth[number] = Some(0);
            queue.push_back(number);
        }
    }
    while let Some(at) = queue.pop_front() {
        let here = depth[at].unwrap_or(0);
        for &to in &next[at] {
            if graph.nodes[to].kind == NodeKind::Role && depth[to].is_none() {
                depth[to] = Some(here + 1);
                queue.push_back(to);
            }
        }
    }
    let role_layer = |number: usize| depth[number].unwrap_or(1).max(1);
    let last_role = (0..count).filter(|&n| graph.nodes[n].kind == NodeKind::Role).map(role_layer).max().unwrap_or(0);
    (0..count)
        .map(|number| match graph.nodes[number].kind {
            NodeKind::Cluster | NodeKind::Workgroup => 0,
            NodeKind::Role => role_layer(number),
            NodeKind::Bucket | NodeKind::Key => last_role + 1,
        })
        .collect()
}
