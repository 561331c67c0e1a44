//! Reading a plan, or a published table, from a sheet of a workbook.

use std::io::Cursor;

use calamine::{open_workbook_auto_from_rs, Data, Range, Reader};

use super::{cell_ref, column_letters, number_decimal};
use crate::io::published::{read_expenditure_plan, ExpenditurePlanLayout, PublishedPlan};
use crate::io::tidy::read_plan_tidy;
use crate::io::{LoadError, LoadErrorKind, LoadErrors};
use crate::plan::Plan;

/// A plan read from a workbook, with what was read other than as typed.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct WorkbookPlan {
    /// The plan.
    pub plan: Plan,
    /// Number cells whose binary value is not a decimal as typed (the result
    /// of arithmetic, such as `0.1 + 0.2`): each was read as the sheet shows
    /// it, to 15 significant digits, and is listed here with its cell.
    pub notices: Vec<LoadError>,
}

/// Reads the plan in the tidy layout (as [`read_plan_tidy`] reads a CSV)
/// from the sheet called `sheet` of the workbook `bytes` (`.xlsx`, `.xls` or
/// `.ods`), `source` naming it in messages.
///
/// # Errors
///
/// Every problem found, as [`LoadErrors`], each located as
/// `source:Sheet!B12` with its value: a workbook that cannot be opened or
/// has no such sheet ([`LoadErrorKind::Unreadable`], [`LoadErrorKind::Layout`]);
/// a cell holding a spreadsheet error (`#DIV/0!`) or a date
/// ([`LoadErrorKind::Value`]); and every error of [`read_plan_tidy`],
/// at the cell it was found in.
pub fn read_plan_workbook(source: &str, bytes: &[u8], sheet: &str) -> Result<WorkbookPlan, LoadErrors> {
    let sheet_text = SheetText::read(source, bytes, sheet, None)?;
    let plan = read_plan_tidy(source, &sheet_text.csv).map_err(|e| sheet_text.locate(e))?;
    Ok(WorkbookPlan {
        plan,
        notices: sheet_text.notices,
    })
}

/// Reads a published expenditure plan in the described `layout` (as
/// [`read_expenditure_plan`] reads a CSV) from the sheet called `sheet` of
/// the workbook `bytes`, `source` naming it in messages. Number cells are
/// read as the decimals they hold ([module documentation](super)); a
/// notice is an error here, as a published table's figures are typed.
///
/// # Errors
///
/// As [`read_plan_workbook`], with the errors of [`read_expenditure_plan`],
/// and [`LoadErrorKind::Value`] for a number cell that is not a decimal as
/// typed.
pub fn read_expenditure_plan_workbook(
    source: &str,
    bytes: &[u8],
    sheet: &str,
    layout: &ExpenditurePlanLayout,
) -> Result<PublishedPlan, LoadErrors> {
    let sheet_text = SheetText::read_as_typed(source, bytes, sheet, layout.decimals)?;
    read_expenditure_plan(source, &sheet_text.csv, layout).map_err(|e| sheet_text.locate(e))
}

/// An area's inputs to the national conditions (sign-offs, last year's NHS
/// minimum, minimums, DFG allocations by district, pooled grants) from the
/// sheet called `sheet`, in the columns [`crate::io::read_area_inputs`]
/// reads from a CSV.
///
/// # Errors
///
/// As [`read_plan_workbook`] for the workbook and its cells, and every
/// error of [`crate::io::read_area_inputs`], at the cell it was found in; a
/// number cell that is not a decimal as typed is an error here.
pub fn read_area_inputs_workbook(
    source: &str,
    bytes: &[u8],
    sheet: &str,
) -> Result<crate::conditions::ConditionInputs, LoadErrors> {
    let sheet_text = SheetText::read_as_typed(source, bytes, sheet, None)?;
    crate::io::read_area_inputs(source, &sheet_text.csv).map_err(|e| sheet_text.locate(e))
}

/// The plan on a workbook's sheet, as `load_plan` reads it: the tidy layout
/// if its first cell is `record`, else a published table in `layout`; a
/// notice is an error.
pub(crate) fn read_any(
    source: &str,
    bytes: &[u8],
    sheet: &str,
    layout: Option<&ExpenditurePlanLayout>,
) -> Result<Plan, LoadErrors> {
    let sheet_text = SheetText::read_as_typed(source, bytes, sheet, layout.and_then(|l| l.decimals))?;
    let read = if crate::io::tidy::is_tidy(&sheet_text.csv) {
        read_plan_tidy(source, &sheet_text.csv)
    } else {
        match layout {
            Some(layout) => read_expenditure_plan(source, &sheet_text.csv, layout).map(|p| p.plan),
            None => {
                return Err(LoadErrors::one(LoadError::file(
                    source,
                    LoadErrorKind::Layout,
                    format!(
                        "sheet {sheet:?} is not in the tidy layout (its first cell is not `record`): \
                         reading it as a published table needs its layout (LoadOptions::layout)"
                    ),
                )))
            }
        }
    };
    read.map_err(|e| sheet_text.locate(e))
}

/// A sheet as the text of a CSV, with where each of its lines and columns
/// came from.
struct SheetText {
    source: String,
    sheet: String,
    csv: String,
    /// For each physical line of `csv` (from 1), the sheet row (from 0).
    rows: Vec<u32>,
    /// The header's names, and the sheet column of each.
    header: Vec<(String, u32)>,
    notices: Vec<LoadError>,
}

impl SheetText {
    /// As [`SheetText::read`], a number cell that is not a decimal as typed
    /// being an error (its notice) rather than a notice.
    fn read_as_typed(source: &str, bytes: &[u8], sheet: &str, decimals: Option<u8>) -> Result<SheetText, LoadErrors> {
        let text = Self::read(source, bytes, sheet, decimals)?;
        if text.notices.is_empty() {
            Ok(text)
        } else {
            Err(LoadErrors::new(text.notices))
        }
    }

    /// The sheet `sheet`, each number cell written with at least
    /// `decimals` decimals if given.
    fn read(source: &str, bytes: &[u8], sheet: &str, decimals: Option<u8>) -> Result<SheetText, LoadErrors> {
        let unreadable = |problem: String| LoadErrors::one(LoadError::file(source, LoadErrorKind::Unreadable, problem));
        let mut book = open_workbook_auto_from_rs(Cursor::new(bytes))
            .map_err(|e| unreadable(format!("not a workbook this crate reads (.xlsx, .xls, .ods): {e}")))?;
        let names = book.sheet_names();
        if !names.iter().any(|n| n == sheet) {
            return Err(LoadErrors::one(LoadError::file(
                source,
                LoadErrorKind::Layout,
                format!(
                    "the workbook has no sheet {sheet:?} (its sheets: {})",
                    names.iter().map(|n| format!("{n:?}")).collect::<Vec<_>>().join(", ")
                ),
            )));
        }
        let range = book
            .worksheet_range(sheet)
            .map_err(|e| unreadable(format!("sheet {sheet:?}: {e}")))?;
        Self::from_range(source, sheet, &range, decimals)
    }

    fn from_range(
        source: &str,
        sheet: &str,
        range: &Range<Data>,
        decimals: Option<u8>,
    ) -> Result<SheetText, LoadErrors> {
        // A number at least `decimals` places: 454 is 454.0 in a table
        // printed to one decimal.
        let places = |mut d: rust_decimal::Decimal| {
            if let Some(n) = decimals {
                if d.scale() < u32::from(n) {
                    d.rescale(u32::from(n));
                }
            }
            d.to_string()
        };
        // An empty sheet has no start and no rows: nothing below uses it.
        let (row0, col0) = range.start().unwrap_or_default();
        let mut errors = Vec::new();
        let mut notices = Vec::new();
        let mut out = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new());
        let mut rows: Vec<u32> = vec![0]; // line 0 unused: lines count from 1
        let mut header: Vec<(String, u32)> = Vec::new();
        for (i, cells) in range.rows().enumerate() {
            let row = row0.saturating_add(u32::try_from(i).expect("a sheet has at most 1,048,576 rows"));
            let mut fields: Vec<String> = Vec::with_capacity(cells.len());
            for (j, cell) in cells.iter().enumerate() {
                let col = col0.saturating_add(u32::try_from(j).expect("a sheet has at most 16,384 columns"));
                let at = || format!("{sheet}!{}", cell_ref(row, col));
                let text = match cell {
                    Data::Empty => String::new(),
                    Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
                    Data::Int(n) => places(rust_decimal::Decimal::from(*n)),
                    Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
                    Data::Float(f) => match number_decimal(*f) {
                        Some((d, true)) => places(d),
                        Some((d, false)) => {
                            notices.push(cell_error(
                                source,
                                at(),
                                &format!("{f}"),
                                format!(
                                    "a number that is not a decimal as typed (the result of arithmetic?): read as the sheet shows it, {d}"
                                ),
                            ));
                            places(d)
                        }
                        None => {
                            errors.push(cell_error(
                                source,
                                at(),
                                &format!("{f}"),
                                "not a number a decimal holds".into(),
                            ));
                            String::new()
                        }
                    },
                    Data::DateTime(d) => {
                        errors.push(cell_error(
                            source,
                            at(),
                            &d.to_string(),
                            "a date: expected text or a number (format the cell as text or a number)".into(),
                        ));
                        String::new()
                    }
                    Data::Error(e) => {
                        errors.push(cell_error(
                            source,
                            at(),
                            &e.to_string(),
                            "a spreadsheet error in the cell".into(),
                        ));
                        String::new()
                    }
                };
                if i == 0 {
                    header.push((text.clone(), col));
                }
                fields.push(text);
            }
            // A field with line breaks spans several lines of the CSV.
            let breaks: usize = fields.iter().map(|f| line_breaks(f)).sum();
            for _ in 0..=breaks {
                rows.push(row);
            }
            out.write_record(&fields)
                .map_err(|e| LoadErrors::one(LoadError::file(source, LoadErrorKind::Unreadable, e.to_string())))?;
        }
        if !errors.is_empty() {
            return Err(LoadErrors::new(errors));
        }
        let bytes = out
            .into_inner()
            .map_err(|e| LoadErrors::one(LoadError::file(source, LoadErrorKind::Unreadable, e.to_string())))?;
        let csv = String::from_utf8(bytes)
            .map_err(|e| LoadErrors::one(LoadError::file(source, LoadErrorKind::Encoding, e.to_string())))?;
        Ok(SheetText {
            source: source.to_string(),
            sheet: sheet.to_string(),
            csv,
            rows,
            header,
            notices,
        })
    }

    /// The errors of a CSV reader, located at the sheet's cells.
    fn locate(&self, errors: LoadErrors) -> LoadErrors {
        LoadErrors::new(errors.into_vec().into_iter().map(|e| self.locate_one(e)).collect())
    }

    fn locate_one(&self, mut e: LoadError) -> LoadError {
        let row = e
            .line
            .and_then(|l| usize::try_from(l).ok())
            .and_then(|l| self.rows.get(l).copied());
        let column = e
            .column
            .as_deref()
            .and_then(|name| self.header.iter().find(|(h, _)| h == name).map(|(_, c)| *c));
        let cell = match (row, column) {
            (Some(r), Some(c)) => Some(format!("{}!{}", self.sheet, cell_ref(r, c))),
            (Some(r), None) => Some(format!("{}!{}:{}", self.sheet, r + 1, r + 1)),
            (None, Some(c)) => {
                let letters = column_letters(c);
                Some(format!("{}!{letters}:{letters}", self.sheet))
            }
            (None, None) => None,
        };
        if cell.is_some() {
            e.cell = cell;
            e.line = None;
            e.column = None;
        }
        e.file.clone_from(&self.source);
        e
    }
}

/// An error at a workbook cell (`at` is `Sheet!B12`).
fn cell_error(source: &str, at: String, value: &str, problem: String) -> LoadError {
    let mut e = LoadError::file(source, LoadErrorKind::Value, problem);
    e.cell = Some(at);
    e.value = Some(value.to_string());
    e
}

/// The line breaks in a field as a line counter sees them: CRLF, CR or LF
/// each once.
fn line_breaks(s: &str) -> usize {
    let mut n = 0;
    let mut after_cr = false;
    for b in s.bytes() {
        match b {
            b'\r' => {
                n += 1;
                after_cr = true;
            }
            b'\n' => {
                if !after_cr {
                    n += 1;
                }
                after_cr = false;
            }
            _ => after_cr = false,
        }
    }
    n
}
