//! The AWS organization the emulator knows: its root, organizational units, accounts and
//! service and resource control policies, read from a JSON file (`--organization FILE`) or
//! `PUT /_emu/organization`, validated, and turned into the policy levels the evaluator takes.
//!
//! What AWS documents and the emulator follows:
//! - every root, OU and account has AWS's `FullAWSAccess` SCP and `RCPFullAWSAccess` RCP
//!   attached unless the file says `"default_full_access": false`
//!   (<https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html>,
//!   <https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html>);
//! - a request is allowed only if every level from the root through each OU down to the account
//!   allows it ("SCP evaluation", "RCP evaluation" in the same guide);
//! - "SCPs don't affect users or roles in the management account" and "RCPs don't affect
//!   resources in the management account" (the same pages);
//! - OUs nest at most five levels under the root, at most five SCPs (and five RCPs) are attached
//!   to one root, OU or account, and a policy document holds at most 5,120 characters
//!   (<https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html>).

use std::collections::{BTreeMap, BTreeSet};

use redbridge_iam::AccountId;
use redbridge_iam::eval::{Policies, PolicySet};
use redbridge_iam::policy::PolicyDocument;
use serde::Deserialize;

/// The largest organization file the emulator reads.
pub const MAX_FILE_BYTES: usize = 4 * 1024 * 1024;
/// The most levels of OUs under the root.
const MAX_DEPTH: usize = 5;
/// The most policies of one type attached to one root, OU or account.
const MAX_ATTACHED: usize = 5;
/// The most characters of one policy document.
const MAX_POLICY_CHARS: usize = 5_120;
/// The most OUs, accounts and policies a file may declare (AWS allows 2,000 OUs, 1,000
/// policies of a type; accounts are a raised quota: 10,000 is plenty for a rehearsal).
const MAX_UNITS: usize = 2_000;
const MAX_ACCOUNTS: usize = 10_000;
const MAX_POLICIES: usize = 1_000;

/// The id of AWS's default SCP.
pub const FULL_AWS_ACCESS: &str = "p-FullAWSAccess";
/// The id of AWS's default RCP.
pub const RCP_FULL_AWS_ACCESS: &str = "p-RCPFullAWSAccess";

/// A policy type the emulator applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
pub enum PolicyType {
    /// A service control policy: caps what the account's principals may do.
    #[serde(rename = "SERVICE_CONTROL_POLICY")]
    ServiceControl,
    /// A resource control policy: caps what may be done to the account's resources.
    #[serde(rename = "RESOURCE_CONTROL_POLICY")]
    ResourceControl,
}

impl PolicyType {
    /// `SERVICE_CONTROL_POLICY` or `RESOURCE_CONTROL_POLICY`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ServiceControl => "SERVICE_CONTROL_POLICY",
            Self::ResourceControl => "RESOURCE_CONTROL_POLICY",
        }
    }

    /// The policy type as it appears in a policy ARN.
    fn arn_part(self) -> &'static str {
        match self {
            Self::ServiceControl => "service_control_policy",
            Self::ResourceControl => "resource_control_policy",
        }
    }
}

/// One policy of the organization.
#[derive(Debug, Clone)]
pub struct OrganizationPolicy {
    /// `p-…`.
    pub id: String,
    /// Its name.
    pub name: String,
    /// SCP or RCP.
    pub policy_type: PolicyType,
    /// The document.
    pub document: PolicyDocument,
    /// The document as `DescribePolicy` returns it.
    pub content: String,
    /// AWS's own (`FullAWSAccess`, `RCPFullAWSAccess`).
    pub aws_managed: bool,
    /// The roots, OUs and accounts it is attached to.
    pub targets: BTreeSet<String>,
}

/// A validated organization.
#[derive(Debug, Clone)]
pub struct Organization {
    /// `o-…`.
    pub id: String,
    /// The management account.
    pub management_account: AccountId,
    /// `r-…`.
    pub root: String,
    /// OU id → (name, parent id).
    pub units: BTreeMap<String, (String, String)>,
    /// Account → parent id (the management account included).
    pub accounts: BTreeMap<AccountId, String>,
    /// Every policy, AWS's defaults included.
    pub policies: Vec<OrganizationPolicy>,
    /// Member accounts the organization's delegation policy lets describe and list it, as a
    /// delegated administrator for AWS Organizations may
    /// (<https://docs.aws.amazon.com/organizations/latest/userguide/orgs-policy-delegate.html>).
    pub delegated_administrators: BTreeSet<AccountId>,
    /// Account names, as `ListAccounts` lists them (an account without one is
    /// `account-<id>`).
    pub names: BTreeMap<AccountId, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    id: String,
    management_account: String,
    root: String,
    #[serde(default)]
    units: Vec<UnitFile>,
    #[serde(default)]
    accounts: BTreeMap<String, String>,
    #[serde(default)]
    policies: Vec<PolicyFile>,
    #[serde(default = "yes")]
    default_full_access: bool,
    #[serde(default)]
    delegated_administrators: Vec<String>,
    #[serde(default)]
    names: BTreeMap<String, String>,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UnitFile {
    id: String,
    name: String,
    parent: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    id: String,
    name: String,
    #[serde(rename = "type")]
    policy_type: PolicyType,
    document: serde_json::Value,
    #[serde(default)]
    targets: Vec<String>,
}

/// `prefix` then `min..=max` characters accepted by `allowed`.
fn id_matches(id: &str, prefix: &str, min: usize, max: usize, allowed: impl Fn(u8) -> bool) -> bool {
    id.strip_prefix(prefix).is_some_and(|rest| (min..=max).contains(&rest.len()) && rest.bytes().all(allowed))
}

fn lower_or_digit(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit()
}

/// The id patterns of the Organizations API reference (`Organization.Id`, `Root.Id`,
/// `OrganizationalUnit.Id`, `Policy.Id`).
pub fn is_organization_id(id: &str) -> bool {
    id_matches(id, "o-", 10, 32, lower_or_digit)
}

/// `r-` and 4 to 32 lowercase letters or digits.
pub fn is_root_id(id: &str) -> bool {
    id_matches(id, "r-", 4, 32, lower_or_digit)
}

/// `ou-`, 4 to 32 lowercase letters or digits, `-`, 8 to 32 more.
pub fn is_unit_id(id: &str) -> bool {
    id.strip_prefix("ou-").and_then(|rest| rest.split_once('-')).is_some_and(|(root, unit)| {
        (4..=32).contains(&root.len())
            && root.bytes().all(lower_or_digit)
            && (8..=32).contains(&unit.len())
            && unit.bytes().all(lower_or_digit)
    })
}

/// `p-` and 8 to 128 letters, digits or underscores.
pub fn is_policy_id(id: &str) -> bool {
    id_matches(id, "p-", 8, 128, |b| b.is_ascii_alphanumeric() || b == b'_')
}

impl Organization {
    /// Reads and validates the JSON of an organization file; the error says what and where.
    pub fn from_json(text: &[u8]) -> Result<Self, String> {
        if text.len() > MAX_FILE_BYTES {
            return Err(format!("the organization is `{}` bytes, more than the `{MAX_FILE_BYTES}` read", text.len()));
        }
        // The project's one text hygiene: a UTF-8 byte-order mark is dropped, UTF-16 and binary are
        // refused naming the encoding, as for every other file redbridge reads.
        let text = redbridge_core::input::decode_text("the organization", text.to_vec()).map_err(|e| e.to_string())?;
        let file: File = serde_json::from_str(&text).map_err(|e| format!("the organization is not valid: {e}"))?;
        Self::build(file)
    }

    fn build(file: File) -> Result<Self, String> {
        if !is_organization_id(&file.id) {
            return Err(format!(
                "`id` `{}` is not an organization id (`o-` and 10 to 32 lowercase letters or digits)",
                file.id
            ));
        }
        if !is_root_id(&file.root) {
            return Err(format!(
                "`root` `{}` is not a root id (`r-` and 4 to 32 lowercase letters or digits)",
                file.root
            ));
        }
        let management_account = AccountId::parse(&file.management_account)
            .map_err(|_| format!("`management_account` `{}` is not a 12-digit account id", file.management_account))?;
        if file.units.len() > MAX_UNITS || file.accounts.len() > MAX_ACCOUNTS || file.policies.len() > MAX_POLICIES {
            return Err(format!(
                "the organization declares more than `{MAX_UNITS}` units, `{MAX_ACCOUNTS}` accounts or `{MAX_POLICIES}` policies"
            ));
        }
        let mut units = BTreeMap::new();
        for unit in &file.units {
            if !is_unit_id(&unit.id) {
                return Err(format!(
                    "unit `{}` does not have an OU id (`ou-` and two runs of lowercase letters or digits)",
                    unit.id
                ));
            }
            if unit.name.is_empty() || unit.name.chars().count() > 128 {
                return Err(format!("unit `{}` needs a name of 1 to 128 characters", unit.id));
            }
            if units.insert(unit.id.clone(), (unit.name.clone(), unit.parent.clone())).is_some() {
                return Err(format!("unit `{}` is declared twice", unit.id));
            }
        }
        for (id, (_, parent)) in &units {
            if *parent != file.root && !units.contains_key(parent) {
                return Err(format!("unit `{id}` has parent `{parent}`, which is neither the root nor a unit"));
            }
        }
        let mut organization = Self {
            id: file.id,
            management_account,
            root: file.root,
            units,
            accounts: BTreeMap::new(),
            policies: Vec::new(),
            delegated_administrators: BTreeSet::new(),
            names: BTreeMap::new(),
        };
        for id in organization.units.keys() {
            // A cycle never reaches the root; the walk is bounded by the number of units.
            let depth = organization.unit_depth(id).ok_or_else(|| format!("unit `{id}` is in a cycle of parents"))?;
            if depth > MAX_DEPTH {
                return Err(format!("unit `{id}` is `{depth}` levels under the root; AWS allows `{MAX_DEPTH}`"));
            }
        }
        for (account, parent) in &file.accounts {
            let id =
                AccountId::parse(account).map_err(|_| format!("account `{account}` is not a 12-digit account id"))?;
            if *parent != organization.root && !organization.units.contains_key(parent) {
                return Err(format!("account `{account}` has parent `{parent}`, which is neither the root nor a unit"));
            }
            organization.accounts.insert(id, parent.clone());
        }
        organization.accounts.entry(management_account).or_insert_with(|| organization.root.clone());
        for account in &file.delegated_administrators {
            let id = AccountId::parse(account)
                .map_err(|_| format!("delegated administrator `{account}` is not a 12-digit account id"))?;
            if !organization.accounts.contains_key(&id) || id == management_account {
                return Err(format!(
                    "delegated administrator `{account}` must be a member account of the organization"
                ));
            }
            organization.delegated_administrators.insert(id);
        }
        for (account, name) in &file.names {
            let id = AccountId::parse(account)
                .map_err(|_| format!("named account `{account}` is not a 12-digit account id"))?;
            if !organization.accounts.contains_key(&id) {
                return Err(format!("named account `{account}` is not an account of the organization"));
            }
            // `Account.Name`: "Length Constraints: Minimum length of 1. Maximum length of 50."
            // (<https://docs.aws.amazon.com/organizations/latest/APIReference/API_Account.html>).
            if name.is_empty() || name.chars().count() > 50 {
                return Err(format!("account `{account}` needs a name of 1 to 50 characters"));
            }
            organization.names.insert(id, name.clone());
        }
        organization.add_policies(file.policies, file.default_full_access)?;
        Ok(organization)
    }

    /// How many levels `unit` is under the root; `None` in a cycle.
    fn unit_depth(&self, unit: &str) -> Option<usize> {
        let mut current = unit;
        for depth in 1..=self.units.len() {
            let (_, parent) = self.units.get(current)?;
            if *parent == self.root {
                return Some(depth);
            }
            current = parent;
        }
        None
    }

    fn add_policies(&mut self, policies: Vec<PolicyFile>, default_full_access: bool) -> Result<(), String> {
        let every_target: BTreeSet<String> = std::iter::once(self.root.clone())
            .chain(self.units.keys().cloned())
            .chain(self.accounts.keys().map(ToString::to_string))
            .collect();
        if default_full_access {
            let full = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
            let rcp_full = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#;
            for (id, name, policy_type, content) in [
                (FULL_AWS_ACCESS, "FullAWSAccess", PolicyType::ServiceControl, full),
                (RCP_FULL_AWS_ACCESS, "RCPFullAWSAccess", PolicyType::ResourceControl, rcp_full),
            ] {
                let document = PolicyDocument::from_json(content).map_err(|e| format!("policy `{id}`: {e}"))?;
                self.policies.push(OrganizationPolicy {
                    id: id.to_owned(),
                    name: name.to_owned(),
                    policy_type,
                    document,
                    content: content.to_owned(),
                    aws_managed: true,
                    targets: every_target.clone(),
                });
            }
        }
        for policy in policies {
            let id = &policy.id;
            if !is_policy_id(id) {
                return Err(format!(
                    "policy `{id}` does not have a policy id (`p-` and 8 to 128 letters, digits or `_`)"
                ));
            }
            if self.policies.iter().any(|p| p.id == *id) {
                return Err(format!("policy `{id}` is declared twice (or takes the id of AWS's default policy)"));
            }
            if policy.name.is_empty() || policy.name.chars().count() > 128 {
                return Err(format!("policy `{id}` needs a name of 1 to 128 characters"));
            }
            let content = policy.document.to_string();
            if content.chars().count() > MAX_POLICY_CHARS {
                return Err(format!("policy `{id}` has more than the `{MAX_POLICY_CHARS}` characters AWS allows"));
            }
            let document = PolicyDocument::from_json(&content).map_err(|e| format!("policy `{id}`: {e}"))?;
            let levels = vec![vec![document.clone()]];
            let as_levels = match policy.policy_type {
                PolicyType::ServiceControl => Policies { scps: levels, ..Policies::default() },
                PolicyType::ResourceControl => Policies { rcps: levels, ..Policies::default() },
            };
            PolicySet::compile(&as_levels).map_err(|e| format!("policy `{id}` cannot be evaluated: {e}"))?;
            let mut targets = BTreeSet::new();
            for target in policy.targets {
                if !every_target.contains(&target) {
                    return Err(format!(
                        "policy `{id}` targets `{target}`, which is not the root, a unit or an account"
                    ));
                }
                targets.insert(target);
            }
            self.policies.push(OrganizationPolicy {
                id: policy.id,
                name: policy.name,
                policy_type: policy.policy_type,
                document,
                content,
                aws_managed: false,
                targets,
            });
        }
        for target in &every_target {
            for policy_type in [PolicyType::ServiceControl, PolicyType::ResourceControl] {
                let attached = self.attached(target, policy_type).count();
                if attached > MAX_ATTACHED {
                    return Err(format!(
                        "`{target}` has `{attached}` {} policies attached; AWS allows `{MAX_ATTACHED}`",
                        policy_type.as_str()
                    ));
                }
                if attached == 0 {
                    return Err(format!(
                        "`{target}` has no {} attached: with `default_full_access` false, attach one to every root, unit and account, as AWS keeps at least one on each",
                        policy_type.as_str()
                    ));
                }
            }
        }
        Ok(())
    }

    /// The policies of `policy_type` attached to `target`.
    pub fn attached(&self, target: &str, policy_type: PolicyType) -> impl Iterator<Item = &OrganizationPolicy> {
        self.policies.iter().filter(move |p| p.policy_type == policy_type && p.targets.contains(target))
    }

    /// The account's name as `ListAccounts` lists it.
    pub fn account_name(&self, account: AccountId) -> String {
        self.names.get(&account).cloned().unwrap_or_else(|| format!("account-{account}"))
    }

    /// Whether `account` is in the organization.
    pub fn contains(&self, account: AccountId) -> bool {
        self.accounts.contains_key(&account)
    }

    /// The parent of a unit or an account (given as its id); `None` when there is no such child.
    pub fn parent(&self, child: &str) -> Option<&str> {
        if let Some((_, parent)) = self.units.get(child) {
            return Some(parent);
        }
        let account = AccountId::parse(child).ok()?;
        self.accounts.get(&account).map(String::as_str)
    }

    /// Root, units and the account itself, top down; `None` outside the organization.
    fn path(&self, account: AccountId) -> Option<Vec<String>> {
        let mut path = vec![account.to_string()];
        let mut current = self.accounts.get(&account)?.clone();
        while current != self.root {
            path.push(current.clone());
            current = self.units.get(&current)?.1.clone();
        }
        path.push(self.root.clone());
        path.reverse();
        Some(path)
    }

    fn levels(&self, account: AccountId, policy_type: PolicyType) -> Vec<Vec<PolicyDocument>> {
        if account == self.management_account {
            return Vec::new();
        }
        self.path(account)
            .unwrap_or_default()
            .iter()
            .map(|node| self.attached(node, policy_type).map(|p| p.document.clone()).collect())
            .collect()
    }

    /// The SCP levels that cap a principal of `account`: none outside the organization and in
    /// the management account.
    pub fn scp_levels(&self, account: AccountId) -> Vec<Vec<PolicyDocument>> {
        self.levels(account, PolicyType::ServiceControl)
    }

    /// The RCP levels that cap a resource of `account`: none outside the organization and in
    /// the management account.
    pub fn rcp_levels(&self, account: AccountId) -> Vec<Vec<PolicyDocument>> {
        self.levels(account, PolicyType::ResourceControl)
    }

    /// The organization's ARN.
    pub fn arn(&self) -> String {
        format!("arn:aws:organizations::{}:organization/{}", self.management_account, self.id)
    }

    /// A policy's ARN, as AWS writes it for its own and for the organization's policies.
    pub fn policy_arn(&self, policy: &OrganizationPolicy) -> String {
        if policy.aws_managed {
            format!("arn:aws:organizations::aws:policy/{}/{}", policy.policy_type.arn_part(), policy.id)
        } else {
            format!(
                "arn:aws:organizations::{}:policy/{}/{}/{}",
                self.management_account,
                self.id,
                policy.policy_type.arn_part(),
                policy.id
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = r#"{"id":"o-a1b2c3d4e5","management_account":"999999999999","root":"r-a1b2",
        "units":[{"id":"ou-a1b2-11111111","name":"Data","parent":"r-a1b2"}],
        "accounts":{"111111111111":"ou-a1b2-11111111","222222222222":"r-a1b2"},
        "policies":[{"id":"p-abcd1234","name":"DenyAssumeOutside","type":"SERVICE_CONTROL_POLICY",
                     "document":{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"sts:AssumeRole","Resource":"*"}]},
                     "targets":["ou-a1b2-11111111"]}]}"#;

    fn account(id: &str) -> AccountId {
        AccountId::parse(id).unwrap()
    }

    #[test]
    fn the_brief_example_gives_root_unit_and_account_levels_with_the_defaults() {
        let org = Organization::from_json(EXAMPLE.as_bytes()).unwrap();
        let scps = org.scp_levels(account("111111111111"));
        assert_eq!(scps.iter().map(Vec::len).collect::<Vec<_>>(), [1, 2, 1], "root, the Data OU (+ the deny), account");
        assert_eq!(org.rcp_levels(account("222222222222")).len(), 2, "root and account");
        assert!(org.scp_levels(account("999999999999")).is_empty(), "SCPs do not cap the management account");
        assert!(org.rcp_levels(account("999999999999")).is_empty(), "RCPs do not cap its resources");
        assert!(org.scp_levels(account("333333333333")).is_empty(), "outside the organization");
        assert_eq!(org.parent("111111111111"), Some("ou-a1b2-11111111"));
        assert_eq!(org.parent("ou-a1b2-11111111"), Some("r-a1b2"));
        assert_eq!(org.parent("999999999999"), Some("r-a1b2"), "the management account sits at the root");
        let policy = org.policies.iter().find(|p| p.id == "p-abcd1234").unwrap();
        assert_eq!(
            org.policy_arn(policy),
            "arn:aws:organizations::999999999999:policy/o-a1b2c3d4e5/service_control_policy/p-abcd1234"
        );
    }

    #[test]
    fn hostile_organizations_get_an_error_naming_what_is_wrong() {
        let with = |from: &str, to: &str| EXAMPLE.replacen(from, to, 1);
        let cases = [
            (with("o-a1b2c3d4e5", "o-X"), "`id` `o-X`"),
            (with("\"root\":\"r-a1b2\"", "\"root\":\"root\""), "`root` `root`"),
            (with("999999999999", "99"), "`management_account` `99`"),
            (with("\"parent\":\"r-a1b2\"", "\"parent\":\"ou-a1b2-22222222\""), "neither the root nor a unit"),
            (with("\"parent\":\"r-a1b2\"", "\"parent\":\"ou-a1b2-11111111\""), "cycle"),
            (
                with("\"targets\":[\"ou-a1b2-11111111\"]", "\"targets\":[\"ou-zzzz-99999999\"]"),
                "targets `ou-zzzz-99999999`",
            ),
            (with("SERVICE_CONTROL_POLICY", "TAG_POLICY"), "not valid"),
            (with("\"Effect\":\"Deny\"", "\"Effect\":\"Maybe\""), "policy `p-abcd1234`"),
            (with("\"id\":\"p-abcd1234\"", "\"id\":\"p-FullAWSAccess\""), "declared twice"),
            (with("\"accounts\"", "\"acounts\""), "unknown field"),
            (
                with("\"policies\":[", "\"default_full_access\":false,\"policies\":["),
                "no SERVICE_CONTROL_POLICY attached",
            ),
            ("[]".to_owned(), "not valid"),
        ];
        for (text, expected) in cases {
            let error = Organization::from_json(text.as_bytes()).expect_err(expected);
            assert!(error.contains(expected), "{expected}: {error}");
        }
        let with_bom = [b"\xEF\xBB\xBF".as_slice(), EXAMPLE.as_bytes()].concat();
        assert_eq!(
            Organization::from_json(&with_bom).unwrap().id,
            "o-a1b2c3d4e5",
            "a UTF-8 byte-order mark is dropped"
        );
        let utf16 = Organization::from_json(b"\xFF\xFE{\x00}\x00").expect_err("UTF-16 is refused");
        assert!(utf16.contains("UTF-16"), "{utf16}");
        let huge = vec![b' '; MAX_FILE_BYTES + 1];
        assert!(Organization::from_json(&huge).unwrap_err().contains("bytes"));
        let long = EXAMPLE.replacen("\"Resource\":\"*\"", &format!("\"Resource\":\"{}\"", "a".repeat(6000)), 1);
        assert!(Organization::from_json(long.as_bytes()).unwrap_err().contains("5120"));
    }

    #[test]
    fn units_nest_five_levels_at_most() {
        let chain = |depth: usize| {
            let units: Vec<String> = (1..=depth)
                .map(|n| {
                    let parent = if n == 1 { "r-a1b2".to_owned() } else { format!("ou-a1b2-0000000{}", n - 1) };
                    format!(r#"{{"id":"ou-a1b2-0000000{n}","name":"L{n}","parent":"{parent}"}}"#)
                })
                .collect();
            format!(
                r#"{{"id":"o-a1b2c3d4e5","management_account":"999999999999","root":"r-a1b2","units":[{}]}}"#,
                units.join(",")
            )
        };
        assert!(Organization::from_json(chain(5).as_bytes()).is_ok());
        assert!(Organization::from_json(chain(6).as_bytes()).unwrap_err().contains("AWS allows `5`"));
    }

    #[test]
    fn ids_follow_the_organizations_patterns() {
        assert!(is_unit_id("ou-a1b2-11111111") && !is_unit_id("ou-a1b2-1111") && !is_unit_id("ou-A1B2-11111111"));
        assert!(is_policy_id("p-FullAWSAccess") && is_policy_id("p-abcd1234") && !is_policy_id("p-abc"));
        assert!(is_root_id("r-a1b2") && !is_root_id("r-a1"));
        assert!(is_organization_id("o-a1b2c3d4e5") && !is_organization_id("o-a1b2"));
    }
}
