//! `cargo xtask check-policies`: not written yet.

pub fn run() -> anyhow::Result<()> {
    anyhow::bail!("not written yet")
}
