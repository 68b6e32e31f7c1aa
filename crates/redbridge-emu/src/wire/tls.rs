//! TLS on the wire endpoints.
//!
//! Redshift answers a client's `SSLRequest` with `S` and encrypts the session ("Amazon Redshift
//! supports Secure Sockets Layer (SSL) connections to encrypt data and server certificates to
//! validate the server certificate that the client connects to":
//! <https://docs.aws.amazon.com/redshift/latest/mgmt/connecting-ssl-support.html>). Clients count on
//! it: redshift_connector connects with `ssl=True` and `sslmode='verify-ca'` by default and refuses
//! IAM authentication without SSL; libpq's default `sslmode=prefer` asks for it first.
//!
//! Redshift's certificate chains to Amazon's roots, which no emulator can hold. The emulator makes
//! its own self-signed certificate when it starts (ECDSA P-256, valid for `localhost`, the
//! loopback addresses and the listen address) and hands it out at `GET /_emu/wire-certificate`
//! (and [`crate::Emulator::wire_certificate_pem`]): a client that trusts it verifies the endpoint
//! as it would verify Redshift's (`sslrootcert=` for libpq, `SSL_CERT_FILE` for Python's `ssl`).

use std::net::IpAddr;
use std::sync::Arc;

use pgwire::tokio::TlsAcceptor;
use pgwire::tokio::tokio_rustls::rustls;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// The endpoints' certificate and the acceptor that presents it.
#[derive(Clone)]
pub(crate) struct WireTls {
    pub acceptor: TlsAcceptor,
    /// The certificate, PEM-encoded: what a client adds to its trusted roots.
    pub certificate_pem: String,
}

impl std::fmt::Debug for WireTls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The private key stays out of every output.
        f.debug_struct("WireTls").field("certificate_pem", &self.certificate_pem).finish_non_exhaustive()
    }
}

impl WireTls {
    /// A fresh self-signed certificate for `localhost`, `127.0.0.1`, `::1` and `listen` (when it is
    /// another address), and the acceptor presenting it with TLS 1.2 and 1.3 (rustls's safe
    /// defaults on aws-lc-rs; Redshift accepts TLS 1.2 and later).
    pub fn generate(listen: IpAddr) -> Result<Self, String> {
        let mut names = vec!["localhost".to_owned(), "127.0.0.1".to_owned(), "::1".to_owned()];
        if !listen.is_unspecified() && !listen.is_loopback() {
            names.push(listen.to_string());
        }
        let made = rcgen::generate_simple_self_signed(names)
            .map_err(|e| format!("cannot make the wire endpoints' TLS certificate: {e}"))?;
        let certificate_pem = made.cert.pem();
        let chain = vec![CertificateDer::from(made.cert.der().to_vec())];
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(made.signing_key.serialize_der()));
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("cannot set up TLS for the wire endpoints: {e}"))?
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .map_err(|e| format!("cannot set up TLS for the wire endpoints: {e}"))?;
        Ok(Self { acceptor: TlsAcceptor::from(Arc::new(config)), certificate_pem })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_certificate_is_one_pem_block_and_names_no_key() {
        let tls = WireTls::generate(IpAddr::from([127, 0, 0, 1])).unwrap();
        assert!(tls.certificate_pem.starts_with("-----BEGIN CERTIFICATE-----\n"), "{}", tls.certificate_pem);
        assert_eq!(tls.certificate_pem.matches("-----BEGIN").count(), 1);
        assert!(!format!("{tls:?}").contains("PRIVATE KEY"));
    }

    #[test]
    fn each_start_makes_its_own_certificate() {
        let one = WireTls::generate(IpAddr::from([127, 0, 0, 1])).unwrap();
        let two = WireTls::generate(IpAddr::from([127, 0, 0, 1])).unwrap();
        assert_ne!(one.certificate_pem, two.certificate_pem);
    }
}
