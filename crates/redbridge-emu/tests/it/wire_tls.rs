//! TLS at the wire endpoints, proven with `psql` (libpq on OpenSSL): the certificate handed out
//! at `GET /_emu/wire-certificate` verifies the endpoint (`sslmode=verify-full`), a client that
//! does not trust it refuses by its own check, and `sslmode=disable` still logs in.

use redbridge_emu::Config;

use crate::support::{Harness, request};
use crate::wire::{PASSWORD, cluster, psql_to};

/// The body of `GET /_emu/wire-certificate`, checked to be what the library hands out.
async fn served_certificate(h: &Harness) -> String {
    let answer = request(&h.emulator.endpoint_url(), "GET", "/_emu/wire-certificate", "").await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.to_ascii_lowercase().contains("content-type: application/x-pem-file"), "{answer}");
    let body = answer.split_once("\r\n\r\n").map_or("", |(_, body)| body).to_owned();
    assert_eq!(Some(body.as_str()), h.emulator.wire_certificate_pem().as_deref());
    body
}

/// Writes `pem` to a file of its own under the system's temporary folder.
fn root_file(label: &str, pem: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("redbridge-emu-wire-root-{label}-{}.pem", std::process::id()));
    std::fs::write(&path, pem).expect("the root certificate is written");
    path
}

#[tokio::test]
async fn psql_verifies_the_endpoint_with_the_served_certificate_and_runs_over_tls() {
    let (h, port) = cluster(Config::default()).await;
    let pem = served_certificate(&h).await;
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"), "{pem}");
    let root = root_file("verify", &pem);
    let conninfo = format!(
        "host=localhost port={port} user=awsuser dbname=dev sslmode=verify-full sslrootcert={}",
        root.display()
    );
    let out =
        psql_to(&conninfo, PASSWORD, &["\\conninfo", "create table t (id integer)", "select count(*) from t"]).await;
    let _ = std::fs::remove_file(&root);
    assert!(out.ok, "{out:?}");
    // psql 15: `SSL connection (protocol: TLSv1.3, cipher: …, compression: off)`.
    assert!(out.stdout.contains("SSL connection (protocol: TLSv1."), "{out:?}");
    assert!(out.stdout.ends_with("CREATE TABLE\n0\n"), "{out:?}");
}

#[tokio::test]
async fn a_client_trusting_another_certificate_refuses_the_endpoint_and_plain_logins_still_work() {
    let (h, port) = cluster(Config::default()).await;
    let (other, _) = cluster(Config::default()).await;
    let own = served_certificate(&h).await;
    let foreign = served_certificate(&other).await;
    assert_ne!(own, foreign, "every emulator makes its own certificate");
    let root = root_file("foreign", &foreign);
    let conninfo =
        format!("host=localhost port={port} user=awsuser dbname=dev sslmode=verify-ca sslrootcert={}", root.display());
    let out = psql_to(&conninfo, PASSWORD, &["select 1"]).await;
    let _ = std::fs::remove_file(&root);
    assert!(!out.ok, "{out:?}");
    assert!(out.stderr.contains("certificate verify failed"), "{out:?}");

    // `require` encrypts without verifying; `disable` stays in the clear.
    for mode in ["require", "disable"] {
        let conninfo = format!("host=127.0.0.1 port={port} user=awsuser dbname=dev sslmode={mode}");
        let out = psql_to(&conninfo, PASSWORD, &["\\conninfo"]).await;
        assert!(out.ok, "{mode}: {out:?}");
        assert_eq!(out.stdout.contains("SSL connection"), mode == "require", "{mode}: {out:?}");
    }
}
