//! LocalStack as a host process: a venv under `target/xtask/localstack` with the pins of
//! `localstack/requirements.txt`, started on 127.0.0.1:4566 and stopped by PID when dropped.
//!
//! See `localstack/README.md` for why each environment variable and pin is there.

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use crate::util::{project_root, run, tools_dir};

/// Where LocalStack listens; clients must use this loopback address.
pub const ENDPOINT: &str = "http://127.0.0.1:4566";
const ADDRESS: ([u8; 4], u16) = ([127, 0, 0, 1], 4566);
/// LocalStack keeps S3 data here whatever it is told, across restarts.
const S3_STORAGE: &str = "/tmp/localstack-s3-storage";
const READY_TIMEOUT: Duration = Duration::from_secs(120);
const STOP_TIMEOUT: Duration = Duration::from_secs(20);

/// A running LocalStack; dropping it stops it (SIGTERM, then SIGKILL) and removes its S3 storage.
#[derive(Debug)]
pub struct LocalStack {
    child: Option<Child>,
    /// How long it took to become healthy.
    pub startup: Duration,
}

impl LocalStack {
    /// The endpoint URL.
    pub fn endpoint(&self) -> &'static str {
        ENDPOINT
    }
}

/// Creates the venv if needed, starts LocalStack and waits until it is healthy.
pub fn start() -> anyhow::Result<LocalStack> {
    let dir = tools_dir().join("localstack");
    let python = venv(&dir)?;
    if health().is_ok() || TcpStream::connect_timeout(&SocketAddr::from(ADDRESS), Duration::from_millis(300)).is_ok() {
        bail!("something already listens on 127.0.0.1:4566; stop it first (two LocalStacks share `{S3_STORAGE}`)");
    }
    remove_s3_storage()?;
    for sub in ["fs", "tmp", "cache"] {
        std::fs::create_dir_all(dir.join(sub))?;
    }
    let log_path = dir.join("localstack.log");
    let log = std::fs::File::create(&log_path).with_context(|| format!("creating `{}`", log_path.display()))?;
    eprintln!("xtask: starting LocalStack (log: `{}`)", log_path.display());
    let started = Instant::now();
    let child = Command::new(&python)
        .args(["-m", "localstack.runtime.main"])
        .current_dir(&dir)
        .env("OVERRIDE_IN_DOCKER", "0")
        .env("DNS_ADDRESS", "0")
        .env("FILESYSTEM_ROOT", dir.join("fs"))
        .env("TMPDIR", dir.join("tmp"))
        .env("XDG_CACHE_HOME", dir.join("cache"))
        .env("GATEWAY_LISTEN", "127.0.0.1:4566")
        .env("DISABLE_EVENTS", "1")
        .env("SKIP_SSL_CERT_DOWNLOAD", "1")
        .env("LOCALSTACK_TELEMETRY", "0")
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log)
        .spawn()
        .with_context(|| format!("starting `{} -m localstack.runtime.main`", python.display()))?;
    let mut localstack = LocalStack { child: Some(child), startup: Duration::ZERO };
    loop {
        if health().is_ok() {
            break;
        }
        if let Some(child) = localstack.child.as_mut()
            && let Some(status) = child.try_wait()?
        {
            localstack.child = None;
            bail!("LocalStack exited with {status} before it was healthy; its log ends with:\n{}", tail(&log_path));
        }
        if started.elapsed() > READY_TIMEOUT {
            bail!("LocalStack was not healthy after {READY_TIMEOUT:?}; its log ends with:\n{}", tail(&log_path));
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    localstack.startup = started.elapsed();
    eprintln!("xtask: LocalStack healthy in {:.1}s", localstack.startup.as_secs_f64());
    Ok(localstack)
}

impl Drop for LocalStack {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            stop(&mut child, "LocalStack");
        }
        if let Err(error) = remove_s3_storage() {
            eprintln!("xtask: warning: {error:#}");
        }
    }
}

/// Stops a child process by its PID: SIGTERM, then SIGKILL after [`STOP_TIMEOUT`].
pub fn stop(child: &mut Child, name: &str) {
    let pid = child.id().to_string();
    let _ = Command::new("kill").args(["-TERM", &pid]).stdout(Stdio::null()).stderr(Stdio::null()).status();
    let deadline = Instant::now() + STOP_TIMEOUT;
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    eprintln!("xtask: {name} (pid {pid}) ignored SIGTERM for {STOP_TIMEOUT:?}; killing it");
    let _ = child.kill();
    let _ = child.wait();
}

fn remove_s3_storage() -> anyhow::Result<()> {
    let path = Path::new(S3_STORAGE);
    if path.exists() {
        std::fs::remove_dir_all(path).with_context(|| format!("removing `{S3_STORAGE}`"))?;
    }
    Ok(())
}

/// The LocalStack venv's python, created (without starting LocalStack) when missing or stale.
pub fn install() -> anyhow::Result<PathBuf> {
    venv(&tools_dir().join("localstack"))
}

/// The venv's python, creating the venv when it is missing or the pins changed.
fn venv(dir: &Path) -> anyhow::Result<PathBuf> {
    let requirements = project_root().join("localstack").join("requirements.txt");
    let wanted =
        std::fs::read_to_string(&requirements).with_context(|| format!("reading `{}`", requirements.display()))?;
    let venv = dir.join("venv");
    let python = venv.join("bin").join("python");
    let stamp = venv.join(".redbridge-requirements");
    if python.exists() && std::fs::read_to_string(&stamp).ok().as_deref() == Some(wanted.as_str()) {
        return Ok(python);
    }
    let base = find_python()?;
    eprintln!("xtask: creating the LocalStack venv with `{}` (about a minute)", base.display());
    if venv.exists() {
        std::fs::remove_dir_all(&venv).with_context(|| format!("removing stale `{}`", venv.display()))?;
    }
    std::fs::create_dir_all(dir)?;
    run(Command::new(&base).arg("-m").arg("venv").arg(&venv))?;
    run(Command::new(&python)
        .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r"])
        .arg(&requirements))?;
    std::fs::write(&stamp, wanted)?;
    Ok(python)
}

/// `(major, minor)` of a Python interpreter, if it runs.
fn python_version(python: &Path) -> Option<(u32, u32)> {
    let output = Command::new(python)
        .args(["-c", "import sys; print(sys.version_info[0], sys.version_info[1])"])
        .env_remove("PYENV_VERSION")
        .output()
        .ok()?;
    let text = String::from_utf8(output.stdout).ok()?;
    let mut parts = text.split_whitespace().map(|p| p.parse::<u32>().ok());
    Some((parts.next()??, parts.next()??))
}

/// A Python ≥ 3.12: `$PYTHON`, else the newest pyenv build, else `python3` on `PATH`.
fn find_python() -> anyhow::Result<PathBuf> {
    let good = |p: &Path| python_version(p).is_some_and(|v| v >= (3, 12));
    if let Some(python) = std::env::var_os("PYTHON") {
        let python = PathBuf::from(python);
        if good(&python) {
            return Ok(python);
        }
        bail!("`PYTHON={}` is not a Python 3.12 or newer, which LocalStack needs", python.display());
    }
    let pyenv_root = Command::new("pyenv")
        .arg("root")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| PathBuf::from(s.trim()))
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".pyenv")));
    if let Some(root) = pyenv_root
        && let Ok(entries) = std::fs::read_dir(root.join("versions"))
    {
        let mut builds: Vec<((u32, u32, u32), PathBuf)> = entries
            .flatten()
            .filter_map(|e| {
                let name = e.file_name().into_string().ok()?;
                let mut numbers = name.split('.').map(|p| p.parse::<u32>().ok());
                let version = (numbers.next()??, numbers.next()??, numbers.next().flatten().unwrap_or(0));
                Some((version, e.path().join("bin").join("python3")))
            })
            .filter(|((major, minor, _), path)| (*major, *minor) >= (3, 12) && path.exists())
            .collect();
        builds.sort();
        if let Some((_, python)) = builds.into_iter().rev().find(|(_, p)| good(p)) {
            return Ok(python);
        }
    }
    let python3 = PathBuf::from("python3");
    if good(&python3) {
        return Ok(python3);
    }
    bail!("no Python 3.12 or newer found: set `PYTHON`, or install one with pyenv (LocalStack needs it)")
}

/// `GET /_localstack/health` on 127.0.0.1:4566; Ok when it answers 200.
fn health() -> anyhow::Result<()> {
    let mut stream = TcpStream::connect_timeout(&SocketAddr::from(ADDRESS), Duration::from_millis(500))?;
    stream.set_read_timeout(Some(Duration::from_secs(2)))?;
    stream.set_write_timeout(Some(Duration::from_secs(2)))?;
    stream.write_all(b"GET /_localstack/health HTTP/1.0\r\nHost: 127.0.0.1:4566\r\n\r\n")?;
    let mut answer = Vec::new();
    stream.take(64 * 1024).read_to_end(&mut answer)?;
    let text = String::from_utf8_lossy(&answer);
    if text.starts_with("HTTP/1.1 200") || text.starts_with("HTTP/1.0 200") {
        Ok(())
    } else {
        bail!("unhealthy: {}", text.lines().next().unwrap_or_default())
    }
}

/// The last lines of a log file.
fn tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}
