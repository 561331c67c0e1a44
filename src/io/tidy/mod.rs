//! Plans as a tidy (long) CSV: one row per thing, and one row per line ×
//! contributor × year × funding for the money, the shape a spreadsheet
//! export gives. [`read_plan_tidy`] reads it, [`write_plan_tidy`] writes it.
//!
//! The header is exactly
//!
//! ```text
//! record,id,name,kind,programme,contributor,year,funding,amount
//! ```
//!
//! and each row's `record` says what it is and which columns it uses; the
//! other columns must be blank:
//!
//! | record | columns used | |
//! |---|---|---|
//! | `plan` | `name`, `kind` | exactly one; `kind` is the input precision, `Thousands:1` (unit `Pounds`, `Thousands` or `Millions`, and decimals), or blank |
//! | `year` | `year` | one per financial year, `2017/18` |
//! | `contributor` | `id`, `name`, `kind` | kind `Ccg`, `Icb`, `CountyCouncil`, `DistrictCouncil`, `UnitaryCouncil`, `Other` |
//! | `source` | `id`, `name`, `kind` | kind `NhsMinimum`, `NhsAdditional`, `Dfg`, `IbcfSpringBudget2017`, `IbcfSpendingReview2015`, `WinterPressures`, `AdditionalLa`, `DischargeFund` or `Custom:<name>` |
//! | `group` | `id`, `name` | a group of sources funding lines jointly |
//! | `member` | `id`, `funding` | the group `id` has the source `funding` as a member |
//! | `allocation` | `contributor`, `year`, `funding`, `amount` | income of source `funding` |
//! | `programme` | `id`, `name` | |
//! | `line` | `id`, `name`, `programme`, `contributor`, `year`, `funding`, `amount` | a scheme line and one of its amounts; rows with the same `id` are the same line and must repeat its name and programme |
//! | `attribute` | `id`, `kind`, `name` | an attribute of scheme line `id`: `kind` is `scheme_type`, `area_of_spend`, `provider`, `ibcf_code`, `subgroup` (free text in `name`), `commissioner` (`LocalAuthority`, `Nhs`, `Joint:<nhs %>:<la %>`), `new_or_existing` (`New`, `Existing`) or `flag` (`NhsProtected`, `MaintainsSocialCare`, `NhsCommissionedOutOfHospital`, `NonRecurrent`, `Other:<name>`) |
//! | `contingency` | `id`, `name`, `kind`, `contributor`, `year`, `funding`, `amount` | as `line`; kind `Contingency`, `RiskPool`, `CostImprovementTarget` or `Other:<name>` |
//!
//! **Amounts are in pounds**: `1367300`, `1,367,300.00`, `£1,367,300`,
//! `-840600` and `(840,600)` are all read exactly; anything else (`1e30`,
//! `1,36.7`, `3.3m`, more than 28 significant digits) is an error.
//!
//! **Blank means zero in one place only**: a blank `amount` on an
//! `allocation`, `line` or `contingency` row whose `contributor`, `year` and
//! `funding` are given. A `line` or `contingency` row with `contributor`,
//! `year`, `funding` and `amount` all blank declares the line with no amount
//! on that row. Every other required cell must be filled. Rows whose cells
//! are all blank are skipped.
//!
//! Ids and names are taken exactly as written (no trimming); record names,
//! kinds, years and amounts may have spaces around them. The file may start
//! with a UTF-8 byte-order mark and use CRLF line ends; line numbers in
//! errors count physical lines either way.
//!
//! ```
//! use bcf_model::io::tidy::read_plan_tidy;
//!
//! let csv = "\
//! record,id,name,kind,programme,contributor,year,funding,amount
//! plan,,My BCF,Pounds:0,,,,,
//! year,,,,,,2017/18,,
//! contributor,ccg,Example CCG,Ccg,,,,,
//! source,min,NHS minimum,NhsMinimum,,,,,
//! allocation,,,,,ccg,2017/18,min,\"£4,132,000\"
//! programme,BCF2,Home First,,,,,,
//! line,reablement,Reablement,,BCF2,ccg,2017/18,min,\"4,000,000\"
//! contingency,risk,Risk pool,RiskPool,,ccg,2017/18,min,132000
//! ";
//! let plan = read_plan_tidy("plan.csv", csv)?;
//! assert_eq!(plan.lines().len(), 1);
//!
//! let bad = csv.replace("\"4,000,000\"", "4e6");
//! let err = read_plan_tidy("plan.csv", &bad).unwrap_err();
//! assert_eq!(err.to_string(),
//!     "plan.csv:line 8, column amount, value \"4e6\": unexpected character 'e' at position 1; \
//!      expected an amount in pounds such as 1367300, £1,367,300.00 or (840.6)");
//! # Ok::<(), bcf_model::io::LoadErrors>(())
//! ```

mod fast;
pub(crate) use fast::{read_stream, Streamed};
mod keywords;

pub(crate) use keywords::source_kind;
mod read;
mod row;
mod write;

pub use write::write_plan_tidy;

use super::{csv_error, LineCounter, LoadError, LoadErrorKind, LoadErrors};
use crate::plan::Plan;
use read::{check_header, Reading};

/// The columns of a tidy plan file, in order. Files written before the
/// `precision` column existed (the first nine columns only) are read too.
pub const HEADER: [&str; 10] = [
    "record",
    "id",
    "name",
    "kind",
    "programme",
    "contributor",
    "year",
    "funding",
    "amount",
    "precision",
];

/// The columns of a tidy plan file written before amounts had their own
/// precision.
const HEADER_WITHOUT_PRECISION: usize = 9;

const ID: usize = 1;
const NAME: usize = 2;
const KIND: usize = 3;
const PROGRAMME: usize = 4;
const CONTRIBUTOR: usize = 5;
const YEAR: usize = 6;
const FUNDING: usize = 7;
const AMOUNT: usize = 8;
const PRECISION: usize = 9;

/// The name of column `i`, one of the constants above.
fn column_name(i: usize) -> &'static str {
    HEADER.get(i).expect("a column index constant is within the header")
}

/// Whether `text` looks like a tidy plan file: its first field is `record`.
#[must_use]
pub(crate) fn is_tidy(text: &str) -> bool {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first_line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let first = first_line.split(',').next().unwrap_or("");
    first.trim().trim_matches('"').eq_ignore_ascii_case("record")
}

/// The columns holding free text (ids and names), which the writer guards
/// against being run as formulas.
const TEXT_COLUMNS: [usize; 5] = [ID, NAME, PROGRAMME, CONTRIBUTOR, FUNDING];

/// Text a spreadsheet would run as a formula (or that begins with the guard
/// itself) is written with a leading `'`, which reading removes.
fn guard(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r', '\'']) {
        std::borrow::Cow::Owned(format!("'{text}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// A text cell with its formula guard (a leading `'`) removed.
fn unguard(text: &str) -> &str {
    text.strip_prefix('\'').unwrap_or(text)
}

/// Reads a plan from tidy CSV text named `source` (for error messages).
///
/// Every bad cell is reported, with its line, column and value; then every
/// structural problem (duplicate ids, unknown contributors, funding or years,
/// amounts of a sign their line does not allow, an amount given twice), each
/// at the row and column it was read from. The plan is built only if there
/// are none. See the [module documentation](self) for the format.
///
/// # Errors
///
/// Every problem found, as [`LoadErrors`], in three stages, each reached only
/// if the one before found none:
///
/// - the header: one error if it is malformed CSV ([`LoadErrorKind::Syntax`])
///   or the file is empty ([`LoadErrorKind::Layout`]), else every column that
///   is missing, not the expected one or extra ([`LoadErrorKind::Layout`]);
/// - the rows: a row with a different number of fields from the header or
///   malformed CSV ([`LoadErrorKind::Syntax`]); a second `plan` row, no `plan`
///   row or no rows at all ([`LoadErrorKind::Layout`]); and each bad cell
///   ([`LoadErrorKind::Value`]): an unknown record type, a required cell left
///   blank or a cell that must be blank filled in, a year, amount, precision or
///   kind that cannot be read, a repeated line whose name or programme differs,
///   a `member` or `attribute` row naming no group or line, or a bad attribute;
/// - the plan: every rule the [`PlanBuilder`](crate::plan::PlanBuilder) finds
///   broken ([`LoadErrorKind::Plan`]), at the row and column it was read from.
pub fn read_plan_tidy(source: &str, text: &str) -> Result<Plan, LoadErrors> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match fast::read(text) {
        Some(plan) => Ok(plan),
        None => read_reference(source, text),
    }
}

/// Reads a plan from tidy CSV text the straightforward way: row by row into
/// a plan document (as in [`json`](super::json)), collecting every error with where it is, then through
/// the [`PlanBuilder`](crate::plan::PlanBuilder).
///
/// [`read_plan_tidy`] first tries a fast path that reads plainly written,
/// valid files without a string per cell, and falls back to this reader
/// for anything else, so errors are always reported by this one. Both give
/// equal plans; this one is the reference the fast path is tested against.
///
/// # Errors
///
/// Exactly those listed for [`read_plan_tidy`], whose errors all come from this
/// reader: header problems, then bad rows and cells, then broken plan rules, as
/// [`LoadErrors`].
///
/// ```
/// use bcf_model::io::tidy::{read_plan_tidy, read_plan_tidy_reference, write_plan_tidy};
///
/// let text = write_plan_tidy(&bcf_model::data::leicestershire::expenditure_plan()?.plan);
/// assert_eq!(read_plan_tidy("p.csv", &text)?, read_plan_tidy_reference("p.csv", &text)?);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg(feature = "reference")]
pub fn read_plan_tidy_reference(source: &str, text: &str) -> Result<Plan, LoadErrors> {
    read_reference(source, text)
}

/// The reference reader (see `read_plan_tidy_reference`, which the
/// `reference` feature exports).
pub(crate) fn read_reference(source: &str, text: &str) -> Result<Plan, LoadErrors> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut counter = LineCounter::new(text);
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => return Err(LoadErrors::one(csv_error(source, &e, &mut counter))),
    };
    if headers.iter().all(|h| h.trim().is_empty()) {
        return Err(LoadErrors::one(LoadError::file(
            source,
            LoadErrorKind::Layout,
            "the file is empty",
        )));
    }
    let width = check_header(source, &headers)?;

    let mut reading = Reading::new(source, width);
    for item in crate::io::numbered_records(source, text, &mut reader) {
        match item {
            Ok((line, record)) => reading.record(line, record.iter().collect()),
            Err(e) => reading.errors.push(e),
        }
    }
    reading.settle();
    reading.build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_the_tidy_header() {
        assert!(is_tidy("\u{feff}record,id\n"));
        assert!(!is_tidy("section,subgroup\n"));
        assert!(!is_tidy(""));
    }
}
