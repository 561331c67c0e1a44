//! Reading plans and published tables from files.
//!
//! Every reader reports **every** bad cell it finds as a [`LoadError`] naming
//! the file, the line, the column and the value, collected in [`LoadErrors`].
//!
//! Plan files come in three forms, and [`load_plan`] picks the reader by the
//! file's extension and header:
//!
//! - `.json`: a plan document (its schema in [`json`]), read by
//!   [`json::read_plan_json`];
//! - `.csv` whose header starts with `record`: the tidy long layout of
//!   [`tidy`], read by [`tidy::read_plan_tidy`];
//! - any other `.csv`: the published wide expenditure-plan layout of
//!   [`published`], read with the default (Leicestershire) layout.
//!
//! ```
//! use bcf_model::io::{load_plan, plan_from_bytes};
//!
//! let err = plan_from_bytes("plan.csv", b"record,id,name\n").unwrap_err();
//! assert_eq!(err[0].line, Some(1));
//! assert_eq!(err[0].column.as_deref(), Some("kind"));
//!
//! let err = load_plan(std::path::Path::new("no/such/plan.json")).unwrap_err();
//! assert!(err[0].problem.starts_with("cannot read"));
//! ```

mod area;
mod calendar;
mod dashboard;
mod dfg;
mod dtoc;
pub mod json;
mod ledger;
mod metric_definitions;
mod metrics;
mod policy;
mod printed;
pub mod published;
mod resolve;
mod returns;
mod risk;
pub(crate) mod table;
pub mod tidy;
#[cfg(feature = "xlsx")]
pub mod xlsx;

pub use area::read_area_inputs;
pub use calendar::read_policy_calendar;
pub use dashboard::read_dashboard;
pub use dfg::read_dfg_allocations;
pub use dtoc::{read_published_actuals, read_published_trajectory};
pub use ledger::{read_ledger_actuals, CostCentres};
pub use metric_definitions::read_metric_definitions;
pub use metrics::{read_published_metrics, read_published_trajectories};
pub use policy::{read_out_of_hospital, read_policy_parameters, write_policy_parameters};
pub use printed::read_printed_rows;
pub use returns::{
    write_reconciliation_csv, write_reconciliation_json, write_return_csv, write_return_json, write_year_end_csv,
    write_year_end_json, RETURN_COLUMNS, YEAR_END_COLUMNS,
};
pub use risk::read_risk_register;

use std::fmt;
use std::path::Path;

use crate::plan::Plan;
use crate::text::escape;

/// Reads a plan file: JSON or CSV by extension (see the [module
/// documentation](self)). Every problem is returned, each naming the file,
/// line, column and value where it can. Only a regular file of at most
/// [`LoadOptions::DEFAULT_MAX_BYTES`] is read; see [`load_plan_with`].
///
/// # Errors
///
/// Those of [`load_plan_with`] with the default [`LoadOptions`]: in particular,
/// a CSV file not in the tidy layout is refused ([`LoadErrorKind::Layout`]), as
/// no published layout is given.
pub fn load_plan(path: &Path) -> Result<Plan, LoadErrors> {
    load_plan_with(path, &LoadOptions::default())
}

/// Like [`load_plan`], with limits of your own.
///
/// # Errors
///
/// A file that cannot be read is one [`LoadErrorKind::Unreadable`] error
/// (missing, not a regular file, over `options.max_bytes`, or an I/O failure;
/// see [`read_file`]). Otherwise the errors of [`plan_from_bytes_with`] for the
/// file's bytes: an extension other than `.json` or `.csv` or a non-tidy CSV
/// with no `options.layout` ([`LoadErrorKind::Layout`]), bytes that are not
/// UTF-8 ([`LoadErrorKind::Encoding`]), or every problem the chosen reader
/// finds.
///
/// ```
/// use bcf_model::io::{load_plan_with, LoadOptions};
///
/// let err = load_plan_with(std::path::Path::new("/dev/zero"), &LoadOptions::default()).unwrap_err();
/// # #[cfg(unix)]
/// assert!(err[0].problem.contains("not a regular file"), "{err}");
/// ```
pub fn load_plan_with(path: &Path, options: &LoadOptions) -> Result<Plan, LoadErrors> {
    let name = path.display().to_string();
    // A tidy CSV is read a piece at a time, never whole, when it is plainly
    // written and valid; anything else is read whole and by the careful
    // reader, which reports every error.
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")) {
        let (file, size) = open_file(path, options)?;
        match tidy::read_stream(file, size, options.max_bytes) {
            Ok(tidy::Streamed::Plan(plan)) => return Ok(*plan),
            Ok(tidy::Streamed::TooBig) => return Err(too_big(&name, options, "more than that")),
            Ok(tidy::Streamed::Declined) => {}
            Err(e) => return Err(LoadErrors::one(LoadError::io(&name, &e))),
        }
    }
    let bytes = read_file(path, options)?;
    plan_from_bytes_with(&name, &bytes, options)
}

/// Limits on what the file readers take, and the layout of a published
/// (wide) CSV plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadOptions {
    /// The largest file read, in bytes; a larger one is refused before it
    /// is read.
    pub max_bytes: u64,
    /// How to read a CSV that is not in the tidy layout: a published
    /// expenditure plan's columns, unit and funding rules. `None` (the
    /// default): such a file is refused, since no layout can be guessed.
    /// `bcf_model::data::leicestershire::expenditure_plan_layout()` is the
    /// layout of the embedded Leicestershire plan.
    pub layout: Option<published::ExpenditurePlanLayout>,
    /// The sheet of a workbook (`.xlsx`, `.xls`, `.ods`; feature `xlsx`) to
    /// read the plan from; `None` (the default): the sheet called `Plan`,
    /// else the first.
    pub sheet: Option<String>,
}

impl LoadOptions {
    /// 1 GiB: room for a national plan of a million lines as tidy CSV
    /// (about 600 MB), and a stop before a mistaken file fills memory.
    pub const DEFAULT_MAX_BYTES: u64 = 1 << 30;
}

impl Default for LoadOptions {
    fn default() -> LoadOptions {
        LoadOptions {
            max_bytes: LoadOptions::DEFAULT_MAX_BYTES,
            layout: None,
            sheet: None,
        }
    }
}

/// The bytes of the regular file at `path`, if it is no larger than the
/// limit. A directory, device, pipe or socket is refused without reading
/// it, and so is a file whose size is over the limit; a file that grows
/// past the limit while it is read (or reports no size) is refused when it
/// does.
///
/// # Errors
///
/// One [`LoadErrorKind::Unreadable`] error naming the file: it cannot be opened
/// or read (missing, no permission, an I/O failure), it is not a regular file,
/// or it is (or grows while read to) more than `options.max_bytes` bytes.
pub fn read_file(path: &Path, options: &LoadOptions) -> Result<Vec<u8>, LoadErrors> {
    use std::io::Read;
    let name = path.display().to_string();
    let (file, size) = open_file(path, options)?;
    let mut bytes = usize::try_from(size).map_or_else(|_| Vec::new(), Vec::with_capacity);
    file.take(options.max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| LoadErrors::one(LoadError::io(&name, &e)))?;
    if u64::try_from(bytes.len()).map_or(true, |n| n > options.max_bytes) {
        return Err(too_big(&name, options, "more than that"));
    }
    Ok(bytes)
}

/// The regular file at `path`, open, and its size, if that is no larger
/// than the limit (see [`read_file`]).
fn open_file(path: &Path, options: &LoadOptions) -> Result<(std::fs::File, u64), LoadErrors> {
    let name = path.display().to_string();
    let fail = |e: &std::io::Error| LoadErrors::one(LoadError::io(&name, e));
    let file = std::fs::File::open(path).map_err(|e| fail(&e))?;
    let meta = file.metadata().map_err(|e| fail(&e))?;
    if !meta.is_file() {
        let what = if meta.is_dir() {
            "a directory"
        } else {
            "a device, pipe or socket"
        };
        return Err(LoadErrors::one(LoadError::file(
            &name,
            LoadErrorKind::Unreadable,
            format!("not a regular file ({what}): expected a .json or .csv plan file"),
        )));
    }
    if meta.len() > options.max_bytes {
        return Err(too_big(&name, options, &meta.len().to_string()));
    }
    Ok((file, meta.len()))
}

/// The error for a file of `size` bytes, over the limit.
fn too_big(name: &str, options: &LoadOptions, size: &str) -> LoadErrors {
    LoadErrors::one(LoadError::file(
        name,
        LoadErrorKind::Unreadable,
        format!(
            "the file is {size} bytes, over the limit of {} (LoadOptions::max_bytes)",
            options.max_bytes
        ),
    ))
}

/// Reads a plan from the bytes of a file called `name`, choosing the reader
/// by the extension of `name` as [`load_plan`] does (a CSV not in the tidy
/// layout is refused: see [`plan_from_bytes_with`]).
///
/// # Errors
///
/// Those of [`plan_from_bytes_with`] with the default [`LoadOptions`], so a CSV
/// not in the tidy layout is always refused ([`LoadErrorKind::Layout`]).
pub fn plan_from_bytes(name: &str, bytes: &[u8]) -> Result<Plan, LoadErrors> {
    plan_from_bytes_with(name, bytes, &LoadOptions::default())
}

/// Like [`plan_from_bytes`], reading a CSV that is not in the tidy layout
/// with `options.layout`.
///
/// # Errors
///
/// A [`LoadErrors`] of one error if `name` does not end in `.json` or `.csv`
/// ([`LoadErrorKind::Layout`]), if the bytes are not UTF-8
/// ([`LoadErrorKind::Encoding`], at the line and byte of the first bad byte),
/// or if the file is a CSV not in the tidy layout and `options.layout` is
/// `None` ([`LoadErrorKind::Layout`]). Otherwise every problem found by the
/// reader chosen: [`json::read_plan_json`], [`tidy::read_plan_tidy`] or
/// [`published::read_expenditure_plan`] (see each for the kinds it reports),
/// including the plan rules the [`PlanBuilder`](crate::plan::PlanBuilder)
/// checks ([`LoadErrorKind::Plan`]).
pub fn plan_from_bytes_with(name: &str, bytes: &[u8], options: &LoadOptions) -> Result<Plan, LoadErrors> {
    let extension = Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if matches!(extension.as_str(), "xlsx" | "xls" | "ods") {
        return workbook_plan(name, bytes, options);
    }
    if extension != "json" && extension != "csv" {
        return Err(LoadErrors::one(LoadError::file(
            name,
            LoadErrorKind::Layout,
            format!("unknown kind of plan file {extension:?}: expected a .json, .csv or .xlsx file"),
        )));
    }
    let text = utf8_text(name, bytes)?;
    if extension == "json" {
        json::read_plan_json(name, text)
    } else if tidy::is_tidy(text) {
        tidy::read_plan_tidy(name, text)
    } else {
        match &options.layout {
            Some(layout) => published::read_expenditure_plan(name, text, layout).map(|p| p.plan),
            None => Err(LoadErrors::one(LoadError::file(
                name,
                LoadErrorKind::Layout,
                "a CSV plan not in the tidy layout (its first field is not `record`): \
                 reading it as a published table needs its layout (LoadOptions::layout)",
            ))),
        }
    }
}

/// A plan from a workbook's sheet (`options.sheet`, else `Plan`, else the
/// first): in the tidy layout if its first cell is `record`, else a
/// published table in `options.layout` (refused without one, as for a
/// CSV). A number cell that is not a decimal as typed is an error here (read
/// it with [`xlsx::read_plan_workbook`] to have it as a notice).
#[cfg(feature = "xlsx")]
fn workbook_plan(name: &str, bytes: &[u8], options: &LoadOptions) -> Result<Plan, LoadErrors> {
    use calamine::Reader;
    let sheets = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes))
        .map(|b| b.sheet_names())
        .map_err(|e| {
            LoadErrors::one(LoadError::file(
                name,
                LoadErrorKind::Unreadable,
                format!("not a workbook: {e}"),
            ))
        })?;
    let sheet = match &options.sheet {
        Some(s) => s.clone(),
        None if sheets.iter().any(|s| s == "Plan") => "Plan".to_string(),
        None => sheets.first().cloned().ok_or_else(|| {
            LoadErrors::one(LoadError::file(
                name,
                LoadErrorKind::Layout,
                "the workbook has no sheets",
            ))
        })?,
    };
    xlsx::read_any(name, bytes, &sheet, options.layout.as_ref())
}

/// Without the `xlsx` feature a workbook is refused, saying how to read it.
#[cfg(not(feature = "xlsx"))]
fn workbook_plan(name: &str, _bytes: &[u8], _options: &LoadOptions) -> Result<Plan, LoadErrors> {
    Err(LoadErrors::one(LoadError::file(
        name,
        LoadErrorKind::Layout,
        "a workbook: build bcf-model with the `xlsx` feature to read it, or save the sheet as CSV",
    )))
}

/// The bytes as UTF-8 text, or an error naming the line and byte of the first
/// invalid byte.
pub(crate) fn utf8_text<'b>(name: &str, bytes: &'b [u8]) -> Result<&'b str, LoadErrors> {
    std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        let before = bytes.get(..at).unwrap_or_default();
        let line = line_breaks(before, false).0.saturating_add(1);
        let line_start = before
            .iter()
            .rposition(|b| *b == b'\n' || *b == b'\r')
            .map_or(0, |i| i.saturating_add(1));

        LoadErrors::one(LoadError {
            cell: None,
            file: name.to_string(),
            line: Some(line),
            column: Some(format!("byte {}", at.saturating_sub(line_start).saturating_add(1))),
            value: bytes.get(at).map(|byte| format!("0x{byte:02X}")),
            kind: LoadErrorKind::Encoding,
            problem: "not UTF-8 text: save the file as UTF-8 (a binary file, or another encoding?)".to_string(),
        })
    })
}

/// One problem found while reading a file: where it is and what is wrong.
///
/// Its message is one line whatever the file holds: the value is quoted,
/// and control characters anywhere in it are escaped, so a cell holding a
/// line end cannot forge a second line of output.
///
/// ```
/// use bcf_model::io::{tidy::read_plan_tidy, LoadErrorKind};
/// let text = "record,id,name,kind,programme,contributor,year,funding,amount\n\
///             plan,,A plan,,,,,,\n\
///             year,,,,,,\"2017/18\nerror: fake\",,\n";
/// let e = &read_plan_tidy("p.csv", text).unwrap_err()[0];
/// assert_eq!(e.kind, LoadErrorKind::Value);
/// assert!(e.to_string().starts_with("p.csv:line 3, column year, value \"2017/18\\nerror: fake\": "));
/// assert_eq!(e.to_string().lines().count(), 1);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct LoadError {
    /// The file (or source name).
    pub file: String,
    /// The spreadsheet cell, as `Sheet!B12`, for a problem in a workbook
    /// (then `line` and `column` are not used).
    pub cell: Option<String>,
    /// The 1-based line number, if the problem is on a line.
    pub line: Option<u64>,
    /// The column name, if the problem is in a cell.
    pub column: Option<String>,
    /// The value found, if any.
    pub value: Option<String>,
    /// What kind of mistake it is, for a program to act on (the
    /// [`problem`](Self::problem) says it in words).
    pub kind: LoadErrorKind,
    /// What is wrong and what was expected.
    pub problem: String,
}

/// What kind of mistake a [`LoadError`] reports.
///
/// The kinds follow the stages of reading a file: the bytes, the syntax of
/// the format, its layout (columns, fields, format tag), each value, and
/// then the rules of what was read. A plan's rules are checked in one place,
/// the [`PlanBuilder`](crate::plan::PlanBuilder), whichever format the plan
/// came in, so the same mistake in a JSON file, a tidy CSV and a published
/// CSV is the same [`LoadErrorKind::Plan`] problem, each at its own place.
///
/// ```
/// use bcf_model::io::{json::read_plan_json, tidy::read_plan_tidy, LoadErrorKind};
/// use bcf_model::plan::PlanProblem;
///
/// let json = r#"{"format": "bcf-model/plan@1", "name": "No years", "years": [],
///   "contributors": [], "sources": [], "allocations": [], "programmes": [], "lines": []}"#;
/// let tidy = "record,id,name,kind,programme,contributor,year,funding,amount\n\
///             plan,,No years,Pounds:2,,,,,\n";
/// let from_json = read_plan_json("plan.json", json).unwrap_err();
/// let from_tidy = read_plan_tidy("plan.csv", tidy).unwrap_err();
/// assert_eq!(from_json[0].kind, LoadErrorKind::Plan(PlanProblem::NoYears));
/// assert_eq!(from_json[0].kind, from_tidy[0].kind);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LoadErrorKind {
    /// The file cannot be read: missing, not a regular file, over the size
    /// limit, or an I/O failure.
    Unreadable,
    /// The bytes are not UTF-8 text.
    Encoding,
    /// The text is not well formed in its format: malformed CSV (a row of
    /// the wrong width, a stray quote) or invalid or truncated JSON.
    Syntax,
    /// The file is not laid out as its format requires: empty, a column or
    /// field missing, unknown or repeated, the wrong format tag, a kind of
    /// file the reader does not know, or a wide table with no layout given.
    Layout,
    /// A value that cannot be read as what its place holds: not an amount,
    /// a year, a date, a precision or a known keyword.
    Value,
    /// The plan read breaks a rule of plans, as the
    /// [`PlanBuilder`](crate::plan::PlanBuilder) checks it.
    Plan(crate::plan::PlanProblem),
    /// The figures read break a rule of their dataset: DFG allocations,
    /// policy parameters, metric, DTOC or risk tables.
    Dataset,
    /// A value could not be written.
    Write,
}

impl fmt::Display for LoadError {
    /// `file:line 12, column amount, value "x": problem`, or for a
    /// workbook `book.xlsx:Plan!I12, value "x": problem`; control
    /// characters escaped, so it is one line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.cell {
            Some(cell) => write!(
                f,
                "{}:{}{}: {}",
                escape(&self.file),
                escape(cell),
                cell_text(&None, &self.value),
                escape(&self.problem)
            ),
            None => write!(
                f,
                "{}:{}{}: {}",
                escape(&self.file),
                line_text(self.line),
                cell_text(&self.column, &self.value),
                escape(&self.problem)
            ),
        }
    }
}

impl std::error::Error for LoadError {}

fn line_text(line: Option<u64>) -> String {
    line.map(|l| format!("line {l}")).unwrap_or_else(|| "file".to_string())
}

fn cell_text(column: &Option<String>, value: &Option<String>) -> String {
    match (column, value) {
        (Some(c), Some(v)) => format!(", column {}, value {v:?}", escape(c)),
        (Some(c), None) => format!(", column {}", escape(c)),
        (None, Some(v)) => format!(", value {v:?}"),
        (None, None) => String::new(),
    }
}

impl LoadError {
    /// A value in one cell that cannot be read ([`LoadErrorKind::Value`]).
    #[must_use]
    pub(crate) fn cell(file: &str, line: u64, column: &str, value: &str, problem: String) -> LoadError {
        LoadError {
            cell: None,
            file: file.to_string(),
            line: Some(line),
            column: Some(column.to_string()),
            value: Some(truncate(value)),
            kind: LoadErrorKind::Value,
            problem,
        }
    }

    /// A problem with a column of the header, on line 1
    /// ([`LoadErrorKind::Layout`]).
    pub(crate) fn header(file: &str, column: &str, problem: impl Into<String>) -> LoadError {
        LoadError {
            cell: None,
            file: file.to_string(),
            line: Some(1),
            column: Some(column.to_string()),
            value: None,
            kind: LoadErrorKind::Layout,
            problem: problem.into(),
        }
    }

    /// A problem of kind `kind` with the file as a whole.
    pub(crate) fn file(file: &str, kind: LoadErrorKind, problem: impl Into<String>) -> LoadError {
        LoadError {
            cell: None,
            file: file.to_string(),
            line: None,
            column: None,
            value: None,
            kind,
            problem: problem.into(),
        }
    }

    /// A file that could not be read ([`LoadErrorKind::Unreadable`]).
    #[must_use]
    pub(crate) fn io(file: &str, e: &std::io::Error) -> LoadError {
        LoadError::file(file, LoadErrorKind::Unreadable, format!("cannot read: {e}"))
    }

    /// The same error, of kind `kind`.
    #[must_use]
    pub(crate) fn with_kind(mut self, kind: LoadErrorKind) -> LoadError {
        self.kind = kind;
        self
    }

    /// A plan rule broken, found by the plan builder, at the place a reader
    /// read it from.
    pub(crate) fn plan(file: &str, line: Option<u64>, column: Option<String>, e: &crate::plan::PlanError) -> LoadError {
        LoadError {
            cell: None,
            file: file.to_string(),
            line,
            column,
            value: Some(truncate(&e.value)),
            kind: LoadErrorKind::Plan(e.problem.clone()),
            problem: e.problem.to_string(),
        }
    }

    /// A CSV syntax error.
    pub(crate) fn csv(file: &str, e: &csv::Error) -> LoadError {
        let line = e.position().map(|p| p.line());
        let (kind, problem) = match e.kind() {
            csv::ErrorKind::Utf8 { err, .. } => (
                LoadErrorKind::Encoding,
                format!("not UTF-8 text (field {})", err.field() + 1),
            ),
            csv::ErrorKind::UnequalLengths { expected_len, len, .. } => (
                LoadErrorKind::Syntax,
                format!("{len} fields where the header has {expected_len}"),
            ),
            _ => (LoadErrorKind::Syntax, format!("malformed CSV: {e}")),
        };
        LoadError {
            cell: None,
            file: file.to_string(),
            line,
            column: None,
            value: None,
            kind,
            problem,
        }
    }
}

/// How many line ends `bytes` holds, and whether it ends in a `\r` (whose
/// `\n`, if the next byte is one, belongs to the same line end). A line end
/// is `\n`, `\r\n` or a lone `\r`, so LF, CRLF and CR-only files agree;
/// `after_cr` says the byte before `bytes` was a `\r`.
pub(crate) fn line_breaks(bytes: &[u8], mut after_cr: bool) -> (u64, bool) {
    let mut n: u64 = 0;
    for b in bytes {
        match b {
            b'\n' if after_cr => after_cr = false,
            b'\n' => n = n.saturating_add(1),
            b'\r' => {
                n = n.saturating_add(1);
                after_cr = true;
            }
            _ => after_cr = false,
        }
    }
    (n, after_cr)
}

/// File line numbers from byte offsets, for offsets that only increase. A
/// line end is `\n`, `\r\n` or a lone `\r` (see [`line_breaks`]).
pub(crate) struct LineCounter<'a> {
    text: &'a [u8],
    offset: usize,
    line: u64,
    after_cr: bool,
}

impl<'a> LineCounter<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        LineCounter {
            text: text.as_bytes(),
            offset: 0,
            line: 1,
            after_cr: false,
        }
    }

    /// The 1-based line of the record the csv crate says starts at
    /// `offset`: the line of the first byte there that is no line break.
    /// The csv crate gives a record the position where its reading began,
    /// which is the `\n` of the CRLF ending the line before it, and before
    /// any blank lines it skips.
    pub(crate) fn line_of(&mut self, offset: u64) -> u64 {
        let end = self.text.len();
        let start = usize::try_from(offset).map_or(end, |o| o.min(end));
        let first = self
            .text
            .get(start..)
            .and_then(|rest| rest.iter().position(|b| *b != b'\r' && *b != b'\n'))
            .and_then(|i| start.checked_add(i))
            .map_or(end, |f| f.min(end));
        if first < self.offset {
            self.offset = 0;
            self.line = 1;
            self.after_cr = false;
        }
        let (breaks, after_cr) = line_breaks(
            self.text.get(self.offset..first).expect(
                "the counter's offset is at most `first` (else reset to 0), and `first` at most the text's end",
            ),
            self.after_cr,
        );
        self.line = self.line.saturating_add(breaks);
        self.after_cr = after_cr;
        self.offset = first;
        self.line
    }
}

/// A CSV syntax error, on the physical line of the file where it is (the
/// csv crate's own line numbers lag by one in CRLF files).
pub(crate) fn csv_error(source: &str, e: &csv::Error, counter: &mut LineCounter<'_>) -> LoadError {
    let mut err = LoadError::csv(source, e);
    if let Some(p) = e.position() {
        err.line = Some(counter.line_of(p.byte()));
    }
    err
}

/// A CSV reader over `text` and its header row (a header that cannot be
/// read is the one error).
pub(crate) fn csv_with_header<'t>(
    source: &str,
    text: &'t str,
) -> Result<(csv::Reader<&'t [u8]>, csv::StringRecord), LoadErrors> {
    let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| LoadErrors::one(LoadError::csv(source, &e)))?
        .clone();
    Ok((reader, headers))
}

/// Where each of `names` is in `headers` (compared after trimming), or one
/// [`LoadErrorKind::Layout`] error on line 1 for each that is missing.
pub(crate) fn column_positions<const N: usize>(
    source: &str,
    headers: &csv::StringRecord,
    names: [&str; N],
) -> Result<[usize; N], LoadErrors> {
    let mut positions = [0usize; N];
    let mut errors = Vec::new();
    for (slot, name) in positions.iter_mut().zip(names) {
        match headers.iter().position(|h| h.trim() == name) {
            Some(i) => *slot = i,
            None => errors.push(LoadError::header(
                source,
                name,
                format!("missing column; the header must have {}", names.join(",")),
            )),
        }
    }
    if errors.is_empty() {
        Ok(positions)
    } else {
        Err(LoadErrors::new(errors))
    }
}

/// Field `i` of a record whose length was checked against the header:
/// by the CSV reader (every reader but the published and tidy ones is not
/// `flexible`, so a record of another length is a syntax error, never a
/// record), or by the caller before asking.
pub(crate) fn field(record: &csv::StringRecord, i: usize) -> &str {
    record
        .get(i)
        .expect("a record has the header's fields, and i is a header position")
}

/// The records of a CSV `reader` over `text`, each with its physical line
/// number, or its syntax error as a [`LoadError`] on its physical line. Every
/// CSV reader of the crate goes through this, so line numbers agree in LF and
/// CRLF files alike.
pub(crate) fn numbered_records<'r, R: std::io::Read + 'r>(
    source: &'r str,
    text: &'r str,
    reader: &'r mut csv::Reader<R>,
) -> impl Iterator<Item = Result<(u64, csv::StringRecord), LoadError>> + 'r {
    let mut lines = LineCounter::new(text);
    reader.records().map(move |result| match result {
        Ok(record) => {
            let line = record.position().map_or(0, |p| lines.line_of(p.byte()));
            Ok((line, record))
        }
        Err(e) => Err(csv_error(source, &e, &mut lines)),
    })
}

/// A numbered record, or `None` with its error kept in `errors`: the
/// readers' loops go on to the next record.
pub(crate) fn kept<T>(item: Result<T, LoadError>, errors: &mut Vec<LoadError>) -> Option<T> {
    item.map_err(|e| errors.push(e)).ok()
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
///
/// ```
/// use bcf_model::io::tidy::read_plan_tidy;
///
/// let text = "record,id,name,kind,programme,contributor,year,funding,amount\n\
///             plan,,Two mistakes,Thousands:1,,,,,\n\
///             year,,,,,,2017/18,,\n\
///             contributor,ccg,A CCG,Ccg,,,,,\n\
///             source,min,NHS minimum,NhsMinimum,,,,,\n\
///             allocation,,,,,ccg,2017/18,min,100.0\n\
///             programme,P,Prevention,,,,,,\n\
///             line,a,Falls,,P,ccg,2017/18,min,6O.0\n\
///             line,b,Telecare,,P,ccg,2071/18,min,40.0\n";
/// let errors = read_plan_tidy("plan.csv", text).unwrap_err();
/// // Both are found, each with its file, line, column and value.
/// assert_eq!(errors.len(), 2);
/// assert_eq!((errors[0].line, errors[0].column.as_deref()), (Some(8), Some("amount")));
/// assert_eq!(errors[0].value.as_deref(), Some("6O.0"));
/// assert_eq!(errors[1].line, Some(9));
/// assert!(errors[0].to_string().starts_with("plan.csv:line 8, column amount"));
/// ```
///
/// It holds at least one error, in the order found; it reads as a slice
/// (`errors[0]`, `errors.len()`, `errors.iter()`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadErrors(Vec<LoadError>);

impl LoadErrors {
    /// A single problem.
    #[must_use]
    pub(crate) fn one(e: LoadError) -> LoadErrors {
        LoadErrors(vec![e])
    }

    /// The problems found, for a reader that found at least one.
    pub(crate) fn new(errors: Vec<LoadError>) -> LoadErrors {
        debug_assert!(!errors.is_empty(), "LoadErrors holds at least one error");
        LoadErrors(errors)
    }

    /// The problems, in the order found.
    #[must_use]
    pub fn into_vec(self) -> Vec<LoadError> {
        self.0
    }
}

impl From<LoadError> for LoadErrors {
    fn from(e: LoadError) -> LoadErrors {
        LoadErrors::one(e)
    }
}

impl std::ops::Deref for LoadErrors {
    type Target = [LoadError];

    fn deref(&self) -> &[LoadError] {
        &self.0
    }
}

impl<'a> IntoIterator for &'a LoadErrors {
    type Item = &'a LoadError;
    type IntoIter = std::slice::Iter<'a, LoadError>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
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

#[cfg(test)]
mod tests {
    /// Asked for an earlier offset, the counter counts again from the start.
    #[test]
    fn an_earlier_offset_counts_from_the_start() {
        let mut lines = super::LineCounter::new("a\nb\r\nc\rd\n\ne");
        assert_eq!(lines.line_of(9), 6);
        assert_eq!(lines.line_of(2), 2);
        assert_eq!(lines.line_of(0), 1);
        assert_eq!(lines.line_of(5), 3);
        assert_eq!(lines.line_of(u64::MAX), 6);
    }

    /// Records on their physical lines, as an editor numbers them, in LF and
    /// CRLF files, after blank lines too (the csv crate positions a record
    /// before the blank lines it skips, and on the `\n` of a CRLF).
    #[test]
    fn records_are_numbered_on_their_physical_lines() {
        for (text, lines) in [
            ("h,a\nx,y\n", vec![2]),
            ("h,a\r\nx,y\r\n", vec![2]),
            ("h,a\n\nx,y", vec![3]),
            ("h,a\r\n\r\nx,y", vec![3]),
            ("h,a\r\nx,y\r\n\r\nz,w\r\n", vec![2, 4]),
            ("h,a\rx,y\r\rz,w", vec![2, 4]),
        ] {
            let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
            let got: Vec<u64> = super::numbered_records("t.csv", text, &mut reader)
                .map(|r| r.expect("plain records read").0)
                .collect();
            assert_eq!(got, lines, "{text:?}");
        }
    }
}
