//! Amazon Resource Names: the generic form and IAM role ARNs.

use std::fmt;
use std::str::FromStr;

use crate::account::serde_as_string;
use crate::{AccountId, IdError, Partition, Region};

/// Any ARN: `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`.
///
/// Region and account may be empty (S3 bucket ARNs have neither). The account may also be the
/// literal `aws`, as in AWS managed policy ARNs. The resource keeps any `:` or `/` it contains.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Arn {
    partition: Partition,
    service: String,
    region: Option<Region>,
    account: ArnAccount,
    resource: String,
}

/// The account field of an ARN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ArnAccount {
    /// Empty, as in `arn:aws:s3:::bucket`.
    None,
    /// The literal `aws`, used by AWS managed policies.
    Aws,
    /// A 12-digit account id.
    Id(AccountId),
}

impl Arn {
    /// Parses an ARN and validates its partition, service, region and account fields.
    pub fn parse(input: &str) -> Result<Self, IdError> {
        Self::parse_as("ARN", input)
    }

    pub(crate) fn parse_as(what: &'static str, input: &str) -> Result<Self, IdError> {
        if input.trim() != input {
            let offset = if input.starts_with(char::is_whitespace) { 0 } else { input.trim_end().len() };
            return Err(IdError::new(what, input, "remove the surrounding spaces").at(offset, input));
        }
        let mut fields = input.splitn(6, ':');
        let prefix = fields.next().unwrap_or_default();
        if prefix != "arn" {
            let reason = if prefix.eq_ignore_ascii_case("arn") {
                "ARNs start with lowercase `arn:`"
            } else {
                "an ARN starts with `arn:` and has six `:`-separated fields"
            };
            return Err(IdError::new(what, input, reason).at(0, input));
        }
        let (Some(partition), Some(service), Some(region), Some(account), Some(resource)) =
            (fields.next(), fields.next(), fields.next(), fields.next(), fields.next())
        else {
            let found = input.matches(':').count();
            return Err(IdError::new(
                what,
                input,
                format!(
                    "an ARN has at least five `:` separators (arn:partition:service:region:account:resource), found {found}"
                ),
            ));
        };
        let offset_of =
            |field_index: usize| -> usize { input.match_indices(':').nth(field_index - 1).map_or(0, |(i, _)| i + 1) };
        let partition = Partition::parse(partition)
            .map_err(|e| IdError::new(what, input, format!("partition: {}", e.reason())).at(offset_of(1), input))?;
        if service.is_empty() || !service.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
            return Err(IdError::new(
                what,
                input,
                format!("`{service}` is not a service namespace such as `iam` or `s3`"),
            )
            .at(offset_of(2), input));
        }
        let region = if region.is_empty() {
            None
        } else {
            let region = Region::parse(region)
                .map_err(|e| IdError::new(what, input, format!("region: {}", e.reason())).at(offset_of(3), input))?;
            if region.partition() != partition {
                return Err(IdError::new(
                    what,
                    input,
                    format!("region `{region}` belongs to partition `{}`, not `{partition}`", region.partition()),
                )
                .at(offset_of(3), input));
            }
            Some(region)
        };
        let account =
            match account {
                "" => ArnAccount::None,
                "aws" => ArnAccount::Aws,
                id => ArnAccount::Id(AccountId::parse(id).map_err(|e| {
                    IdError::new(what, input, format!("account: {}", e.reason())).at(offset_of(4), input)
                })?),
            };
        if resource.is_empty() {
            return Err(IdError::new(what, input, "the resource part after the fifth `:` is empty"));
        }
        if let Some((i, c)) = resource.char_indices().find(|(_, c)| c.is_control() || c.is_whitespace()) {
            return Err(IdError::new(what, input, format!("{} in the resource part", describe_char(c)))
                .at(offset_of(5) + i, input));
        }
        Ok(Self { partition, service: service.to_owned(), region, account, resource: resource.to_owned() })
    }

    /// Builds an ARN from validated parts.
    pub fn new(
        partition: Partition,
        service: &str,
        region: Option<Region>,
        account: ArnAccount,
        resource: &str,
    ) -> Self {
        Self { partition, service: service.to_owned(), region, account, resource: resource.to_owned() }
    }

    /// The partition, such as `aws`.
    pub fn partition(&self) -> Partition {
        self.partition
    }
    /// The service namespace, such as `iam`.
    pub fn service(&self) -> &str {
        &self.service
    }
    /// The region, when the ARN has one.
    pub fn region(&self) -> Option<&Region> {
        self.region.as_ref()
    }
    /// The account field.
    pub fn account(&self) -> ArnAccount {
        self.account
    }
    /// The account id, when the account field is one.
    pub fn account_id(&self) -> Option<AccountId> {
        match self.account {
            ArnAccount::Id(id) => Some(id),
            _ => None,
        }
    }
    /// Everything after the fifth `:`.
    pub fn resource(&self) -> &str {
        &self.resource
    }
}

pub(crate) fn describe_char(c: char) -> String {
    match c {
        ' ' => "a space".to_owned(),
        '\t' => "a tab".to_owned(),
        '\n' | '\r' => "a line break".to_owned(),
        c => format!("the character U+{:04X}", c as u32),
    }
}

impl fmt::Display for Arn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "arn:{}:{}:", self.partition, self.service)?;
        if let Some(region) = &self.region {
            f.write_str(region.as_str())?;
        }
        f.write_str(":")?;
        match self.account {
            ArnAccount::None => {}
            ArnAccount::Aws => f.write_str("aws")?,
            ArnAccount::Id(id) => f.write_str(id.as_str())?,
        }
        write!(f, ":{}", self.resource)
    }
}

impl FromStr for Arn {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// The ARN of an IAM role: `arn:PARTITION:iam::ACCOUNT:role/PATH/NAME`.
///
/// The path is `/` or `/segment/.../`; `role/service-role/x` is a role named `x` with path
/// `/service-role/`. Names follow IAM's rules: 1–64 characters of letters, digits and `+=,.@_-`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RoleArn {
    partition: Partition,
    account: AccountId,
    path: String,
    name: String,
}

impl RoleArn {
    /// Parses a role ARN, saying precisely what is wrong when the input is a role name, a user
    /// ARN, an instance profile or an assumed-role session instead.
    pub fn parse(input: &str) -> Result<Self, IdError> {
        const WHAT: &str = "role ARN";
        if !input.starts_with("arn:") && !input.is_empty() && RoleArn::validate_name(input).is_ok() {
            return Err(IdError::new(
                WHAT,
                input,
                "this looks like a role name; give the full ARN, `arn:aws:iam::<account>:role/<name>`",
            ));
        }
        let arn = Arn::parse_as(WHAT, input)?;
        if arn.service() != "iam" {
            let hint = if arn.service() == "sts" && arn.resource().starts_with("assumed-role/") {
                "this is an assumed-role session ARN; the role ARN is `arn:<partition>:iam::<account>:role/<name>`"
                    .to_owned()
            } else {
                format!("the service is `{}`, a role ARN has `iam`", arn.service())
            };
            return Err(IdError::new(WHAT, input, hint));
        }
        if arn.region().is_some() {
            return Err(IdError::new(WHAT, input, "IAM ARNs have an empty region field (`iam::`)"));
        }
        let account = match arn.account() {
            ArnAccount::Id(id) => id,
            _ => return Err(IdError::new(WHAT, input, "a role ARN names the 12-digit account that owns the role")),
        };
        let resource_offset = input.len() - arn.resource().len();
        let Some(rest) = arn.resource().strip_prefix("role/") else {
            let kind = arn.resource().split('/').next().unwrap_or_default();
            return Err(IdError::new(WHAT, input, format!("this is an IAM `{kind}` ARN, not a role (`role/<name>`)"))
                .at(resource_offset, input));
        };
        let (path, name) = match rest.rfind('/') {
            Some(i) => (format!("/{}", &rest[..=i]), &rest[i + 1..]),
            None => ("/".to_owned(), rest),
        };
        if path.len() > 512 {
            return Err(IdError::new(WHAT, input, "the role path is longer than 512 characters"));
        }
        if path.contains("//") {
            let at = input.find("//").unwrap_or(0);
            return Err(IdError::new(WHAT, input, "the role path has an empty segment (`//`)").at(at, input));
        }
        if let Err(reason) = Self::validate_name(name) {
            return Err(IdError::new(WHAT, input, reason).at(input.len() - name.len(), input));
        }
        Ok(Self { partition: arn.partition(), account, path, name: name.to_owned() })
    }

    /// Builds a role ARN from a validated account, a path (`/` or `/a/b/`) and a role name.
    pub fn new(partition: Partition, account: AccountId, path: &str, name: &str) -> Result<Self, IdError> {
        let path = if path.is_empty() { "/" } else { path };
        let resource_path = path.strip_prefix('/').unwrap_or(path);
        Self::parse(&format!("arn:{partition}:iam::{account}:role/{resource_path}{name}"))
    }

    /// Checks a role name against IAM's rules.
    pub fn validate_name(name: &str) -> Result<(), String> {
        if name.is_empty() {
            return Err("the role name is empty".to_owned());
        }
        if name.chars().count() > 64 {
            return Err(format!("role names have at most 64 characters, this one has {}", name.chars().count()));
        }
        if let Some(c) = name.chars().find(|c| !(c.is_ascii_alphanumeric() || "+=,.@_-".contains(*c))) {
            return Err(format!("`{c}` is not allowed in a role name (letters, digits and `+=,.@_-`)"));
        }
        Ok(())
    }

    /// The partition.
    pub fn partition(&self) -> Partition {
        self.partition
    }
    /// The account that owns the role.
    pub fn account(&self) -> AccountId {
        self.account
    }
    /// The path, `/` for most roles.
    pub fn path(&self) -> &str {
        &self.path
    }
    /// The role name, without the path.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// This role's ARN in generic form.
    pub fn to_arn(&self) -> Arn {
        Arn::new(self.partition, "iam", None, ArnAccount::Id(self.account), &format!("role{}{}", self.path, self.name))
    }
}

impl fmt::Display for RoleArn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "arn:{}:iam::{}:role{}{}", self.partition, self.account, self.path, self.name)
    }
}

impl FromStr for RoleArn {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

serde_as_string!(Arn, RoleArn);
