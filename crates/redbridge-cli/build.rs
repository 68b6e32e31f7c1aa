//! Build script: the `--version` line's commit and target. The commit comes from git (a
//! worktree, whose `.git` is a file, included), else from `REDBRIDGE_BUILD_COMMIT` (an archive
//! built outside git), else reads "commit unknown"; it never fails the build.

use std::path::PathBuf;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=REDBRIDGE_BUILD_COMMIT");
    let target = std::env::var("TARGET").unwrap_or_else(|_| "unknown target".to_owned());
    let commit = git_commit().or_else(env_commit).unwrap_or_else(|| "commit unknown".to_owned());
    println!("cargo:rustc-env=REDBRIDGE_BUILD_INFO={commit}, {target}");
}

/// `<12 hex> <commit date>` from git, and the files whose change means another commit.
fn git_commit() -> Option<String> {
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR")?;
    let git = |args: &[&str]| -> Option<String> {
        let output = Command::new("git").arg("-C").arg(&manifest).args(args).output().ok()?;
        output.status.success().then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
    };
    let line = git(&["log", "-1", "--format=%H %cs"])?;
    let (hash, date) = line.split_once(' ')?;
    if hash.len() < 12 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    // HEAD lives in the worktree's git dir; the branch it names, and packed-refs, in the
    // common dir (the same dir outside a worktree).
    let absolute = |path: String| {
        let path = PathBuf::from(path);
        if path.is_absolute() { path } else { PathBuf::from(&manifest).join(path) }
    };
    // A path that does not exist would make cargo rerun this script on every build.
    let watch = |path: PathBuf| {
        if path.exists() {
            println!("cargo:rerun-if-changed={}", path.display());
        }
    };
    if let Some(git_dir) = git(&["rev-parse", "--git-dir"]).map(absolute) {
        watch(git_dir.join("HEAD"));
    }
    if let Some(common_dir) = git(&["rev-parse", "--git-common-dir"]).map(absolute) {
        watch(common_dir.join("packed-refs"));
        if let Some(reference) = git(&["symbolic-ref", "-q", "HEAD"]) {
            // A packed branch has no file of its own until its next commit writes one into
            // its folder.
            let loose = common_dir.join(reference);
            match loose.parent() {
                Some(folder) if !loose.exists() => watch(folder.to_path_buf()),
                _ => watch(loose),
            }
        }
    }
    Some(format!("{} {date}", &hash[..12]))
}

/// `REDBRIDGE_BUILD_COMMIT`: a commit hash, optionally followed by its date.
fn env_commit() -> Option<String> {
    let value = std::env::var("REDBRIDGE_BUILD_COMMIT").ok()?;
    let mut words = value.split_whitespace();
    let hash = words.next()?;
    if !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let short = &hash[..hash.len().min(12)];
    Some(words.next().map_or_else(|| short.to_owned(), |date| format!("{short} {date}")))
}
