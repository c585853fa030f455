//! Fixture files: `DIR/<platform>/seed.json` when a directory is given and holds one,
//! else the platform's embedded default. Each platform parses and validates the text
//! itself; this module finds the file and names it in every error.

use std::path::{Path, PathBuf};

/// A fixture file that could not be used.
#[derive(Debug, thiserror::Error)]
pub enum FixtureError {
    /// The file could not be read.
    #[error("cannot read {platform} fixture {path}: {source}")]
    Read {
        /// Platform name.
        platform: &'static str,
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not a valid fixture.
    #[error("invalid {platform} fixture {path}: {reason}")]
    Invalid {
        /// Platform name.
        platform: &'static str,
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
}

/// Pseudo-path naming the embedded default in errors.
pub const EMBEDDED: &str = "<embedded>";

/// Loads `dir/<platform>/seed.json` with `parse` when `dir` holds one, else parses the
/// `embedded` text. `parse` gets the text and says what is wrong in one line.
pub fn load<T>(
    platform: &'static str,
    dir: Option<&Path>,
    embedded: &str,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Result<T, FixtureError> {
    let file = dir
        .map(|d| d.join(platform).join("seed.json"))
        .filter(|p| p.exists());
    let (text, path) = match file {
        Some(path) => {
            let text = std::fs::read_to_string(&path).map_err(|source| FixtureError::Read {
                platform,
                path: path.clone(),
                source,
            })?;
            (std::borrow::Cow::Owned(text), path)
        }
        None => (
            std::borrow::Cow::Borrowed(embedded),
            PathBuf::from(EMBEDDED),
        ),
    };
    parse(&text).map_err(|reason| FixtureError::Invalid {
        platform,
        path,
        reason,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number(text: &str) -> Result<u32, String> {
        text.trim().parse().map_err(|e| format!("{e}"))
    }

    #[test]
    fn the_embedded_text_is_used_without_a_file() {
        assert_eq!(load("x", None, "7", number).unwrap(), 7);
        assert_eq!(
            load("x", Some(Path::new("/nonexistent")), "8", number).unwrap(),
            8
        );
    }

    #[test]
    fn a_file_wins_and_errors_name_it() {
        let dir = std::env::temp_dir().join(format!("sim-core-fixtures-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("x")).unwrap();
        std::fs::write(dir.join("x/seed.json"), "9").unwrap();
        assert_eq!(load("x", Some(&dir), "7", number).unwrap(), 9);
        std::fs::write(dir.join("x/seed.json"), "nine").unwrap();
        let err = load("x", Some(&dir), "7", number).unwrap_err().to_string();
        assert!(
            err.starts_with("invalid x fixture ") && err.contains("x/seed.json: "),
            "{err}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
