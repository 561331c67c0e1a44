//! Reading plans and published tables from files.
//!
//! Every reader reports **every** bad cell it finds as a [`LoadError`] naming
//! the file, the line, the column and the value, collected in [`LoadErrors`].

pub mod json;
pub mod published;
pub mod tidy;

use std::fmt;

/// One problem found while reading a file: where it is and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{}{}: {problem}", line_text(*.line), cell_text(.column, .value))]
pub struct LoadError {
    /// The file (or source name).
    pub file: String,
    /// The 1-based line number, if the problem is on a line.
    pub line: Option<u64>,
    /// The column name, if the problem is in a cell.
    pub column: Option<String>,
    /// The value found, if any.
    pub value: Option<String>,
    /// What is wrong and what was expected.
    pub problem: String,
}

fn line_text(line: Option<u64>) -> String {
    line.map(|l| format!("line {l}")).unwrap_or_else(|| "file".to_string())
}

fn cell_text(column: &Option<String>, value: &Option<String>) -> String {
    match (column, value) {
        (Some(c), Some(v)) => format!(", column {c}, value {v:?}"),
        (Some(c), None) => format!(", column {c}"),
        _ => String::new(),
    }
}

impl LoadError {
    /// A problem with one cell.
    pub fn cell(file: &str, line: u64, column: &str, value: &str, problem: String) -> LoadError {
        LoadError {
            file: file.to_string(),
            line: Some(line),
            column: Some(column.to_string()),
            value: Some(truncate(value)),
            problem,
        }
    }

    /// A problem with the file as a whole.
    pub fn file(file: &str, problem: impl Into<String>) -> LoadError {
        LoadError {
            file: file.to_string(),
            line: None,
            column: None,
            value: None,
            problem: problem.into(),
        }
    }

    /// A file that could not be read.
    pub fn io(file: &str, e: &std::io::Error) -> LoadError {
        LoadError::file(file, format!("cannot read: {e}"))
    }

    /// A CSV syntax error.
    pub fn csv(file: &str, e: &csv::Error) -> LoadError {
        let line = e.position().map(|p| p.line());
        let problem = match e.kind() {
            csv::ErrorKind::Utf8 { err, .. } => format!("not UTF-8 text (field {})", err.field() + 1),
            csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
                format!("{len} fields where the header has {expected_len}")
            }
            _ => format!("malformed CSV: {e}"),
        };
        LoadError {
            file: file.to_string(),
            line,
            column: None,
            value: None,
            problem,
        }
    }
}

/// Values are quoted in messages; a huge value is cut to keep errors readable.
fn truncate(value: &str) -> String {
    const MAX: usize = 80;
    if value.chars().count() <= MAX {
        value.to_string()
    } else {
        let cut: String = value.chars().take(MAX).collect();
        format!("{cut}...")
    }
}

/// Every problem found while reading a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadErrors(pub Vec<LoadError>);

impl LoadErrors {
    /// A single problem.
    pub fn one(e: LoadError) -> LoadErrors {
        LoadErrors(vec![e])
    }
}

impl fmt::Display for LoadErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.as_slice() {
            [one] => write!(f, "{one}"),
            many => {
                write!(f, "{} problems:", many.len())?;
                for e in many {
                    write!(f, "\n  {e}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for LoadErrors {}
