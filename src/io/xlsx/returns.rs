//! Writing a return as a workbook ([`ReturnWorkbook`]).

use std::path::Path;

use rust_decimal::Decimal;
use rust_xlsxwriter::{Format as Style, Formula, Workbook, Worksheet, XlsxError};

use super::write::{figure_styles, money_cell, save_bytes, sheet_name, write_error};
use super::{cell_ref, column_letters, exact_double};
use crate::io::returns::{write_return_csv, write_year_end_csv};
use crate::io::LoadErrors;
use crate::metrics::Percent;
use crate::money::{Money, Rounding};
use crate::present::{present_return, present_year_end, PresentationContext, PresentedTable};
use crate::returns::{IbcfPurpose, QuarterlyReturn, YearEndReturn};

/// The sheet of the exact figures.
const EXACT: &str = "Exact figures";
/// The sheet of the iBCF shares.
const SHARES: &str = "iBCF shares";
/// The decimals iBCF shares are printed to.
const SHARE_DECIMALS: u32 = 1;

/// A quarterly or year-end return as a workbook: each of the return's
/// presented tables ([`present_return`], [`present_year_end`]) on a sheet
/// of its own, rounded so that it adds up, each row's and column's total
/// and the grand total a live `SUM` of the printed figures (with the
/// presented total cached), the figures moved off their own rounding to
/// make the table add up in italics; with the iBCF measures, a sheet of the
/// iBCF shares printed to one decimal and adding to 100 (a live `SUM`); and
/// a sheet `Exact figures` of every figure of the return exactly, as its
/// tidy CSV holds them ([`write_return_csv`], [`write_year_end_csv`]).
///
/// A figure is a number cell where a double holds it as written, and text
/// otherwise (see the [module documentation](super)); a table with a
/// figure kept as text has its totals written as values, not formulas (a
/// `SUM` would leave the text out).
///
/// ```
/// use bcf_model::contingency::ContingencyLedger;
/// use bcf_model::io::xlsx::ReturnWorkbook;
/// use bcf_model::money::{Precision, Rounding};
/// use bcf_model::monitor::{monitor, Monitoring};
/// use bcf_model::present::PresentationContext;
/// use bcf_model::returns::quarterly_return;
///
/// let plan = bcf_model::data::leicestershire::expenditure_plan()?.plan;
/// let ledger = ContingencyLedger::from_plan(&plan, "2017/18".parse()?)?;
/// let report = monitor(&plan, &ledger, &Monitoring::new("2017-06".parse()?))?;
/// let q1 = quarterly_return(&plan, &report, &ledger)?;
/// let mut pack = PresentationContext::new(Precision::THOUSANDS_1DP, Rounding::HalfAwayFromZero);
/// let book = ReturnWorkbook::quarterly(&q1, &mut pack)?;
/// assert_eq!(book.tables().len(), 7);
/// let bytes = book.to_bytes()?;
/// assert!(bytes.starts_with(b"PK"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct ReturnWorkbook {
    tables: Vec<PresentedTable>,
    shares: Vec<(IbcfPurpose, Percent, bool)>,
    exact: String,
}

impl ReturnWorkbook {
    /// The workbook of a quarterly return, its tables presented in
    /// `context`.
    ///
    /// # Errors
    ///
    /// [`LoadErrorKind::Write`] if the return cannot be presented (see
    /// [`present_return`]), its iBCF shares cannot be printed, or its CSV
    /// cannot be written.
    pub fn quarterly(ret: &QuarterlyReturn, context: &mut PresentationContext) -> Result<ReturnWorkbook, LoadErrors> {
        let tables = present_return(ret, context).map_err(|e| write_error(&e.to_string()))?;
        let shares = match &ret.ibcf {
            Some(ibcf) => ibcf
                .printed_shares(SHARE_DECIMALS, Rounding::HalfAwayFromZero)
                .map_err(|e| write_error(&e.to_string()))?,
            None => Vec::new(),
        };
        Ok(ReturnWorkbook {
            tables,
            shares,
            exact: write_return_csv(ret)?,
        })
    }

    /// The workbook of a year-end return, its tables presented in
    /// `context`.
    ///
    /// # Errors
    ///
    /// [`LoadErrorKind::Write`] if the return cannot be presented (see
    /// [`present_year_end`]) or its CSV cannot be written.
    pub fn year_end(ret: &YearEndReturn, context: &mut PresentationContext) -> Result<ReturnWorkbook, LoadErrors> {
        let tables = present_year_end(ret, context).map_err(|e| write_error(&e.to_string()))?;
        Ok(ReturnWorkbook {
            tables,
            shares: Vec::new(),
            exact: write_year_end_csv(ret)?,
        })
    }

    /// The presented tables, one a sheet, in order.
    #[must_use]
    pub fn tables(&self) -> &[PresentedTable] {
        &self.tables
    }

    /// The workbook as the bytes of an `.xlsx` file.
    ///
    /// # Errors
    ///
    /// [`LoadErrorKind::Write`] if the workbook cannot be made (a sheet
    /// name or a cell beyond a workbook's limits).
    pub fn to_bytes(&self) -> Result<Vec<u8>, LoadErrors> {
        let mut book = Workbook::new();
        self.build(&mut book).map_err(|e| write_error(&e.to_string()))?;
        book.save_to_buffer().map_err(|e| write_error(&e.to_string()))
    }

    /// Writes the workbook to `path`.
    ///
    /// # Errors
    ///
    /// As [`ReturnWorkbook::to_bytes`], and [`LoadErrorKind::Write`] if the
    /// file cannot be written.
    pub fn save(&self, path: &Path) -> Result<(), LoadErrors> {
        save_bytes(path, &self.to_bytes()?)
    }

    fn build(&self, book: &mut Workbook) -> Result<(), XlsxError> {
        let header = Style::new().set_bold();
        for (i, t) in self.tables.iter().enumerate() {
            summed_table_sheet(book.add_worksheet(), t, i, &header)?;
        }
        if !self.shares.is_empty() {
            shares_sheet(book.add_worksheet(), &self.shares, &header)?;
        }
        exact_sheet(book.add_worksheet(), &self.exact, &header)
    }
}

/// The cached result of a formula: the exact value.
fn cached(m: Money) -> String {
    m.pounds().normalize().to_string()
}

/// A presented table, its totals live `SUM`s of its printed figures when
/// every figure is a number cell.
fn summed_table_sheet(sheet: &mut Worksheet, t: &PresentedTable, i: usize, header: &Style) -> Result<(), XlsxError> {
    sheet.set_name(sheet_name(i, &t.title))?;
    let (plain, moved) = figure_styles(t.precision);
    let style = |adjusted: bool| if adjusted { &moved } else { &plain };
    sheet.write_string_with_format(0, 0, &t.title, header)?;
    let cols =
        u16::try_from(t.column_labels.len()).map_err(|_| XlsxError::ParameterError("too many columns".into()))?;
    let rows = u32::try_from(t.row_labels.len()).map_err(|_| XlsxError::ParameterError("too many rows".into()))?;
    for (col, label) in (1u16..).zip(&t.column_labels) {
        sheet.write_string_with_format(0, col, label, header)?;
    }
    let total_col = cols + 1;
    sheet.write_string_with_format(0, total_col, "Total", header)?;
    // Formulas only if every printed figure is a number cell, and there is
    // something to sum.
    let numbers = rows > 0
        && cols > 0
        && t.cells
            .iter()
            .flatten()
            .all(|v| exact_double(v.rounded.pounds()).is_some());
    let total_row = rows + 1;
    let sum = |sheet: &mut Worksheet, row: u32, col: u16, range: String, v: Money, adjusted: bool| {
        total_cell(sheet, numbers.then_some(range), (row, col), v, style(adjusted))
    };
    for (((r, label), cells), total) in (1u32..).zip(&t.row_labels).zip(&t.cells).zip(&t.row_totals) {
        sheet.write_string(r, 0, label)?;
        for (col, v) in (1u16..).zip(cells) {
            money_cell(sheet, r, col, v.rounded, style(v.adjusted))?;
        }
        let range = format!("{}:{}", cell_ref(r, 1), cell_ref(r, u32::from(cols)));
        sum(sheet, r, total_col, range, total.rounded, total.adjusted)?;
    }
    for (col, v) in (1u16..).zip(&t.column_totals) {
        let letters = column_letters(u32::from(col));
        let range = format!("{letters}2:{letters}{}", rows + 1);
        sum(sheet, total_row, col, range, v.rounded, v.adjusted)?;
    }
    let letters = column_letters(u32::from(total_col));
    let range = format!("{letters}2:{letters}{}", rows + 1);
    sum(sheet, total_row, total_col, range, t.total.rounded, t.total.adjusted)?;
    sheet.write_string_with_format(total_row, 0, "Total", header)?;
    sheet.write_string(
        total_row + 2,
        0,
        format!(
            "Rounded to {}; in italics, a figure moved off its own rounding so that the table adds up. Totals {}.",
            t.precision,
            if numbers {
                "are SUMs of the printed figures"
            } else {
                "are values: a figure kept as text would be left out of a SUM"
            }
        ),
    )?;
    sheet.set_freeze_panes(1, 1)?;
    sheet.set_column_width(0, 44)?;
    for col in 1..=total_col {
        sheet.set_column_width(col, 12)?;
    }
    Ok(())
}

/// A total at `at`: a live `SUM` over `range` with `v` cached, or `v`
/// itself with no range.
fn total_cell(
    sheet: &mut Worksheet,
    range: Option<String>,
    at: (u32, u16),
    v: Money,
    style: &Style,
) -> Result<(), XlsxError> {
    let (row, col) = at;
    match range {
        Some(range) => {
            let f = Formula::new(format!("=SUM({range})")).set_result(cached(v));
            sheet.write_formula_with_format(row, col, f, style)?;
            Ok(())
        }
        None => money_cell(sheet, row, col, v, style),
    }
}

/// The iBCF shares printed to one decimal, adding to 100 (a live `SUM`).
fn shares_sheet(
    sheet: &mut Worksheet,
    shares: &[(IbcfPurpose, Percent, bool)],
    header: &Style,
) -> Result<(), XlsxError> {
    sheet.set_name(SHARES)?;
    let code = "0.0";
    let (plain, moved) = (
        Style::new().set_num_format(code),
        Style::new().set_num_format(code).set_italic(),
    );
    sheet.write_string_with_format(0, 0, "iBCF purpose", header)?;
    sheet.write_string_with_format(0, 1, "Share of iBCF spend to date (%)", header)?;
    let mut row: u32 = 1;
    for (purpose, share, adjusted) in shares {
        sheet.write_string(row, 0, purpose.label())?;
        let style = if *adjusted { &moved } else { &plain };
        match exact_double(share.points()) {
            Some(v) => sheet.write_number_with_format(row, 1, v, style)?,
            None => sheet.write_string(row, 1, share.points().to_string())?,
        };
        row += 1;
    }
    sheet.write_string_with_format(row, 0, "Total", header)?;
    let total = Decimal::ONE_HUNDRED.round_dp(SHARE_DECIMALS);
    let f = Formula::new(format!("=SUM(B2:B{row})")).set_result(total.to_string());
    sheet.write_formula_with_format(row, 1, f, &plain)?;
    sheet.write_string(
        row + 2,
        0,
        format!(
            "Each share rounded to {SHARE_DECIMALS} decimal, down or up, so that they add to 100; in italics, one moved \
             off its own rounding. The exact shares are on the sheet {EXACT}."
        ),
    )?;
    sheet.set_column_width(0, 44)?;
    sheet.set_column_width(1, 16)?;
    Ok(())
}

/// The return's tidy CSV as a sheet: figures as numbers where a double
/// holds them as written, everything else as text.
fn exact_sheet(sheet: &mut Worksheet, csv: &str, header: &Style) -> Result<(), XlsxError> {
    sheet.set_name(EXACT)?;
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(csv.as_bytes());
    for (row, record) in (0u32..).zip(reader.records()) {
        let record = record.map_err(|e| XlsxError::ParameterError(format!("the return's rows: {e}")))?;
        let last = record.len().saturating_sub(1);
        for (col, field) in (0u16..).zip(record.iter()) {
            if row == 0 {
                sheet.write_string_with_format(row, col, field, header)?;
                continue;
            }
            // Only the value column holds figures; ids such as 2.3 stay text.
            let number = (usize::from(col) == last)
                .then(|| field.parse::<Decimal>().ok())
                .flatten()
                .and_then(exact_double);
            match number {
                Some(v) => sheet.write_number(row, col, v)?,
                None if field.is_empty() => sheet,
                None => sheet.write_string(row, col, field)?,
            };
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    for (col, width) in (0u16..).zip([12.0, 16.0, 26.0, 12.0, 18.0, 24.0]) {
        sheet.set_column_width(col, width)?;
    }
    Ok(())
}
