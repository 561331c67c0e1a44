//! Writing a plan workbook ([`PlanWorkbook`]).

use std::path::Path;

use rust_decimal::Decimal;
use rust_xlsxwriter::{Format as Style, Formula, Workbook, Worksheet, XlsxError};

use super::{column_letters, exact_double};
use crate::calendar::FinancialYear;
use crate::io::tidy::write_plan_tidy;
use crate::io::{LoadError, LoadErrorKind, LoadErrors};
use crate::money::{Money, Precision, Render, Unit};
use crate::plan::Plan;
use crate::present::PresentedTable;
use crate::published::FootingCheck;
use crate::reconcile::{reconcile, Reconciliation};

/// A plan as a workbook (see the [module documentation](super)): the plan's
/// rows, live totals, findings, and any presented tables and published
/// footings added.
///
/// ```
/// use bcf_model::io::xlsx::{read_plan_workbook, PlanWorkbook};
///
/// let plan = bcf_model::data::leicestershire::expenditure_plan()?.plan;
/// let bytes = PlanWorkbook::new(&plan).to_bytes()?;
/// // The workbook reads back into the same plan.
/// let back = read_plan_workbook("plan.xlsx", &bytes, "Plan")?;
/// assert_eq!(back.plan, plan);
/// assert!(back.notices.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct PlanWorkbook<'p> {
    plan: &'p Plan,
    tables: Vec<PresentedTable>,
    footings: Option<(&'p FootingCheck, String)>,
}

/// The names of the sheets the writer makes.
const PLAN: &str = "Plan";
const TOTALS: &str = "Totals";
const FINDINGS: &str = "Findings";
const FOOTINGS: &str = "Footings";

impl<'p> PlanWorkbook<'p> {
    /// The workbook of `plan`: its rows, totals and findings.
    #[must_use]
    pub fn new(plan: &'p Plan) -> PlanWorkbook<'p> {
        PlanWorkbook {
            plan,
            tables: Vec::new(),
            footings: None,
        }
    }

    /// With a presented table (from [`crate::present::present_table`] or a
    /// [`crate::present::PresentationContext`]) as a sheet of its own.
    #[must_use]
    pub fn table(mut self, table: PresentedTable) -> PlanWorkbook<'p> {
        self.tables.push(table);
        self
    }

    /// With a published table's footing check, each footing's printed total
    /// beside the total regenerated from its printed parts, `unit` naming the
    /// unit the table was printed in (`£'000`).
    #[must_use]
    pub fn footings(mut self, check: &'p FootingCheck, unit: &str) -> PlanWorkbook<'p> {
        self.footings = Some((check, unit.to_string()));
        self
    }

    /// The workbook as the bytes of an `.xlsx` file.
    ///
    /// # Errors
    ///
    /// [`LoadErrorKind::Write`] if the plan cannot be reconciled (a total
    /// beyond the decimal range) or the workbook cannot be made (a sheet
    /// name or a cell beyond a workbook's limits).
    pub fn to_bytes(&self) -> Result<Vec<u8>, LoadErrors> {
        let rec = reconcile(self.plan).map_err(|e| write_error(&e.to_string()))?;
        let mut book = Workbook::new();
        self.build(&mut book, &rec).map_err(|e| write_error(&e.to_string()))?;
        book.save_to_buffer().map_err(|e| write_error(&e.to_string()))
    }

    /// Writes the workbook to `path`.
    ///
    /// # Errors
    ///
    /// As [`PlanWorkbook::to_bytes`], and [`LoadErrorKind::Write`] if the
    /// file cannot be written.
    pub fn save(&self, path: &Path) -> Result<(), LoadErrors> {
        save_bytes(path, &self.to_bytes()?)
    }

    fn build(&self, book: &mut Workbook, rec: &Reconciliation) -> Result<(), XlsxError> {
        let styles = Styles::for_plan(self.plan);
        let columns = plan_sheet(book.add_worksheet(), self.plan, &styles)?;
        let names = totals_sheet(book.add_worksheet(), self.plan, rec, &columns, &styles)?;
        for (name, at) in names {
            book.define_name(name, &at)?;
        }
        findings_sheet(book.add_worksheet(), self.plan, rec, &styles)?;
        if let Some((check, unit)) = &self.footings {
            footings_sheet(book.add_worksheet(), check, unit, &styles)?;
        }
        for (i, t) in self.tables.iter().enumerate() {
            table_sheet(book.add_worksheet(), t, i, &styles)?;
        }
        Ok(())
    }
}

pub(super) fn write_error(problem: &str) -> LoadErrors {
    LoadErrors::one(LoadError::file(
        "workbook",
        LoadErrorKind::Write,
        format!("cannot make the workbook: {problem}"),
    ))
}

/// The cell styles of a plan's workbook.
struct Styles {
    header: Style,
    /// Money in the plan's unit: pounds and pence, whole pounds, or £'000 to
    /// one decimal.
    money: Style,
    /// The plan's money format code, for the legend.
    money_code: String,
}

/// The number format code that shows pounds at `precision`, negatives in
/// brackets: `#,##0.0,;(#,##0.0,)` for £'000 to one decimal (each trailing
/// comma shows the pounds a cell holds in thousands).
pub(super) fn format_code(precision: Precision) -> String {
    let decimals = usize::from(precision.decimals());
    let scale = match precision.unit() {
        Unit::Pounds => "",
        Unit::Thousands => ",",
        Unit::Millions => ",,",
    };
    let body = if decimals == 0 {
        format!("#,##0{scale}")
    } else {
        format!("#,##0.{}{scale}", "0".repeat(decimals))
    };
    format!("{body};({body})")
}

impl Styles {
    fn for_plan(plan: &Plan) -> Styles {
        // A plan of exact amounts (no printed precision) is shown in pounds
        // and pence, as money is written.
        let money_code = format_code(plan.written_precision().unwrap_or(Precision::PENCE));
        Styles {
            header: Style::new().set_bold(),
            money: Style::new().set_num_format(money_code.as_str()),
            money_code,
        }
    }
}

/// Where the `Plan` sheet keeps what the totals sum: the columns of the
/// record kind, contributor, year and amount, and the last row.
struct PlanColumns {
    record: String,
    contributor: String,
    year: String,
    amount: String,
    last_row: u32,
    /// How many amounts had to be written as text (more than 15
    /// significant digits): a formula total would leave them out.
    text_amounts: usize,
}

impl PlanColumns {
    /// `Plan!$X$2:$X$n` for column `letters`.
    fn range(&self, letters: &str) -> String {
        format!("{PLAN}!${letters}$2:${letters}${}", self.last_row.max(1) + 1)
    }
}

/// The plan in the tidy layout, one row a record; amounts as numbers where
/// a double holds them exactly, else as text.
fn plan_sheet(sheet: &mut Worksheet, plan: &Plan, styles: &Styles) -> Result<PlanColumns, XlsxError> {
    sheet.set_name(PLAN)?;
    let text = write_plan_tidy(plan);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut header: Vec<String> = Vec::new();
    let mut row: u32 = 0;
    let mut text_amounts = 0;
    for record in reader.records() {
        let record = record.map_err(|e| XlsxError::ParameterError(format!("the tidy rows: {e}")))?;
        if row == 0 {
            header = record.iter().map(str::to_string).collect();
        }
        for (col, field) in (0u16..).zip(record.iter()) {
            let is_amount = header.get(usize::from(col)).is_some_and(|h| h == "amount");
            if row == 0 {
                sheet.write_string_with_format(row, col, field, &styles.header)?;
            } else if is_amount && !field.is_empty() {
                match field.parse::<Decimal>().ok().and_then(exact_double) {
                    Some(v) => sheet.write_number_with_format(row, col, v, &styles.money)?,
                    None => {
                        text_amounts += 1;
                        sheet.write_string(row, col, field)?
                    }
                };
            } else if !field.is_empty() {
                sheet.write_string(row, col, field)?;
            }
        }
        row += 1;
    }
    sheet.set_freeze_panes(1, 0)?;
    for (col, width) in (0u16..).zip([12.0, 18.0, 40.0, 16.0, 12.0, 14.0, 10.0, 16.0, 16.0, 14.0]) {
        sheet.set_column_width(col, width)?;
    }
    let letter = |name: &str| -> Result<String, XlsxError> {
        let at = header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| XlsxError::ParameterError(format!("the tidy layout has no {name} column")))?;
        Ok(column_letters(
            u32::try_from(at).map_err(|_| XlsxError::ParameterError("too many columns".into()))?,
        ))
    };
    Ok(PlanColumns {
        record: letter("record")?,
        contributor: letter("contributor")?,
        year: letter("year")?,
        amount: letter("amount")?,
        last_row: row.saturating_sub(1),
        text_amounts,
    })
}

/// A defined name for a year's total: `Spend_2017_18`.
fn total_name(what: &str, year: FinancialYear) -> String {
    format!("{what}_{}", year.to_string().replace('/', "_"))
}

/// The exact value a formula's cache holds.
fn cached(m: Money) -> String {
    m.pounds().normalize().to_string()
}

/// Per year and partner, allocation, scheme spend, contingency,
/// expenditure and commitment as `SUMIFS` formulas over the `Plan` sheet,
/// with the crate's exact totals cached; then each year's totals for all
/// partners. Returns the defined names of the year totals.
fn totals_sheet(
    sheet: &mut Worksheet,
    plan: &Plan,
    rec: &Reconciliation,
    c: &PlanColumns,
    styles: &Styles,
) -> Result<Vec<(String, String)>, XlsxError> {
    sheet.set_name(TOTALS)?;
    let heads = [
        "year",
        "contributor",
        "allocation",
        "scheme spend",
        "contingency",
        "expenditure",
        "commitment",
    ];
    for (col, h) in (0u16..).zip(heads) {
        sheet.write_string_with_format(0, col, h, &styles.header)?;
    }
    let sumifs = |kind: &str, who: Option<u32>, row: u32| -> String {
        let mut f = format!(
            "=SUMIFS({},{},\"{kind}\",{},$A{}",
            c.range(&c.amount),
            c.range(&c.record),
            c.range(&c.year),
            row + 1
        );
        if let Some(r) = who {
            f.push_str(&format!(",{},$B{}", c.range(&c.contributor), r + 1));
        }
        f.push(')');
        f
    };
    let t = &rec.totals;
    let fail = |e: crate::reconcile::ReconcileError| XlsxError::ParameterError(e.to_string());
    let mut row: u32 = 1;
    let mut names = Vec::new();
    for &year in plan.years() {
        let mut write_row = |row: u32, who: Option<(u32, &str)>, values: [Money; 5]| -> Result<(), XlsxError> {
            sheet.write_string(row, 0, year.to_string())?;
            sheet.write_string(row, 1, who.map_or("all partners", |(_, id)| id))?;
            let key = who.map(|_| row);
            let [allocation, spend, contingency, expenditure, commitment] = values;
            if c.text_amounts > 0 {
                // A formula would leave out the amounts kept as text: the
                // exact totals, as text, instead.
                for (col, value) in (2u16..).zip(values) {
                    sheet.write_string(row, col, cached(value))?;
                }
                return Ok(());
            }
            for (col, kind, value) in [
                (2u16, "allocation", allocation),
                (3, "line", spend),
                (4, "contingency", contingency),
            ] {
                let f = Formula::new(sumifs(kind, key, row)).set_result(cached(value));
                sheet.write_formula_with_format(row, col, f, &styles.money)?;
            }
            let r = row + 1;
            let f = Formula::new(format!("=D{r}+E{r}")).set_result(cached(expenditure));
            sheet.write_formula_with_format(row, 5, f, &styles.money)?;
            let f = Formula::new(format!("=C{r}-F{r}")).set_result(cached(commitment));
            sheet.write_formula_with_format(row, 6, f, &styles.money)?;
            Ok(())
        };
        for (ix, contributor) in plan.contributors_indexed() {
            let values = [
                t.contributor_allocation(ix, year).map_err(fail)?,
                t.contributor_spend(ix, year).map_err(fail)?,
                t.contributor_contingency(ix, year).map_err(fail)?,
                t.contributor_expenditure(ix, year).map_err(fail)?,
                t.contributor_allocation(ix, year)
                    .map_err(fail)?
                    .checked_sub(t.contributor_expenditure(ix, year).map_err(fail)?)
                    .map_err(|e| XlsxError::ParameterError(e.to_string()))?,
            ];
            write_row(row, Some((row, &contributor.id)), values)?;
            row += 1;
        }
        let values = [
            t.year_allocation(year).map_err(fail)?,
            t.year_spend(year).map_err(fail)?,
            t.year_contingency(year).map_err(fail)?,
            t.year_expenditure(year).map_err(fail)?,
            t.year_allocation(year)
                .map_err(fail)?
                .checked_sub(t.year_expenditure(year).map_err(fail)?)
                .map_err(|e| XlsxError::ParameterError(e.to_string()))?,
        ];
        write_row(row, None, values)?;
        for (what, col) in [("Allocation", 2), ("Spend", 3), ("Contingency", 4), ("Expenditure", 5)] {
            names.push((
                total_name(what, year),
                format!("={TOTALS}!${}${}", column_letters(col), row + 1),
            ));
        }
        row += 2;
    }
    sheet.set_freeze_panes(1, 2)?;
    sheet.set_column_width(0, 10)?;
    sheet.set_column_width(1, 16)?;
    for col in 2u16..7 {
        sheet.set_column_width(col, 16)?;
    }
    sheet.write_string(row, 0, format!("Amounts in the plan's unit ({})", styles.money_code))?;
    if c.text_amounts > 0 {
        sheet.write_string(
            row + 1,
            0,
            format!(
                "Not formulas: {} amounts have more than the 15 significant digits a spreadsheet number holds, \
                 so the Plan sheet keeps them as text, which a SUMIFS would leave out; these are the exact totals.",
                c.text_amounts
            ),
        )?;
    }
    Ok(names)
}

/// What reconciliation found, one row a finding, in the plan's unit.
fn findings_sheet(sheet: &mut Worksheet, plan: &Plan, rec: &Reconciliation, styles: &Styles) -> Result<(), XlsxError> {
    sheet.set_name(FINDINGS)?;
    let heads = [
        "agreement",
        "contributor",
        "year",
        "funding",
        "stated",
        "computed",
        "difference",
        "bound",
        "in words",
    ];
    for (col, h) in (0u16..).zip(heads) {
        sheet.write_string_with_format(0, col, h, &styles.header)?;
    }
    let format = plan
        .written_precision()
        .map_or(Precision::PENCE.format(), |p| p.format())
        .with_symbol();
    for (row, f) in (1u32..).zip(&rec.findings) {
        let c = &f.comparison;
        sheet.write_string(row, 0, c.agreement.to_string())?;
        sheet.write_string(row, 1, &f.contributor_id)?;
        sheet.write_string(row, 2, f.year.to_string())?;
        sheet.write_string(row, 3, f.funding.as_deref().unwrap_or(""))?;
        for (col, m) in (4u16..).zip([c.stated, c.computed, c.difference, c.bound]) {
            money_cell(sheet, row, col, m, &styles.money)?;
        }
        sheet.write_string(row, 8, f.render(format))?;
    }
    if rec.findings.is_empty() {
        sheet.write_string(1, 0, "none: every partner and funding stream balances exactly")?;
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.set_column_width(8, 100)?;
    Ok(())
}

/// An amount as a number cell if a double holds it as written, else text.
pub(super) fn money_cell(sheet: &mut Worksheet, row: u32, col: u16, m: Money, style: &Style) -> Result<(), XlsxError> {
    match exact_double(m.pounds()) {
        Some(v) => sheet.write_number_with_format(row, col, v, style)?,
        None => sheet.write_string(row, col, m.pounds().to_string())?,
    };
    Ok(())
}

/// A published table's footings: each printed total beside the total of its
/// printed parts, and the verdict.
fn footings_sheet(sheet: &mut Worksheet, check: &FootingCheck, unit: &str, styles: &Styles) -> Result<(), XlsxError> {
    sheet.set_name(FOOTINGS)?;
    let heads = [
        "footing",
        "printed total",
        "regenerated from its parts",
        "difference",
        "rounding bound",
        "agreement",
    ];
    for (col, h) in (0u16..).zip(heads) {
        sheet.write_string_with_format(0, col, h, &styles.header)?;
    }
    // The row after the last footing (the header's, if there are none).
    let mut next: u32 = 1;
    for (row, r) in (1u32..).zip(&check.results) {
        let c = &r.comparison;
        sheet.write_string(row, 0, &r.description)?;
        for (col, m) in (1u16..).zip([c.stated, c.computed, c.difference, c.bound]) {
            money_cell(sheet, row, col, m, &styles.money)?;
        }
        sheet.write_string(row, 5, c.agreement.to_string())?;
        next = row.saturating_add(1);
    }
    let last = next.saturating_add(1);
    sheet.write_string(
        last,
        0,
        format!("The table was printed in {unit}; figures are shown so."),
    )?;
    sheet.set_freeze_panes(1, 1)?;
    sheet.set_column_width(0, 70)?;
    for col in 1u16..6 {
        sheet.set_column_width(col, 18)?;
    }
    Ok(())
}

/// The styles of a presented table's figures at `precision`: as printed,
/// and moved to make the table add up (in italics).
pub(super) fn figure_styles(precision: Precision) -> (Style, Style) {
    let code = format_code(precision);
    (
        Style::new().set_num_format(code.as_str()),
        Style::new().set_num_format(code.as_str()).set_italic(),
    )
}

/// The name of the sheet of the `i`th (0-based) table titled `title`: its
/// number and title, at most 31 characters, none of : \ / ? * [ ].
pub(super) fn sheet_name(i: usize, title: &str) -> String {
    let clean: String = title
        .chars()
        .map(|ch| if ":\\/?*[]".contains(ch) { '-' } else { ch })
        .take(27)
        .collect();
    format!("{} {}", i + 1, clean.trim())
}

/// A presented table in whole £'000, rows and columns adding up, the
/// figures moved to make it so in italics.
fn table_sheet(sheet: &mut Worksheet, t: &PresentedTable, i: usize, styles: &Styles) -> Result<(), XlsxError> {
    sheet.set_name(sheet_name(i, &t.title))?;
    let (plain, moved) = figure_styles(t.precision);
    let style = |adjusted: bool| if adjusted { &moved } else { &plain };
    sheet.write_string_with_format(0, 0, &t.title, &styles.header)?;
    let cols =
        u16::try_from(t.column_labels.len()).map_err(|_| XlsxError::ParameterError("too many columns".into()))?;
    for (col, label) in (1u16..).zip(&t.column_labels) {
        sheet.write_string_with_format(0, col, label, &styles.header)?;
    }
    sheet.write_string_with_format(0, cols + 1, "Total", &styles.header)?;
    let mut row: u32 = 1;
    for ((label, cells), total) in t.row_labels.iter().zip(&t.cells).zip(&t.row_totals) {
        sheet.write_string(row, 0, label)?;
        for (col, v) in (1u16..).zip(cells) {
            money_cell(sheet, row, col, v.rounded, style(v.adjusted))?;
        }
        money_cell(sheet, row, cols + 1, total.rounded, style(total.adjusted))?;
        row += 1;
    }
    sheet.write_string_with_format(row, 0, "Total", &styles.header)?;
    for (col, v) in (1u16..).zip(&t.column_totals) {
        money_cell(sheet, row, col, v.rounded, style(v.adjusted))?;
    }
    money_cell(sheet, row, cols + 1, t.total.rounded, style(t.total.adjusted))?;
    sheet.write_string(
        row + 2,
        0,
        format!(
            "Rounded to {}; in italics, a figure moved off its own rounding so that the table adds up.",
            t.precision
        ),
    )?;
    sheet.set_freeze_panes(1, 1)?;
    sheet.set_column_width(0, 40)?;
    for col in 1..=cols + 1 {
        sheet.set_column_width(col, 12)?;
    }
    Ok(())
}

/// Writes a workbook's `bytes` to `path`.
pub(super) fn save_bytes(path: &Path, bytes: &[u8]) -> Result<(), LoadErrors> {
    std::fs::write(path, bytes).map_err(|e| {
        LoadErrors::one(LoadError::file(
            &path.display().to_string(),
            LoadErrorKind::Write,
            format!("cannot write: {e}"),
        ))
    })
}
