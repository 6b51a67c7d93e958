//! placeholder
pub fn run(_db: std::path::PathBuf) -> anyhow::Result<()> {
    Ok(())
}
