//! `GRANT ASSUMEROLE` and `REVOKE ASSUMEROLE`: which database users may name which IAM roles
//! (or role chains) in COPY and UNLOAD, kept per cluster or workgroup.
//!
//! The syntax (<https://docs.aws.amazon.com/redshift/latest/dg/r_GRANT.html>,
//! <https://docs.aws.amazon.com/redshift/latest/dg/r_REVOKE.html>):
//! `GRANT ASSUMEROLE ON { 'iam_role' [, ...] | default | ALL } TO { username | ROLE role_name |
//! GROUP group_name | PUBLIC } [, ...] FOR { ALL | COPY | UNLOAD | EXTERNAL FUNCTION | CREATE MODEL }
//! [, ...]`, and REVOKE the same with FROM. A chain is granted as a whole: its `'arn1,arn2'` is
//! one `iam_role` (the project's reference, `redshift-cross-account.md`).
//!
//! What the emulator keeps: every cluster and workgroup starts with `ASSUMEROLE ON ALL TO PUBLIC
//! FOR ALL`, the state before the documented `REVOKE ASSUMEROLE ON ALL FROM PUBLIC FOR ALL` that
//! turns the check on; superusers (the master user, the namespace's admin user) are never
//! checked ("Superusers retain all permissions regardless of GRANT and REVOKE commands":
//! <https://docs.aws.amazon.com/redshift/latest/dg/r_superusers.html>), and only they may grant
//! or revoke. A refusal reads `User u does not have ASSUMEROLE permission on IAM role "arn…" for
//! COPY` (the reference's table of Redshift's texts; doctor's `RB182`). Grants to a GROUP or a ROLE
//! are kept, but a session's groups are not known to the check: they match no one. Grants are not
//! transactional here (a ROLLBACK keeps them).

use std::sync::{Arc, Mutex};

use redbridge_aws::ports::Connect;

use crate::db_login::LoginTarget;
use crate::sql_engine::{Done, ExecContext};
use crate::state::Service;
use crate::texts;

/// Who a grant is to.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Grantee {
    Public,
    User(String),
    Group(String),
    Role(String),
}

/// Which roles a grant covers.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Roles {
    /// `ALL`.
    All,
    /// `default`: the cluster's default IAM role.
    Default,
    /// One `'iam_role'`: a role or a chain, spaces around its commas dropped.
    Chain(String),
}

/// The commands a grant covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Command {
    All,
    Copy,
    Unload,
    ExternalFunction,
    CreateModel,
}

impl Command {
    fn name(self) -> &'static str {
        match self {
            Self::All => "ALL",
            Self::Copy => "COPY",
            Self::Unload => "UNLOAD",
            Self::ExternalFunction => "EXTERNAL FUNCTION",
            Self::CreateModel => "CREATE MODEL",
        }
    }
}

/// One privilege: `grantee` may use `roles` for `command`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Grant {
    grantee: Grantee,
    roles: Roles,
    command: Command,
}

/// The ASSUMEROLE privileges of one cluster or workgroup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AssumeRoleGrants {
    grants: Vec<Grant>,
}

impl Default for AssumeRoleGrants {
    /// `ASSUMEROLE ON ALL TO PUBLIC FOR ALL`.
    fn default() -> Self {
        Self { grants: vec![Grant { grantee: Grantee::Public, roles: Roles::All, command: Command::All }] }
    }
}

/// A parsed GRANT or REVOKE ASSUMEROLE.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Change {
    grant: bool,
    roles: Vec<Roles>,
    grantees: Vec<Grantee>,
    commands: Vec<Command>,
}

/// `a,b` with the spaces around the commas dropped: how a chain is compared.
fn chain_key(chain: &str) -> String {
    chain.split(',').map(str::trim).collect::<Vec<_>>().join(",")
}

impl AssumeRoleGrants {
    fn apply(&mut self, change: &Change) {
        for roles in &change.roles {
            for grantee in &change.grantees {
                for &command in &change.commands {
                    let grant = Grant { grantee: grantee.clone(), roles: roles.clone(), command };
                    if change.grant {
                        if !self.grants.contains(&grant) {
                            self.grants.push(grant);
                        }
                    } else {
                        // REVOKE … FOR ALL takes every command's grant; FOR COPY only COPY's.
                        self.grants.retain(|g| {
                            !(g.grantee == grant.grantee
                                && g.roles == grant.roles
                                && (command == Command::All || g.command == command))
                        });
                    }
                }
            }
        }
    }

    /// Whether `user` may name `chain` for `command`.
    pub fn allows(&self, user: &str, chain: &str, command: Command) -> bool {
        let chain = chain_key(chain);
        self.grants.iter().any(|g| {
            let grantee = match &g.grantee {
                Grantee::Public => true,
                Grantee::User(name) => name.eq_ignore_ascii_case(user),
                Grantee::Group(_) | Grantee::Role(_) => false,
            };
            let roles = match &g.roles {
                Roles::All => true,
                Roles::Chain(granted) => *granted == chain,
                Roles::Default => false,
            };
            grantee && roles && (g.command == Command::All || g.command == command)
        })
    }
}

/// Reads a GRANT or REVOKE ASSUMEROLE; the error says what is wrong.
fn parse(sql: &str) -> Result<Change, String> {
    let tokens = tokens(sql)?;
    let mut at = 0;
    let mut next = || {
        let token = tokens.get(at).cloned();
        at += 1;
        token
    };
    let upper = |t: &Option<Token>| match t {
        Some(Token::Word(w)) => w.to_ascii_uppercase(),
        _ => String::new(),
    };
    let verb = upper(&next());
    let grant = match verb.as_str() {
        "GRANT" => true,
        "REVOKE" => false,
        _ => return Err(syntax("GRANT or REVOKE")),
    };
    if upper(&next()) != "ASSUMEROLE" {
        return Err(syntax("ASSUMEROLE"));
    }
    if upper(&next()) != "ON" {
        return Err(syntax("ON"));
    }
    let mut roles = Vec::new();
    let mut token = next();
    loop {
        match &token {
            Some(Token::Quoted(chain)) => roles.push(Roles::Chain(chain_key(chain))),
            Some(Token::Word(w)) if w.eq_ignore_ascii_case("ALL") && roles.is_empty() => roles.push(Roles::All),
            Some(Token::Word(w)) if w.eq_ignore_ascii_case("default") && roles.is_empty() => {
                roles.push(Roles::Default);
            }
            _ => return Err(syntax("'iam_role', default or ALL")),
        }
        token = next();
        if token != Some(Token::Comma) || !matches!(roles[0], Roles::Chain(_)) {
            break;
        }
        token = next();
    }
    let to = if grant { "TO" } else { "FROM" };
    if upper(&token) != to {
        return Err(syntax(to));
    }
    let mut grantees = Vec::new();
    loop {
        let token = next();
        let word = upper(&token);
        let grantee = match (word.as_str(), token) {
            ("PUBLIC", _) => Grantee::Public,
            ("GROUP" | "ROLE", _) => {
                let Some(Token::Word(name) | Token::Identifier(name)) = next() else {
                    return Err(syntax("a group or role name"));
                };
                if word == "GROUP" { Grantee::Group(name) } else { Grantee::Role(name) }
            }
            ("FOR", _) => return Err(syntax("a user name, ROLE, GROUP or PUBLIC")),
            (_, Some(Token::Word(name) | Token::Identifier(name))) => Grantee::User(name),
            _ => return Err(syntax("a user name, ROLE, GROUP or PUBLIC")),
        };
        grantees.push(grantee);
        match next() {
            Some(Token::Comma) => continue,
            token if upper(&token) == "FOR" => break,
            _ => return Err(syntax("FOR")),
        }
    }
    let mut commands = Vec::new();
    loop {
        let command = match upper(&next()).as_str() {
            "ALL" => Command::All,
            "COPY" => Command::Copy,
            "UNLOAD" => Command::Unload,
            "EXTERNAL" if upper(&next()) == "FUNCTION" => Command::ExternalFunction,
            "CREATE" if upper(&next()) == "MODEL" => Command::CreateModel,
            _ => return Err(syntax("ALL, COPY, UNLOAD, EXTERNAL FUNCTION or CREATE MODEL")),
        };
        commands.push(command);
        match next() {
            Some(Token::Comma) => {}
            None => break,
            Some(_) => return Err(syntax("the end of the statement")),
        }
    }
    let entries = roles.len().saturating_mul(grantees.len()).saturating_mul(commands.len());
    if entries > MAX_ENTRIES_PER_STATEMENT {
        // Emulator's own text: one statement naming thousands of roles for thousands of users
        // would keep millions of privileges (and take as long to check).
        return Err(format!(
            "GRANT/REVOKE ASSUMEROLE names {entries} role, grantee and command combinations; the emulator takes at most {MAX_ENTRIES_PER_STATEMENT} in one statement"
        ));
    }
    Ok(Change { grant, roles, grantees, commands })
}

/// The most privileges one GRANT or REVOKE may name (roles × grantees × commands).
const MAX_ENTRIES_PER_STATEMENT: usize = 10_000;

/// Emulator's own text (the words Redshift's parser uses here could not be sourced).
fn syntax(expected: &str) -> String {
    format!("syntax error in GRANT/REVOKE ASSUMEROLE: expected {expected}")
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Word(String),
    /// `"name"`.
    Identifier(String),
    /// `'text'`.
    Quoted(String),
    Comma,
}

/// The statement's tokens (a trailing `;` dropped); one pass over the text.
fn tokens(sql: &str) -> Result<Vec<Token>, String> {
    let mut out = Vec::new();
    let mut chars = sql.trim().trim_end_matches(';').chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == ',' {
            chars.next();
            out.push(Token::Comma);
        } else if c == '\'' || c == '"' {
            chars.next();
            let mut text = String::new();
            loop {
                match chars.next() {
                    Some(q) if q == c && chars.peek() == Some(&c) => {
                        chars.next();
                        text.push(c);
                    }
                    Some(q) if q == c => break,
                    Some(other) => text.push(other),
                    None => return Err(format!("unterminated quoted string in GRANT/REVOKE: {c}{text}")),
                }
            }
            out.push(if c == '\'' { Token::Quoted(text) } else { Token::Identifier(text) });
        } else if c.is_alphanumeric() || c == '_' || c == ':' {
            let mut word = String::new();
            while let Some(&w) = chars.peek() {
                if !(w.is_alphanumeric() || w == '_' || w == ':' || w == '$') {
                    break;
                }
                word.push(w);
                chars.next();
            }
            out.push(Token::Word(word));
        } else {
            return Err(format!("syntax error at or near \"{c}\""));
        }
    }
    Ok(out)
}

/// The database user a statement runs as: the last part of its dbuser ARN.
fn user_of(context: &ExecContext) -> &str {
    context.db_user_arn.rsplit_once('/').map_or(context.db_user_arn.as_str(), |(_, user)| user)
}

/// Whether the statement's user is the cluster's master user or the namespace's admin user.
fn is_superuser<C>(service: &Service<C>, context: &ExecContext) -> bool {
    let target = LoginTarget::of(&context.account, &context.region, &context.target);
    service.registry().master_login(&target).is_some_and(|master| master.user == user_of(context))
}

/// Runs a GRANT or REVOKE ASSUMEROLE in the statement's cluster or workgroup.
pub(crate) fn run<C: Connect>(service: &Service<C>, context: &ExecContext, sql: &str) -> Result<Done, String> {
    let change = parse(sql)?;
    if !is_superuser(service, context) {
        // Emulator's own text, in PostgreSQL's words for a missing privilege.
        return Err(format!(
            "permission denied: only a superuser can grant or revoke ASSUMEROLE ({})",
            user_of(context)
        ));
    }
    lock(&context.grants).apply(&change);
    Ok(Done { result_rows: 0, result: None })
}

/// Refuses a COPY or UNLOAD whose user may not name `chain` for `command`.
pub(crate) fn check<C>(
    service: &Service<C>,
    context: &ExecContext,
    chain: &str,
    command: Command,
) -> Result<(), String> {
    let user = user_of(context);
    if lock(&context.grants).allows(user, chain, command) || is_superuser(service, context) {
        return Ok(());
    }
    Err(texts::no_assumerole_permission(user, chain, command.name()))
}

fn lock(grants: &Mutex<AssumeRoleGrants>) -> std::sync::MutexGuard<'_, AssumeRoleGrants> {
    grants.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A new cluster's or workgroup's privileges.
pub(crate) fn initial() -> Arc<Mutex<AssumeRoleGrants>> {
    Arc::new(Mutex::new(AssumeRoleGrants::default()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHAIN: &str = "arn:aws:iam::111111111111:role/A,arn:aws:iam::222222222222:role/B";

    fn run_all(grants: &mut AssumeRoleGrants, statements: &[&str]) {
        for sql in statements {
            grants.apply(&parse(sql).unwrap_or_else(|e| panic!("{sql}: {e}")));
        }
    }

    #[test]
    fn public_may_use_every_role_until_the_documented_revoke() {
        let mut grants = AssumeRoleGrants::default();
        assert!(grants.allows("bob", CHAIN, Command::Copy));
        run_all(&mut grants, &["revoke assumerole on all from public for all;"]);
        assert!(!grants.allows("bob", CHAIN, Command::Copy));
        assert!(!grants.allows("bob", CHAIN, Command::Unload));
    }

    #[test]
    fn a_chain_is_granted_as_a_whole_per_command_and_user() {
        let mut grants = AssumeRoleGrants::default();
        run_all(
            &mut grants,
            &[
                "REVOKE ASSUMEROLE ON ALL FROM PUBLIC FOR ALL",
                "GRANT ASSUMEROLE ON 'arn:aws:iam::111111111111:role/A, arn:aws:iam::222222222222:role/B' TO alice, \"IAM:bob\" FOR COPY",
            ],
        );
        assert!(grants.allows("alice", CHAIN, Command::Copy));
        assert!(grants.allows("IAM:bob", CHAIN, Command::Copy));
        assert!(!grants.allows("alice", CHAIN, Command::Unload));
        assert!(!grants.allows("carol", CHAIN, Command::Copy));
        assert!(!grants.allows("alice", "arn:aws:iam::111111111111:role/A", Command::Copy));
        run_all(
            &mut grants,
            &[
                "REVOKE ASSUMEROLE ON 'arn:aws:iam::111111111111:role/A,arn:aws:iam::222222222222:role/B' FROM alice FOR ALL",
            ],
        );
        assert!(!grants.allows("alice", CHAIN, Command::Copy));
        assert!(grants.allows("IAM:bob", CHAIN, Command::Copy));
    }

    #[test]
    fn several_roles_grantees_and_commands_in_one_statement() {
        let change = parse("grant assumerole on 'arn:aws:iam::1:role/x', 'arn:aws:iam::1:role/y' to group etl, role loader, public for copy, unload, external function").unwrap();
        assert_eq!(change.roles.len(), 2);
        assert_eq!(change.grantees, [Grantee::Group("etl".into()), Grantee::Role("loader".into()), Grantee::Public]);
        assert_eq!(change.commands, [Command::Copy, Command::Unload, Command::ExternalFunction]);
    }

    #[test]
    fn a_statement_naming_millions_of_privileges_is_refused_before_it_is_kept() {
        let roles = vec!["'arn:aws:iam::1:role/r'"; 200].join(", ");
        let users = (0..100).map(|i| format!("u{i}")).collect::<Vec<_>>().join(", ");
        let error = parse(&format!("GRANT ASSUMEROLE ON {roles} TO {users} FOR COPY")).unwrap_err();
        assert!(error.contains("20000 role, grantee and command combinations"), "{error}");
        assert!(parse(&format!("GRANT ASSUMEROLE ON {roles} TO u1 FOR COPY, UNLOAD")).is_ok());
    }

    #[test]
    fn malformed_statements_say_what_was_expected() {
        for (sql, expected) in [
            ("GRANT ASSUMEROLE ON TO bob FOR COPY", "'iam_role', default or ALL"),
            ("GRANT ASSUMEROLE ON ALL bob FOR COPY", "expected TO"),
            ("REVOKE ASSUMEROLE ON ALL TO bob FOR COPY", "expected FROM"),
            ("GRANT ASSUMEROLE ON ALL TO bob", "expected FOR"),
            ("GRANT ASSUMEROLE ON ALL TO bob FOR SELECT", "ALL, COPY, UNLOAD"),
            ("GRANT ASSUMEROLE ON 'arn FOR COPY", "unterminated"),
            ("GRANT ASSUMEROLE ON ALL TO bob FOR COPY extra", "the end of the statement"),
        ] {
            let error = parse(sql).unwrap_err();
            assert!(error.contains(expected), "{sql}: {error}");
        }
    }
}
