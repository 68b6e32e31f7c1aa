//! Every file and standard input the CLI reads, through one reader: the size checked against
//! [`MAX_INPUT_BYTES`] before reading it all, then decoded by [`redbridge_core::input`] (a
//! UTF-8 byte-order mark stripped; UTF-16, binary and invalid UTF-8 refused with the position).
//!
//! A path of `-` is standard input, for every file the CLI reads (`--spec -`, `--snapshot -`,
//! `--sql-file -`, `explain --input -`); standard input can be read once, so a second `-` in
//! one invocation is a usage error naming both.

use std::io::Read as _;
use std::path::Path;
use std::sync::Mutex;

use anyhow::Context as _;
use redbridge_core::input::{InputError, MAX_INPUT_BYTES, decode_text};

/// What already read standard input in this invocation.
static STDIN_READER: Mutex<Option<String>> = Mutex::new(None);

const STDIN_NAME: &str = "<stdin>";

/// Whether `path` means standard input.
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// The name of `path` in messages: `<stdin>` for `-`.
pub fn display_name(path: &Path) -> String {
    if is_stdin(path) { STDIN_NAME.to_owned() } else { path.display().to_string() }
}

/// Reads the text of the file at `path`, or of standard input when `path` is `-`; `what` says
/// what it is in an I/O error (`spec file`).
pub fn read_file(path: &Path, what: &str) -> anyhow::Result<String> {
    if is_stdin(path) {
        return read_stdin_as(what);
    }
    let name = path.display().to_string();
    let file = std::fs::File::open(path).with_context(|| format!("cannot read {what} `{name}`"))?;
    let size = file.metadata().with_context(|| format!("cannot read {what} `{name}`"))?.len();
    if size > MAX_INPUT_BYTES {
        return Err(InputError::TooLarge { name, size: Some(size) }.into());
    }
    let bytes = read_capped(file, size, &name).with_context(|| format!("cannot read {what} `{name}`"))?;
    Ok(decode_text(&name, bytes?)?)
}

/// Reads the text of standard input.
pub fn read_stdin() -> anyhow::Result<String> {
    read_stdin_as("input")
}

/// Reads standard input as `what`; refused when something else read it already.
fn read_stdin_as(what: &str) -> anyhow::Result<String> {
    {
        let mut reader = STDIN_READER.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(first) = reader.as_deref() {
            anyhow::bail!(
                "`-` (standard input) is given twice: the {first} and the {what} cannot both be read from it; \
                 give one of them as a file"
            );
        }
        *reader = Some(what.to_owned());
    }
    let name = STDIN_NAME;
    let bytes = read_capped(std::io::stdin().lock(), 0, name).context("cannot read standard input")?;
    Ok(decode_text(name, bytes?)?)
}

/// Reads at most one byte more than the cap, so that a stream past it is refused without
/// reading it all (a file can grow after its size was checked, and a pipe has no size).
/// `size`: the size the file said it has (0 for a pipe), room for it is made at once.
fn read_capped(reader: impl std::io::Read, size: u64, name: &str) -> std::io::Result<Result<Vec<u8>, InputError>> {
    let mut bytes = Vec::with_capacity(usize::try_from(size.min(MAX_INPUT_BYTES)).unwrap_or(0).saturating_add(1));
    reader.take(MAX_INPUT_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Ok(Err(InputError::TooLarge { name: name.to_owned(), size: None }));
    }
    Ok(Ok(bytes))
}
