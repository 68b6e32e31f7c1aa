//! Not written yet.

pub fn run(_args: &[&str]) -> anyhow::Result<()> {
    anyhow::bail!("this task is not written yet")
}
