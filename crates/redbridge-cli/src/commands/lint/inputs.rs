//! The inputs of `redbridge lint`: files, globs and `-` (standard input), expanded in the order
//! given, each file once.
//!
//! An argument that names an existing path is that path, even if it holds glob characters; any
//! other argument with `*`, `?` or `[` is a glob, expanded in sorted order, and one that matches
//! no file is an error naming it. A file reached twice (`a.sql 'sql/*.sql'`, `./a.sql a.sql`) is
//! checked once, where it first appears. No argument at all reads standard input.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};

/// The name standard input goes by in every output.
pub const STDIN_NAME: &str = "<stdin>";

/// One input to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A file, by the path as given or as its glob found it.
    File(PathBuf),
    /// Standard input.
    Stdin,
}

/// Expands `arguments` into the inputs to read, in order, without duplicates. `spec_on_stdin`:
/// standard input holds the spec (`--spec -`), so no SQL can come from it.
pub fn expand(arguments: &[String], spec_on_stdin: bool) -> anyhow::Result<Vec<Input>> {
    if arguments.is_empty() {
        if spec_on_stdin {
            bail!("no SQL file given, and standard input holds the spec (`--spec -`)");
        }
        return Ok(vec![Input::Stdin]);
    }
    let mut inputs = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut stdin_given = false;
    for argument in arguments {
        if argument == "-" {
            if spec_on_stdin {
                bail!("`-` (standard input) is given twice: the SQL and the spec (`--spec -`)");
            }
            if stdin_given {
                bail!("`-` (standard input) is given more than once");
            }
            stdin_given = true;
            inputs.push(Input::Stdin);
            continue;
        }
        let paths = if is_glob(argument) && !Path::new(argument).exists() {
            expand_glob(argument)?
        } else {
            vec![PathBuf::from(argument)]
        };
        for path in paths {
            if seen.insert(identity(&path)) {
                inputs.push(Input::File(path));
            }
        }
    }
    Ok(inputs)
}

/// Reads every input: `(name, text)` in order. The first unreadable one is the error.
pub fn read_all(inputs: Vec<Input>) -> anyhow::Result<Vec<(String, String)>> {
    inputs
        .into_iter()
        .map(|input| match input {
            Input::Stdin => Ok((STDIN_NAME.to_owned(), crate::input::read_stdin()?)),
            Input::File(path) => {
                let text = crate::input::read_file(&path, "SQL file")?;
                Ok((path.display().to_string(), text))
            }
        })
        .collect()
}

fn is_glob(argument: &str) -> bool {
    argument.contains(['*', '?', '['])
}

/// The files (not folders) `pattern` matches, sorted.
fn expand_glob(pattern: &str) -> anyhow::Result<Vec<PathBuf>> {
    let shown = redbridge_iam::escape::escape_controls(pattern);
    let paths = glob::glob(pattern)
        .map_err(|error| anyhow::anyhow!("invalid glob `{shown}`: {} at character {}", error.msg, error.pos + 1))?;
    let mut files = Vec::new();
    for entry in paths {
        let path = entry.with_context(|| format!("cannot expand glob `{shown}`"))?;
        if !path.is_dir() {
            files.push(path);
        }
    }
    if files.is_empty() {
        bail!("glob `{shown}` matches no file");
    }
    Ok(files)
}

/// What makes two paths the same file: the canonical path when there is one, else the path
/// without `.` components (a missing file is reported by the read that follows).
fn identity(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.components().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(arguments: &[&str]) -> anyhow::Result<Vec<Input>> {
        expand(&arguments.iter().map(|a| (*a).to_owned()).collect::<Vec<_>>(), false)
    }

    /// A folder with `names` as empty files, removed when dropped.
    struct Folder(PathBuf);

    impl Folder {
        fn new(tag: &str, names: &[&str]) -> Self {
            let dir = std::env::temp_dir().join(format!("redbridge-lint-inputs-{tag}-{}", std::process::id()));
            for name in names {
                let path = dir.join(name);
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(path, "").unwrap();
            }
            Self(dir)
        }

        fn path(&self, name: &str) -> String {
            self.0.join(name).display().to_string()
        }
    }

    impl Drop for Folder {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn no_argument_reads_standard_input() {
        assert_eq!(files(&[]).unwrap(), [Input::Stdin]);
    }

    #[test]
    fn globs_expand_sorted_and_files_appear_once_where_first_given() {
        let folder = Folder::new("order", &["b.sql", "a.sql", "sub/c.sql", "notes.txt"]);
        let got = files(&[&folder.path("b.sql"), &folder.path("**/*.sql"), "-"]).unwrap();
        let want = [
            Input::File(folder.path("b.sql").into()),
            Input::File(folder.path("a.sql").into()),
            Input::File(folder.path("sub/c.sql").into()),
            Input::Stdin,
        ];
        assert_eq!(got, want);
        let dotted = files(&[&folder.path("a.sql"), &folder.path("./a.sql")]).unwrap();
        assert_eq!(dotted, [Input::File(folder.path("a.sql").into())]);
    }

    #[test]
    fn a_glob_that_matches_nothing_is_an_error_naming_it() {
        let folder = Folder::new("empty", &["a.sql"]);
        let pattern = folder.path("*.psql");
        let error = files(&[&folder.path("a.sql"), &pattern]).unwrap_err();
        assert_eq!(error.to_string(), format!("glob `{pattern}` matches no file"));
        let error = files(&["sql/[.sql"]).unwrap_err();
        assert!(error.to_string().starts_with("invalid glob `sql/[.sql`: "), "{error}");
    }

    #[test]
    fn standard_input_is_read_at_most_once() {
        let error = files(&["-", "-"]).unwrap_err();
        assert_eq!(error.to_string(), "`-` (standard input) is given more than once");
    }

    #[test]
    fn standard_input_cannot_hold_both_the_spec_and_the_sql() {
        let error = expand(&["-".to_owned()], true).unwrap_err();
        assert_eq!(error.to_string(), "`-` (standard input) is given twice: the SQL and the spec (`--spec -`)");
        let error = expand(&[], true).unwrap_err();
        assert_eq!(error.to_string(), "no SQL file given, and standard input holds the spec (`--spec -`)");
    }

    #[test]
    fn a_file_whose_name_looks_like_a_glob_is_that_file() {
        let folder = Folder::new("literal", &["[draft].sql"]);
        assert_eq!(files(&[&folder.path("[draft].sql")]).unwrap(), [Input::File(folder.path("[draft].sql").into())]);
    }
}
