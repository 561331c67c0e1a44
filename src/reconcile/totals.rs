//! [`Totals`]: a reconciled plan's exact totals by programme, contributor,
//! funding and year, and the lookups that answer from them.

use crate::calendar::FinancialYear;
use crate::money::Money;
use crate::plan::{ContributorIx, ProgrammeIx};

use super::ReconcileError;

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
    pub(super) years: Vec<FinancialYear>,
    pub(super) contributors: usize,
    pub(super) programmes: usize,
    pub(super) classes: usize,
    pub(super) class_ids: Vec<String>,
    /// [programme][contributor][year]
    pub(super) programme: Vec<Money>,
    /// [contributor][year]
    pub(super) scheme: Vec<Money>,
    pub(super) contingency: Vec<Money>,
    pub(super) allocation: Vec<Money>,
    /// [class][contributor][year]
    pub(super) class_spend: Vec<Money>,
    pub(super) class_income: Vec<Money>,
    /// Each source inside a funding group, with its own income
    /// [contributor][year].
    pub(super) member_income: Vec<(String, Vec<Money>)>,
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
