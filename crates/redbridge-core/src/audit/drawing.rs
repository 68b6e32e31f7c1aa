//! The audit drawn: every account a box, clusters and workgroups → roles → buckets (and keys) as
//! one graph shared by the chains that pass the same way, each edge as bad as the worst chain
//! through it (broken red with doctor's codes, over-broad orange with the `RB2xx` codes, unknown
//! grey), and a table with one row per chain for the HTML page's filter.

use std::collections::BTreeMap;

use super::report::{AuditChain, AuditReport, ChainStatus};
use crate::graph::html::{HtmlPage, Table, TableRow};
use crate::graph::{Edge, EdgeStatus, Graph, Node, NodeKind};
use crate::spec::Access;

/// How bad a status is, to keep the worst on a shared edge.
fn rank(status: EdgeStatus) -> u8 {
    match status {
        EdgeStatus::Ok => 0,
        EdgeStatus::OverBroad => 1,
        EdgeStatus::Unknown => 2,
        EdgeStatus::Broken => 3,
    }
}

fn short(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

/// The node id of a chain's cluster or workgroup.
fn start_id(chain: &AuditChain) -> String {
    let start = &chain.redshift;
    format!("redshift:{}:{}:{}", start.account, start.region, start.label())
}

/// One chain's edges as (from, to, label), the bucket edge last (absent when the chain has no
/// bucket).
fn chain_edges(chain: &AuditChain) -> Vec<(String, String, String)> {
    let mut edges = Vec::new();
    let mut previous = start_id(chain);
    for (i, role) in chain.roles.iter().enumerate() {
        edges.push((previous, role.clone(), if i == 0 { "attach".to_owned() } else { "assume".to_owned() }));
        previous = role.clone();
    }
    if !chain.bucket.is_empty() {
        let access = match chain.access {
            Access::Copy => "COPY",
            Access::Unload => "UNLOAD",
            Access::Both => "COPY/UNLOAD",
        };
        let prefix = if chain.prefix.is_empty() { "*".to_owned() } else { format!("{}*", chain.prefix) };
        edges.push((previous, format!("s3:::{}", chain.bucket), format!("{access} {prefix}")));
    }
    edges
}

/// The status and codes of each edge of one chain, in [`chain_edges`] order.
fn judged_edges(chain: &AuditChain) -> Vec<(EdgeStatus, Vec<String>)> {
    let count = chain.roles.len() + usize::from(!chain.bucket.is_empty());
    let base = match chain.status {
        ChainStatus::Working | ChainStatus::Broken => EdgeStatus::Ok,
        ChainStatus::Unknown | ChainStatus::NotJudged => EdgeStatus::Unknown,
    };
    let mut edges = vec![(base, Vec::new()); count];
    let last = count.saturating_sub(1);
    for finding in &chain.findings {
        let index = finding.link.min(last);
        let status = match finding.severity {
            crate::doctor::Severity::Error => EdgeStatus::Broken,
            crate::doctor::Severity::Unknown => EdgeStatus::Unknown,
            _ => continue,
        };
        if let Some(edge) = edges.get_mut(index) {
            if rank(status) > rank(edge.0) {
                edge.0 = status;
            }
            edge.1.push(finding.code.clone());
        }
    }
    for breadth in &chain.over_broad {
        let role = chain.roles.iter().position(|r| *r == breadth.role).unwrap_or(0);
        let index = match breadth.code.as_str() {
            "RB201" | "RB202" => role,
            "RB203" => role + 1,
            _ => last,
        }
        .min(last);
        if let Some(edge) = edges.get_mut(index) {
            if rank(EdgeStatus::OverBroad) > rank(edge.0) {
                edge.0 = EdgeStatus::OverBroad;
            }
            edge.1.push(breadth.code.as_str().to_owned());
        }
    }
    edges
}

/// The audit as one graph.
pub fn graph(report: &AuditReport) -> Graph {
    let mut graph = Graph::new("redbridge audit");
    for account in &report.accounts {
        let label = account.name.clone().unwrap_or_default();
        let added = graph.add_account(account.id, label);
        if !account.entered {
            added.note = Some(format!("not entered: {}", account.how));
        }
    }
    let mut seen_nodes = std::collections::BTreeSet::new();
    let mut edges: BTreeMap<(String, String), Edge> = BTreeMap::new();
    for chain in &report.chains {
        let start = start_id(chain);
        if seen_nodes.insert(start.clone()) {
            let kind =
                if chain.redshift.label().starts_with("cluster") { NodeKind::Cluster } else { NodeKind::Workgroup };
            graph.add_node(
                Node::new(&start, kind, chain.redshift.label())
                    .in_account(chain.redshift.account)
                    .with_detail(format!("{} in {}", chain.redshift.label(), chain.redshift.region)),
            );
        }
        for role in &chain.roles {
            if seen_nodes.insert(role.clone()) {
                let mut node = Node::new(role, NodeKind::Role, short(role)).with_detail(role.clone());
                if let Ok(arn) = redbridge_iam::RoleArn::parse(role) {
                    node = node.in_account(arn.account());
                }
                graph.add_node(node);
            }
        }
        if !chain.bucket.is_empty() {
            let id = format!("s3:::{}", chain.bucket);
            if seen_nodes.insert(id.clone()) {
                let mut node = Node::new(&id, NodeKind::Bucket, chain.bucket.clone());
                if let Some(owner) = chain.bucket_account {
                    node = node.in_account(owner);
                }
                graph.add_node(node);
            }
        }
        for ((from, to, label), (status, codes)) in chain_edges(chain).into_iter().zip(judged_edges(chain)) {
            let edge = edges.entry((from.clone(), to.clone())).or_insert_with(|| Edge::new(from, to, status, label));
            if rank(status) > rank(edge.status) {
                edge.status = status;
            }
            for code in codes {
                if !edge.codes.contains(&code) {
                    edge.codes.push(code);
                }
            }
        }
    }
    for edge in edges.into_values() {
        graph.add_edge(edge);
    }
    graph
}

/// The status a chain's table row filters as.
fn row_status(chain: &AuditChain) -> EdgeStatus {
    match chain.status {
        ChainStatus::Broken => EdgeStatus::Broken,
        ChainStatus::Working if !chain.over_broad.is_empty() => EdgeStatus::OverBroad,
        ChainStatus::Working => EdgeStatus::Ok,
        ChainStatus::Unknown | ChainStatus::NotJudged => EdgeStatus::Unknown,
    }
}

/// The audit as one self-contained HTML page: summary, graph and a filterable table of chains.
pub fn html(report: &AuditReport) -> String {
    let s = &report.summary;
    let summary = vec![
        format!(
            "{} chain(s) from {} cluster(s) and workgroup(s) in {} account(s), {} entered",
            s.chains, s.targets, s.accounts, s.accounts_entered
        ),
        format!(
            "working {} · broken {} · unknown {} · not judged {} · over-broad {}",
            s.working, s.broken, s.unknown, s.not_judged, s.over_broad
        ),
    ]
    .into_iter()
    .chain(report.not_read.iter().map(|n| {
        let account = n.account.map_or(String::new(), |a| format!("{a} "));
        format!("not read: {account}{}: {}", n.what, n.reason)
    }))
    .collect();
    let columns = ["chain", "Redshift", "IAM_ROLE", "bucket", "access", "codes", "what to do"];
    let rows = report
        .chains
        .iter()
        .map(|chain| {
            let codes: Vec<&str> = chain
                .findings
                .iter()
                .map(|f| f.code.as_str())
                .chain(chain.over_broad.iter().map(|b| b.code.as_str()))
                .collect();
            let advice = chain
                .reason
                .clone()
                .or_else(|| {
                    chain.findings.first().map(|f| format!("{}: {}", f.message, f.fix.lines().next().unwrap_or("")))
                })
                .or_else(|| chain.over_broad.first().map(|b| b.message.clone()))
                .unwrap_or_default();
            TableRow {
                status: row_status(chain),
                cells: vec![
                    chain.id.clone(),
                    format!("{} {} {}", chain.redshift.account, chain.redshift.region, chain.redshift.label()),
                    chain.iam_role.clone(),
                    if chain.bucket.is_empty() {
                        String::new()
                    } else {
                        format!("s3://{}/{}", chain.bucket, chain.prefix)
                    },
                    if chain.bucket.is_empty() { String::new() } else { format!("{:?}", chain.access).to_lowercase() },
                    codes.join(" "),
                    advice,
                ],
            }
        })
        .collect();
    crate::graph::html::render(&HtmlPage {
        title: "redbridge audit".to_owned(),
        summary,
        graph: graph(report),
        table: Table { columns: columns.iter().map(|c| (*c).to_owned()).collect(), rows },
    })
}
