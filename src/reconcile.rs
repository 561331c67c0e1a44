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

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::calendar::FinancialYear;
use crate::money::{Money, Precision, RoundingBound};
use crate::plan::{ContributorIx, LineAmount, Plan, ProgrammeIx};
use crate::text::escape;

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
    /// A programme or contributor index that is not this plan's (an index
    /// of another plan).
    #[error("{what} {index} is not one of the plan's")]
    UnknownIndex {
        /// `programme` or `contributor`.
        what: &'static str,
        /// The index given.
        index: usize,
    },
    /// A funding id that is neither a source nor a group of the plan.
    #[error("{} is not a funding source or group of the plan", crate::text::shown(.0))]
    UnknownFunding(String),
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

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.comparison;
        let contributor = escape(&self.contributor_id);
        match self.kind {
            FindingKind::ContributorImbalance => write!(
                f,
                "{}: {} {}: allocation {} but expenditure {} (commitment {})",
                c.agreement,
                contributor,
                self.year,
                c.stated,
                c.computed,
                c.difference.negate()
            ),
            FindingKind::FundingMismatch => {
                write!(f, "{}: {} {} funding", c.agreement, contributor, self.year)?;
                if let Some(funding) = &self.funding {
                    write!(f, " {}", escape(funding))?;
                }
                write!(
                    f,
                    ": income {} but spend {} (difference {})",
                    c.stated, c.computed, c.difference
                )
            }
        }?;
        if c.agreement == Agreement::Rounding {
            write!(f, ", within the rounding bound {}", c.bound)?;
        }
        Ok(())
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

/// Exact totals of a plan by programme, contributor, funding and year.
///
/// Each answer is a `Result`: a year, index or funding id that is not the
/// plan's is an error naming it ([`ReconcileError::UnknownYear`],
/// [`ReconcileError::UnknownIndex`], [`ReconcileError::UnknownFunding`]),
/// told apart from a sum beyond the decimal range
/// ([`ReconcileError::Overflow`]).
///
/// ```
/// use bcf_model::money::{Money, Unit};
/// use bcf_model::reconcile::{reconcile, ReconcileError};
///
/// let plan = bcf_model::data::leicestershire::expenditure_plan()?.plan;
/// let totals = reconcile(&plan)?.totals;
/// let (y1, y2) = ("2017/18".parse()?, "2018/19".parse()?);
/// let k = |s: &str| Money::parse(s, Unit::Thousands);
/// // Regenerated from the printed lines, each rounded to £100 by itself:
/// // total BCF spend 51,447.7 and total allocation 52,119.9 in 2017/18,
/// // where the paper prints 51,447.6 and 52,119.8 (docs/domain.md section 3).
/// assert_eq!(totals.year_spend(y1)?, k("51,447.7")?);
/// assert_eq!(totals.year_allocation(y1)?, k("52,119.9")?);
/// assert_eq!(totals.year_expenditure(y2)?, k("55,993.1")?);
/// // The DFG, passed to the districts in full.
/// assert_eq!(totals.funding_income("dfg", y1)?, k("3,349.9")?);
/// // A year, an index or a funding id the plan does not have is an error
/// // that says which, never a total of zero.
/// let lcc = plan.contributor_ix("lcc").ok_or("no lcc")?;
/// let later = "2030/31".parse()?;
/// assert_eq!(totals.contributor_allocation(lcc, later), Err(ReconcileError::UnknownYear(later)));
/// assert!(matches!(totals.funding_income("winter", y1), Err(ReconcileError::UnknownFunding(_))));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Totals {
    years: Vec<FinancialYear>,
    contributors: usize,
    programmes: usize,
    classes: usize,
    class_ids: Vec<String>,
    /// [programme][contributor][year]
    programme: Vec<Money>,
    /// [contributor][year]
    scheme: Vec<Money>,
    contingency: Vec<Money>,
    allocation: Vec<Money>,
    /// [class][contributor][year]
    class_spend: Vec<Money>,
    class_income: Vec<Money>,
    /// Each source inside a funding group, with its own income
    /// [contributor][year].
    member_income: Vec<(String, Vec<Money>)>,
}

impl Totals {
    fn y(&self, year: FinancialYear) -> Result<usize, ReconcileError> {
        self.years
            .iter()
            .position(|y| *y == year)
            .ok_or(ReconcileError::UnknownYear(year))
    }

    fn contributor(&self, c: ContributorIx) -> Result<usize, ReconcileError> {
        if c.index() < self.contributors {
            Ok(c.index())
        } else {
            Err(ReconcileError::UnknownIndex {
                what: "contributor",
                index: c.index(),
            })
        }
    }

    fn sum_over<F: Fn(usize) -> Result<Money, ReconcileError>>(
        n: usize,
        what: impl Fn() -> String,
        f: F,
    ) -> Result<Money, ReconcileError> {
        (0..n).try_fold(Money::ZERO, |acc, i| {
            acc.checked_add(f(i)?)
                .map_err(|e| ReconcileError::Overflow(format!("{}: {e}", what())))
        })
    }

    /// The value at `i` of one of the vectors built for this plan, for an
    /// index made from checked positions.
    fn at(v: &[Money], i: usize) -> Money {
        *v.get(i)
            .expect("an index of checked positions of the plan's contributors, years and classes")
    }

    /// Spend on a programme's lines by one contributor in a year.
    ///
    /// # Errors
    ///
    /// [`ReconcileError::UnknownIndex`] for a programme or contributor index
    /// that is not this plan's, [`ReconcileError::UnknownYear`] for a year
    /// it does not cover.
    pub fn programme_contributor(
        &self,
        p: ProgrammeIx,
        c: ContributorIx,
        year: FinancialYear,
    ) -> Result<Money, ReconcileError> {
        let y = self.y(year)?;
        let c = self.contributor(c)?;
        if p.index() >= self.programmes {
            return Err(ReconcileError::UnknownIndex {
                what: "programme",
                index: p.index(),
            });
        }
        Ok(Self::at(
            &self.programme,
            (p.index() * self.contributors + c) * self.years.len() + y,
        ))
    }

    /// Spend on a programme's lines in a year, all contributors.
    ///
    /// # Errors
    ///
    /// As [`Totals::programme_contributor`], and
    /// [`ReconcileError::Overflow`] if the sum is beyond the decimal range.
    pub fn programme(&self, p: ProgrammeIx, year: FinancialYear) -> Result<Money, ReconcileError> {
        let what = || format!("spend on programme {} in {year}", p.index());
        Self::sum_over(self.contributors, what, |c| {
            self.programme_contributor(p, ContributorIx(c as u32), year)
        })
    }

    fn per_contributor(&self, v: &[Money], c: ContributorIx, year: FinancialYear) -> Result<Money, ReconcileError> {
        let y = self.y(year)?;
        let c = self.contributor(c)?;
        Ok(Self::at(v, c * self.years.len() + y))
    }

    /// A contributor's scheme-line spend in a year.
    ///
    /// # Errors
    ///
    /// [`ReconcileError::UnknownIndex`] for a contributor index that is not
    /// this plan's, [`ReconcileError::UnknownYear`] for a year it does not
    /// cover.
    pub fn contributor_spend(&self, c: ContributorIx, year: FinancialYear) -> Result<Money, ReconcileError> {
        self.per_contributor(&self.scheme, c, year)
    }

    /// A contributor's net contingency in a year.
    ///
    /// # Errors
    ///
    /// As [`Totals::contributor_spend`].
    pub fn contributor_contingency(&self, c: ContributorIx, year: FinancialYear) -> Result<Money, ReconcileError> {
        self.per_contributor(&self.contingency, c, year)
    }

    /// A contributor's allocations (income) in a year.
    ///
    /// # Errors
    ///
    /// As [`Totals::contributor_spend`].
    pub fn contributor_allocation(&self, c: ContributorIx, year: FinancialYear) -> Result<Money, ReconcileError> {
        self.per_contributor(&self.allocation, c, year)
    }

    /// A contributor's expenditure (spend + contingency) in a year.
    ///
    /// # Errors
    ///
    /// As [`Totals::contributor_spend`], and [`ReconcileError::Overflow`]
    /// if the sum is beyond the decimal range.
    pub fn contributor_expenditure(&self, c: ContributorIx, year: FinancialYear) -> Result<Money, ReconcileError> {
        self.contributor_spend(c, year)?
            .checked_add(self.contributor_contingency(c, year)?)
            .map_err(|e| ReconcileError::Overflow(format!("expenditure of contributor {} in {year}: {e}", c.index())))
    }

    /// The sum over contributors of block `k` of `v`, laid out
    /// `[block][contributor][year]`: what `funding` (a class, or a member
    /// source) comes to in `year`.
    fn per_class(&self, v: &[Money], k: usize, funding: &str, year: FinancialYear) -> Result<Money, ReconcileError> {
        let y = self.y(year)?;
        let n = self.years.len();
        Self::sum_over(
            self.contributors,
            || format!("{funding} in {year}"),
            |c| Ok(Self::at(v, (k * self.contributors + c) * n + y)),
        )
    }

    fn class(&self, funding: &str) -> Option<usize> {
        self.class_ids.iter().position(|id| id == funding)
    }

    /// Spend funded by a funding source or group (by id) in a year: what the
    /// plan's amounts funded by it add to. Spend funded by a group is not
    /// split among its member sources, so a member source has none of its
    /// own here.
    ///
    /// # Errors
    ///
    /// [`ReconcileError::UnknownFunding`] for an id that is not one of the
    /// plan's funding classes (a lone source or a group),
    /// [`ReconcileError::UnknownYear`] for a year the plan does not cover,
    /// [`ReconcileError::Overflow`] if the sum is beyond the decimal range.
    pub fn funding_spend(&self, funding: &str, year: FinancialYear) -> Result<Money, ReconcileError> {
        let k = self
            .class(funding)
            .ok_or_else(|| ReconcileError::UnknownFunding(funding.to_string()))?;
        self.per_class(&self.class_spend, k, funding, year)
    }

    /// Income of a funding source or group (by id) in a year: its
    /// allocations, or for a group all its members' allocations. A source
    /// inside a group has its own income too.
    ///
    /// # Errors
    ///
    /// [`ReconcileError::UnknownFunding`] for an id that is neither a source
    /// nor a group of the plan, [`ReconcileError::UnknownYear`] for a year
    /// the plan does not cover, [`ReconcileError::Overflow`] if the sum is
    /// beyond the decimal range.
    pub fn funding_income(&self, funding: &str, year: FinancialYear) -> Result<Money, ReconcileError> {
        if let Some(k) = self.class(funding) {
            return self.per_class(&self.class_income, k, funding, year);
        }
        let (_, income) = self
            .member_income
            .iter()
            .find(|(id, _)| id == funding)
            .ok_or_else(|| ReconcileError::UnknownFunding(funding.to_string()))?;
        self.per_class(income, 0, funding, year)
    }

    /// Total scheme-line spend in a year.
    ///
    /// # Errors
    ///
    /// [`ReconcileError::UnknownYear`] for a year the plan does not cover,
    /// [`ReconcileError::Overflow`] if the sum is beyond the decimal range.
    pub fn year_spend(&self, year: FinancialYear) -> Result<Money, ReconcileError> {
        Self::sum_over(
            self.contributors,
            || format!("scheme spend in {year}"),
            |c| self.contributor_spend(ContributorIx(c as u32), year),
        )
    }

    /// Total contingency in a year.
    ///
    /// # Errors
    ///
    /// As [`Totals::year_spend`].
    pub fn year_contingency(&self, year: FinancialYear) -> Result<Money, ReconcileError> {
        Self::sum_over(
            self.contributors,
            || format!("contingency in {year}"),
            |c| self.contributor_contingency(ContributorIx(c as u32), year),
        )
    }

    /// Total expenditure (spend + contingency) in a year.
    ///
    /// # Errors
    ///
    /// As [`Totals::year_spend`].
    pub fn year_expenditure(&self, year: FinancialYear) -> Result<Money, ReconcileError> {
        self.year_spend(year)?
            .checked_add(self.year_contingency(year)?)
            .map_err(|e| ReconcileError::Overflow(format!("expenditure in {year}: {e}")))
    }

    /// Total allocation in a year.
    ///
    /// # Errors
    ///
    /// As [`Totals::year_spend`].
    pub fn year_allocation(&self, year: FinancialYear) -> Result<Money, ReconcileError> {
        Self::sum_over(
            self.contributors,
            || format!("allocations in {year}"),
            |c| self.contributor_allocation(ContributorIx(c as u32), year),
        )
    }

    /// The number of funding classes.
    #[must_use]
    pub fn funding_classes(&self) -> usize {
        self.classes
    }
}

/// The income of each source that is a member of a funding group, per
/// contributor and year (`[contributor][year]`), from the plan's allocations.
fn member_income(plan: &Plan, years: &[FinancialYear], nc: usize) -> Result<Vec<(String, Vec<Money>)>, ReconcileError> {
    let ny = years.len();
    let mut out: Vec<(String, Vec<Money>)> = Vec::new();
    for g in plan.groups() {
        for id in &g.members {
            let s = plan
                .source_ix(id)
                .expect("a group's members are sources of the plan (checked by the builder)");
            let mut income = vec![Money::ZERO; nc * ny];
            for a in plan.allocations().iter().filter(|a| a.source == s) {
                let y = years
                    .iter()
                    .position(|y| *y == a.year)
                    .expect("an allocation's year is one of the plan's (checked by the builder)");
                let slot = income
                    .get_mut(a.contributor.index() * ny + y)
                    .expect("an allocation's contributor and year are the plan's");
                *slot = slot
                    .checked_add(a.amount)
                    .map_err(|e| ReconcileError::Overflow(format!("income of {} in {}: {e}", escape(id), a.year)))?;
            }
            out.push((id.clone(), income));
        }
    }
    Ok(out)
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

/// An exact accumulator: integer units at a fixed decimal scale, with a count
/// of the figures summed (for the rounding bound).
#[derive(Clone, Copy, Debug, Default)]
struct Acc {
    units: i128,
    figures: u32,
    overflow: bool,
}

impl Acc {
    /// Adds a sum of `figures` figures.
    fn add_many(&mut self, units: i128, figures: u32) {
        match self.units.checked_add(units) {
            Some(v) => self.units = v,
            None => self.overflow = true,
        }
        self.figures = self.figures.saturating_add(figures);
    }

    #[inline]
    fn add(&mut self, units: Option<i128>) {
        match units.and_then(|u| self.units.checked_add(u)) {
            Some(v) => self.units = v,
            None => self.overflow = true,
        }
        self.figures = self.figures.saturating_add(1);
    }

    fn money(&self, scale: u32, what: impl FnOnce() -> String) -> Result<Money, ReconcileError> {
        if self.overflow {
            return Err(ReconcileError::Overflow(what()));
        }
        // Drop trailing zeros until the value fits 96 bits; if it never does,
        // the exact total needs more than 28 significant digits.
        let (mut units, mut scale) = (self.units, scale);
        loop {
            if let Ok(d) = Decimal::try_from_i128_with_scale(units, scale) {
                return Ok(Money::from_pounds(d.normalize()));
            }
            if scale == 0 || units % 10 != 0 {
                return Err(ReconcileError::Overflow(what()));
            }
            units /= 10;
            scale -= 1;
        }
    }
}

/// `d` as integer units at `scale` (which is at least `d`'s scale).
#[inline]
fn units_at(d: Decimal, scale: u32) -> Option<i128> {
    let m = d.mantissa();
    let s = d.scale();
    if s == scale {
        Some(m)
    } else {
        10i128.checked_pow(scale.checked_sub(s)?).and_then(|p| m.checked_mul(p))
    }
}

/// Exact sums of a plan, before they become totals and findings.
struct Sums {
    scale: u32,
    /// [programme][contributor][year]
    prog: Vec<Acc>,
    /// [contributor][year]
    scheme: Vec<Acc>,
    cont: Vec<Acc>,
    alloc: Vec<Acc>,
    /// [class][contributor][year]
    class_spend: Vec<Acc>,
    class_income: Vec<Acc>,
    /// The rounding bounds of the printed figures behind each sum:
    /// [contributor][year] for spend, contingency and allocations, and
    /// [class][contributor][year] for a class's spend and income.
    scheme_bound: Vec<RoundingBound>,
    cont_bound: Vec<RoundingBound>,
    alloc_bound: Vec<RoundingBound>,
    class_spend_bound: Vec<RoundingBound>,
    class_income_bound: Vec<RoundingBound>,
}

impl Sums {
    fn new(scale: u32, np: usize, nc: usize, ny: usize, nk: usize) -> Sums {
        let cy = nc * ny;
        Sums {
            scale,
            prog: vec![Acc::default(); np * cy],
            scheme: vec![Acc::default(); cy],
            cont: vec![Acc::default(); cy],
            alloc: vec![Acc::default(); cy],
            class_spend: vec![Acc::default(); nk * cy],
            class_income: vec![Acc::default(); nk * cy],
            scheme_bound: vec![RoundingBound::ZERO; cy],
            cont_bound: vec![RoundingBound::ZERO; cy],
            alloc_bound: vec![RoundingBound::ZERO; cy],
            class_spend_bound: vec![RoundingBound::ZERO; nk * cy],
            class_income_bound: vec![RoundingBound::ZERO; nk * cy],
        }
    }
}

/// The bound at `i` of `v`, for an index made from the plan's own
/// contributors, years and classes (every vector has a place for each).
fn bound_at(v: &[RoundingBound], i: usize) -> &RoundingBound {
    v.get(i).expect("a bound of the plan's contributors, years and classes")
}

/// Adds `from` into the bound at `at` of `v`; an overflow of the count of
/// figures (beyond 2^64) is a bound that cannot be computed.
fn merge_bound(v: &mut [RoundingBound], at: usize, from: &RoundingBound) -> Result<(), ReconcileError> {
    if let Some(b) = v.get_mut(at) {
        b.merge(from).map_err(|e| ReconcileError::Bound(e.to_string()))?;
    }
    Ok(())
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
/// pence) take [`reconcile_reference`]. Both give identical results (a
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
        None => reconcile_reference(plan),
    }
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
pub fn reconcile_reference(plan: &Plan) -> Result<Reconciliation, ReconcileError> {
    finish(plan, sums_reference(plan)?)
}

/// Whether [`reconcile`] takes its fast, column-wise path for `plan` (its
/// amounts fit `i64` units at a common scale) rather than
/// [`reconcile_reference`]. Both give identical results; tests use this to
/// show which one ran.
#[must_use]
pub fn takes_fast_path(plan: &Plan) -> bool {
    plan.columns().is_some()
}

fn sums_from_columns(plan: &Plan, cols: &crate::plan::Columns) -> Result<Sums, ReconcileError> {
    let ny = plan.years().len();
    let nc = plan.contributors().len();
    let np = plan.programmes().len();
    let nk = plan.class_count();
    let slots = cols.slots;
    // The hot loop: one add per amount into a small accumulator array. The
    // sum of all magnitudes fits an i64 (checked when the columns were
    // built), so no partial sum can overflow.
    let mut per_cell = vec![0i64; cols.cell_target.len()];
    plan.add_scheme_units_by_cell(&mut per_cell);
    let mut prog_slots = vec![0i64; np.max(1) * slots];
    for (u, ix) in per_cell.iter().zip(&cols.cell_target) {
        if let Some(acc) = prog_slots.get_mut(*ix as usize) {
            *acc = acc.wrapping_add(*u);
        }
    }
    let mut cont_slots = vec![0i64; slots];
    for (u, slot) in cols.contingency_units.iter().zip(&cols.contingency_slot) {
        if let Some(acc) = cont_slots.get_mut(*slot as usize) {
            *acc = acc.wrapping_add(*u);
        }
    }
    let mut alloc_slots = vec![0i64; slots];
    for (u, slot) in cols.allocation_units.iter().zip(&cols.allocation_slot) {
        if let Some(acc) = alloc_slots.get_mut(*slot as usize) {
            *acc = acc.wrapping_add(*u);
        }
    }
    // Fold the slots (contributor, year, class) into the totals. Every slot
    // index is below `slots`, the length of each vector read here.
    let count = |v: &[u32], slot: usize| v.get(slot).copied().expect("a slot of the plan's columns");
    let value = |v: &[i64], slot: usize| i128::from(v.get(slot).copied().expect("a slot of the plan's columns"));
    let bound = bound_at;
    let mut sums = Sums::new(cols.scale, np, nc, ny, nk);
    let add = |acc: Option<&mut Acc>, units: i128, figures: u32| {
        if let Some(acc) = acc {
            acc.add_many(units, figures);
        }
    };
    for c in 0..nc {
        for y in 0..ny {
            let cy = c * ny + y;
            for k in 0..nk {
                let slot = cy * nk + k;
                let kcy = (k * nc + c) * ny + y;
                for p in 0..np {
                    let u = value(&prog_slots, p * slots + slot);
                    add(sums.prog.get_mut((p * nc + c) * ny + y), u, 0);
                }
                // Each term is at most the sum of all magnitudes, an i64.
                let scheme_u: i128 = (0..np).map(|p| value(&prog_slots, p * slots + slot)).sum();
                let n_scheme = count(&cols.scheme_count, slot);
                let cont_u = value(&cont_slots, slot);
                let n_cont = count(&cols.contingency_count, slot);
                add(sums.scheme.get_mut(cy), scheme_u, n_scheme);
                add(sums.cont.get_mut(cy), cont_u, n_cont);
                add(
                    sums.class_spend.get_mut(kcy),
                    scheme_u + cont_u,
                    n_scheme.saturating_add(n_cont),
                );
                let alloc_u = value(&alloc_slots, slot);
                let n_alloc = count(&cols.allocation_count, slot);
                add(sums.alloc.get_mut(cy), alloc_u, n_alloc);
                add(sums.class_income.get_mut(kcy), alloc_u, n_alloc);
                let (b_scheme, b_cont, b_alloc) = (
                    bound(&cols.scheme_bound, slot),
                    bound(&cols.contingency_bound, slot),
                    bound(&cols.allocation_bound, slot),
                );
                merge_bound(&mut sums.scheme_bound, cy, b_scheme)?;
                merge_bound(&mut sums.cont_bound, cy, b_cont)?;
                merge_bound(&mut sums.alloc_bound, cy, b_alloc)?;
                merge_bound(&mut sums.class_spend_bound, kcy, b_scheme)?;
                merge_bound(&mut sums.class_spend_bound, kcy, b_cont)?;
                merge_bound(&mut sums.class_income_bound, kcy, b_alloc)?;
            }
        }
    }
    Ok(sums)
}

fn sums_reference(plan: &Plan) -> Result<Sums, ReconcileError> {
    let years = plan.years().to_vec();
    let ny = years.len();
    let nc = plan.contributors().len();
    let np = plan.programmes().len();
    let nk = plan.class_count();

    // Every sum is exact at the finest scale of any amount.
    let mut sums = Sums::new(plan.finest_scale(), np, nc, ny, nk);
    let scale = sums.scale;
    let year_ix = |y: FinancialYear| years.iter().position(|x| *x == y);
    // Every amount's year, contributor and funding are the plan's own (the
    // builder resolved them), so each index is in range.
    let class_of = |f: crate::plan::Funding| plan.class_of(f).expect("an amount's funding is one of its plan's");
    let bound_error = |e: crate::money::MoneyError| ReconcileError::Bound(e.to_string());

    let add_amount = |a: &LineAmount, sums: &mut Sums, programme: Option<usize>| -> Result<(), ReconcileError> {
        let (Some(y), c) = (year_ix(a.year), a.contributor.index()) else {
            return Ok(());
        };
        let u = units_at(a.amount.pounds(), scale);
        let cy = c * ny + y;
        let (target, bounds) = match programme {
            Some(_) => (&mut sums.scheme, &mut sums.scheme_bound),
            None => (&mut sums.cont, &mut sums.cont_bound),
        };
        if let Some(acc) = target.get_mut(cy) {
            acc.add(u);
        }
        if let Some(b) = bounds.get_mut(cy) {
            b.add_figure(a.precision).map_err(bound_error)?;
        }
        if let Some(p) = programme {
            if let Some(acc) = sums.prog.get_mut((p * nc + c) * ny + y) {
                acc.add(u);
            }
        }
        let kcy = (class_of(a.funding) * nc + c) * ny + y;
        if let Some(acc) = sums.class_spend.get_mut(kcy) {
            acc.add(u);
        }
        if let Some(b) = sums.class_spend_bound.get_mut(kcy) {
            b.add_figure(a.precision).map_err(bound_error)?;
        }
        Ok(())
    };
    for line in plan.lines() {
        for a in line.amounts() {
            add_amount(&a, &mut sums, Some(line.programme().index()))?;
        }
    }
    for line in plan.contingency() {
        for a in &line.amounts {
            add_amount(a, &mut sums, None)?;
        }
    }
    for a in plan.allocations() {
        let (Some(y), c) = (year_ix(a.year), a.contributor.index()) else {
            continue;
        };
        let u = units_at(a.amount.pounds(), scale);
        let cy = c * ny + y;
        if let Some(acc) = sums.alloc.get_mut(cy) {
            acc.add(u);
        }
        if let Some(b) = sums.alloc_bound.get_mut(cy) {
            b.add_figure(a.precision).map_err(bound_error)?;
        }
        let kcy = (class_of(crate::plan::Funding::Source(a.source)) * nc + c) * ny + y;
        if let Some(acc) = sums.class_income.get_mut(kcy) {
            acc.add(u);
        }
        if let Some(b) = sums.class_income_bound.get_mut(kcy) {
            b.add_figure(a.precision).map_err(bound_error)?;
        }
    }
    Ok(sums)
}

fn finish(plan: &Plan, sums: Sums) -> Result<Reconciliation, ReconcileError> {
    let years = plan.years().to_vec();
    let ny = years.len();
    let nc = plan.contributors().len();
    let np = plan.programmes().len();
    let nk = plan.class_count();
    let classes = plan.funding_classes();
    let Sums {
        scale,
        prog,
        scheme,
        cont,
        alloc,
        class_spend,
        class_income,
        scheme_bound,
        cont_bound,
        alloc_bound,
        class_spend_bound,
        class_income_bound,
    } = sums;
    // What a sum is, in words, for an error: its contributor and year, and
    // its programme or funding class.
    // Sums are laid out [programme or class][contributor][year], so every
    // index splits into positions of the plan's own lists.
    let contributor_year = |cy: usize| {
        let c = plan
            .contributors()
            .get(cy / ny)
            .expect("a sum of a contributor of the plan");
        let y = years.get(cy % ny).expect("a sum of a year of the plan");
        format!("{} {y}", escape(&c.id))
    };
    let of_class = |i: usize| {
        let class = classes
            .get(i / (nc * ny))
            .expect("a sum of a funding class of the plan");
        format!("{}, {}", escape(&class.id), contributor_year(i % (nc * ny)))
    };
    let of_programme = |i: usize| {
        let p = plan
            .programmes()
            .get(i / (nc * ny))
            .expect("a sum of a programme of the plan");
        format!("{}, {}", escape(&p.id), contributor_year(i % (nc * ny)))
    };
    let to_money = |v: &[Acc], what: &dyn Fn(usize) -> String| -> Result<Vec<Money>, ReconcileError> {
        v.iter().enumerate().map(|(i, a)| a.money(scale, || what(i))).collect()
    };
    let totals = Totals {
        years: years.clone(),
        contributors: nc,
        programmes: np,
        classes: nk,
        class_ids: classes.iter().map(|c| c.id.clone()).collect(),
        programme: to_money(&prog, &|i| format!("spend on programme {}", of_programme(i)))?,
        scheme: to_money(&scheme, &|i| format!("scheme spend of {}", contributor_year(i)))?,
        contingency: to_money(&cont, &|i| format!("contingency of {}", contributor_year(i)))?,
        allocation: to_money(&alloc, &|i| format!("allocations of {}", contributor_year(i)))?,
        class_spend: to_money(&class_spend, &|i| format!("spend funded by {}", of_class(i)))?,
        class_income: to_money(&class_income, &|i| format!("income of {}", of_class(i)))?,
        member_income: member_income(plan, &years, nc)?,
    };

    let bound_of = |parts: &[&RoundingBound], what: &dyn Fn() -> String| -> Result<Money, ReconcileError> {
        let mut b = RoundingBound::ZERO;
        for p in parts {
            b.merge(p)
                .map_err(|e| ReconcileError::Bound(format!("{}: {e}", what())))?;
        }
        b.to_money()
            .map_err(|e| ReconcileError::Bound(format!("{}: {e}", what())))
    };
    // Every index below is within the vectors built for this plan's
    // contributors, years and classes.
    let at = |v: &[Money], i: usize| *v.get(i).expect("a total of the plan's contributors, years and classes");
    let acc = |v: &[Acc], i: usize| *v.get(i).expect("a sum of the plan's contributors, years and classes");
    let bound = bound_at;
    let overflow = |e: crate::money::MoneyError| ReconcileError::Overflow(e.to_string());
    let mut balances = Vec::with_capacity(nc * ny);
    let mut funding = Vec::new();
    let mut findings = Vec::new();
    for (ci, contributor) in plan.contributors().iter().enumerate() {
        let c = ContributorIx(u32::try_from(ci).expect("the builder checked the contributors fit u32"));
        for (yi, &year) in years.iter().enumerate() {
            let i = ci * ny + yi;
            let (allocation, scheme_spend, contingency) = (
                at(&totals.allocation, i),
                at(&totals.scheme, i),
                at(&totals.contingency, i),
            );
            let expenditure = scheme_spend.checked_add(contingency).map_err(overflow)?;
            let b = bound_of(
                &[bound(&alloc_bound, i), bound(&scheme_bound, i), bound(&cont_bound, i)],
                &|| format!("the balance of {} {year}", escape(&contributor.id)),
            )?;
            let comparison = Comparison::new(expenditure, allocation, b)?;
            balances.push(ContributorBalance {
                contributor: c,
                year,
                allocation,
                scheme_spend,
                contingency,
                expenditure,
                commitment: allocation.checked_sub(expenditure).map_err(overflow)?,
                agreement: comparison.agreement,
            });
            if comparison.agreement != Agreement::Exact {
                findings.push(Finding {
                    kind: FindingKind::ContributorImbalance,
                    contributor: c,
                    contributor_id: contributor.id.clone(),
                    year,
                    funding: None,
                    comparison,
                });
            }
            for (k, class) in classes.iter().enumerate() {
                let j = (k * nc + ci) * ny + yi;
                let n_spend = acc(&class_spend, j).figures;
                let n_income = acc(&class_income, j).figures;
                if n_spend == 0 && n_income == 0 {
                    continue;
                }
                let spend = at(&totals.class_spend, j);
                let income = at(&totals.class_income, j);
                let b = bound_of(&[bound(&class_spend_bound, j), bound(&class_income_bound, j)], &|| {
                    format!("funding {} of {} {year}", escape(&class.id), escape(&contributor.id))
                })?;
                let comparison = Comparison::new(spend, income, b)?;
                funding.push(FundingBalance {
                    funding: class.id.clone(),
                    contributor: c,
                    year,
                    income,
                    spend,
                    agreement: comparison.agreement,
                });
                if comparison.agreement != Agreement::Exact {
                    findings.push(Finding {
                        kind: FindingKind::FundingMismatch,
                        contributor: c,
                        contributor_id: contributor.id.clone(),
                        year,
                        funding: Some(class.id.clone()),
                        comparison,
                    });
                }
            }
        }
    }
    Ok(Reconciliation {
        balances,
        funding,
        totals,
        findings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
