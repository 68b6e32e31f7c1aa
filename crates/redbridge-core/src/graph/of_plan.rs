//! One chain as a graph: a plan's desired state ([`Graph::of_plan`]: the cluster or workgroup,
//! each role, the bucket and the key, every edge ok) and doctor's judgement of it
//! ([`Graph::of_report`]: each hop's edge broken with its finding codes, unknown when it could
//! not be judged).

use super::{Edge, EdgeStatus, Graph, Node, NodeKind};
use crate::doctor::{Hop, HopStatus, Report, Verdict};
use crate::plan::{Plan, Side};
use crate::spec::Target;

/// The edge a doctor hop is about, as the index of that edge in a graph of one plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EdgeOf {
    /// The attachment and Redshift assuming the first role.
    Attach,
    /// Role `n` (from 0) assuming role `n + 1`.
    Assume(usize),
    /// The last role reading or writing the bucket (also the statement's region and routing).
    Bucket,
    /// The last role using the key.
    Key,
}

impl Graph {
    /// The chain a plan wants: every edge [`EdgeStatus::Ok`].
    pub fn of_plan(plan: &Plan) -> Self {
        let spec = &plan.spec;
        let mut graph = Graph::new(format!("{} → s3://{}", target_words(&spec.target), spec.bucket));
        for account in &plan.accounts {
            let label = match account.side {
                Side::Redshift => "Redshift account",
                Side::Intermediate => "intermediate account",
                Side::S3 => "bucket account",
                Side::RedshiftAndS3 => "Redshift and bucket account",
            };
            graph.add_account(account.account, label);
        }
        let target = target_id(plan);
        let (kind, detail) = match &spec.target {
            Target::Provisioned { .. } => (NodeKind::Cluster, format!("provisioned cluster in {}", spec.region)),
            Target::Serverless { namespace, .. } => (
                NodeKind::Workgroup,
                format!("serverless; roles attach to namespace `{namespace}`; in {}", spec.region),
            ),
        };
        graph.add_node(
            Node::new(&target, kind, target_words(&spec.target)).in_account(spec.redshift_account).with_detail(detail),
        );
        for role in plan.chain.roles() {
            graph.add_node(
                Node::new(role.to_string(), NodeKind::Role, role.name())
                    .in_account(role.account())
                    .with_detail(role.to_string()),
            );
        }
        let bucket = bucket_id(plan);
        let prefixes = if spec.prefixes.is_empty() { "the whole bucket".to_owned() } else { spec.prefixes.join(", ") };
        graph.add_node(
            Node::new(&bucket, NodeKind::Bucket, spec.bucket.to_string())
                .in_account(spec.s3_account)
                .with_detail(format!("{prefixes}; in {}", spec.bucket_region)),
        );
        if let Some(key) = &spec.kms_key {
            // A key in an account of the chain keeps that account's label.
            graph.add_account(key.account(), "key account");
            graph.add_node(
                Node::new(key.to_string(), NodeKind::Key, format!("KMS key {}", short_key(key.key_id())))
                    .in_account(key.account())
                    .with_detail(key.to_string()),
            );
        }
        let roles = plan.chain.roles();
        graph.add_edge(Edge::new(&target, roles[0].to_string(), EdgeStatus::Ok, "attach"));
        for (from, to) in plan.chain.hops() {
            graph.add_edge(Edge::new(from.to_string(), to.to_string(), EdgeStatus::Ok, "assume"));
        }
        let last = plan.chain.last().to_string();
        let access = match (spec.access.copy(), spec.access.unload()) {
            (true, true) => "COPY, UNLOAD",
            (true, false) => "COPY",
            _ => "UNLOAD",
        };
        graph.add_edge(Edge::new(&last, &bucket, EdgeStatus::Ok, access));
        if let Some(key) = &spec.kms_key {
            graph.add_edge(Edge::new(&last, key.to_string(), EdgeStatus::Ok, "use key"));
        }
        graph
    }

    /// The chain as doctor judged it: the plan's nodes, each hop's edge
    /// [`EdgeStatus::Broken`] with its findings' codes when doctor found it broken,
    /// [`EdgeStatus::Unknown`] when it could not judge it (or did not), [`EdgeStatus::Ok`]
    /// otherwise. Findings about an account's organization policies are its box's note.
    pub fn of_report(plan: &Plan, report: &Report) -> Self {
        let mut graph = Self::of_plan(plan);
        let verdict = match report.verdict {
            Verdict::Healthy => "healthy",
            Verdict::HealthyAsFarAsRead => "healthy as far as read",
            Verdict::Broken => "broken",
            Verdict::Unknown => "unknown",
        };
        graph.title = format!("{} ({verdict})", graph.title);
        let roles: Vec<String> = plan.chain.roles().iter().map(ToString::to_string).collect();
        let edge_of = |hop: &Hop| -> Option<EdgeOf> {
            match hop {
                Hop::Attachment | Hop::Service { .. } => Some(EdgeOf::Attach),
                Hop::Role { from, to } => {
                    roles.windows(2).position(|pair| &pair[0] == from && &pair[1] == to).map(EdgeOf::Assume)
                }
                Hop::S3 { .. } | Hop::Statement => Some(EdgeOf::Bucket),
                Hop::Kms { .. } => Some(EdgeOf::Key),
                Hop::Organization { .. } | Hop::UserStatement { .. } => None,
            }
        };
        let index = |edge: EdgeOf| match edge {
            EdgeOf::Attach => 0,
            EdgeOf::Assume(n) => 1 + n,
            EdgeOf::Bucket => roles.len(),
            EdgeOf::Key => roles.len() + 1,
        };
        // Every edge starts unknown until a hop report judges it; the worst hop decides.
        let mut judged: Vec<Option<EdgeStatus>> = vec![None; graph.edges.len()];
        for hop in &report.hops {
            let Some(number) = edge_of(&hop.hop).map(index).filter(|&n| n < judged.len()) else { continue };
            let status = match hop.status {
                HopStatus::Ok => EdgeStatus::Ok,
                HopStatus::Broken => EdgeStatus::Broken,
                HopStatus::Unknown | HopStatus::Skipped => EdgeStatus::Unknown,
            };
            judged[number] = Some(worst(judged[number], status));
        }
        for (edge, status) in graph.edges.iter_mut().zip(judged) {
            edge.status = status.unwrap_or(EdgeStatus::Unknown);
        }
        for finding in &report.findings {
            let code = finding.code.to_string();
            if let Hop::Organization { account } = &finding.hop {
                if let Some(box_of) = graph.accounts.iter_mut().find(|a| a.id.as_str() == account) {
                    let line = format!("{code}: {}", finding.message);
                    box_of.note = Some(match box_of.note.take() {
                        Some(note) => format!("{note}\n{line}"),
                        None => line,
                    });
                }
                continue;
            }
            let Some(number) = edge_of(&finding.hop).map(index) else { continue };
            if let Some(edge) = graph.edges.get_mut(number)
                && !edge.codes.contains(&code)
            {
                edge.codes.push(code);
            }
        }
        graph
    }
}

/// The worse of two judgements: broken, then unknown, then ok.
fn worst(before: Option<EdgeStatus>, now: EdgeStatus) -> EdgeStatus {
    let rank = |status: EdgeStatus| match status {
        EdgeStatus::Ok => 0,
        EdgeStatus::OverBroad => 1,
        EdgeStatus::Unknown => 2,
        EdgeStatus::Broken => 3,
    };
    match before {
        Some(before) if rank(before) >= rank(now) => before,
        _ => now,
    }
}

fn target_words(target: &Target) -> String {
    match target {
        Target::Provisioned { cluster } => format!("cluster {cluster}"),
        Target::Serverless { workgroup, .. } => format!("workgroup {workgroup}"),
    }
}

/// The target's id: Redshift's ARN form for a cluster; for a workgroup (whose ARN holds an id
/// the plan does not know) the same form with its name.
fn target_id(plan: &Plan) -> String {
    let spec = &plan.spec;
    let partition = spec.region.partition();
    match &spec.target {
        Target::Provisioned { cluster } => {
            format!("arn:{partition}:redshift:{}:{}:cluster:{cluster}", spec.region, spec.redshift_account)
        }
        Target::Serverless { workgroup, .. } => {
            format!(
                "arn:{partition}:redshift-serverless:{}:{}:workgroup/{workgroup}",
                spec.region, spec.redshift_account
            )
        }
    }
}

fn bucket_id(plan: &Plan) -> String {
    format!("arn:{}:s3:::{}", plan.spec.region.partition(), plan.spec.bucket)
}

/// The first block of a key id (`1234abcd` of a UUID), enough to tell keys apart in a drawing.
fn short_key(key_id: &str) -> &str {
    key_id.split('-').next().unwrap_or(key_id)
}
