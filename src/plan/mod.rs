//! The plan model: contributors, funding sources, allocations, programmes,
//! scheme lines and contingency lines, gathered in a [`Plan`] built and
//! checked by a [`PlanBuilder`].
//!
//! ```
//! use bcf_model::plan::{Plan, ContributorKind, FundingSourceKind, LineDraft, ContingencyDraft, ContingencyKind};
//! use bcf_model::calendar::FinancialYear;
//! use bcf_model::money::{Money, Unit};
//!
//! let y = FinancialYear::starting(2017)?;
//! let k = |s: &str| Money::parse(s, Unit::Thousands);
//! let plan = Plan::builder("Example BCF")
//!     .year(y)
//!     .contributor("wl_ccg", "West Leicestershire CCG", ContributorKind::Ccg)
//!     .source("ccg_min", "CCG minimum", FundingSourceKind::NhsMinimum)
//!     .allocation("ccg_min", "wl_ccg", y, k("2,919.0")?)
//!     .programme("BCF2", "Home First")
//!     .line(LineDraft::new("reablement", "BCF2", "Reablement (NHS protected)")
//!         .amount("wl_ccg", y, "ccg_min", k("2,419.0")?))
//!     .contingency(ContingencyDraft::new("risk", "Risk Pool", ContingencyKind::RiskPool)
//!         .amount("wl_ccg", y, "ccg_min", k("500.0")?))
//!     .build()?;
//! assert_eq!(plan.lines().len(), 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Indexes
//!
//! A plan names its contributors, funding sources, funding groups and
//! programmes to the rest of the crate by typed index ([`ContributorIx`],
//! [`SourceIx`], [`GroupIx`], [`ProgrammeIx`]; [`Funding`] for a source or a
//! group), got from the plan by id (`plan.contributor_ix("lcc")`,
//! `plan.funding("dfg")`) or from its items. Every lookup that takes a party
//! takes its index, in the plan, in [`Totals`](crate::reconcile::Totals) and
//! in the contingency ledger; lines are named by their id. Each index is
//! stamped with the plan it came from, so one plan's index given to another
//! is refused (`None`, or an error naming it) rather than read as whatever
//! sits at that position there:
//!
//! ```
//! use bcf_model::plan::{ContributorKind, FundingSourceKind, Plan};
//! use bcf_model::calendar::FinancialYear;
//!
//! let y = FinancialYear::starting(2024)?;
//! let one = |who: &str| {
//!     Plan::builder("P")
//!         .year(y)
//!         .contributor(who, who, ContributorKind::UnitaryCouncil)
//!         .source("min", "Minimum", FundingSourceKind::NhsMinimum)
//!         .build()
//! };
//! let (a, b) = (one("a")?, one("b")?);
//! let ix = a.contributor_ix("a").ok_or("no a")?;
//! assert_eq!(a.contributor(ix).map(|c| c.id.as_str()), Some("a"));
//! // Position 0 of `b` is another contributor: `a`'s index is refused there.
//! assert_eq!(b.contributor(ix), None);
//! // A plan with the same structure shares its indexes.
//! assert_eq!(one("a")?.contributor(ix).map(|c| c.id.as_str()), Some("a"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod builder;
mod columns;
mod errors;
mod ids;
mod lines;
mod parties;
mod table;

pub use builder::{AmountDraft, ContingencyDraft, LineDraft, PlanBuilder};
pub use errors::{Field, Item, PlanError, PlanErrors, PlanProblem};

pub(crate) use columns::Columns;
pub(crate) use errors::years_text;
use table::LineTable;
pub(crate) use table::{Cell, LineTableBuilder};
pub use table::{LineAmounts, SchemeLine, SchemeLines, SchemeLinesIter};

pub(crate) use ids::PlanKey;
pub use ids::{ContributorIx, GroupIx, ProgrammeIx, SourceIx};
pub use lines::{
    Commissioner, ContingencyKind, ContingencyLine, LineAmount, LineAttributes, LineFlag, NewOrExisting, Programme,
};
pub use parties::{Allocation, Contributor, ContributorKind, Funding, FundingGroup, FundingSource, FundingSourceKind};

use crate::calendar::FinancialYear;
use crate::money::{Money, Precision};

/// A Better Care Fund plan: who pays in (allocations), what is spent (scheme
/// lines) and what is held back (contingency), per contributor and year.
///
/// A `Plan` is structurally valid by construction: every id is unique, every
/// reference resolves, every amount's year is in the plan and has the sign its
/// kind allows. Whether it *balances* is a separate question, answered by
/// [`reconcile`](crate::reconcile::reconcile).
///
/// Two plans are equal when their contents are equal, amount by amount by
/// value (`£1.5` equals `£1.50`).
///
/// ```
/// use bcf_model::money::{Money, Unit};
/// use bcf_model::plan::{ContributorKind, FundingSourceKind, LineDraft, Plan};
/// use bcf_model::reconcile::reconcile;
///
/// let y = "2017/18".parse()?;
/// let k = |s: &str| Money::parse(s, Unit::Thousands);
/// let plan = Plan::builder("A small area")
///     .year(y)
///     .contributor("ccg", "A CCG", ContributorKind::Ccg)
///     .source("min", "NHS minimum", FundingSourceKind::NhsMinimum)
///     .allocation("min", "ccg", y, k("100")?)
///     .programme("P", "Prevention")
///     .line(LineDraft::new("a", "P", "Falls service").amount("ccg", y, "min", k("60")?))
///     .line(LineDraft::new("b", "P", "Telecare").amount("ccg", y, "min", k("40")?))
///     .build()?;
/// assert_eq!(plan.lines().len(), 2);
/// assert_eq!(plan.contributors()[0].name, "A CCG");
/// assert!(reconcile(&plan)?.is_balanced());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct Plan {
    name: String,
    years: Vec<FinancialYear>,
    contributors: Vec<Contributor>,
    sources: Vec<FundingSource>,
    groups: Vec<FundingGroup>,
    allocations: Vec<Allocation>,
    programmes: Vec<Programme>,
    lines: LineTable,
    contingency: Vec<ContingencyLine>,
    /// Funding class of each source: its group's class, or its own.
    source_class: Vec<u32>,
    /// Funding class of each group.
    group_class: Vec<u32>,
    class_count: u32,
    /// The amounts column-wise, for fast reconciliation (if they fit).
    columns: Option<Columns>,
    /// The fingerprint of the structure, stamped on every index the plan
    /// hands out (see [Indexes](self#indexes)).
    key: PlanKey,
}

impl PartialEq for Plan {
    /// Compares the contents; the column-wise copy of the amounts is derived
    /// from them (its decimal scale may differ between equal plans) and is
    /// left out.
    fn eq(&self, other: &Plan) -> bool {
        self.name == other.name
            && self.years == other.years
            && self.contributors == other.contributors
            && self.sources == other.sources
            && self.groups == other.groups
            && self.allocations == other.allocations
            && self.programmes == other.programmes
            && self.lines() == other.lines()
            && self.contingency == other.contingency
            && self.source_class == other.source_class
            && self.group_class == other.group_class
            && self.class_count == other.class_count
    }
}

impl Eq for Plan {}

/// A funding class: a source on its own, or a group of sources checked together.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FundingClass {
    /// The source or group id.
    pub id: String,
    /// The source or group name.
    pub name: String,
    /// The group, or the lone source.
    pub funding: Funding,
    /// The member sources (one for a lone source).
    pub members: Vec<SourceIx>,
}

impl Plan {
    /// Starts building a plan called `name`.
    pub fn builder(name: impl Into<String>) -> PlanBuilder {
        PlanBuilder::named(name.into())
    }

    /// The plan's name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The financial years the plan covers, in order.
    #[must_use]
    pub fn years(&self) -> &[FinancialYear] {
        &self.years
    }

    /// The contributors, in the order they were added.
    #[must_use]
    pub fn contributors(&self) -> &[Contributor] {
        &self.contributors
    }

    /// The contributors with their positions.
    pub fn contributors_indexed(&self) -> impl Iterator<Item = (ContributorIx, &Contributor)> {
        self.contributors
            .iter()
            .zip(0u32..)
            .map(|(c, i)| (ContributorIx::new(self.key, i), c))
    }

    /// The funding sources.
    #[must_use]
    pub fn sources(&self) -> &[FundingSource] {
        &self.sources
    }

    /// The funding groups.
    #[must_use]
    pub fn groups(&self) -> &[FundingGroup] {
        &self.groups
    }

    /// The income rows.
    #[must_use]
    pub fn allocations(&self) -> &[Allocation] {
        &self.allocations
    }

    /// The programmes.
    #[must_use]
    pub fn programmes(&self) -> &[Programme] {
        &self.programmes
    }

    /// The programmes with their positions.
    pub fn programmes_indexed(&self) -> impl Iterator<Item = (ProgrammeIx, &Programme)> {
        self.programmes
            .iter()
            .zip(0u32..)
            .map(|(p, i)| (ProgrammeIx::new(self.key, i), p))
    }

    /// The scheme lines, in order.
    #[must_use]
    pub fn lines(&self) -> SchemeLines<'_> {
        SchemeLines::new(&self.lines)
    }

    /// The contingency lines.
    #[must_use]
    pub fn contingency(&self) -> &[ContingencyLine] {
        &self.contingency
    }

    /// The key stamped on this plan's indexes.
    pub(crate) const fn key(&self) -> PlanKey {
        self.key
    }

    /// The item at `pos` of `items`, if `plan` is this plan's key.
    fn own<'a, T>(&self, items: &'a [T], plan: PlanKey, pos: usize) -> Option<&'a T> {
        if plan == self.key {
            items.get(pos)
        } else {
            None
        }
    }

    /// The position of the item with `id`, as an index of this plan.
    fn find<T, I>(&self, items: &[T], id: impl Fn(&T) -> bool, make: fn(PlanKey, u32) -> I) -> Option<I> {
        items
            .iter()
            .zip(0u32..)
            .find(|(t, _)| id(t))
            .map(|(_, i)| make(self.key, i))
    }

    /// The contributor at `ix`; `None` for an index of another plan.
    #[must_use]
    pub fn contributor(&self, ix: ContributorIx) -> Option<&Contributor> {
        self.own(&self.contributors, ix.plan(), ix.index())
    }

    /// The index of the contributor with id `id`.
    #[must_use]
    pub fn contributor_ix(&self, id: &str) -> Option<ContributorIx> {
        self.find(&self.contributors, |c| c.id == id, ContributorIx::new)
    }

    /// The funding source at `ix`; `None` for an index of another plan.
    #[must_use]
    pub fn source(&self, ix: SourceIx) -> Option<&FundingSource> {
        self.own(&self.sources, ix.plan(), ix.index())
    }

    /// The index of the source with id `id`.
    #[must_use]
    pub fn source_ix(&self, id: &str) -> Option<SourceIx> {
        self.find(&self.sources, |s| s.id == id, SourceIx::new)
    }

    /// The funding group at `ix`; `None` for an index of another plan.
    #[must_use]
    pub fn group(&self, ix: GroupIx) -> Option<&FundingGroup> {
        self.own(&self.groups, ix.plan(), ix.index())
    }

    /// What funds an amount, by id: the source with id `id`, or else the
    /// group with id `id` (sources and groups share one id space).
    ///
    /// ```
    /// use bcf_model::plan::Funding;
    ///
    /// let plan = bcf_model::data::leicestershire::expenditure_plan()?.plan;
    /// assert!(matches!(plan.funding("dfg"), Some(Funding::Source(_))));
    /// assert_eq!(plan.funding("winter"), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn funding(&self, id: &str) -> Option<Funding> {
        self.source_ix(id).map(Funding::Source).or_else(|| {
            self.find(&self.groups, |g| g.id == id, GroupIx::new)
                .map(Funding::Group)
        })
    }

    /// The programme at `ix`; `None` for an index of another plan.
    #[must_use]
    pub fn programme(&self, ix: ProgrammeIx) -> Option<&Programme> {
        self.own(&self.programmes, ix.plan(), ix.index())
    }

    /// The index of the programme with id `id`.
    #[must_use]
    pub fn programme_ix(&self, id: &str) -> Option<ProgrammeIx> {
        self.find(&self.programmes, |p| p.id == id, ProgrammeIx::new)
    }

    /// The scheme line with id `id`.
    #[must_use]
    pub fn line(&self, id: &str) -> Option<SchemeLine<'_>> {
        self.lines().iter().find(|l| l.id() == id)
    }

    /// The position of `year` among the plan's years.
    #[must_use]
    pub fn year_index(&self, year: FinancialYear) -> Option<usize> {
        self.years.iter().position(|y| *y == year)
    }

    /// The id and name of what funds an amount; `None` for a source or
    /// group this plan does not have (a [`Funding`] of another plan).
    #[must_use]
    pub fn funding_label(&self, funding: Funding) -> Option<(&str, &str)> {
        match funding {
            Funding::Source(s) => self.source(s).map(|s| (s.id.as_str(), s.name.as_str())),
            Funding::Group(g) => self.group(g).map(|g| (g.id.as_str(), g.name.as_str())),
        }
    }

    /// The id and name of the funding of one of this plan's own amounts
    /// (the builder resolved every amount's funding to one of the plan's).
    pub(crate) fn own_funding_label(&self, funding: Funding) -> (&str, &str) {
        self.funding_label(funding)
            .expect("an amount's funding is a source or group of its own plan")
    }

    /// The funding classes reconciliation checks: each group, and each
    /// source not in a group.
    #[must_use]
    pub fn funding_classes(&self) -> Vec<FundingClass> {
        let mut out: Vec<Option<FundingClass>> = vec![None; self.class_count as usize];
        for (g, pos) in self.groups.iter().zip(0u32..) {
            if let Some(slot) = self
                .group_class
                .get(pos as usize)
                .and_then(|c| out.get_mut(*c as usize))
            {
                *slot = Some(FundingClass {
                    id: g.id.clone(),
                    name: g.name.clone(),
                    funding: Funding::Group(GroupIx::new(self.key, pos)),
                    members: Vec::new(),
                });
            }
        }
        for (s, pos) in self.sources.iter().zip(0u32..) {
            let ix = SourceIx::new(self.key, pos);
            if let Some(slot) = self
                .source_class
                .get(pos as usize)
                .and_then(|c| out.get_mut(*c as usize))
            {
                slot.get_or_insert_with(|| FundingClass {
                    id: s.id.clone(),
                    name: s.name.clone(),
                    funding: Funding::Source(ix),
                    members: Vec::new(),
                })
                .members
                .push(ix);
            }
        }
        out.into_iter()
            .map(|c| c.expect("the builder gives every class to a group or a lone source"))
            .collect()
    }

    /// For each source, its funding class and whether it is in a group; for
    /// each group, its class (for [`Totals`](crate::reconcile::Totals)).
    pub(crate) fn class_map(&self) -> (Vec<(u32, bool)>, Vec<u32>) {
        // A source in a group has its group's class; a lone source a class
        // of its own.
        let sources = self
            .source_class
            .iter()
            .map(|c| (*c, self.group_class.contains(c)))
            .collect();
        (sources, self.group_class.clone())
    }

    /// The funding class of an amount's funding, for a funding of this
    /// plan (every amount's, by construction).
    pub(crate) fn class_of(&self, funding: Funding) -> Option<usize> {
        let c = match funding {
            Funding::Source(s) => self.source_class.get(s.index()),
            Funding::Group(g) => self.group_class.get(g.index()),
        };
        c.map(|c| *c as usize)
    }

    /// The number of funding classes.
    pub(crate) fn class_count(&self) -> usize {
        self.class_count as usize
    }

    /// The largest number of decimal places of any amount (in pounds): every
    /// sum of the plan's amounts is exact at this scale.
    pub(crate) fn finest_scale(&self) -> u32 {
        self.lines.finest_scale().max(self.finest_scale_besides_lines())
    }

    /// The finest scale of the contingency and allocation amounts.
    fn finest_scale_besides_lines(&self) -> u32 {
        self.contingency
            .iter()
            .flat_map(|l| l.amounts.iter())
            .map(|a| a.amount.pounds().scale())
            .chain(self.allocations.iter().map(|a| a.amount.pounds().scale()))
            .fold(0, u32::max)
    }

    /// The precision the plan's amounts were written to: the finest of
    /// their precisions (a plan entered in whole pounds is in
    /// [`Precision::POUNDS`], the published Leicestershire plan in £'000 to
    /// one decimal), or `None` if any amount is exact or there are none.
    /// Findings and reports print in it ([`crate::money::Render`]).
    ///
    /// ```
    /// use bcf_model::money::Precision;
    /// let plan = bcf_model::data::leicestershire::expenditure_plan()?.plan;
    /// assert_eq!(plan.written_precision(), Some(Precision::THOUSANDS_1DP));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn written_precision(&self) -> Option<Precision> {
        let mut all = self
            .lines
            .cells
            .iter()
            .map(|c| c.precision)
            .chain(
                self.contingency
                    .iter()
                    .flat_map(|l| l.amounts.iter().map(|a| a.precision)),
            )
            .chain(self.allocations.iter().map(|a| a.precision));
        let first = all.next()??;
        all.try_fold(first, |finest, p| {
            let p = p?;
            Some(if p.exponent() < finest.exponent() { p } else { finest })
        })
    }

    /// Adds each scheme-line amount's units (at [`Columns::scale`]) to
    /// `acc[its cell]`; `false` if the amounts are not held as units.
    pub(crate) fn add_scheme_units_by_cell(&self, acc: &mut [i64]) -> bool {
        self.lines.add_units_by_cell(acc)
    }

    /// Bytes the plan holds on the heap, counted from the capacity of its
    /// vectors and the line table's text, and the length of its other
    /// strings (the allocator's own overhead is not included).
    /// Most of a large plan is its [`SchemeLines`]: a few bytes per line for
    /// its id, name and positions, and per amount 5 to 12 bytes (its value
    /// as an `i32` or `i64` count of the plan's finest unit, its cell as a
    /// `u8`, `u16` or `u32`).
    ///
    /// ```
    ///
    /// let plan = bcf_model::data::leicestershire::expenditure_plan()?.plan;
    /// assert!(plan.heap_bytes() < 64 * 1024);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        let strings = |a: &str, b: &str| a.len() + b.len();
        let amounts = |v: &Vec<LineAmount>| v.capacity() * size_of::<LineAmount>();
        self.name.capacity()
            + self.years.capacity() * size_of::<FinancialYear>()
            + self.contributors.capacity() * size_of::<Contributor>()
            + self.contributors.iter().map(|c| strings(&c.id, &c.name)).sum::<usize>()
            + self.sources.capacity() * size_of::<FundingSource>()
            + self.sources.iter().map(|s| strings(&s.id, &s.name)).sum::<usize>()
            + self.groups.capacity() * size_of::<FundingGroup>()
            + self.allocations.capacity() * size_of::<Allocation>()
            + self.programmes.capacity() * size_of::<Programme>()
            + self.programmes.iter().map(|p| strings(&p.id, &p.name)).sum::<usize>()
            + self.lines.heap_bytes()
            + self.contingency.capacity() * size_of::<ContingencyLine>()
            + self
                .contingency
                .iter()
                .map(|l| strings(&l.id, &l.name) + amounts(&l.amounts))
                .sum::<usize>()
            + (self.source_class.capacity() + self.group_class.capacity()) * size_of::<u32>()
            + self.columns.as_ref().map_or(0, Columns::heap_bytes)
    }

    /// The amounts column-wise, if they fit the fast path.
    pub(crate) fn columns(&self) -> Option<&Columns> {
        self.columns.as_ref()
    }

    /// Replaces the amount of every scheme-line amount for which `f` returns
    /// `Some`, re-checking signs. Used by scenarios (e.g. iBCF withheld). A
    /// replaced amount is computed, not printed: it is exact (its
    /// [`precision`](LineAmount::precision) is `None`).
    ///
    /// # Errors
    ///
    /// [`PlanErrors`] with a [`PlanProblem::SignNotAllowed`] for every replaced
    /// amount below zero (and [`PlanProblem::TooMany`] if the line table could not
    /// be rebuilt, which the plan's own size rules out).
    pub fn with_line_amounts(
        &self,
        mut f: impl FnMut(&SchemeLine<'_>, &LineAmount) -> Option<Money>,
    ) -> Result<Plan, PlanErrors> {
        let mut table = LineTableBuilder::with_capacity(self.lines.len(), self.lines.amount_count(), 0);
        let mut errors = Vec::new();
        for line in self.lines() {
            let pushed = table.push_line(line.id(), line.name(), line.programme(), line.attributes().clone());
            if pushed.is_err() {
                errors.push(self.too_many(line.index()));
            }
            for (j, a) in line.amounts().enumerate() {
                let (amount, precision) = match f(&line, &a) {
                    Some(m) => {
                        if m.is_negative() {
                            errors.push(PlanError::new(
                                Item::LineAmount(line.index(), j),
                                Field::Amount,
                                format!("line {} ({})", line.id(), line.name()),
                                m.pounds().normalize().to_string(),
                                PlanProblem::SignNotAllowed {
                                    kind: "scheme line".into(),
                                },
                            ));
                        }
                        (m, None)
                    }
                    None => (a.amount, a.precision),
                };
                let cell = Cell {
                    programme: line.programme(),
                    contributor: a.contributor,
                    year: a.year,
                    funding: a.funding,
                    precision,
                };
                if table.push_amount(cell, amount).is_err() {
                    errors.push(self.too_many(line.index()));
                }
            }
        }
        if !errors.is_empty() {
            return Err(PlanErrors::new(errors));
        }
        let mut next = self.clone();
        let scale = table.finest_scale().max(self.finest_scale_besides_lines());
        table.stamp(self.key);
        next.lines = table.finish(scale);
        next.rebuilt()
    }

    fn too_many(&self, line: usize) -> PlanError {
        PlanError::new(
            Item::Line(line),
            Field::Whole,
            format!("line {}", line.saturating_add(1)),
            String::new(),
            PlanProblem::TooMany("scheme lines, amounts or cells"),
        )
    }

    /// Replaces the amount of every allocation (income row) for which `f`
    /// returns `Some`; a negative amount is refused. Used by scenarios (e.g.
    /// iBCF withheld, where the grant income falls). A replaced amount is
    /// exact (its [`precision`](Allocation::precision) is `None`).
    ///
    /// # Errors
    ///
    /// [`PlanErrors`] with a [`PlanProblem::NegativeAllocation`] for every
    /// replaced amount below zero.
    pub fn with_allocation_amounts(&self, mut f: impl FnMut(&Allocation) -> Option<Money>) -> Result<Plan, PlanErrors> {
        let mut next = self.clone();
        let mut errors = Vec::new();
        for (i, a) in next.allocations.iter_mut().enumerate() {
            if let Some(m) = f(a) {
                if m.is_negative() {
                    errors.push(PlanError::new(
                        Item::Allocation(i),
                        Field::Amount,
                        format!("allocation {}", i.saturating_add(1)),
                        m.pounds().normalize().to_string(),
                        PlanProblem::NegativeAllocation,
                    ));
                }
                a.amount = m;
                a.precision = None;
            }
        }
        if !errors.is_empty() {
            return Err(PlanErrors::new(errors));
        }
        next.rebuilt()
    }

    /// A scenario's changed plan, with its column-wise amounts rebuilt.
    fn rebuilt(mut self) -> Result<Plan, PlanErrors> {
        // An allocation may now be finer than the lines' units.
        let scale = self.finest_scale();
        if scale != self.lines.finest_scale() {
            let values = self.lines.amounts().collect();
            self.lines.set_values(values, scale);
        }
        self.columns = Columns::build(&self);
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Unit;

    fn y(n: i32) -> FinancialYear {
        FinancialYear::starting(n).unwrap()
    }
    fn k(s: &str) -> Money {
        Money::parse(s, Unit::Thousands).unwrap()
    }

    #[test]
    fn collects_every_structural_error() {
        let err = Plan::builder("bad")
            .year(y(2017))
            .contributor("wl", "WL", ContributorKind::Ccg)
            .contributor("wl", "WL again", ContributorKind::Ccg)
            .source("min", "Min", FundingSourceKind::NhsMinimum)
            .programme("P", "P")
            .line(LineDraft::new("a", "P", "A").amount("nobody", y(2017), "min", k("1")))
            .line(LineDraft::new("a", "P", "A again").amount("wl", y(2019), "min", k("1")))
            .line(LineDraft::new("b", "Q", "B").amount("wl", y(2017), "min", k("-1")))
            .contingency(
                ContingencyDraft::new("cit", "CIT", ContingencyKind::CostImprovementTarget).amount(
                    "wl",
                    y(2017),
                    "min",
                    k("5"),
                ),
            )
            .build()
            .unwrap_err();
        let text = err.to_string();
        assert_eq!(err.len(), 7, "{text}");
        let expected = [
            (
                Item::Contributor(1),
                Field::Id,
                "contributor wl, id \"wl\": this contributor id is used twice",
            ),
            (Item::Line(1), Field::Id, "line a, id \"a\": this line id is used twice"),
            (
                Item::LineAmount(0, 0),
                Field::Contributor,
                "line a (A), nobody 2017/18 min, contributor \"nobody\": unknown contributor",
            ),
            (
                Item::LineAmount(1, 0),
                Field::Year,
                "line a (A again), wl 2019/20 min, year \"2019/20\": the year is outside the plan (2017/18)",
            ),
            (
                Item::Line(2),
                Field::Programme,
                "line b (B), programme \"Q\": unknown programme",
            ),
            (
                Item::LineAmount(2, 0),
                Field::Amount,
                "line b (B), wl 2017/18 min, amount \"-1000\": this sign is not allowed on a scheme line",
            ),
            (
                Item::ContingencyAmount(0, 0),
                Field::Amount,
                "contingency line cit (CIT), wl 2017/18 min, amount \"5000\": \
                 this sign is not allowed on a cost improvement target",
            ),
        ];
        for (e, (item, field, text)) in err.iter().zip(expected) {
            assert_eq!((e.item, e.field, e.to_string().as_str()), (item, field, text));
        }
    }

    #[test]
    fn cost_improvement_target_must_not_be_positive() {
        let err = Plan::builder("bad")
            .year(y(2017))
            .contributor("wl", "WL", ContributorKind::Ccg)
            .source("min", "Min", FundingSourceKind::NhsMinimum)
            .contingency(
                ContingencyDraft::new("cit", "CIT", ContingencyKind::CostImprovementTarget).amount(
                    "wl",
                    y(2017),
                    "min",
                    k("5"),
                ),
            )
            .build()
            .unwrap_err();
        assert_eq!(err.len(), 1);
        assert!(err.to_string().contains("not allowed on a cost improvement target"));
    }

    #[test]
    fn joint_split_must_add_to_100() {
        let attrs = LineAttributes {
            commissioner: Some(Commissioner::Joint {
                nhs_percent: rust_decimal::Decimal::from(60),
                la_percent: rust_decimal::Decimal::from(30),
            }),
            ..LineAttributes::default()
        };
        let err = Plan::builder("bad")
            .year(y(2017))
            .programme("P", "P")
            .line(LineDraft::new("j", "P", "Joint").attributes(attrs))
            .build()
            .unwrap_err();
        assert!(matches!(
            &err[..],
            [PlanError {
                problem: PlanProblem::JointSplit,
                ..
            }]
        ));
    }
}
