//! A drawing of Redshift-to-S3 chains as data: the accounts, the clusters, workgroups, roles,
//! buckets and keys in them, and the edges between them, each judged ok, broken, over-broad or
//! unknown. Rendered as Graphviz DOT ([`Graph::to_dot`]), Mermaid ([`Graph::to_mermaid`]) and a
//! self-contained HTML page ([`html::render`], laid out by [`layout`]). Built from one plan
//! ([`Graph::of_plan`]), a doctor report ([`Graph::of_report`]), or by `audit` for many chains.
//! Pure text: no I/O; every user-derived string is escaped for the format it is written in.

mod dot;
pub mod html;
pub mod layout;
mod mermaid;
mod of_plan;

use std::collections::{HashMap, HashSet};

use redbridge_iam::AccountId;
use serde::Serialize;

/// The whole drawing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Graph {
    /// What it shows, e.g. `analytics → acme-imports`.
    pub title: String,
    /// The accounts drawn as boxes, in order; a node's account missing here is drawn too,
    /// after these, labelled with its id alone.
    pub accounts: Vec<GraphAccount>,
    /// The resources; a node id given twice is drawn once, as first given.
    pub nodes: Vec<Node>,
    /// The links between nodes, by node id.
    pub edges: Vec<Edge>,
}

/// One account, drawn as a box around its nodes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GraphAccount {
    /// The account.
    pub id: AccountId,
    /// What it is, e.g. `Redshift account` or an organization account's name.
    pub label: String,
    /// Something to say about it, e.g. `not entered: AccessDenied …`.
    pub note: Option<String>,
}

/// One resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Node {
    /// Unique within the graph, e.g. an ARN.
    pub id: String,
    /// The account that holds it, when known.
    pub account: Option<AccountId>,
    /// What it is.
    pub kind: NodeKind,
    /// The short name drawn.
    pub label: String,
    /// More, shown on hover (its ARN, prefixes, region).
    pub detail: Option<String>,
}

/// What a node is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    /// A provisioned Redshift cluster.
    Cluster,
    /// A Redshift Serverless workgroup (its roles attach to its namespace).
    Workgroup,
    /// An IAM role.
    Role,
    /// An S3 bucket.
    Bucket,
    /// A KMS key.
    Key,
}

impl NodeKind {
    /// The name in text and CSS classes.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cluster => "cluster",
            Self::Workgroup => "workgroup",
            Self::Role => "role",
            Self::Bucket => "bucket",
            Self::Key => "key",
        }
    }

    /// Whether it is where Redshift runs (the first column of a drawing).
    pub fn is_redshift(self) -> bool {
        matches!(self, Self::Cluster | Self::Workgroup)
    }
}

/// One link: an attachment, an assumption, an access.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edge {
    /// The id of the node it starts at.
    pub from: String,
    /// The id of the node it ends at.
    pub to: String,
    /// Its judgement.
    pub status: EdgeStatus,
    /// What it is, e.g. `attach`, `assume`, `COPY`.
    pub label: String,
    /// The finding codes about it, e.g. `RB121`.
    pub codes: Vec<String>,
}

/// The judgement of an edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EdgeStatus {
    /// Works (or, in a plan, is what is wanted).
    Ok,
    /// Blocks COPY or UNLOAD.
    Broken,
    /// Works, but wider than it needs to be.
    OverBroad,
    /// Could not be judged.
    Unknown,
}

impl EdgeStatus {
    /// Every status, in the order legends and filters list them.
    pub const ALL: [Self; 4] = [Self::Ok, Self::Broken, Self::OverBroad, Self::Unknown];

    /// The name in JSON, CSS classes and filters: `ok`, `broken`, `over_broad`, `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Broken => "broken",
            Self::OverBroad => "over_broad",
            Self::Unknown => "unknown",
        }
    }

    /// The name for people: `ok`, `broken`, `over-broad`, `unknown`.
    pub fn words(self) -> &'static str {
        match self {
            Self::OverBroad => "over-broad",
            other => other.as_str(),
        }
    }
}

impl Graph {
    /// An empty graph.
    pub fn new(title: impl Into<String>) -> Self {
        Self { title: title.into(), accounts: Vec::new(), nodes: Vec::new(), edges: Vec::new() }
    }

    /// Adds an account box (once: a second call for the same account changes nothing) and
    /// returns it, to set its note.
    pub fn add_account(&mut self, id: AccountId, label: impl Into<String>) -> &mut GraphAccount {
        let index = match self.accounts.iter().position(|a| a.id == id) {
            Some(index) => index,
            None => {
                self.accounts.push(GraphAccount { id, label: label.into(), note: None });
                self.accounts.len() - 1
            }
        };
        &mut self.accounts[index]
    }

    /// Adds a node.
    pub fn add_node(&mut self, node: Node) -> &mut Self {
        self.nodes.push(node);
        self
    }

    /// Adds an edge.
    pub fn add_edge(&mut self, edge: Edge) -> &mut Self {
        self.edges.push(edge);
        self
    }

    /// The nodes grouped by account as drawn: the listed accounts in order (empty ones too),
    /// then accounts only nodes name, in order of first appearance, then the nodes of no
    /// account. Each node id appears once, its first occurrence.
    pub(crate) fn groups(&self) -> Vec<Group<'_>> {
        let mut groups: Vec<Group<'_>> = self
            .accounts
            .iter()
            .map(|a| Group { account: Some(a.id), label: Some(&a.label), note: a.note.as_deref(), nodes: Vec::new() })
            .collect();
        let mut by_account: HashMap<Option<AccountId>, usize> = HashMap::new();
        for (index, group) in groups.iter().enumerate() {
            by_account.entry(group.account).or_insert(index);
        }
        let mut seen = HashSet::with_capacity(self.nodes.len());
        let mut unaccounted = Vec::new();
        for (index, node) in self.nodes.iter().enumerate() {
            if !seen.insert(node.id.as_str()) {
                continue;
            }
            let Some(account) = node.account else {
                unaccounted.push(index);
                continue;
            };
            let group = *by_account.entry(Some(account)).or_insert_with(|| {
                groups.push(Group { account: Some(account), label: None, note: None, nodes: Vec::new() });
                groups.len() - 1
            });
            groups[group].nodes.push(index);
        }
        if !unaccounted.is_empty() {
            groups.push(Group { account: None, label: None, note: None, nodes: unaccounted });
        }
        groups
    }

    /// The index of each node id's first occurrence.
    pub(crate) fn node_index(&self) -> HashMap<&str, usize> {
        let mut index = HashMap::with_capacity(self.nodes.len());
        for (i, node) in self.nodes.iter().enumerate() {
            index.entry(node.id.as_str()).or_insert(i);
        }
        index
    }
}

/// An account box as drawn: the account (none for nodes of no account), its label and note
/// when listed, and its nodes' indexes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Group<'a> {
    pub(crate) account: Option<AccountId>,
    pub(crate) label: Option<&'a str>,
    pub(crate) note: Option<&'a str>,
    pub(crate) nodes: Vec<usize>,
}

impl Group<'_> {
    /// The title drawn on the box: `111111111111 · Redshift account`, the id alone, or
    /// `no account` for nodes of no account.
    pub(crate) fn title(&self) -> String {
        self.title_joined(" · ")
    }

    /// The title with `separator` between the id and the label.
    pub(crate) fn title_joined(&self, separator: &str) -> String {
        match (self.account, self.label) {
            (Some(id), Some(label)) if !label.is_empty() => format!("{id}{separator}{label}"),
            (Some(id), _) => id.to_string(),
            (None, _) => "no account".to_owned(),
        }
    }
}

impl Node {
    /// A node of no account and no detail; set them with [`Node::in_account`] and
    /// [`Node::with_detail`].
    pub fn new(id: impl Into<String>, kind: NodeKind, label: impl Into<String>) -> Self {
        Self { id: id.into(), account: None, kind, label: label.into(), detail: None }
    }

    /// The same node, in `account`.
    #[must_use]
    pub fn in_account(mut self, account: AccountId) -> Self {
        self.account = Some(account);
        self
    }

    /// The same node, with `detail`.
    #[must_use]
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }
}

impl Edge {
    /// An edge without codes; add them with [`Edge::with_codes`].
    pub fn new(from: impl Into<String>, to: impl Into<String>, status: EdgeStatus, label: impl Into<String>) -> Self {
        Self { from: from.into(), to: to.into(), status, label: label.into(), codes: Vec::new() }
    }

    /// The same edge, with `codes` added.
    #[must_use]
    pub fn with_codes(mut self, codes: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.codes.extend(codes.into_iter().map(Into::into));
        self
    }

    /// The label with the codes after it, one text: `assume RB121 RB122`.
    pub fn label_with_codes(&self) -> String {
        let mut text = self.label.clone();
        for code in &self.codes {
            if !text.is_empty() {
                text.push(' ');
            }
            text.push_str(code);
        }
        text
    }
}
