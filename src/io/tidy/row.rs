//! One data row of a tidy file being read: its cells, each read and checked,
//! with every bad cell reported at its line and column.

use super::keywords::{contingency_kind, contributor_kind, source_kind};
use super::{column_name, unguard, AMOUNT, CONTRIBUTOR, FUNDING, HEADER, ID, KIND, PRECISION, TEXT_COLUMNS, YEAR};
use crate::calendar::FinancialYear;
use crate::io::json::AmountDocument;
use crate::io::{LoadError, LoadErrorKind};
use crate::money::{Money, Precision, Unit};
use crate::plan::{ContingencyKind, ContributorKind, FundingSourceKind};

/// A data row being read: its cells and where it is.
pub(super) struct Row<'a, 'e> {
    pub(super) source: &'a str,
    pub(super) line: u64,
    pub(super) cells: Vec<&'a str>,
    pub(super) errors: &'e mut Vec<LoadError>,
}

impl<'a> Row<'a, '_> {
    /// Cell `i` as written (blank if the row is short), with a text cell's
    /// formula guard removed (see [`write_plan_tidy`](super::write_plan_tidy)).
    pub(super) fn raw(&self, i: usize) -> &'a str {
        let v = self.cells.get(i).copied().unwrap_or("");
        if TEXT_COLUMNS.contains(&i) {
            unguard(v)
        } else {
            v
        }
    }

    pub(super) fn error_at(&mut self, column: &str, value: &str, problem: &str) {
        self.push(column, value, problem, LoadErrorKind::Value);
    }

    /// A problem with the file's layout on this row, such as a record that
    /// may be given once given again.
    pub(super) fn layout_error(&mut self, column: &str, problem: &str) {
        let value = self.cell_text(column);
        self.push(column, &value, problem, LoadErrorKind::Layout);
    }

    fn push(&mut self, column: &str, value: &str, problem: &str, kind: LoadErrorKind) {
        self.errors
            .push(LoadError::cell(self.source, self.line, column, value, problem.to_string()).with_kind(kind));
    }

    /// The text of the cell in `column` (empty for a column not in the header).
    fn cell_text(&self, column: &str) -> String {
        match HEADER.iter().position(|h| *h == column) {
            Some(i) => self.raw(i).to_string(),
            None => String::new(),
        }
    }

    /// Every column not in `used` must be blank.
    pub(super) fn blank_except(&mut self, used: &[usize], record: &str) {
        for (i, name) in HEADER.iter().enumerate().skip(1) {
            if !used.contains(&i) && !self.raw(i).trim().is_empty() {
                let value = self.raw(i).to_string();
                self.error_at(
                    name,
                    &value,
                    &format!("expected a blank cell: a {record} row does not use the column {name}"),
                );
            }
        }
    }

    /// A cell that must not be blank, as written.
    pub(super) fn required(&mut self, i: usize, what: &str) -> Option<String> {
        let v = self.raw(i);
        if v.trim().is_empty() {
            self.error_at(column_name(i), v, &format!("expected {what}, not a blank cell"));
            None
        } else {
            Some(v.to_string())
        }
    }

    pub(super) fn id(&mut self) -> Option<String> {
        self.required(ID, "an id")
    }

    pub(super) fn year(&mut self) -> Option<FinancialYear> {
        let v = self.raw(YEAR).trim().to_string();
        match v.parse::<FinancialYear>() {
            Ok(y) => Some(y),
            Err(_) => {
                self.error_at("year", &v, "expected a financial year such as 2017/18");
                None
            }
        }
    }

    /// An amount in pounds and its own precision (`None`: the plan's). A
    /// blank amount is zero and exact: nothing was written, so nothing was
    /// rounded, and it takes no part in any rounding bound.
    pub(super) fn amount(&mut self) -> Option<(Money, Option<Option<Precision>>)> {
        let v = self.raw(AMOUNT).to_string();
        let precision = self.amount_precision()?;
        if v.trim().is_empty() {
            if precision.flatten().is_some() {
                let p = self.raw(PRECISION).to_string();
                self.error_at(
                    "precision",
                    &p,
                    "a blank amount is an exact zero and has no precision: write 0 for a printed zero",
                );
                return None;
            }
            return Some((Money::ZERO, Some(None)));
        }
        match Money::parse(&v, Unit::Pounds) {
            Ok(m) => Some((m, precision)),
            Err(e) => {
                self.error_at(
                    "amount",
                    &v,
                    &format!(
                        "{}; expected an amount in pounds such as 1367300, £1,367,300.00 or (840.6)",
                        e.kind
                    ),
                );
                None
            }
        }
    }

    /// The `precision` cell of an amount row: blank for the plan's
    /// (`Some(None)` is returned as `None`), `exact`, or a precision such as
    /// `Thousands:1`; `None` on error.
    fn amount_precision(&mut self) -> Option<Option<Option<Precision>>> {
        let v = self.raw(PRECISION).trim().to_string();
        if v.is_empty() {
            return Some(None);
        }
        if v.eq_ignore_ascii_case("exact") {
            return Some(Some(None));
        }
        match v.parse::<Precision>() {
            Ok(p) => Some(Some(Some(p))),
            Err(e) => {
                self.error_at(
                    "precision",
                    &v,
                    &format!("{e}; or exact, or blank for the plan row's precision"),
                );
                None
            }
        }
    }

    /// The amount of a line or contingency row: `Some(None)` when the
    /// contributor, year, funding and amount are all blank, `None` on error.
    pub(super) fn line_amount(&mut self) -> Option<Option<AmountDocument>> {
        if [CONTRIBUTOR, YEAR, FUNDING, AMOUNT, PRECISION]
            .iter()
            .all(|i| self.raw(*i).trim().is_empty())
        {
            return Some(None);
        }
        let contributor = self.required(CONTRIBUTOR, "a contributor id");
        let year = self.year();
        let funding = self.required(FUNDING, "a funding source or group id");
        let amount = self.amount();
        let (amount, precision) = amount?;
        Some(Some(AmountDocument {
            contributor: contributor?,
            year: year?,
            funding: funding?,
            amount,
            precision,
        }))
    }

    /// A keyword cell: read as written (so a `Custom:<name>` keeps the
    /// spaces of its name), else with spaces around it trimmed.
    fn keyword<T>(&mut self, column: usize, what: &str, parse: impl Fn(&str) -> Option<T>) -> Option<T> {
        let raw = self.raw(column);
        let v = raw.trim().to_string();
        let found = parse(raw).or_else(|| parse(&v));
        if found.is_none() {
            self.error_at(column_name(column), &v, &format!("expected {what}"));
        }
        found
    }

    pub(super) fn contributor_kind(&mut self) -> Option<ContributorKind> {
        self.keyword(
            KIND,
            "a contributor kind: Ccg, Icb, CountyCouncil, DistrictCouncil, UnitaryCouncil or Other",
            contributor_kind,
        )
    }

    pub(super) fn source_kind(&mut self) -> Option<FundingSourceKind> {
        self.keyword(
            KIND,
            "a funding source kind: NhsMinimum, NhsAdditional, Dfg, IbcfSpringBudget2017, \
             IbcfSpendingReview2015, WinterPressures, AdditionalLa, DischargeFund or Custom:<name>",
            source_kind,
        )
    }

    pub(super) fn contingency_kind(&mut self) -> Option<ContingencyKind> {
        self.keyword(
            KIND,
            "a contingency kind: Contingency, RiskPool, CostImprovementTarget or Other:<name>",
            contingency_kind,
        )
    }

    /// The plan row's precision: the precision the amounts were printed to
    /// (unless a row says otherwise), or blank for exact amounts.
    pub(super) fn precision(&mut self) -> Option<Precision> {
        let v = self.raw(KIND).trim().to_string();
        if v.is_empty() {
            return None;
        }
        match v.parse::<Precision>() {
            Ok(p) => Some(p),
            Err(e) => {
                self.error_at(
                    "kind",
                    &v,
                    &format!(
                        "expected an input precision such as Thousands:1 (Pounds, Thousands or Millions, \
                         and 0 to 28 decimals), or blank: {e}"
                    ),
                );
                None
            }
        }
    }
}
