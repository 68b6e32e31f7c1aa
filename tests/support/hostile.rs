//! Hostile input for the property tests of every crate (issue 18): byte-level mutations of real
//! corpora, the repository's own files as those corpora, and a hang guard. Each crate's
//! `tests/it` includes this one file with `#[path]`, so there is one copy of it.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use proptest::prelude::*;

/// Pieces that hostile or unlucky input carries: byte-order marks (UTF-8 and UTF-16), NUL, an
/// ANSI colour escape, a C1 control, an IAM policy variable, quotes and brackets of every
/// grammar, line ends, and a very long token (did-you-mean suggestions and error messages
/// must stay bounded on it).
pub fn pieces() -> Vec<Vec<u8>> {
    let mut pieces: Vec<Vec<u8>> = [
        &b"\xEF\xBB\xBF"[..],
        b"\xFF\xFE",
        b"\0",
        b"\x1b[31m",
        "\u{9b}".as_bytes(),
        b"${",
        b"${aws:username}",
        b"\"",
        b"'",
        b"[",
        b"]",
        b"{",
        b"}",
        b"=",
        b",",
        b";",
        b"\r\n",
        b"\n",
        b"\\",
        b"\xC3",
        "é".as_bytes(),
        b"arn:aws:iam::111111111111:role/R",
    ]
    .iter()
    .map(|piece| piece.to_vec())
    .collect();
    pieces.push(b"x".repeat(5_000));
    pieces.push(b"a1-".repeat(2_000));
    pieces
}

/// One edit: an operation, a place (taken modulo the length) and an argument.
pub type Edit = (u8, usize, usize);

/// Up to `max` edits.
pub fn edits(max: usize) -> impl Strategy<Value = Vec<Edit>> {
    proptest::collection::vec((any::<u8>(), any::<usize>(), any::<usize>()), 1..=max)
}

/// `base` with `edits` applied at byte level: flip bits of a byte, truncate, duplicate a slice,
/// insert one of [`pieces`], delete a slice. Byte level on purpose: the result need not be
/// UTF-8, as a file need not be.
pub fn mutate(base: &[u8], edits: &[Edit]) -> Vec<u8> {
    let pieces = pieces();
    let mut bytes = base.to_vec();
    for &(op, at, arg) in edits {
        let len = bytes.len();
        let at = at % (len + 1);
        match op % 5 {
            0 if at < len => bytes[at] ^= (arg % 255 + 1) as u8,
            1 => bytes.truncate(at),
            2 if at < len => {
                let end = (at + 1 + arg % 64).min(len);
                let slice = bytes[at..end].to_vec();
                bytes.splice(at..at, slice);
            }
            3 => {
                let piece = &pieces[arg % pieces.len()];
                bytes.splice(at..at, piece.iter().copied());
            }
            _ if at < len => {
                let end = (at + 1 + arg % 16).min(len);
                bytes.drain(at..end);
            }
            _ => {}
        }
    }
    bytes
}

/// The contents of every file directly in `dir` (relative to the workspace root) whose name
/// ends with `suffix`, sorted by name; panics when there are none, so a moved corpus is noticed.
pub fn corpus(dir: &str, suffix: &str) -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(dir);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading `{}`: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.to_string_lossy().ends_with(suffix))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no `*{suffix}` file in `{}`", dir.display());
    paths
        .iter()
        .map(|path| std::fs::read(path).unwrap_or_else(|e| panic!("reading `{}`: {e}", path.display())))
        .collect()
}

/// How long one case may take before it counts as a hang. A hang detector, not a speed claim:
/// every parser here answers in milliseconds, and the generous bound keeps a loaded two-core
/// machine running a debug build from failing a case that is merely slow.
pub const HANG_GUARD: Duration = Duration::from_secs(5);

/// Runs `case` on a watchdog thread and returns what it returns. Fails when it takes longer
/// than [`HANG_GUARD`] (the thread is left behind: a hang cannot be interrupted); a panic in
/// `case` is passed on as is, so proptest sees it and shrinks the input.
pub fn within_hang_guard<T: Send + 'static>(case: impl FnOnce() -> T + Send + 'static) -> T {
    let (sender, receiver) = mpsc::channel();
    let worker = std::thread::spawn(move || {
        let _ = sender.send(case());
    });
    match receiver.recv_timeout(HANG_GUARD) {
        Ok(value) => value,
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("the case ran for more than {HANG_GUARD:?}: a hang"),
        Err(mpsc::RecvTimeoutError::Disconnected) => match worker.join() {
            Err(payload) => std::panic::resume_unwind(payload),
            Ok(()) => unreachable!("the worker ended without sending and without panicking"),
        },
    }
}

/// Whether `text` holds a character that must not reach a terminal raw (an error that echoes
/// input must have escaped it); line breaks and tabs are allowed.
pub fn has_raw_control(text: &str) -> bool {
    text.chars().any(|c| c != '\n' && c != '\t' && redbridge_iam::escape::is_unsafe_control(c))
}
