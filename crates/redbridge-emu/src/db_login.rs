//! The temporary database credentials the control plane hands out and the wire protocol accepts:
//! `GetClusterCredentials` and `GetClusterCredentialsWithIAM` for a provisioned cluster,
//! `GetCredentials` for a serverless workgroup. Each is a user name and a random password that
//! logs in to that one cluster or workgroup until it expires ("The password is valid for the
//! duration you specify … The default is 900 seconds"; DurationSeconds "Minimum value of 900.
//! Maximum value of 3600":
//! <https://docs.aws.amazon.com/redshift/latest/APIReference/API_GetClusterCredentials.html>).
//! Passwords are compared in constant time and never logged or rendered except in the answer of
//! the call that issued them.

use std::collections::HashMap;
use std::hash::{BuildHasher as _, Hasher as _};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use crate::state::Key;

/// What a login is for: one cluster or one workgroup.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum LoginTarget {
    /// A provisioned cluster (account, region, identifier).
    Cluster(Key),
    /// A serverless workgroup (account, region, name).
    Workgroup(Key),
}

impl LoginTarget {
    /// The cluster or workgroup a statement of `account` in `region` runs on.
    pub fn of(account: &str, region: &str, target: &crate::api::data::Target) -> Self {
        match target {
            crate::api::data::Target::Cluster(c) => Self::Cluster(crate::state::key(account, region, c)),
            crate::api::data::Target::Workgroup(w) => Self::Workgroup(crate::state::key(account, region, w)),
        }
    }
}

/// A temporary login as issued.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Issued {
    /// The user name the client logs in with (`IAM:alice`, `IAMA:alice`, `IAMR:Role`).
    pub user: String,
    /// The session's database user: GetClusterCredentials' `DbUser` without its `IAM:`/`IAMA:`,
    /// else the same as `user`.
    pub db_user: String,
    /// The password.
    pub password: String,
    /// When it stops working.
    pub expires: SystemTime,
    /// The database groups the session joins (`DbGroups`).
    pub groups: Vec<String>,
    /// Whether the user is created on login when missing (`AutoCreate`).
    pub auto_create: bool,
}

impl std::fmt::Debug for Issued {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Issued")
            .field("user", &self.user)
            .field("db_user", &self.db_user)
            .field("password", &"<redacted>")
            .field("expires", &self.expires)
            .field("groups", &self.groups)
            .field("auto_create", &self.auto_create)
            .finish()
    }
}

/// What a successful temporary login carries into the session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TemporaryLogin {
    /// The session's database user (see [`Issued::db_user`]).
    pub db_user: String,
    /// The database groups.
    pub groups: Vec<String>,
    /// Whether the user may be created.
    pub auto_create: bool,
}

/// The two names of a login: the one the client sends and the session's database user.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LoginUser<'a> {
    /// What the client logs in with.
    pub login: &'a str,
    /// Who the session is in the database.
    pub db_user: &'a str,
}

/// Every temporary login issued and not yet expired.
#[derive(Debug, Default)]
pub(crate) struct DbLogins {
    issued: Mutex<HashMap<(LoginTarget, String), Vec<Issued>>>,
}

impl DbLogins {
    /// Issues a password for `user` on `target`, valid for `ttl` from `now`; the session's
    /// database user is `user` itself.
    pub fn issue(
        &self,
        target: &LoginTarget,
        user: &str,
        groups: Vec<String>,
        auto_create: bool,
        ttl: Duration,
        now: SystemTime,
    ) -> Issued {
        self.issue_as(target, LoginUser { login: user, db_user: user }, groups, auto_create, ttl, now)
    }

    /// [`DbLogins::issue`] for a login name that is not the session's database user
    /// (GetClusterCredentials' `IAM:alice` logs in as `alice`).
    pub fn issue_as(
        &self,
        target: &LoginTarget,
        names: LoginUser<'_>,
        groups: Vec<String>,
        auto_create: bool,
        ttl: Duration,
        now: SystemTime,
    ) -> Issued {
        let (user, db_user) = (names.login, names.db_user.to_owned());
        let issued = Issued {
            user: user.to_owned(),
            db_user,
            password: fresh_password(),
            expires: now + ttl,
            groups,
            auto_create,
        };
        let mut all = self.issued.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let list = all.entry((target.clone(), user.to_owned())).or_default();
        list.retain(|i| i.expires > now);
        list.push(issued.clone());
        issued
    }

    /// The login `password` opens for `user` on `target` at `now`, if any.
    pub fn check(&self, target: &LoginTarget, user: &str, password: &str, now: SystemTime) -> Option<TemporaryLogin> {
        let all = self.issued.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let list = all.get(&(target.clone(), user.to_owned()))?;
        list.iter().rev().find(|i| i.expires > now && same_secret(&i.password, password)).map(|i| TemporaryLogin {
            db_user: i.db_user.clone(),
            groups: i.groups.clone(),
            auto_create: i.auto_create,
        })
    }
}

/// Compares two secrets without stopping at the first difference.
pub(crate) fn same_secret(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0_u8, |diff, (x, y)| diff | (x ^ y)) == 0
}

/// 32 random characters from the standard library's randomly seeded hasher (no random crate in
/// the emulator): letters and digits, plus the mix of cases and a digit AWS's passwords have.
fn fresh_password() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut out = String::with_capacity(32);
    let mut round = 0_u64;
    while out.len() < 32 {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u64(round);
        hasher.write_u128(SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default().as_nanos());
        let mut bits = hasher.finish();
        for _ in 0..8 {
            out.push(char::from(ALPHABET[usize::try_from(bits % 62).unwrap_or(0)]));
            bits /= 62;
        }
        round += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target() -> LoginTarget {
        LoginTarget::Cluster(crate::state::key("111111111111", "us-east-1", "main"))
    }

    #[test]
    fn an_issued_password_opens_its_user_on_its_target_until_it_expires() {
        let logins = DbLogins::default();
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let issued = logins.issue(&target(), "IAM:alice", vec!["analysts".into()], true, Duration::from_secs(900), now);
        assert_eq!(issued.password.len(), 32);
        let login = logins.check(&target(), "IAM:alice", &issued.password, now).unwrap();
        assert_eq!(
            login,
            TemporaryLogin { db_user: "IAM:alice".into(), groups: vec!["analysts".into()], auto_create: true }
        );
        let named = LoginUser { login: "IAMA:bob", db_user: "bob" };
        let bob = logins.issue_as(&target(), named, Vec::new(), true, Duration::from_secs(900), now);
        assert_eq!(logins.check(&target(), "IAMA:bob", &bob.password, now).unwrap().db_user, "bob");
        assert!(logins.check(&target(), "IAM:alice", &issued.password, now + Duration::from_secs(900)).is_none());
        assert!(logins.check(&target(), "IAM:bob", &issued.password, now).is_none());
        assert!(logins.check(&target(), "IAM:alice", "wrong", now).is_none());
        let other = LoginTarget::Workgroup(crate::state::key("111111111111", "us-east-1", "main"));
        assert!(logins.check(&other, "IAM:alice", &issued.password, now).is_none());
    }

    #[test]
    fn passwords_differ_and_never_show_in_debug_output() {
        let logins = DbLogins::default();
        let now = SystemTime::now();
        let a = logins.issue(&target(), "u", Vec::new(), false, Duration::from_secs(900), now);
        let b = logins.issue(&target(), "u", Vec::new(), false, Duration::from_secs(900), now);
        assert_ne!(a.password, b.password);
        assert!(logins.check(&target(), "u", &a.password, now).is_some(), "an earlier password stays valid");
        assert!(!format!("{a:?}").contains(&a.password));
        assert!(same_secret("abc", "abc") && !same_secret("abc", "abd") && !same_secret("abc", "ab"));
    }
}
