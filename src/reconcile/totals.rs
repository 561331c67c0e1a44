//! [`Totals`]: a reconciled plan's exact totals by programme, contributor,
//! funding and year, and the lookups that answer from them.

use crate::calendar::FinancialYear;
use crate::money::Money;
use crate::plan::{ContributorIx, Funding, GroupIx, PlanKey, ProgrammeIx, SourceIx};

use super::ReconcileError;

/// Exact totals of a plan by programme, contributor, funding and year.
///
/// Parties are named by the plan's typed indexes (see
/// [Indexes](crate::plan#indexes)): `plan.contributor_ix("lcc")`,
/// `plan.funding("dfg")`. Each answer is a `Result`: a year the plan does not
/// cover, or an index of another plan, is an error naming it
/// ([`ReconcileError::UnknownYear`], [`ReconcileError::UnknownIndex`]),
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
/// let dfg = plan.funding("dfg").ok_or("no DFG")?;
/// assert_eq!(totals.funding_income(dfg, y1)?, k("3,349.9")?);
/// // A year the plan does not cover is an error that says which, never a
/// // total of zero.
/// let lcc = plan.contributor_ix("lcc").ok_or("no lcc")?;
/// let later = "2030/31".parse()?;
/// assert_eq!(totals.contributor_allocation(lcc, later), Err(ReconcileError::UnknownYear(later)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Totals {
    pub(super) years: Vec<FinancialYear>,
    pub(super) contributors: usize,
    pub(super) programmes: usize,
    pub(super) classes: usize,
    pub(super) class_ids: Vec<String>,
    /// The key of the plan whose indexes are accepted.
    pub(super) key: PlanKey,
    /// For each source: its funding class, and whether it is in a group.
    pub(super) source_class: Vec<(u32, bool)>,
    /// For each group: its funding class.
    pub(super) group_class: Vec<u32>,
    /// [programme][contributor][year]
    pub(super) programme: Vec<Money>,
    /// [contributor][year]
    pub(super) scheme: Vec<Money>,
    pub(super) contingency: Vec<Money>,
    pub(super) allocation: Vec<Money>,
    /// [class][contributor][year]
    pub(super) class_spend: Vec<Money>,
    pub(super) class_income: Vec<Money>,
    /// For each source inside a funding group (by position), its id and
    /// its own income [contributor][year]; `None` for a lone source.
    pub(super) member_income: Vec<Option<(String, Vec<Money>)>>,
}

impl Totals {
    fn y(&self, year: FinancialYear) -> Result<usize, ReconcileError> {
        self.years
            .iter()
            .position(|y| *y == year)
            .ok_or(ReconcileError::UnknownYear(year))
    }

    /// The position of an index of this plan (below `n`), or the error
    /// naming it.
    fn own(&self, plan: PlanKey, pos: usize, n: usize, what: &'static str) -> Result<usize, ReconcileError> {
        if plan == self.key && pos < n {
            Ok(pos)
        } else {
            Err(ReconcileError::UnknownIndex { what, index: pos })
        }
    }

    fn contributor(&self, c: ContributorIx) -> Result<usize, ReconcileError> {
        self.own(c.plan(), c.index(), self.contributors, ContributorIx::WHAT)
    }

    /// Contributor `c` of this plan, by position (below `self.contributors`).
    fn nth_contributor(&self, c: usize) -> ContributorIx {
        ContributorIx::new(
            self.key,
            u32::try_from(c).expect("the builder checked the contributors fit u32"),
        )
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
        self.own(p.plan(), p.index(), self.programmes, ProgrammeIx::WHAT)?;
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
            self.programme_contributor(p, self.nth_contributor(c), year)
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
        let what = || format!("{} in {year}", crate::text::shown(&funding));
        Self::sum_over(self.contributors, what, |c| {
            Ok(Self::at(v, (k * self.contributors + c) * n + y))
        })
    }

    /// The id of funding class `k` of this plan.
    fn class_id(&self, k: usize) -> &str {
        self.class_ids.get(k).expect("a class position of the plan")
    }

    /// Where `funding` is: its funding class, and for a source in a group,
    /// its own position among the sources.
    fn locate(&self, funding: Funding) -> Result<(usize, Option<usize>), ReconcileError> {
        match funding {
            Funding::Source(s) => {
                let i = self.own(s.plan(), s.index(), self.source_class.len(), SourceIx::WHAT)?;
                let (class, in_group) = *self.source_class.get(i).expect("a checked position of a source");
                Ok((class as usize, in_group.then_some(i)))
            }
            Funding::Group(g) => {
                let i = self.own(g.plan(), g.index(), self.group_class.len(), GroupIx::WHAT)?;
                Ok((
                    *self.group_class.get(i).expect("a checked position of a group") as usize,
                    None,
                ))
            }
        }
    }

    /// Spend funded by a funding source or group in a year: what the plan's
    /// amounts funded by it add to. Amounts funded by a source inside a
    /// funding group are checked with the group, and are answered for the
    /// group; a member source has no spend of its own here.
    ///
    /// # Errors
    ///
    /// [`ReconcileError::UnknownIndex`] for a source or group of another
    /// plan, [`ReconcileError::InGroup`] for a source inside a funding
    /// group, [`ReconcileError::UnknownYear`] for a year the plan does not
    /// cover, [`ReconcileError::Overflow`] if the sum is beyond the decimal
    /// range.
    pub fn funding_spend(&self, funding: Funding, year: FinancialYear) -> Result<Money, ReconcileError> {
        match self.locate(funding)? {
            (k, None) => self.per_class(&self.class_spend, k, self.class_id(k), year),
            (k, Some(_)) => Err(ReconcileError::InGroup {
                group: self.class_id(k).to_string(),
            }),
        }
    }

    /// Income of a funding source or group in a year: its allocations, or
    /// for a group all its members' allocations. A source inside a group
    /// has its own income too.
    ///
    /// # Errors
    ///
    /// [`ReconcileError::UnknownIndex`] for a source or group of another
    /// plan, [`ReconcileError::UnknownYear`] for a year the plan does not
    /// cover, [`ReconcileError::Overflow`] if the sum is beyond the decimal
    /// range.
    pub fn funding_income(&self, funding: Funding, year: FinancialYear) -> Result<Money, ReconcileError> {
        match self.locate(funding)? {
            (k, None) => self.per_class(&self.class_income, k, self.class_id(k), year),
            (_, Some(i)) => {
                let (id, income) = self
                    .member_income
                    .get(i)
                    .and_then(Option::as_ref)
                    .expect("a source in a group has its own income row");
                self.per_class(income, 0, id, year)
            }
        }
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
            |c| self.contributor_spend(self.nth_contributor(c), year),
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
            |c| self.contributor_contingency(self.nth_contributor(c), year),
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
            |c| self.contributor_allocation(self.nth_contributor(c), year),
        )
    }

    /// The number of funding classes.
    #[must_use]
    pub fn funding_classes(&self) -> usize {
        self.classes
    }
}
