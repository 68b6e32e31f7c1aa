//! The one error every port returns, and the mapping of AWS SDK errors into it.
//!
//! AWS error codes differ per service (`NoSuchEntity`, `NotFoundException`, `ClusterNotFound`,
//! …); callers only need to know which kind of failure it was. The message AWS sent is kept
//! (it never carries credentials); for access denials the denied action and principal are
//! extracted when AWS names them.

/// What went wrong talking to AWS.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AwsError {
    /// The resource does not exist.
    #[error("not found: {message}")]
    NotFound {
        /// AWS's message, or what was looked for.
        message: String,
    },
    /// The caller may not do this.
    #[error("access denied{}{}: {message}", action.as_ref().map(|a| format!(" for `{a}`")).unwrap_or_default(), principal.as_ref().map(|p| format!(" to `{p}`")).unwrap_or_default())]
    AccessDenied {
        /// The denied action (`iam:CreateRole`), when AWS says it.
        action: Option<String>,
        /// The principal that was denied, when AWS says it.
        principal: Option<String>,
        /// AWS's message.
        message: String,
    },
    /// AWS asked to slow down (after the SDK's own retries).
    #[error("throttled: {message}")]
    Throttled {
        /// AWS's message.
        message: String,
    },
    /// AWS rejected the request's content (`MalformedPolicyDocument`, `InvalidParameterValue`, …).
    #[error("invalid request ({code}): {message}")]
    Invalid {
        /// AWS's error code.
        code: String,
        /// AWS's message.
        message: String,
    },
    /// The resource is in a state that conflicts with the request (exists already, being modified).
    #[error("conflict ({code}): {message}")]
    Conflict {
        /// AWS's error code.
        code: String,
        /// AWS's message.
        message: String,
    },
    /// Anything else: network, timeouts, unexpected responses, unknown codes.
    #[error("{message}")]
    Other {
        /// What happened.
        message: String,
    },
}

impl AwsError {
    /// A not-found error with this message.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::NotFound { message: message.into() }
    }

    /// An error of kind "other" with this message.
    pub fn other(message: impl Into<String>) -> Self {
        Self::Other { message: message.into() }
    }

    /// Whether this is IAM's eventual consistency speaking: a principal created moments ago is
    /// not yet visible to the service validating a policy that names it.
    pub fn is_invalid_principal(&self) -> bool {
        match self {
            Self::Invalid { message, .. } => message.to_ascii_lowercase().contains("invalid principal"),
            _ => false,
        }
    }

    /// Whether retrying later may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Throttled { .. }) || self.is_invalid_principal()
    }

    /// Classifies an AWS error code and message.
    pub fn from_code(code: &str, message: &str) -> Self {
        let message = message.to_owned();
        match code {
            "NoSuchEntity"
            | "NoSuchEntityException"
            | "NotFoundException"
            | "ResourceNotFoundException"
            | "ClusterNotFound"
            | "ClusterNotFoundFault"
            | "NoSuchBucket"
            | "NoSuchKey"
            | "NoSuchBucketPolicy"
            | "NotFound"
            | "OwnershipControlsNotFoundError"
            | "ServerSideEncryptionConfigurationNotFoundError" => Self::NotFound { message },
            "AccessDenied"
            | "AccessDeniedException"
            | "UnauthorizedOperation"
            | "UnauthorizedException"
            | "UnrecognizedClientException"
            | "InvalidClientTokenId"
            | "ExpiredToken"
            | "ExpiredTokenException" => {
                let (action, principal) = parse_denial(&message);
                Self::AccessDenied { action, principal, message }
            }
            "Throttling"
            | "ThrottlingException"
            | "TooManyRequestsException"
            | "RequestLimitExceeded"
            | "SlowDown"
            | "RequestThrottled"
            | "RequestThrottledException"
            | "LimitExceededException"
            | "ActiveStatementsExceededException"
            | "ActiveSessionsExceededException" => Self::Throttled { message },
            "MalformedPolicyDocument"
            | "MalformedPolicyDocumentException"
            | "InvalidInput"
            | "ValidationError"
            | "ValidationException"
            | "InvalidParameterValue"
            | "InvalidParameterValueException"
            | "InvalidParameterCombination"
            | "InvalidClusterState"
            | "InvalidClusterStateFault"
            | "InvalidArnException"
            | "UnsupportedOperation"
            | "KMSInvalidStateException" => Self::Invalid { code: code.to_owned(), message },
            "EntityAlreadyExists"
            | "ConflictException"
            | "ConcurrentModification"
            | "DeleteConflict"
            | "OperationAborted"
            | "InvalidNamespaceState" => Self::Conflict { code: code.to_owned(), message },
            other => Self::Other { message: format!("{other}: {message}") },
        }
    }
}

/// Extracts the action and principal from AWS's usual denial text:
/// `User: arn:aws:sts::1:assumed-role/r/s is not authorized to perform: iam:CreateRole on resource: …`.
fn parse_denial(message: &str) -> (Option<String>, Option<String>) {
    let principal = message
        .split_once("User: ")
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .filter(|p| p.starts_with("arn:"))
        .map(|p| p.trim_end_matches([',', '.']).to_owned());
    let action = message
        .split_once("perform: ")
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .filter(|a| a.contains(':'))
        .map(|a| a.trim_end_matches([',', '.']).to_owned());
    (action, principal)
}

/// Maps an SDK error: service errors by their code, everything else (network, timeouts,
/// unparseable responses) to [`AwsError::Other`] with the SDK's explanation.
#[cfg(feature = "sdk")]
pub(crate) fn map_sdk<E, R>(operation: &str, err: aws_smithy_runtime_api::client::result::SdkError<E, R>) -> AwsError
where
    E: aws_smithy_types::error::metadata::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + 'static,
{
    use aws_smithy_runtime_api::client::result::SdkError;
    let mapped = match &err {
        SdkError::ServiceError(context) => {
            let service_error = context.err();
            match service_error.code() {
                Some(code) => AwsError::from_code(code, service_error.message().unwrap_or("")),
                None => AwsError::other(format!(
                    "{operation}: {}",
                    aws_smithy_types::error::display::DisplayErrorContext(service_error)
                )),
            }
        }
        _ => AwsError::other(format!("{operation}: {}", error_chain(&err))),
    };
    tracing::debug!(operation, error = %mapped, "aws call failed");
    mapped
}

/// An error and its sources, by their `Display` only (no `Debug` dumps), repeats removed.
#[cfg(feature = "sdk")]
fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = Some(err);
    while let Some(current) = next {
        let text = current.to_string();
        if !text.is_empty() && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        next = current.source();
    }
    parts.join(": ")
}
