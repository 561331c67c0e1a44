//! Reconciliation: does the plan balance, per contributor and year and per
//! funding source, and what are its totals?
//!
//! [`reconcile`] looks at everything and returns a [`Reconciliation`] with
//! every [`Finding`]; it never stops at the first problem. Sums are exact
//! (integer arithmetic at the plan's finest decimal scale); a difference is
//! classified by [`Agreement`]: exact, a rounding difference within what the
//! precision the amounts were entered at can explain, or an error.
//!
//! ```
//! use bcf_model::reconcile::reconcile;
//!
//! let published = bcf_model::data::leicestershire::expenditure_plan()?;
//! let rec = reconcile(&published.plan)?;
//! assert_eq!(rec.errors().count(), 0);
//! let y = published.plan.years()[0];
//! assert_eq!(rec.totals.year_expenditure(y)?.to_string(), "£52,119,900.00");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::calendar::FinancialYear;
use crate::money::{Format, Money, Precision, Render, RoundingBound};
use crate::plan::{ContributorIx, Plan};
use crate::text::escape;

mod sums;
mod totals;

use sums::{finish, sums_from_columns, sums_reference};
pub use totals::Totals;

/// How a computed figure compares with the figure it should equal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Agreement {
    /// Equal to the penny (to the last decimal given).
    Exact,
    /// Different, but by no more than the precision of the figures can
    /// explain: a rounding difference, not a mistake.
    Rounding,
    /// Different by more than rounding can explain.
    Error,
}

impl fmt::Display for Agreement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Agreement::Exact => "exact",
            Agreement::Rounding => "rounding difference",
            Agreement::Error => "error",
        })
    }
}

/// A computed figure set against the figure it should equal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comparison {
    /// What the parts add up to.
    pub computed: Money,
    /// What it is compared with (a printed total, an allocation).
    pub stated: Money,
    /// `computed - stated`.
    pub difference: Money,
    /// The largest difference rounding can explain.
    pub bound: Money,
    /// The verdict.
    pub agreement: Agreement,
}

impl Comparison {
    /// Compares `computed` with `stated`, allowing `bound` for rounding.
    ///
    /// # Errors
    ///
    /// [`ReconcileError::Overflow`] if `computed - stated` is beyond the decimal
    /// range.
    pub(crate) fn new(computed: Money, stated: Money, bound: Money) -> Result<Comparison, ReconcileError> {
        let difference = computed
            .checked_sub(stated)
            .map_err(|e| ReconcileError::Overflow(e.to_string()))?;
        Ok(Comparison {
            computed,
            stated,
            difference,
            bound,
            agreement: classify(difference, bound),
        })
    }
}

/// Classifies a difference: zero is [`Agreement::Exact`], up to `bound` in
/// size is [`Agreement::Rounding`], beyond is [`Agreement::Error`].
///
/// ```
/// use bcf_model::reconcile::{classify, Agreement};
/// use bcf_model::money::Money;
/// assert_eq!(classify(Money::from_pence(10_000), Money::from_pence(15_000)), Agreement::Rounding);
/// assert_eq!(classify(Money::from_pence(-50_000), Money::from_pence(20_000)), Agreement::Error);
/// assert_eq!(classify(Money::ZERO, Money::ZERO), Agreement::Exact);
/// ```
#[must_use]
pub fn classify(difference: Money, bound: Money) -> Agreement {
    if difference.is_zero() {
        Agreement::Exact
    } else if difference.abs() <= bound {
        Agreement::Rounding
    } else {
        Agreement::Error
    }
}

/// The largest difference that rounding can explain when `figures` figures,
/// each printed to `precision`, take part in one comparison (the parts and the
/// total): each printed figure is within half a step of its true value, and
/// the true values add up, so the printed ones can miss by at most the sum of
/// the half steps. This is the worst case, not a statistical guess: any
/// larger difference cannot come from rounding. Figures of mixed precisions
/// add up in a [`RoundingBound`].
///
/// # Errors
///
/// [`ReconcileError::Bound`] if the sum of the half steps is beyond the decimal
/// range.
///
/// ```
/// use bcf_model::reconcile::rounding_bound;
/// use bcf_model::money::Precision;
/// // three parts and a total in £'000 to one decimal: up to £200
/// assert_eq!(rounding_bound(Precision::THOUSANDS_1DP, 4)?.to_string(), "£200.00");
/// # Ok::<(), bcf_model::reconcile::ReconcileError>(())
/// ```
pub fn rounding_bound(precision: Precision, figures: u64) -> Result<Money, ReconcileError> {
    RoundingBound::of(precision, figures)
        .to_money()
        .map_err(|e| ReconcileError::Bound(format!("{figures} figures printed to {precision}: {e}")))
}

/// A failure that stops reconciliation: a total beyond the decimal range, or
/// a rounding bound that cannot be computed (never replaced by a made-up
/// bound).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReconcileError {
    /// A sum does not fit in the decimal range (about ±7.9 × 10^28 pounds).
    #[error("a total cannot be represented exactly: {0}")]
    Overflow(String),
    /// The sum of the half steps of the figures taking part does not fit in
    /// the decimal range.
    #[error("the rounding bound cannot be computed: {0}")]
    Bound(String),
    /// A footing names a cell outside its table.
    #[error("no such cell: {0}")]
    NoSuchCell(String),
    /// A year the plan does not cover.
    #[error("{0} is not one of the plan's years")]
    UnknownYear(FinancialYear),
    /// An index that is not this plan's (an index of another plan).
    #[error("{what} {index} is not one of the plan's")]
    UnknownIndex {
        /// `programme`, `contributor`, `funding source` or `funding group`.
        what: &'static str,
        /// The index given.
        index: usize,
    },
    /// Spend asked of a funding source inside a funding group: amounts it
    /// funds are checked, and answered, with its group.
    #[error("the source is in funding group {}: its spend is the group's", crate::text::shown(.group))]
    InGroup {
        /// The group's id.
        group: String,
    },
}

/// What a [`Finding`] is about.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[non_exhaustive]
pub enum FindingKind {
    /// A contributor's allocation differs from its expenditure (scheme lines
    /// plus contingency) in a year: the over/underspend commitment is not zero.
    ContributorImbalance,
    /// The spend a funding source (or group) funds differs from its income,
    /// for one contributor and year.
    FundingMismatch,
}

/// One thing reconciliation found, with where it is and the figures behind it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// What it is about.
    pub kind: FindingKind,
    /// The contributor concerned.
    pub contributor: ContributorIx,
    /// The contributor's id.
    pub contributor_id: String,
    /// The year concerned.
    pub year: FinancialYear,
    /// The funding source or group id, for a funding mismatch.
    pub funding: Option<String>,
    /// Allocation or income (`stated`) against expenditure or spend (`computed`).
    pub comparison: Comparison,
}

impl Finding {
    /// Whether the finding is an error (not a rounding difference).
    #[must_use]
    pub fn is_error(&self) -> bool {
        self.comparison.agreement == Agreement::Error
    }
}

impl Finding {
    /// The finding in words, each amount written by `money`.
    fn describe(&self, money: &dyn Fn(Money) -> String) -> String {
        let c = &self.comparison;
        let contributor = escape(&self.contributor_id);
        let mut s = match self.kind {
            FindingKind::ContributorImbalance => format!(
                "{}: {} {}: allocation {} but expenditure {} (commitment {})",
                c.agreement,
                contributor,
                self.year,
                money(c.stated),
                money(c.computed),
                money(c.difference.negate())
            ),
            FindingKind::FundingMismatch => {
                let funding = self
                    .funding
                    .as_deref()
                    .map(|f| format!(" {}", escape(f)))
                    .unwrap_or_default();
                format!(
                    "{}: {} {} funding{funding}: income {} but spend {} (difference {})",
                    c.agreement,
                    contributor,
                    self.year,
                    money(c.stated),
                    money(c.computed),
                    money(c.difference)
                )
            }
        };
        if c.agreement == Agreement::Rounding {
            s.push_str(&format!(", within the rounding bound {}", money(c.bound)));
        }
        s
    }
}

impl fmt::Display for Finding {
    /// The finding with its amounts exact, in pounds and pence.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe(&|m| m.to_string()))
    }
}

impl Render for Finding {
    /// The finding with its amounts in `format`'s unit and decimals (with
    /// a `£` if it asks), or more decimals where an amount needs them: a
    /// finding's figures are never rounded ([`Precision::exact_for`]). Give
    /// it [`Plan::written_precision`](crate::plan::Plan::written_precision)
    /// to print a plan's findings in the plan's own unit.
    ///
    /// ```
    /// use bcf_model::money::Render;
    /// use bcf_model::reconcile::reconcile;
    ///
    /// // A plan entered in whole pounds, £10 short of its allocation.
    /// let csv = "\
    /// record,id,name,kind,programme,contributor,year,funding,amount
    /// plan,,Whole pounds,Pounds:0,,,,,
    /// year,,,,,,2024/25,,
    /// contributor,icb,The ICB,Icb,,,,,
    /// source,min,NHS minimum,NhsMinimum,,,,,
    /// allocation,,,,,icb,2024/25,min,1000
    /// programme,P,Programme,,,,,,
    /// line,a,A,,P,icb,2024/25,min,990
    /// ";
    /// let plan = bcf_model::io::tidy::read_plan_tidy("plan.csv", csv)?;
    /// let finding = reconcile(&plan)?.findings.into_iter().next().ok_or("no finding")?;
    /// let precision = plan.written_precision().ok_or("exact amounts")?;
    /// assert_eq!(
    ///     finding.render(precision.format().with_symbol()),
    ///     "error: icb 2024/25: allocation £1,000 but expenditure £990 (commitment £10)"
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn render(&self, format: impl Into<Format>) -> String {
        let format = format.into();
        self.describe(&|m| {
            m.render(Format {
                precision: format.precision.exact_for(m),
                ..format
            })
        })
    }
}

/// A contributor's position in one year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContributorBalance {
    /// The contributor.
    pub contributor: ContributorIx,
    /// The year.
    pub year: FinancialYear,
    /// Income from all its allocations.
    pub allocation: Money,
    /// Spend on scheme lines.
    pub scheme_spend: Money,
    /// Contingency held (net of cost improvement targets).
    pub contingency: Money,
    /// `scheme_spend + contingency`.
    pub expenditure: Money,
    /// `allocation - expenditure`; zero in a balanced plan.
    pub commitment: Money,
    /// How allocation and expenditure agree.
    pub agreement: Agreement,
}

/// Income against spend for one funding class, contributor and year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FundingBalance {
    /// The funding source or group id.
    pub funding: String,
    /// The contributor.
    pub contributor: ContributorIx,
    /// The year.
    pub year: FinancialYear,
    /// Income (allocations of the source, or of all the group's members).
    pub income: Money,
    /// Spend on lines and contingency funded by it.
    pub spend: Money,
    /// How they agree.
    pub agreement: Agreement,
}

/// The full result of reconciling a plan.
///
/// ```
/// use bcf_model::reconcile::{reconcile, Agreement};
///
/// let plan = bcf_model::data::leicestershire::expenditure_plan()?.plan;
/// let rec = reconcile(&plan)?;
/// // Every contributor and year balances, to within the rounding its
/// // printed figures allow; one balance is off by £100, a rounding difference.
/// assert!(rec.is_balanced());
/// assert_eq!(rec.errors().count(), 0);
/// let rounding: Vec<_> = rec.balances.iter().filter(|b| b.agreement == Agreement::Rounding).collect();
/// assert_eq!(rounding.len(), 1);
/// assert_eq!(rounding[0].commitment.to_string(), "£100.00");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reconciliation {
    /// Per contributor and year: allocation against expenditure.
    pub balances: Vec<ContributorBalance>,
    /// Per funding class, contributor and year: income against spend.
    pub funding: Vec<FundingBalance>,
    /// Exact totals.
    pub totals: Totals,
    /// Every difference found, errors and rounding differences alike.
    pub findings: Vec<Finding>,
}

impl Reconciliation {
    /// The findings that are errors.
    pub fn errors(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.is_error())
    }

    /// The findings that are rounding differences.
    pub fn rounding_differences(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| f.comparison.agreement == Agreement::Rounding)
    }

    /// Whether the plan balances with no errors (rounding differences allowed).
    #[must_use]
    pub fn is_balanced(&self) -> bool {
        self.errors().next().is_none()
    }
}

/// Reconciles `plan`: every contributor's allocation against its expenditure
/// in every year, every funding class's income against the spend it funds,
/// and the exact totals by programme, contributor, funding and year.
///
/// A difference is an [`Agreement::Rounding`] when it is within the
/// [`RoundingBound`] of the figures taking part: half a step of each amount
/// printed to a [`precision`](crate::plan::LineAmount::precision), nothing
/// for an exact amount. So a plan of exact figures has no rounding
/// differences: any difference is an [`Agreement::Error`].
///
/// Sums are taken over the plan's column-wise `i64` copy of its amounts in
/// one pass; plans whose amounts do not fit it (beyond about £92 trillion in
/// pence) take the reference path (`reconcile_reference`, exported with the `reference` feature). Both give identical results (a
/// property test checks it).
///
/// Fails only if a total, or a rounding bound, is beyond the decimal range.
///
/// # Errors
///
/// [`ReconcileError::Overflow`] if a total, an expenditure, a commitment or a
/// difference is beyond the decimal range, and [`ReconcileError::Bound`] if a
/// rounding bound cannot be computed (more than `u64::MAX` figures of one
/// precision, or a sum of half steps beyond the decimal range).
pub fn reconcile(plan: &Plan) -> Result<Reconciliation, ReconcileError> {
    match plan.columns() {
        Some(cols) => finish(plan, sums_from_columns(plan, cols)?),
        None => reference(plan),
    }
}

/// The reference path of [`reconcile`] (see `reconcile_reference`, which
/// the `reference` feature exports).
pub(crate) fn reference(plan: &Plan) -> Result<Reconciliation, ReconcileError> {
    finish(plan, sums_reference(plan)?)
}

/// The straightforward reconciliation: each amount is looked up and added
/// in `i128` at the plan's finest scale. It is the reference the fast path
/// of [`reconcile`] is tested against, and the path for plans whose amounts
/// do not fit the fast one.
///
/// # Errors
///
/// The same as [`reconcile`]: [`ReconcileError::Overflow`] for a total,
/// expenditure, commitment or difference beyond the decimal range, and
/// [`ReconcileError::Bound`] for a rounding bound that cannot be computed.
#[cfg(feature = "reference")]
pub fn reconcile_reference(plan: &Plan) -> Result<Reconciliation, ReconcileError> {
    reference(plan)
}

/// Whether [`reconcile`] takes its fast, column-wise path for `plan` (its
/// amounts fit `i64` units at a common scale) rather than
/// `reconcile_reference`. Both give identical results; tests use this to
/// show which one ran.
#[must_use]
#[cfg(feature = "reference")]
pub fn takes_fast_path(plan: &Plan) -> bool {
    plan.columns().is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    #[test]
    fn amounts_beyond_i64_take_the_reference_path() {
        use crate::plan::{ContributorKind, FundingSourceKind, LineDraft};
        let y = FinancialYear::starting(2017).unwrap();
        let huge = Money::from_pounds(Decimal::from(i64::MAX)); // £9.2 quintillion
        let plan = Plan::builder("huge")
            .year(y)
            .contributor("c", "C", ContributorKind::Ccg)
            .source("s", "S", FundingSourceKind::NhsMinimum)
            .allocation("s", "c", y, huge.checked_add(huge).unwrap())
            .programme("P", "P")
            .line(LineDraft::new("a", "P", "A").amount("c", y, "s", huge))
            .line(LineDraft::new("b", "P", "B").amount("c", y, "s", huge))
            .build()
            .unwrap();
        assert!(plan.columns().is_none());
        let rec = reconcile(&plan).unwrap();
        assert!(rec.findings.is_empty());
        assert_eq!(rec.totals.year_spend(y), Ok(huge.checked_add(huge).unwrap()));
    }
}
