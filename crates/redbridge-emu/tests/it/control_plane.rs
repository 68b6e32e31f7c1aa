//! Provisioned clusters through the `Redshift` port: role attachment with its checks and
//! ApplyStatus, and the `/_emu/hold-role` control. (Creation, deletion, paging and the error
//! shapes of calls no port has are asserted in `tests/e2e/tests/emulator`.)

use redbridge_aws::AwsError;
use redbridge_aws::ports::Redshift as _;
use redbridge_core::converge::{ApplyStatus, AttachedRole};

use crate::support::{Harness, policy, redshift_trust, url_encode};

fn in_sync(role: &str) -> Vec<AttachedRole> {
    vec![AttachedRole { arn: role.to_owned(), status: ApplyStatus::InSync }]
}

#[tokio::test]
async fn a_role_whose_trust_lacks_redshift_cannot_be_attached() {
    let h = Harness::start().await;
    let role = "arn:aws:iam::111111111111:role/Ec2Role";
    let ec2_trust = policy(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
    );
    h.put_role(role, ec2_trust, vec![]);
    h.create_cluster("111111111111", "main", &[]).await;
    let redshift = h.redshift("111111111111");
    match redshift.add_cluster_role("main", role).await {
        Err(AwsError::Invalid { code, message }) => {
            assert_eq!(code, "InvalidParameterValue");
            assert_eq!(
                message,
                "The IAM role arn:aws:iam::111111111111:role/Ec2Role is not valid. The IAM role must delegate access to an Amazon Redshift account."
            );
        }
        other => panic!("attaching an EC2 role is refused as invalid, got {other:?}"),
    }
    let missing = redshift.add_cluster_role("main", "arn:aws:iam::111111111111:role/Nope").await;
    assert!(matches!(&missing, Err(AwsError::Invalid { code, .. }) if code == "InvalidParameterValue"), "{missing:?}");
}

#[tokio::test]
async fn roles_given_at_creation_are_in_sync_and_checked() {
    let h = Harness::start().await;
    let role = "arn:aws:iam::111111111111:role/ClusterRole";
    h.put_role(role, redshift_trust("111111111111"), vec![]);
    h.create_cluster("111111111111", "main", &[role]).await;
    let roles = h.redshift("111111111111").cluster_roles("main").await.unwrap();
    assert_eq!(roles, in_sync(role));
}

/// `POST /_emu/hold-role` over a plain TCP connection; returns the status line.
async fn hold_role(endpoint: &str, query: &str) -> String {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let address = endpoint.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let request = format!(
        "POST /_emu/hold-role?{query} HTTP/1.1\r\nHost: {address}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    answer.lines().next().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn a_held_role_stays_adding_until_the_hold_ends() {
    let h = Harness::start().await;
    let role = "arn:aws:iam::111111111111:role/ClusterRole";
    h.put_role(role, redshift_trust("111111111111"), vec![]);
    h.create_cluster("111111111111", "held", &[role]).await;
    let redshift = h.redshift("111111111111");
    assert_eq!(redshift.cluster_roles("held").await.unwrap(), in_sync(role));

    let endpoint = h.emulator.endpoint_url();
    let encoded: String = url_encode(role);
    assert_eq!(hold_role(&endpoint, &format!("role={encoded}&seconds=3")).await, "HTTP/1.1 200 OK");
    assert_eq!(
        redshift.cluster_roles("held").await.unwrap(),
        [AttachedRole { arn: role.to_owned(), status: ApplyStatus::Adding }]
    );
    tokio::time::sleep(std::time::Duration::from_millis(3100)).await;
    assert_eq!(redshift.cluster_roles("held").await.unwrap(), in_sync(role));

    assert_eq!(
        hold_role(&endpoint, "role=arn%3Aaws%3Aiam%3A%3A111111111111%3Arole%2FOther&seconds=1").await,
        "HTTP/1.1 404 Not Found"
    );
    assert_eq!(hold_role(&endpoint, "seconds=x").await, "HTTP/1.1 400 Bad Request");
}
