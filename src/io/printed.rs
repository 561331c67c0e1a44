//! A printed table of figures as a CSV: label columns and figure columns,
//! each figure read with the precision it is written to.

use crate::footing::PrintedRow;
use crate::money::{Money, Unit};

use super::table;
use super::LoadErrors;

/// Reads a CSV whose header is exactly `headers`, of which `figures` are
/// figure columns printed in `unit` (a blank cell is blank; each figure
/// keeps the precision it is written to: `6837` is to £1,000 in £'000) and
/// the others are labels, kept as written (trimmed), in header order.
///
/// ```
/// use bcf_model::io::read_printed_rows;
/// use bcf_model::money::{Precision, Unit};
///
/// let rows = read_printed_rows("t.csv", "name,a,b\nx,6837,\n", &["name", "a", "b"], &["a", "b"], Unit::Thousands)?;
/// assert_eq!(rows[0].labels, vec!["x".to_string()]);
/// assert_eq!(rows[0].figures[0].map(|f| f.precision), Some(Precision::THOUSANDS));
/// assert_eq!(rows[0].figures[1], None);
/// # Ok::<(), bcf_model::io::LoadErrors>(())
/// ```
///
/// # Errors
///
/// As a [`LoadErrors`]: a header that cannot be read or a malformed row
/// ([`LoadErrorKind::Syntax`](crate::io::LoadErrorKind::Syntax)) or a header
/// other than `headers`
/// ([`LoadErrorKind::Layout`](crate::io::LoadErrorKind::Layout)), as the one
/// error; otherwise the first figure of every bad row that cannot be read
/// as money ([`LoadErrorKind::Value`](crate::io::LoadErrorKind::Value)).
pub fn read_printed_rows(
    file: &str,
    text: &str,
    headers: &[&str],
    figures: &[&str],
    unit: Unit,
) -> Result<Vec<PrintedRow>, LoadErrors> {
    let rows = table::read(file, text, headers)?;
    table::every_row(rows.iter().map(|row| {
        let mut labels = Vec::new();
        for h in headers.iter().filter(|h| !figures.contains(h)) {
            labels.push(row.text(h)?.to_string());
        }
        let mut values = Vec::with_capacity(figures.len());
        for column in figures {
            let t = row.text(column)?;
            values.push(if t.is_empty() {
                None
            } else {
                Some(Money::parse_printed(t, unit).map_err(|e| row.error(column, t, e))?)
            });
        }
        Ok(PrintedRow {
            line: row.line(),
            labels,
            figures: values,
        })
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_figure_is_located() {
        let e = read_printed_rows("t.csv", "n,a\nx,1\ny,1.2.3\n", &["n", "a"], &["a"], Unit::Thousands).unwrap_err();
        assert_eq!(
            (e[0].line, e[0].column.as_deref(), e[0].value.as_deref()),
            (Some(3), Some("a"), Some("1.2.3"))
        );
    }
}
