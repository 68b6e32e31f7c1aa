//! `redbridge audit`'s text report: the counts, then the broken chains with doctor's codes and
//! fixes, the over-broad ones, the working ones with their `IAM_ROLE` string, and what could not
//! be read. Every value from AWS has its control characters escaped.

use std::fmt::Write as _;

use redbridge_core::audit::{AuditChain, AuditReport, ChainStatus};
use redbridge_iam::escape::escape_controls as esc;

/// The report as people read it.
pub fn text(report: &AuditReport) -> String {
    let s = &report.summary;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "audit: {} chain(s) from {} cluster(s) and workgroup(s) in {} account(s) ({} entered)",
        s.chains, s.targets, s.accounts, s.accounts_entered
    );
    let _ = writeln!(
        out,
        "  working {} · broken {} · unknown {} · not judged {} · over-broad {}",
        s.working, s.broken, s.unknown, s.not_judged, s.over_broad
    );
    let groups = [
        ("broken", ChainStatus::Broken),
        ("unknown", ChainStatus::Unknown),
        ("not judged", ChainStatus::NotJudged),
        ("working", ChainStatus::Working),
    ];
    for (title, status) in groups {
        let chains: Vec<&AuditChain> = report.chains.iter().filter(|c| c.status == status).collect();
        if chains.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{title}:");
        for chain in chains {
            chain_text(chain, &mut out);
        }
    }
    if !report.not_read.is_empty() {
        let _ = writeln!(out, "\nnot read:");
        for item in &report.not_read {
            let account = item.account.map_or(String::new(), |a| format!("{a} "));
            let _ = writeln!(out, "  {account}{}: {}", esc(&item.what), esc(&item.reason));
        }
    }
    out
}

fn chain_text(chain: &AuditChain, out: &mut String) {
    let start = &chain.redshift;
    let target = if chain.bucket.is_empty() {
        "…".to_owned()
    } else {
        format!("s3://{}/{}", esc(&chain.bucket), esc(&chain.prefix))
    };
    let access = match chain.access {
        redbridge_core::Access::Copy => "COPY",
        redbridge_core::Access::Unload => "UNLOAD",
        redbridge_core::Access::Both => "COPY and UNLOAD",
    };
    let access = if chain.bucket.is_empty() { String::new() } else { format!(" ({access})") };
    let _ = writeln!(
        out,
        "  {}  {} ({} {}) → {target}{access}",
        chain.id,
        esc(&start.label()),
        start.account,
        start.region
    );
    if chain.status == ChainStatus::Working {
        let _ = writeln!(
            out,
            "    IAM_ROLE '{}'{}",
            esc(&chain.iam_role),
            if chain.default_role { " (or IAM_ROLE default)" } else { "" }
        );
    } else {
        let _ = writeln!(out, "    roles: {}", esc(&chain.iam_role));
    }
    if let Some(reason) = &chain.reason {
        let _ = writeln!(out, "    {}", esc(reason));
    }
    for finding in chain.findings.iter().filter(|f| f.severity >= redbridge_core::doctor::Severity::Unknown) {
        let _ = writeln!(out, "    {} {}: {}", finding.code, esc(&finding.hop), esc(&finding.message));
        let fix = finding.fix.lines().next().unwrap_or("");
        if !fix.is_empty() {
            let _ = writeln!(out, "      fix: {}", esc(fix));
        }
    }
    for breadth in &chain.over_broad {
        let _ = writeln!(
            out,
            "    {} over-broad, {}: {}",
            breadth.code.as_str(),
            esc(&breadth.role),
            esc(&breadth.message)
        );
    }
}
