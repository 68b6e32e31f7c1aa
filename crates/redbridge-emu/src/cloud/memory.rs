//! An in-memory [`Cloud`]: roles, buckets, objects and keys in a map, for tests that must not
//! need LocalStack. Like LocalStack it enforces nothing.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use redbridge_iam::policy::PolicyDocument;
use redbridge_iam::{AccountId, RoleArn};

use super::{
    BucketInfo, Caller, Cloud, CloudError, CloudFuture, Encryption, ObjectData, ObjectSummary, RolePolicies,
    SessionCredentials,
};

/// A stored object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredObject {
    /// The body.
    pub body: Vec<u8>,
    /// The encryption the writer asked for.
    pub encryption: Encryption,
}

#[derive(Debug, Default)]
struct Bucket {
    owner: Option<AccountId>,
    region: String,
    policy: Option<PolicyDocument>,
    objects: BTreeMap<String, StoredObject>,
}

#[derive(Debug, Default)]
struct State {
    roles: HashMap<String, RolePolicies>,
    buckets: HashMap<String, Bucket>,
    keys: HashMap<String, PolicyDocument>,
    /// Every AssumeRole made, as `(caller, role, external id)`.
    assumed: Vec<(String, String, Option<String>)>,
    /// The account of every session key issued.
    issued: HashMap<String, AccountId>,
}

/// The in-memory cloud. Cheap to share behind an `Arc`.
#[derive(Debug, Default)]
pub struct MemoryCloud {
    state: Mutex<State>,
    sessions: AtomicU64,
}

impl MemoryCloud {
    /// An empty cloud.
    pub fn new() -> Self {
        Self::default()
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Creates or replaces a role.
    pub fn put_role(&self, role: &RoleArn, trust: PolicyDocument, identity: Vec<PolicyDocument>) {
        self.state().roles.insert(role.to_string(), RolePolicies { trust, identity, boundary: None });
    }

    /// Replaces a role's identity policies (a fault injected after setup, for example).
    pub fn set_identity_policies(&self, role: &RoleArn, identity: Vec<PolicyDocument>) {
        if let Some(r) = self.state().roles.get_mut(&role.to_string()) {
            r.identity = identity;
        }
    }

    /// Creates a bucket owned by `owner` in `region`.
    pub fn create_bucket(&self, owner: AccountId, bucket: &str, region: &str) {
        self.state()
            .buckets
            .insert(bucket.to_owned(), Bucket { owner: Some(owner), region: region.to_owned(), ..Bucket::default() });
    }

    /// Sets (or removes) a bucket policy.
    pub fn set_bucket_policy(&self, bucket: &str, policy: Option<PolicyDocument>) {
        if let Some(b) = self.state().buckets.get_mut(bucket) {
            b.policy = policy;
        }
    }

    /// Creates a KMS key with its key policy.
    pub fn put_key(&self, key_arn: &str, policy: PolicyDocument) {
        self.state().keys.insert(key_arn.to_owned(), policy);
    }

    /// Writes an object directly (test setup).
    pub fn put_object_raw(&self, bucket: &str, key: &str, body: impl Into<Vec<u8>>) {
        if let Some(b) = self.state().buckets.get_mut(bucket) {
            b.objects.insert(key.to_owned(), StoredObject { body: body.into(), encryption: Encryption::BucketDefault });
        }
    }

    /// Reads an object directly (test assertions).
    pub fn object(&self, bucket: &str, key: &str) -> Option<StoredObject> {
        self.state().buckets.get(bucket)?.objects.get(key).cloned()
    }

    /// Every key in a bucket.
    pub fn keys(&self, bucket: &str) -> Vec<String> {
        self.state().buckets.get(bucket).map(|b| b.objects.keys().cloned().collect()).unwrap_or_default()
    }

    /// Every AssumeRole made so far: `(caller, role ARN, external id)`.
    pub fn assumed_roles(&self) -> Vec<(String, String, Option<String>)> {
        self.state().assumed.clone()
    }

    fn bucket_mut<'s>(state: &'s mut State, bucket: &str) -> Result<&'s mut Bucket, CloudError> {
        state.buckets.get_mut(bucket).ok_or_else(|| CloudError::NoSuchBucket(bucket.to_owned()))
    }
}

fn ready<'a, T: Send + 'a>(value: Result<T, CloudError>) -> CloudFuture<'a, T> {
    Box::pin(std::future::ready(value))
}

impl Cloud for MemoryCloud {
    fn role<'a>(&'a self, role: &'a RoleArn) -> CloudFuture<'a, Option<RolePolicies>> {
        ready(Ok(self.state().roles.get(&role.to_string()).cloned()))
    }

    fn bucket<'a>(&'a self, bucket: &'a str, _candidates: &'a [AccountId]) -> CloudFuture<'a, Option<BucketInfo>> {
        let state = self.state();
        let info = state
            .buckets
            .get(bucket)
            .and_then(|b| Some(BucketInfo { owner: b.owner?, region: b.region.clone(), policy: b.policy.clone() }));
        ready(Ok(info))
    }

    fn key_policy<'a>(&'a self, key_arn: &'a str) -> CloudFuture<'a, Option<PolicyDocument>> {
        ready(Ok(self.state().keys.get(key_arn).cloned()))
    }

    fn assume_role<'a>(
        &'a self,
        caller: Caller<'a>,
        role: &'a RoleArn,
        session_name: &'a str,
        external_id: Option<&'a str>,
    ) -> CloudFuture<'a, SessionCredentials> {
        let mut state = self.state();
        if !state.roles.contains_key(&role.to_string()) {
            return ready(Err(CloudError::NotFound(role.to_string())));
        }
        let caller = match caller {
            Caller::Service(account) => format!("redshift.amazonaws.com for {account}"),
            Caller::Session(session) => session.arn.clone(),
        };
        state.assumed.push((caller, role.to_string(), external_id.map(str::to_owned)));
        let n = self.sessions.fetch_add(1, Ordering::Relaxed);
        state.issued.insert(format!("ASIAMEMORY{n:010}"), role.account());
        ready(Ok(SessionCredentials {
            access_key_id: format!("ASIAMEMORY{n:010}"),
            secret_access_key: "memory".to_owned(),
            session_token: format!("token-{n}"),
            account: role.account(),
            arn: format!("arn:aws:sts::{}:assumed-role/{}/{session_name}", role.account(), role.name()),
        }))
    }

    fn list_objects<'a>(
        &'a self,
        _credentials: &'a SessionCredentials,
        bucket: &'a str,
        prefix: &'a str,
    ) -> CloudFuture<'a, Vec<ObjectSummary>> {
        let mut state = self.state();
        ready(Self::bucket_mut(&mut state, bucket).map(|b| {
            b.objects
                .range(prefix.to_owned()..)
                .take_while(|(k, _)| k.starts_with(prefix))
                .map(|(k, o)| ObjectSummary { key: k.clone(), size: o.body.len() as u64 })
                .collect()
        }))
    }

    fn get_object<'a>(
        &'a self,
        _credentials: &'a SessionCredentials,
        bucket: &'a str,
        key: &'a str,
    ) -> CloudFuture<'a, ObjectData> {
        let mut state = self.state();
        ready(Self::bucket_mut(&mut state, bucket).and_then(|b| {
            let o = b.objects.get(key).ok_or_else(|| CloudError::NotFound(format!("s3://{bucket}/{key}")))?;
            let kms_key_id = match &o.encryption {
                Encryption::Kms(k) => Some(k.clone()),
                _ => None,
            };
            Ok(ObjectData { body: o.body.clone(), kms_key_id })
        }))
    }

    fn put_object<'a>(
        &'a self,
        _credentials: &'a SessionCredentials,
        bucket: &'a str,
        key: &'a str,
        body: Vec<u8>,
        encryption: Encryption,
    ) -> CloudFuture<'a, ()> {
        let mut state = self.state();
        ready(Self::bucket_mut(&mut state, bucket).map(|b| {
            b.objects.insert(key.to_owned(), StoredObject { body, encryption });
        }))
    }

    fn account_of<'a>(
        &'a self,
        access_key_id: &'a str,
        _session_token: Option<&'a str>,
    ) -> CloudFuture<'a, Option<AccountId>> {
        ready(Ok(self.state().issued.get(access_key_id).copied()))
    }

    fn delete_object<'a>(
        &'a self,
        _credentials: &'a SessionCredentials,
        bucket: &'a str,
        key: &'a str,
    ) -> CloudFuture<'a, ()> {
        let mut state = self.state();
        ready(Self::bucket_mut(&mut state, bucket).map(|b| {
            b.objects.remove(key);
        }))
    }
}
