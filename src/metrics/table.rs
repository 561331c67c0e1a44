//! A small checked reader for the embedded CSV tables: every error names the
//! file, line, column and value.

use std::fmt::Display;
use std::str::FromStr;

use super::DataError;

/// One data row of a CSV table with known headers.
pub(crate) struct Row<'a> {
    file: &'a str,
    line: u64,
    headers: &'a [&'a str],
    record: csv::StringRecord,
}

fn error(file: &str, line: u64, column: &str, value: &str, problem: impl Display) -> DataError {
    DataError {
        file: file.to_string(),
        line,
        column: column.to_string(),
        value: value.to_string(),
        problem: problem.to_string(),
    }
}

/// Reads `text` as CSV whose header must be exactly `headers`.
pub(crate) fn read<'a>(file: &'a str, text: &str, headers: &'a [&'a str]) -> Result<Vec<Row<'a>>, DataError> {
    let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(text.as_bytes());
    let found = reader
        .headers()
        .map_err(|e| error(file, 1, "", "", format!("cannot read the header: {e}")))?
        .clone();
    if found.iter().map(str::trim).ne(headers.iter().copied()) {
        let got: Vec<&str> = found.iter().collect();
        return Err(error(
            file,
            1,
            "",
            &got.join(","),
            format!("unexpected header (expected {})", headers.join(",")),
        ));
    }
    let mut rows = Vec::new();
    // Line numbers from byte offsets: the csv crate's lag by one in CRLF files.
    let mut lines = crate::io::LineCounter::new(text);
    for result in reader.records() {
        let record = result.map_err(|e| {
            let line = e.position().map_or(0, |p| lines.line_of(p.byte()));
            error(file, line, "", "", format!("malformed CSV row: {e}"))
        })?;
        let line = record.position().map_or(0, |p| lines.line_of(p.byte()));
        rows.push(Row {
            file,
            line,
            headers,
            record,
        });
    }
    Ok(rows)
}

impl Row<'_> {
    /// The line number of the row in its file (the header is line 1).
    pub(crate) fn line(&self) -> u64 {
        self.line
    }

    /// A [`DataError`] about `column` with `value`.
    pub(crate) fn error(&self, column: &str, value: &str, problem: impl Display) -> DataError {
        error(self.file, self.line, column, value, problem)
    }

    /// The trimmed text in `column`.
    pub(crate) fn text(&self, column: &str) -> Result<&str, DataError> {
        self.headers
            .iter()
            .position(|h| *h == column)
            .and_then(|i| self.record.get(i))
            .map(str::trim)
            .ok_or_else(|| self.error(column, "", "column is missing"))
    }

    /// `column` parsed as `T`; an empty cell is an error.
    pub(crate) fn parse<T: FromStr>(&self, column: &str) -> Result<T, DataError>
    where
        T::Err: Display,
    {
        let text = self.text(column)?;
        if text.is_empty() {
            return Err(self.error(column, text, "is empty"));
        }
        text.parse().map_err(|e| self.error(column, text, e))
    }

    /// `column` parsed as `T`, or `None` when the cell is empty.
    pub(crate) fn optional<T: FromStr>(&self, column: &str) -> Result<Option<T>, DataError>
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_line_column_and_value() {
        let rows = read("t.csv", "a,b\n1,x\n2,\n", &["a", "b"]).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].parse::<u32>("a").unwrap(), 1);
        let e = rows[0].parse::<u32>("b").unwrap_err();
        assert_eq!((e.line, e.column.as_str(), e.value.as_str()), (2, "b", "x"));
        assert_eq!(rows[1].optional::<u32>("b").unwrap(), None);
        assert_eq!(rows[1].parse::<u32>("b").unwrap_err().line, 3);
        assert!(read("t.csv", "a,c\n", &["a", "b"]).is_err());
        let e = read("t.csv", "a,b\n1,2,3\n", &["a", "b"]).err().unwrap();
        assert_eq!(e.line, 2);
    }
}
