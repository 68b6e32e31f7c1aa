//! `cargo xtask tidy`: not written yet.

pub fn run() -> anyhow::Result<()> {
    anyhow::bail!("not written yet")
}
