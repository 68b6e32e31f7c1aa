//! GRANT and REVOKE ASSUMEROLE through the wire protocol: the documented
//! `REVOKE ASSUMEROLE ON ALL FROM PUBLIC FOR ALL` turns the check on, a chain is granted to a
//! user for one command, the master user (a superuser) is never checked, and only it may grant.

use std::time::Duration;

use redbridge_core::doctor::classify::classify;

use crate::copy_unload::{CHAIN, setup};
use crate::wire::{PASSWORD, Psql, describe_port, psql_to};

async fn as_user(port: u16, user: &str, password: &str, commands: &[&str]) -> Psql {
    let conninfo = format!("host=127.0.0.1 port={port} user={user} dbname=dev sslmode=disable");
    psql_to(&conninfo, password, commands).await
}

#[tokio::test]
async fn a_revoked_public_privilege_refuses_copy_and_unload_until_the_chain_is_granted_for_the_command() {
    let h = setup(true).await;
    let port = describe_port(&h, "main").await;
    h.put_object_raw("data-bucket", "in/part-1.csv", "1,alpha\n");
    let copy = format!("COPY src FROM 's3://data-bucket/in/' IAM_ROLE '{CHAIN}' CSV");
    let unload = format!("UNLOAD ('select * from src') TO 's3://data-bucket/out/src_' IAM_ROLE '{CHAIN}' CSV");
    let alice = h
        .emulator
        .issue_temporary_login("111111111111", "us-east-1", "main", false, "IAM:alice", Duration::from_secs(900))
        .unwrap();

    let out = as_user(
        port,
        "awsuser",
        PASSWORD,
        &["create table src (id integer, name varchar(20))", "revoke assumerole on all from public for all", &copy],
    )
    .await;
    assert!(out.ok, "the master user is a superuser, never checked: {out:?}");
    assert_eq!(out.stdout, "CREATE TABLE\nREVOKE\nCOPY\n");

    let out = as_user(port, "IAM:alice", &alice, &[&copy]).await;
    let refused = format!("User IAM:alice does not have ASSUMEROLE permission on IAM role \"{CHAIN}\" for COPY");
    assert!(out.stderr.contains(&refused), "{out:?}");
    assert_eq!(classify(&refused).code, "RB182");

    let out = as_user(port, "IAM:alice", &alice, &["grant assumerole on all to public for all"]).await;
    assert!(out.stderr.contains("only a superuser can grant or revoke ASSUMEROLE"), "{out:?}");

    let grant = format!("grant assumerole on '{}' to \"IAM:alice\" for copy", CHAIN.replace(',', ", "));
    let out = as_user(port, "awsuser", PASSWORD, &[&grant]).await;
    assert!(out.ok, "{out:?}");
    // Past the privilege, the chain's trust (its external id names awsuser) is what refuses.
    let out = as_user(port, "IAM:alice", &alice, &[&copy]).await;
    assert!(out.stderr.contains("Not authorized to get credentials of role"), "{out:?}");
    let out = as_user(port, "IAM:alice", &alice, &[&unload]).await;
    assert!(out.stderr.contains(&format!("ASSUMEROLE permission on IAM role \"{CHAIN}\" for UNLOAD")), "{out:?}");
}
