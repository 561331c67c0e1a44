//! A small checked reader for the embedded CSV tables: every error names the
//! file, line, column and value.

use std::fmt::Display;
use std::str::FromStr;

use rust_decimal::Decimal;

use super::{LoadError, LoadErrorKind};
use crate::metrics::describe_bad_number;

/// One data row of a CSV table with known headers.
pub(crate) struct Row<'a> {
    file: &'a str,
    line: u64,
    headers: &'a [&'a str],
    record: csv::StringRecord,
}

/// An error at `line` of `file`, in `column` (none for a whole row) with
/// `value` (none when there is no text to show).
fn error(file: &str, line: u64, column: &str, value: &str, problem: impl Display) -> LoadError {
    let some = |t: &str| (!t.is_empty()).then(|| super::truncate(t));
    LoadError {
        cell: None,
        file: file.to_string(),
        line: Some(line),
        column: some(column),
        value: some(value),
        kind: LoadErrorKind::Value,
        problem: problem.to_string(),
    }
}

/// Reads `text` as CSV whose header must be exactly `headers`.
pub(crate) fn read<'a>(file: &'a str, text: &str, headers: &'a [&'a str]) -> Result<Vec<Row<'a>>, LoadError> {
    let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(text.as_bytes());
    let found = reader
        .headers()
        .map_err(|e| error(file, 1, "", "", format!("cannot read the header: {e}")).with_kind(LoadErrorKind::Syntax))?
        .clone();
    if found.iter().map(str::trim).ne(headers.iter().copied()) {
        let got: Vec<&str> = found.iter().collect();
        return Err(error(
            file,
            1,
            "",
            &got.join(","),
            format!("unexpected header (expected {})", headers.join(",")),
        )
        .with_kind(LoadErrorKind::Layout));
    }
    let mut rows = Vec::new();
    // Line numbers from byte offsets: the csv crate's lag by one in CRLF files.
    let mut lines = super::LineCounter::new(text);
    loop {
        // Where the next record starts: the csv crate gives every record it
        // reads (and every error with a position) this same position.
        let start = reader.position().byte();
        let mut record = csv::StringRecord::new();
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => rows.push(Row {
                file,
                line: lines.line_of(start),
                headers,
                record,
            }),
            Err(e) => {
                // An error without a position (an I/O error, which reading a
                // string cannot raise) is reported at the record it stopped.
                let byte = e.position().map_or(start, |p| p.byte());
                return Err(
                    error(file, lines.line_of(byte), "", "", format!("malformed CSV row: {e}"))
                        .with_kind(LoadErrorKind::Syntax),
                );
            }
        }
    }
    Ok(rows)
}

impl Row<'_> {
    /// The line number of the row in its file (the header is line 1).
    pub(crate) fn line(&self) -> u64 {
        self.line
    }

    /// A [`LoadError`] about `column` with `value`.
    pub(crate) fn error(&self, column: &str, value: &str, problem: impl Display) -> LoadError {
        error(self.file, self.line, column, value, problem)
    }

    /// The trimmed text in `column`.
    pub(crate) fn text(&self, column: &str) -> Result<&str, LoadError> {
        self.headers
            .iter()
            .position(|h| *h == column)
            .and_then(|i| self.record.get(i))
            .map(str::trim)
            .ok_or_else(|| {
                self.error(column, "", "column is missing")
                    .with_kind(LoadErrorKind::Layout)
            })
    }

    /// `column` parsed as `T`; an empty cell is an error.
    pub(crate) fn parse<T: FromStr>(&self, column: &str) -> Result<T, LoadError>
    where
        T::Err: Display,
    {
        let text = self.text(column)?;
        if text.is_empty() {
            return Err(self.error(column, text, "is empty"));
        }
        text.parse().map_err(|e| self.error(column, text, e))
    }

    /// `column` read as a plain decimal number with
    /// [`parse_decimal`](crate::money::parse_decimal) (grouping validated as
    /// money is; no sign but `-`, no `_`, no exponent), decimals kept as
    /// written; `None` when the cell is empty.
    pub(crate) fn optional_decimal(&self, column: &str) -> Result<Option<Decimal>, LoadError> {
        let text = self.text(column)?;
        if text.is_empty() {
            return Ok(None);
        }
        crate::money::parse_decimal(text)
            .map(Some)
            .map_err(|e| self.error(column, text, describe_bad_number(text, &e.kind)))
    }

    /// `column` read as a whole number (a count or a score) of type `T`:
    /// ASCII digits, thousands grouped as money is, no decimal point, within
    /// `T`'s range; `None` when the cell is empty.
    pub(crate) fn optional_whole<T: TryFrom<i128>>(&self, column: &str) -> Result<Option<T>, LoadError> {
        let Some(value) = self.optional_decimal(column)? else {
            return Ok(None);
        };
        let text = self.text(column)?;
        if value.scale() != 0 {
            return Err(self.error(column, text, "is not a whole number (no decimal point expected)"));
        }
        T::try_from(value.mantissa())
            .map(Some)
            .map_err(|_| self.error(column, text, "is negative or too large for this column"))
    }

    /// `column` read as a whole number of type `T` (see
    /// [`Row::optional_whole`]); an empty cell is an error.
    pub(crate) fn whole<T: TryFrom<i128>>(&self, column: &str) -> Result<T, LoadError> {
        self.optional_whole(column)?
            .ok_or_else(|| self.error(column, "", "is empty"))
    }

    /// `column` parsed as `T`, or `None` when the cell is empty.
    pub(crate) fn optional<T: FromStr>(&self, column: &str) -> Result<Option<T>, LoadError>
    where
        T::Err: Display,
    {
        let text = self.text(column)?;
        if text.is_empty() {
            return Ok(None);
        }
        text.parse().map(Some).map_err(|e| self.error(column, text, e))
    }
}

/// The values of every row, or the error of every bad row: a reader does
/// not stop at the first bad row (within a row, the first bad cell is the
/// one reported).
pub(crate) fn every_row<T>(rows: impl IntoIterator<Item = Result<T, LoadError>>) -> Result<Vec<T>, super::LoadErrors> {
    let mut values = Vec::new();
    let mut errors = Vec::new();
    for row in rows {
        match row {
            Ok(v) => values.push(v),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(values)
    } else {
        Err(super::LoadErrors::new(errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_line_column_and_value() {
        let rows = read("t.csv", "a,b\n1,x\n2,\n", &["a", "b"]).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].parse::<u32>("a").unwrap(), 1);
        let e = rows[0].parse::<u32>("b").unwrap_err();
        assert_eq!(
            (e.line, e.column.as_deref(), e.value.as_deref()),
            (Some(2), Some("b"), Some("x"))
        );
        assert_eq!(rows[1].optional::<u32>("b").unwrap(), None);
        assert_eq!(rows[1].parse::<u32>("b").unwrap_err().line, Some(3));
        assert!(read("t.csv", "a,c\n", &["a", "b"]).is_err());
        let e = read("t.csv", "a,b\n1,2,3\n", &["a", "b"]).err().unwrap();
        assert_eq!(e.line, Some(2));
    }
}
