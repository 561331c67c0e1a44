//! A performance dashboard transcribed as CSV, one row a measure.

use crate::metrics::dashboard::{Aim, DashboardFigure, DashboardRow};
use crate::metrics::Rag;

use super::{LoadError, LoadErrors};

/// The columns of a dashboard file, in order.
const COLUMNS: [&str; 12] = [
    "line",
    "section",
    "measure_type",
    "measure",
    "aim",
    "rag",
    "target",
    "performance",
    "last_year",
    "quartile",
    "status",
    "note",
];

/// Reads a dashboard from CSV text with the header
/// `line,section,measure_type,measure,aim,rag,target,performance,last_year,quartile,status,note`:
/// each figure as printed (`56.3%`, `146.1k`, `55-60%`, `<538 (780 Adm's)`),
/// `aim` one of `H`, `L`, `Target Band Width` or `N/A`, `rag` one of `G`, `A`,
/// `R` or `N/A` (not rated), `line` the line of the published document the
/// row was transcribed from (may be blank), `status` what is printed in
/// place of a figure.
///
/// # Errors
///
/// Every problem found, as [`LoadErrors`]: a header that cannot be read or a
/// malformed row ([`LoadErrorKind::Syntax`](super::LoadErrorKind::Syntax)); a
/// missing column ([`LoadErrorKind::Layout`](super::LoadErrorKind::Layout));
/// an unknown aim or rating, a `line` that is not a whole number, a blank
/// measure ([`LoadErrorKind::Value`](super::LoadErrorKind::Value)). A figure
/// cell is never an error: words printed in it are a figure without a value.
pub fn read_dashboard(source: &str, text: &str) -> Result<Vec<DashboardRow>, LoadErrors> {
    let (mut reader, headers) = super::csv_with_header(source, text)?;
    let pos = super::column_positions(source, &headers, COLUMNS)?;
    let [p_line, p_section, p_type, p_measure, p_aim, p_rag, p_target, p_perf, p_last, p_quartile, p_status, _] = pos;
    let mut errors = Vec::new();
    let mut rows = Vec::new();
    for item in super::numbered_records(source, text, &mut reader) {
        let Some((line, record)) = super::kept(item, &mut errors) else {
            continue;
        };
        let cell = |i: usize| super::field(&record, i).trim();
        let bad = |column: &str, value: &str, problem: String| LoadError::cell(source, line, column, value, problem);
        let figure = |i: usize, column: &str| cell(i).parse::<DashboardFigure>().map_err(|e| bad(column, cell(i), e));
        let row = (|| {
            let document_line = match cell(p_line) {
                "" => None,
                t => Some(
                    t.parse::<u64>()
                        .map_err(|_| bad("line", t, "not a line number".to_string()))?,
                ),
            };
            let aim = cell(p_aim).parse::<Aim>().map_err(|e| bad("aim", cell(p_aim), e))?;
            let printed_rag = match cell(p_rag) {
                "" | "N/A" => None,
                t => Some(t.parse::<Rag>().map_err(|e| bad("rag", t, e))?),
            };
            if cell(p_measure).is_empty() {
                return Err(bad("measure", "", "a row needs a measure".to_string()));
            }
            Ok(DashboardRow {
                line,
                document_line,
                section: cell(p_section).to_string(),
                measure_type: cell(p_type).to_string(),
                measure: cell(p_measure).to_string(),
                aim,
                printed_rag,
                target: figure(p_target, "target")?,
                performance: figure(p_perf, "performance")?,
                last_year: figure(p_last, "last_year")?,
                quartile: cell(p_quartile).to_string(),
                status: cell(p_status).to_string(),
            })
        })();
        match row {
            Ok(r) => rows.push(r),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(LoadErrors::new(errors))
    }
}
