//! The chain drawings: DOT and Mermaid of a plan and of a doctor report (snapshots), escaping
//! of hostile ids and labels in every format, the HTML page, and the layout's geometry.

use proptest::prelude::*;
use redbridge_core::doctor::{Snapshot, analyze};
use redbridge_core::graph::html::{HtmlPage, Table, TableRow, render};
use redbridge_core::graph::layout::layout;
use redbridge_core::graph::{Edge, EdgeStatus, Graph, Node, NodeKind};
use redbridge_core::{Plan, Spec};
use redbridge_iam::AccountId;

use crate::doctor::{PROVISIONED, healthy, plan};

fn example(spec: &str) -> Plan {
    Plan::new(&Spec::from_toml(spec).unwrap()).unwrap()
}

fn broken_serverless() -> (Plan, redbridge_core::doctor::Report) {
    let plan = example(include_str!("../../../../examples/serverless-unload-kms.toml"));
    let snapshot = Snapshot::from_json(include_str!("../../../../examples/serverless-broken.snapshot.json")).unwrap();
    let report = analyze(&plan, &snapshot);
    (plan, report)
}

fn account(n: u64) -> AccountId {
    AccountId::parse(&format!("{n:012}")).unwrap()
}

/// Strings that break DOT, Mermaid or HTML when written raw.
const HOSTILE: [&str; 12] = [
    "a\"b",
    "ends with a backslash\\",
    "\\\"",
    "line\nbreak\r\n",
    "</script><script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "{record|<port>}",
    "it's \"quoted\" & <b>bold</b>",
    "esc \u{1b}[31m red \u{202e} bidi \u{0}",
    "end\"]; n0 --> n1\nclick n0 call alert()",
    "`markdown` #quot; %% comment |pipe|",
    "arn:aws:iam::111111111111:role/x\"]; \"evil\" -> \"pwned",
];

fn graph_labelled(text: &str) -> Graph {
    let mut graph = Graph::new(text);
    graph.add_account(account(111111111111), text).note = Some(text.to_owned());
    graph.add_node(Node::new("cluster", NodeKind::Cluster, text).in_account(account(111111111111)).with_detail(text));
    graph.add_node(Node::new(text, NodeKind::Role, text).in_account(account(111111111111)));
    graph.add_node(Node::new(format!("{text}bucket"), NodeKind::Bucket, text).in_account(account(222222222222)));
    graph.add_edge(Edge::new("cluster", text, EdgeStatus::Ok, text));
    graph.add_edge(Edge::new(text, format!("{text}bucket"), EdgeStatus::Broken, text).with_codes([text, "RB121"]));
    graph.add_edge(Edge::new(text, "not a node", EdgeStatus::Unknown, text));
    graph
}

/// DOT text with every quoted string replaced by `Q`, read as Graphviz's lexer reads it: the
/// current rule (`\\` a pair) when `pairs`, the older one (`\"` wherever it is) otherwise.
/// `None` when a string is not closed.
fn dot_skeleton(dot: &str, pairs: bool) -> Option<String> {
    let mut skeleton = String::new();
    let mut chars = dot.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '"' {
            skeleton.push(c);
            continue;
        }
        loop {
            match chars.next()? {
                '"' => break,
                '\\' if chars.peek() == Some(&'"') => {
                    chars.next();
                }
                '\\' if pairs && chars.peek() == Some(&'\\') => {
                    chars.next();
                }
                _ => {}
            }
        }
        skeleton.push('Q');
    }
    Some(skeleton)
}

#[test]
fn dot_of_the_example_plans() {
    let provisioned = example(include_str!("../../../../examples/provisioned-copy.toml"));
    insta::assert_snapshot!("dot-plan-provisioned", Graph::of_plan(&provisioned).to_dot());
    let serverless = example(include_str!("../../../../examples/serverless-unload-kms.toml"));
    insta::assert_snapshot!("dot-plan-serverless-kms", Graph::of_plan(&serverless).to_dot());
}

#[test]
fn mermaid_of_the_example_plan() {
    let serverless = example(include_str!("../../../../examples/serverless-unload-kms.toml"));
    insta::assert_snapshot!("mermaid-plan-serverless-kms", Graph::of_plan(&serverless).to_mermaid());
}

#[test]
fn a_plan_graph_has_the_target_each_role_the_bucket_and_the_key_all_ok() {
    let serverless = example(include_str!("../../../../examples/serverless-unload-kms.toml"));
    let graph = Graph::of_plan(&serverless);
    let kinds: Vec<NodeKind> = graph.nodes.iter().map(|n| n.kind).collect();
    assert_eq!(kinds, [NodeKind::Workgroup, NodeKind::Role, NodeKind::Role, NodeKind::Bucket, NodeKind::Key]);
    let labels: Vec<&str> = graph.edges.iter().map(|e| e.label.as_str()).collect();
    assert_eq!(labels, ["attach", "assume", "UNLOAD", "use key"]);
    assert!(graph.edges.iter().all(|e| e.status == EdgeStatus::Ok && e.codes.is_empty()));
    let accounts: Vec<String> = graph.accounts.iter().map(|a| format!("{} {}", a.id, a.label)).collect();
    assert_eq!(accounts, ["111111111111 Redshift account", "222222222222 bucket account"]);
}

#[test]
fn a_hop_through_a_third_account_is_its_own_box_and_column() {
    let spec = format!("{PROVISIONED}intermediate_roles = [\"arn:aws:iam::333333333333:role/hop\"]\n");
    let graph = Graph::of_plan(&plan(&spec));
    let accounts: Vec<String> = graph.accounts.iter().map(|a| format!("{} {}", a.id, a.label)).collect();
    assert_eq!(
        accounts,
        ["111111111111 Redshift account", "333333333333 intermediate account", "222222222222 bucket account"]
    );
    let labels: Vec<&str> = graph.edges.iter().map(|e| e.label.as_str()).collect();
    assert_eq!(labels, ["attach", "assume", "assume", "COPY, UNLOAD", "use key"]);
    let drawn = layout(&graph);
    let layers: Vec<(NodeKind, usize)> = drawn.nodes.iter().map(|p| (graph.nodes[p.node].kind, p.layer)).collect();
    assert_eq!(
        layers,
        [
            (NodeKind::Cluster, 0),
            (NodeKind::Role, 1),
            (NodeKind::Role, 2),
            (NodeKind::Role, 3),
            (NodeKind::Bucket, 4),
            (NodeKind::Key, 4)
        ]
    );
}

#[test]
fn doctor_graph_marks_the_broken_hops_red_with_their_codes() {
    let (plan, report) = broken_serverless();
    let graph = Graph::of_report(&plan, &report);
    let edges: Vec<(EdgeStatus, Vec<String>)> = graph.edges.iter().map(|e| (e.status, e.codes.clone())).collect();
    assert_eq!(edges[0], (EdgeStatus::Broken, vec!["RB112".to_owned()]), "{edges:?}");
    assert_eq!(edges[1].0, EdgeStatus::Broken, "{edges:?}");
    assert_eq!(edges[1].1, ["RB122"], "{edges:?}");
    let dot = graph.to_dot();
    assert!(dot.contains("label=\"attach\\nRB112\""), "{dot}");
    insta::assert_snapshot!("dot-doctor-serverless-broken", dot);
    insta::assert_snapshot!("mermaid-doctor-serverless-broken", graph.to_mermaid());
}

#[test]
fn doctor_graph_of_a_healthy_setup_is_all_ok() {
    let plan = plan(PROVISIONED);
    let report = analyze(&plan, &healthy(&plan));
    let graph = Graph::of_report(&plan, &report);
    assert_eq!(graph.edges.len(), 4);
    let statuses: Vec<EdgeStatus> = graph.edges.iter().map(|e| e.status).collect();
    assert_eq!(statuses, [EdgeStatus::Ok; 4], "{:?}", report.hops);
}

#[test]
fn unread_organization_policies_are_their_accounts_note() {
    let plan = plan(PROVISIONED);
    let mut snapshot = healthy(&plan);
    snapshot.organizations.insert(
        "222222222222".to_owned(),
        redbridge_core::doctor::Known::Unknown { reason: "AccessDenied".to_owned() },
    );
    let graph = Graph::of_report(&plan, &analyze(&plan, &snapshot));
    let notes: Vec<Option<&str>> = graph.accounts.iter().map(|a| a.note.as_deref()).collect();
    assert_eq!(notes[0], None);
    assert!(notes[1].is_some_and(|n| n.starts_with("RB193: ") && n.contains("AccessDenied")), "{notes:?}");
    assert!(graph.edges.iter().all(|e| e.status == EdgeStatus::Ok), "{:?}", graph.edges);
    assert!(graph.title.ends_with("(healthy as far as read)"), "{}", graph.title);
}

#[test]
fn a_node_given_twice_is_drawn_once_and_an_edge_to_no_node_is_drawn_where_it_can_be() {
    let mut graph = Graph::new("duplicates");
    let role = Node::new("arn:aws:iam::111111111111:role/r", NodeKind::Role, "r").in_account(account(111111111111));
    graph.add_node(role.clone()).add_node(role.with_detail("again"));
    graph.add_edge(Edge::new("arn:aws:iam::111111111111:role/r", "elsewhere", EdgeStatus::Unknown, "assume"));
    let dot = graph.to_dot();
    assert_eq!(dot.matches("\"arn:aws:iam::111111111111:role/r\" [").count(), 1, "{dot}");
    assert!(dot.contains("\"elsewhere\" [label=\"elsewhere\", shape=plaintext];"), "{dot}");
    let mermaid = graph.to_mermaid();
    assert!(mermaid.contains("    n0([\"r\"])") && !mermaid.contains("n2"), "{mermaid}");
    assert!(mermaid.contains("  n1[\"elsewhere\"]\n  n0 -.->|\"assume\"| n1"), "{mermaid}");
    let drawn = layout(&graph);
    assert_eq!((drawn.nodes.len(), drawn.edges.len()), (1, 0), "the SVG draws no edge to nowhere");
}

#[test]
fn hostile_ids_and_labels_keep_dot_syntax_whole() {
    let benign = graph_labelled("plain").to_dot();
    for text in HOSTILE {
        let dot = graph_labelled(text).to_dot();
        for pairs in [true, false] {
            assert_eq!(dot_skeleton(&dot, pairs), dot_skeleton(&benign, pairs), "{text:?}:\n{dot}");
        }
        assert!(!dot.contains('\u{1b}') && !dot.contains('\u{202e}') && !dot.contains('\r'), "{dot}");
    }
    // The label reads back as written: `\"` a quote, `\\` a backslash, `\n` a line break.
    let dot = graph_labelled("a\"b\\c\nd").to_dot();
    assert!(dot.contains("label=\"a\\\"b\\\\c\\nd\""), "{dot}");
}

#[test]
fn hostile_labels_stay_inside_mermaid_quotes() {
    let benign = graph_labelled("plain").to_mermaid();
    for text in HOSTILE {
        let mermaid = graph_labelled(text).to_mermaid();
        assert_eq!(mermaid.lines().count(), benign.lines().count(), "{text:?}:\n{mermaid}");
        for (line, plain) in mermaid.lines().zip(benign.lines()) {
            if line.trim_start().starts_with("%%") {
                continue;
            }
            // Outside the quotes every line is the benign one's; inside, no character that ends a
            // label or starts markup other than our own `<br>`.
            let outside = |l: &str| l.split('"').step_by(2).collect::<Vec<_>>().join("\"");
            assert_eq!(outside(line), outside(plain), "{text:?}:\n{mermaid}");
            for inside in line.split('"').skip(1).step_by(2) {
                let rest = inside.replace("<br>", "");
                assert!(
                    rest.chars().all(|c| c.is_ascii_alphanumeric() || " -_.:/@,+=*()!?#;".contains(c)),
                    "{text:?}: {inside}"
                );
            }
        }
    }
}

#[test]
fn mermaid_ids_are_generated_and_broken_links_styled_red() {
    let (plan, report) = broken_serverless();
    let mermaid = Graph::of_report(&plan, &report).to_mermaid();
    assert!(!mermaid.contains("arn:aws"), "ids and labels hold no ARN:\n{mermaid}");
    assert!(mermaid.contains("  linkStyle 0 stroke:red"), "{mermaid}");
    assert!(mermaid.contains("|\"attach RB112\"|"), "{mermaid}");
}

fn page(graph: Graph, cell: &str) -> HtmlPage {
    let rows = graph
        .edges
        .iter()
        .map(|e| TableRow { status: e.status, cells: vec![e.from.clone(), e.to.clone(), cell.to_owned()] })
        .collect();
    HtmlPage {
        title: format!("audit {cell}"),
        summary: vec![format!("summary {cell}")],
        graph,
        table: Table { columns: vec!["from".into(), "to".into(), cell.to_owned()], rows },
    }
}

#[test]
fn html_page_is_self_contained_with_filters_and_one_svg_element_per_node_and_edge() {
    let (plan, report) = broken_serverless();
    let graph = Graph::of_report(&plan, &report);
    let (nodes, edges) = (graph.nodes.len(), graph.edges.len());
    let html = render(&page(graph, "chain"));
    assert!(html.starts_with("<!DOCTYPE html>"));
    for loads in ["http:", "https:", "src=", "href=", "@import", "<link", "<iframe", "<img"] {
        assert!(!html.contains(loads), "the page loads nothing: found `{loads}`");
    }
    assert!(html.contains("default-src 'none'"), "a policy forbids loading anything");
    assert!(html.contains("<input id=\"filter-text\""));
    assert!(html.contains("<select id=\"filter-status\">"));
    for status in EdgeStatus::ALL {
        assert!(html.contains(&format!("<option value=\"{}\">", status.as_str())));
    }
    assert_eq!(html.matches("<g class=\"node ").count(), nodes);
    assert_eq!(html.matches("<g class=\"edge ").count(), edges);
    assert_eq!(html.matches("<g class=\"account\">").count(), 2);
    assert_eq!(html.matches("<tr data-status=\"broken\">").count(), 2);
    assert!(html.contains("<text x=") && html.contains(">RB112</text>"), "broken edges carry their codes");
    assert_eq!(html.matches("<script>").count(), 1);
}

#[test]
fn html_escapes_everything_user_derived() {
    for text in HOSTILE {
        let graph = graph_labelled(text);
        let html = render(&page(graph, text));
        assert_eq!(html.matches("<script>").count(), 1, "{text:?}");
        assert_eq!(html.matches("</script>").count(), 1, "{text:?}");
        assert!(!html.contains("<img") && !html.contains("<b>"), "{text:?}");
        assert!(!html.contains('\u{1b}') && !html.contains('\u{202e}') && !html.contains('\0'), "{text:?}");
        // No attribute value is ended early: every quote in the page is one we wrote.
        if text.contains('"') {
            assert!(html.contains("&quot;"), "{text:?}");
        }
    }
}

/// `accounts` accounts of `per_account` clusters, each with a chain of `depth` roles to a bucket.
fn big_graph(accounts: u64, per_account: usize, depth: usize) -> Graph {
    let mut graph = Graph::new("big");
    for a in 0..accounts {
        let id = account(100_000_000_000 + a);
        graph.add_account(id, format!("account {a}"));
        for c in 0..per_account {
            let cluster = format!("cluster {a} {c}");
            graph.add_node(Node::new(&cluster, NodeKind::Cluster, &cluster).in_account(id));
            let mut previous = cluster;
            for d in 0..depth {
                let role = format!("role {a} {c} {d}");
                // Roles alternate between this account and the next, as chains cross accounts.
                let owner = account(100_000_000_000 + (a + d as u64) % accounts);
                graph.add_node(Node::new(&role, NodeKind::Role, &role).in_account(owner));
                graph.add_edge(Edge::new(&previous, &role, EdgeStatus::Ok, "assume"));
                previous = role;
            }
            let bucket = format!("bucket {a} {c}");
            graph.add_node(
                Node::new(&bucket, NodeKind::Bucket, &bucket).in_account(account(100_000_000_000 + (a + 1) % accounts)),
            );
            graph.add_edge(Edge::new(&previous, &bucket, EdgeStatus::Broken, "COPY").with_codes(["RB121"]));
        }
    }
    graph.add_node(Node::new("orphan key", NodeKind::Key, "no account"));
    graph
}

#[test]
fn layout_places_no_two_nodes_on_each_other_and_each_inside_its_account_box() {
    let graph = big_graph(7, 4, 3);
    let drawn = layout(&graph);
    assert_eq!(drawn.nodes.len(), graph.nodes.len());
    assert_eq!(drawn.edges.len(), graph.edges.len());
    assert_eq!(drawn.boxes.len(), 8, "seven accounts and one box for nodes of none");
    for (i, a) in drawn.nodes.iter().enumerate() {
        for b in &drawn.nodes[i + 1..] {
            assert!(!a.rect.overlaps(&b.rect), "{a:?} overlaps {b:?}");
        }
        let node = &graph.nodes[a.node];
        let account_box = &drawn.boxes[a.account_box];
        assert!(account_box.rect.contains(&a.rect), "{node:?} outside {account_box:?}");
        let expected = node.account.map_or("no account".to_owned(), |id| id.to_string());
        assert!(account_box.title.starts_with(&expected), "{node:?} in {account_box:?}");
        assert!(a.rect.x + a.rect.width <= drawn.width && a.rect.y + a.rect.height <= drawn.height);
    }
    for (i, a) in drawn.boxes.iter().enumerate() {
        for b in &drawn.boxes[i + 1..] {
            assert!(!a.rect.overlaps(&b.rect), "{a:?} overlaps {b:?}");
        }
    }
    // Columns: clusters, then roles by hop depth, then buckets and keys.
    let layer_of = |kind: NodeKind| {
        let mut layers: Vec<usize> =
            drawn.nodes.iter().filter(|p| graph.nodes[p.node].kind == kind).map(|p| p.layer).collect();
        layers.sort_unstable();
        layers.dedup();
        layers
    };
    assert_eq!(layer_of(NodeKind::Cluster), [0]);
    assert_eq!(layer_of(NodeKind::Role), [1, 2, 3]);
    assert_eq!(layer_of(NodeKind::Bucket), [4]);
    assert_eq!(layer_of(NodeKind::Key), [4]);
}

#[test]
fn a_graph_of_two_thousand_nodes_renders_in_every_format() {
    let graph = big_graph(50, 8, 4);
    assert_eq!(graph.nodes.len(), 50 * 8 * 6 + 1);
    let html = render(&page(graph.clone(), "x"));
    assert_eq!(html.matches("<g class=\"node ").count(), graph.nodes.len());
    assert_eq!(graph.to_dot().matches(" -> ").count(), graph.edges.len());
    assert_eq!(graph.to_mermaid().matches("linkStyle").count(), graph.edges.len());
}

#[test]
fn an_account_without_nodes_is_still_drawn_with_its_note() {
    let mut graph = Graph::new("audit");
    graph.add_account(account(333333333333), "data").note = Some("not entered: AccessDenied".to_owned());
    assert!(graph.to_dot().contains("label=\"not entered: AccessDenied\", shape=note"));
    assert!(graph.to_mermaid().contains("a0note>\"not entered: AccessDenied\"]"));
    let drawn = layout(&graph);
    assert_eq!(drawn.boxes.len(), 1);
    assert_eq!(drawn.boxes[0].note.as_deref(), Some("not entered: AccessDenied"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn random_hostile_labels_never_break_dot_quoting(
        text in proptest::collection::vec(
            prop_oneof![Just('"'), Just('\\'), Just('\n'), Just('\r'), Just('<'), Just('{'), Just('|'), Just('\u{1b}'), Just('a'), Just(' '), any::<char>()],
            0..24,
        ).prop_map(|chars| chars.into_iter().collect::<String>())
    ) {
        let benign = graph_labelled("plain").to_dot();
        let dot = graph_labelled(&text).to_dot();
        for pairs in [true, false] {
            prop_assert_eq!(dot_skeleton(&dot, pairs), dot_skeleton(&benign, pairs));
        }
    }
}
