//! The outside clients of the e2e scenarios' `sql`, `put_table` and `check_unload` steps: a venv
//! under `target/xtask/e2e-clients` with pyarrow, psycopg and Amazon's redshift_connector
//! (pinned, like every tool the tasks install), and Debian's `psql` (postgresql-client),
//! installed with apt-get when missing. `e2e` installs them while it compiles; `ci`'s prefetch
//! installs them while the tests compile.

use std::path::PathBuf;

use anyhow::Context;

/// The pins of the clients' venv; bump deliberately and rerun the e2e.
pub(crate) const PYARROW: &str = "pyarrow==26.0.1";
pub(crate) const PSYCOPG: &str = "psycopg[binary]==3.3.9";
pub(crate) const REDSHIFT_CONNECTOR: &str = "redshift-connector==2.2.0";

/// The venv's name under `target/xtask/`.
pub(crate) const VENV: &str = "e2e-clients";

/// The packages of the venv.
pub(crate) fn packages() -> Vec<&'static str> {
    vec![PYARROW, PSYCOPG, REDSHIFT_CONNECTOR]
}

/// Where the clients are.
#[derive(Debug, Clone)]
pub struct Clients {
    /// The venv's `python`.
    pub python: PathBuf,
    /// `psql`.
    pub psql: PathBuf,
}

/// Installs what is missing (the venv the first time or when the pins change, `psql` when not on
/// `PATH`) and says where the clients are.
pub fn install() -> anyhow::Result<Clients> {
    crate::render_check::ensure_debian_package("psql", "postgresql-client")
        .context("installing psql for the e2e scenarios' `sql` steps")?;
    let bin = crate::util::python_venv(VENV, &packages()).context("creating the e2e clients' venv")?;
    Ok(Clients { python: bin.join("python"), psql: PathBuf::from("psql") })
}
