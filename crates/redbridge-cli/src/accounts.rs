//! How the commands that talk to AWS reach each account of the chain: the Redshift account's
//! profile, the bucket account's, and `--hop-profile ACCOUNT=PROFILE` for a hop role in a third
//! account. `apply`, `destroy` and `doctor` build their ports here.

use redbridge_aws::apply_engine::{AccountPorts, Ports};
use redbridge_aws::config::{self, AccountSettings};
use redbridge_aws::sdk::{SdkIam, SdkKms, SdkOrganizations, SdkRedshift, SdkRedshiftServerless, SdkS3, SdkSts};
use redbridge_core::Spec;
use redbridge_iam::AccountId;

/// `--hop-profile ACCOUNT=PROFILE`: the profile of an account the chain passes through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HopProfile {
    /// The 12-digit account.
    pub account: AccountId,
    /// The profile name.
    pub profile: String,
}

/// Parses `ACCOUNT=PROFILE` (the clap value parser).
pub fn parse_hop_profile(text: &str) -> Result<HopProfile, String> {
    let (account, profile) =
        text.split_once('=').ok_or_else(|| format!("`{text}` is not ACCOUNT=PROFILE (e.g. `333333333333=partner`)"))?;
    let account = AccountId::parse(account.trim()).map_err(|e| format!("in `{text}`: {e}"))?;
    let profile = profile.trim();
    if profile.is_empty() {
        return Err(format!("`{text}` names no profile after `=`"));
    }
    Ok(HopProfile { account, profile: profile.to_owned() })
}

/// The profiles given on the command line.
#[derive(Debug, Clone, Copy)]
pub struct Profiles<'a> {
    pub redshift: Option<&'a str>,
    pub s3: Option<&'a str>,
    pub hops: &'a [HopProfile],
}

/// SDK ports per account.
pub type LivePorts = Ports<SdkIam, SdkSts, SdkKms, SdkRedshift, SdkRedshiftServerless, SdkOrganizations>;

/// The accounts of the chain no profile reaches: the Redshift and bucket accounts always have
/// one (the default chain when no profile is named); a third account needs `--hop-profile`.
pub fn unreachable_accounts(
    accounts: impl IntoIterator<Item = AccountId>,
    spec: &Spec,
    hops: &[HopProfile],
) -> Vec<AccountId> {
    accounts
        .into_iter()
        .filter(|a| *a != spec.redshift_account && *a != spec.s3_account && !hops.iter().any(|h| h.account == *a))
        .collect()
}

/// SDK ports for the Redshift account, the bucket account and every `--hop-profile` account
/// (in Redshift's region), and the bucket account's S3 in the bucket's region.
pub async fn live_ports(spec: &Spec, profiles: Profiles<'_>) -> (LivePorts, SdkS3) {
    let settings = |profile: Option<&str>, region: &redbridge_iam::Region| AccountSettings {
        profile: profile.map(str::to_owned),
        region: Some(region.clone()),
    };
    let redshift_config = config::load(&settings(profiles.redshift, &spec.region)).await;
    let s3_config = if spec.s3_account == spec.redshift_account && profiles.s3.is_none() {
        config::in_region(&redshift_config, &spec.bucket_region)
    } else {
        let profile = profiles.s3.or(if spec.s3_account == spec.redshift_account { profiles.redshift } else { None });
        config::load(&settings(profile, &spec.bucket_region)).await
    };
    let mut sides = vec![(spec.redshift_account, redshift_config.clone())];
    if spec.s3_account != spec.redshift_account {
        sides.push((spec.s3_account, s3_config.clone()));
    }
    for hop in profiles.hops {
        if !sides.iter().any(|(account, _)| *account == hop.account) {
            sides.push((hop.account, config::load(&settings(Some(&hop.profile), &spec.region)).await));
        }
    }
    let accounts = sides
        .into_iter()
        .map(|(account, sdk_config)| {
            let kms_config = match &spec.kms_key {
                Some(key) if key.account() == account => config::in_region(&sdk_config, key.region()),
                _ => sdk_config.clone(),
            };
            AccountPorts {
                account,
                iam: SdkIam::from_conf(&sdk_config),
                sts: SdkSts::from_conf(&sdk_config),
                kms: SdkKms::from_conf(&kms_config),
                // Organizations is global: any region's configuration reaches it.
                organizations: SdkOrganizations::from_conf(&sdk_config),
            }
        })
        .collect();
    let ports = Ports {
        accounts,
        redshift: SdkRedshift::from_conf(&redshift_config),
        serverless: SdkRedshiftServerless::from_conf(&redshift_config),
    };
    let s3 = SdkS3::from_conf(&s3_config, config::s3_endpoint_overridden(&s3_config));
    (ports, s3)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hop_profiles_parse_and_bad_ones_say_what_is_wrong() {
        let hop = parse_hop_profile("333333333333=partner").unwrap();
        assert_eq!((hop.account.to_string().as_str(), hop.profile.as_str()), ("333333333333", "partner"));
        assert!(parse_hop_profile("333333333333").unwrap_err().contains("ACCOUNT=PROFILE"));
        assert!(parse_hop_profile("33333333333=partner").unwrap_err().contains("33333333333=partner"));
        assert!(parse_hop_profile("333333333333=").unwrap_err().contains("no profile"));
    }
}
