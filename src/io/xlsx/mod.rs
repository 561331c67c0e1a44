//! Excel workbooks in and out (feature `xlsx`).
//!
//! **Writing** ([`PlanWorkbook`]): a plan as a workbook a finance director
//! can audit. The `Plan` sheet holds the plan in the tidy layout (one row
//! a line, contributor, year and funding, as [`super::tidy`] writes it), so
//! the workbook reads back into the same plan; the `Totals` sheet totals it
//! per year and partner with live `SUMIFS` formulas over the `Plan` sheet,
//! each with the crate's exact value cached, and defined names for the
//! year totals (`Spend_2017_18`, `Allocation_2017_18`); `Findings` lists
//! what reconciliation found; presented tables that add up
//! ([`crate::present`]) get a sheet each, in whole £'000 with the figures
//! moved to make them add up in italics; and a published table's footings,
//! when given, are listed with the printed and the regenerated figure side by
//! side. Finance number formats throughout: thousands separators,
//! negatives in brackets, £'000 with one decimal (by the format's scaling,
//! the cells holding pounds) where the plan was entered so. Headers are
//! frozen.
//!
//! **Returns** ([`ReturnWorkbook`]): a quarterly or year-end return's
//! presented tables a sheet each, their totals live `SUM`s of the printed
//! figures, the iBCF shares adding to 100, and a sheet of the exact figures.
//!
//! **Reading** ([`read_plan_workbook`], [`read_expenditure_plan_workbook`]):
//! a plan in the tidy layout, or a published table in a described layout,
//! from a named sheet. Each cell is read as the text a CSV of the sheet would
//! hold and passed to the CSV readers, so a workbook is read by exactly the
//! rules of a CSV; an error is located as `book.xlsx:Plan!I12` with its value.
//!
//! **Numbers.** A spreadsheet keeps a number as a binary double. A figure
//! typed as `1367300.1` is the double nearest it, whose shortest decimal
//! form is `1367300.1` again: it is read as that decimal, exactly. A double
//! whose shortest decimal form needs more than 15 significant digits (the
//! result of arithmetic such as `0.1 + 0.2`, `0.30000000000000004`) is not a
//! decimal anyone typed, and not what the sheet shows (spreadsheets show at
//! most 15 significant digits): it is read as the sheet shows it, to 15
//! significant digits, and reported as a notice, never carried as a
//! 17-digit tail. When writing, an amount is a number cell if its double's
//! shortest form is the amount; otherwise (more than 15 significant digits)
//! it is written as text, exactly, and read back so.

mod read;
mod returns;
mod write;

pub(crate) use read::read_any;
pub use read::{read_area_inputs_workbook, read_expenditure_plan_workbook, read_plan_workbook, WorkbookPlan};
pub use returns::ReturnWorkbook;
pub use write::PlanWorkbook;

use rust_decimal::Decimal;

/// The column letters of a 0-based column: 0 is `A`, 26 is `AA`.
pub(crate) fn column_letters(column: u32) -> String {
    let mut n = u64::from(column) + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(char::from(
            b'A' + u8::try_from(rem).expect("a remainder of 26 fits a byte"),
        ));
        n = (n - 1) / 26;
    }
    out.iter().rev().collect()
}

/// The cell reference of a 0-based row and column: `B12`.
pub(crate) fn cell_ref(row: u32, column: u32) -> String {
    format!("{}{}", column_letters(column), u64::from(row) + 1)
}

/// The decimal a spreadsheet number holds, and whether it is exactly the
/// decimal as typed: the double's shortest decimal form when that has at
/// most 15 significant digits (`true`); otherwise that form rounded to 15
/// significant digits, as a spreadsheet shows it (`false`). `None` for a
/// number no decimal holds (infinite or not a number, or beyond the
/// decimal range).
pub(crate) fn number_decimal(value: f64) -> Option<(Decimal, bool)> {
    if !value.is_finite() {
        return None;
    }
    // Rust writes a double in its shortest round-trip form.
    let shortest: Decimal = format!("{value}").parse().ok()?;
    let digits = significant_digits(shortest);
    if digits <= 15 {
        Some((shortest.normalize(), true))
    } else {
        let shown = shortest.round_sf(15)?;
        Some((shown.normalize(), false))
    }
}

/// How many significant digits a decimal has (0 for zero).
fn significant_digits(d: Decimal) -> u32 {
    let m = d.normalize().mantissa().unsigned_abs();
    if m == 0 {
        0
    } else {
        m.ilog10() + 1
    }
}

/// The double a decimal is written as, if the double holds it exactly as
/// written (its shortest form is the decimal).
pub(crate) fn exact_double(d: Decimal) -> Option<f64> {
    let text = d.normalize().to_string();
    let value: f64 = text.parse().ok()?;
    let back: Decimal = format!("{value}").parse().ok()?;
    (back == d && significant_digits(d) <= 15).then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_and_refs() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
        assert_eq!(cell_ref(11, 1), "B12");
    }

    #[test]
    fn numbers_as_typed_and_as_shown() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(number_decimal(1_367_300.1), Some((d("1367300.1"), true)));
        assert_eq!(number_decimal(0.1), Some((d("0.1"), true)));
        // 0.1 + 0.2 is not a decimal anyone typed: read as shown, and said so.
        assert_eq!(number_decimal(0.1 + 0.2), Some((d("0.3"), false)));
        assert_eq!(number_decimal(f64::NAN), None);
        assert_eq!(exact_double(d("1367300.10")), Some(1_367_300.1));
        assert_eq!(exact_double(d("0.1234567890123456789")), None);
    }
}
