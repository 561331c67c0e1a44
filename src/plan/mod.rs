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

mod columns;
mod lines;
mod parties;
mod table;

pub(crate) use columns::Columns;
use table::LineTable;
pub(crate) use table::{Cell, LineTableBuilder};
pub use table::{LineAmounts, SchemeLine, SchemeLines, SchemeLinesIter};

use std::collections::{HashMap, HashSet};
use std::fmt;

pub use lines::{
    Commissioner, ContingencyKind, ContingencyLine, LineAmount, LineAttributes, LineFlag, NewOrExisting, Programme,
    ProgrammeIx,
};
pub use parties::{
    Allocation, Contributor, ContributorIx, ContributorKind, Funding, FundingGroup, FundingSource, FundingSourceKind,
    GroupIx, SourceIx,
};

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
    input_precision: Option<Precision>,
    /// Funding class of each source: its group's class, or its own.
    source_class: Vec<u32>,
    /// Funding class of each group.
    group_class: Vec<u32>,
    class_count: u32,
    /// The amounts column-wise, for fast reconciliation (if they fit).
    columns: Option<Columns>,
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
            && self.input_precision == other.input_precision
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
    /// The member sources (one for a lone source).
    pub members: Vec<SourceIx>,
}

impl Plan {
    /// Starts building a plan called `name`.
    pub fn builder(name: impl Into<String>) -> PlanBuilder {
        PlanBuilder {
            name: name.into(),
            ..PlanBuilder::default()
        }
    }

    /// The plan's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The financial years the plan covers, in order.
    pub fn years(&self) -> &[FinancialYear] {
        &self.years
    }

    /// The contributors, in the order they were added.
    pub fn contributors(&self) -> &[Contributor] {
        &self.contributors
    }

    /// The contributors with their positions.
    pub fn contributors_indexed(&self) -> impl Iterator<Item = (ContributorIx, &Contributor)> {
        self.contributors
            .iter()
            .enumerate()
            .map(|(i, c)| (ContributorIx(i as u32), c))
    }

    /// The funding sources.
    pub fn sources(&self) -> &[FundingSource] {
        &self.sources
    }

    /// The funding groups.
    pub fn groups(&self) -> &[FundingGroup] {
        &self.groups
    }

    /// The income rows.
    pub fn allocations(&self) -> &[Allocation] {
        &self.allocations
    }

    /// The programmes.
    pub fn programmes(&self) -> &[Programme] {
        &self.programmes
    }

    /// The programmes with their positions.
    pub fn programmes_indexed(&self) -> impl Iterator<Item = (ProgrammeIx, &Programme)> {
        self.programmes
            .iter()
            .enumerate()
            .map(|(i, p)| (ProgrammeIx(i as u32), p))
    }

    /// The scheme lines, in order.
    pub fn lines(&self) -> SchemeLines<'_> {
        SchemeLines::new(&self.lines)
    }

    /// The contingency lines.
    pub fn contingency(&self) -> &[ContingencyLine] {
        &self.contingency
    }

    /// The precision the amounts were entered at, if known (for example
    /// £'000 to one decimal for a plan read from a published table). It sets
    /// how large a difference reconciliation may put down to rounding.
    pub fn input_precision(&self) -> Option<Precision> {
        self.input_precision
    }

    /// The contributor at `ix`.
    pub fn contributor(&self, ix: ContributorIx) -> Option<&Contributor> {
        self.contributors.get(ix.index())
    }

    /// The position of the contributor with id `id`.
    pub fn contributor_ix(&self, id: &str) -> Option<ContributorIx> {
        self.contributors
            .iter()
            .position(|c| c.id == id)
            .map(|i| ContributorIx(i as u32))
    }

    /// The funding source at `ix`.
    pub fn source(&self, ix: SourceIx) -> Option<&FundingSource> {
        self.sources.get(ix.index())
    }

    /// The position of the source with id `id`.
    pub fn source_ix(&self, id: &str) -> Option<SourceIx> {
        self.sources.iter().position(|s| s.id == id).map(|i| SourceIx(i as u32))
    }

    /// The funding group at `ix`.
    pub fn group(&self, ix: GroupIx) -> Option<&FundingGroup> {
        self.groups.get(ix.index())
    }

    /// The programme at `ix`.
    pub fn programme(&self, ix: ProgrammeIx) -> Option<&Programme> {
        self.programmes.get(ix.index())
    }

    /// The position of the programme with id `id`.
    pub fn programme_ix(&self, id: &str) -> Option<ProgrammeIx> {
        self.programmes
            .iter()
            .position(|p| p.id == id)
            .map(|i| ProgrammeIx(i as u32))
    }

    /// The scheme line with id `id`.
    pub fn line(&self, id: &str) -> Option<SchemeLine<'_>> {
        self.lines().iter().find(|l| l.id() == id)
    }

    /// The position of `year` among the plan's years.
    pub fn year_index(&self, year: FinancialYear) -> Option<usize> {
        self.years.iter().position(|y| *y == year)
    }

    /// The id and name of what funds an amount.
    pub fn funding_label(&self, funding: Funding) -> (&str, &str) {
        match funding {
            Funding::Source(s) => self.source(s).map(|s| (s.id.as_str(), s.name.as_str())),
            Funding::Group(g) => self.group(g).map(|g| (g.id.as_str(), g.name.as_str())),
        }
        .unwrap_or(("?", "?"))
    }

    /// The funding classes reconciliation checks: each group, and each
    /// source not in a group.
    pub fn funding_classes(&self) -> Vec<FundingClass> {
        let mut out: Vec<FundingClass> = (0..self.class_count)
            .map(|_| FundingClass {
                id: String::new(),
                name: String::new(),
                members: Vec::new(),
            })
            .collect();
        for (i, s) in self.sources.iter().enumerate() {
            if let Some(class) = self.source_class.get(i).and_then(|c| out.get_mut(*c as usize)) {
                class.members.push(SourceIx(i as u32));
                if class.id.is_empty() {
                    class.id.clone_from(&s.id);
                    class.name.clone_from(&s.name);
                }
            }
        }
        for (i, g) in self.groups.iter().enumerate() {
            if let Some(class) = self.group_class.get(i).and_then(|c| out.get_mut(*c as usize)) {
                class.id.clone_from(&g.id);
                class.name.clone_from(&g.name);
            }
        }
        out
    }

    /// The funding class of an amount's funding.
    pub(crate) fn class_of(&self, funding: Funding) -> usize {
        let c = match funding {
            Funding::Source(s) => self.source_class.get(s.index()),
            Funding::Group(g) => self.group_class.get(g.index()),
        };
        c.copied().unwrap_or(0) as usize
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
            .max()
            .unwrap_or(0)
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
    /// use bcf_model::io::published::leicestershire_2017_19;
    ///
    /// let plan = leicestershire_2017_19()?.plan;
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
    /// `Some`, re-checking signs. Used by scenarios (e.g. iBCF withheld).
    pub fn with_line_amounts(
        &self,
        mut f: impl FnMut(&SchemeLine<'_>, &LineAmount) -> Option<Money>,
    ) -> Result<Plan, PlanErrors> {
        let mut values = Vec::with_capacity(self.lines.amount_count());
        let mut errors = Vec::new();
        for line in self.lines() {
            for a in line.amounts() {
                let m = match f(&line, &a) {
                    Some(m) => {
                        if m.is_negative() {
                            errors.push(self.negative(line.id().to_string(), a.contributor, a.year, m, "scheme line"));
                        }
                        m
                    }
                    None => a.amount,
                };
                values.push(m);
            }
        }
        let mut next = self.clone();
        let scale = values
            .iter()
            .map(|m| m.pounds().scale())
            .max()
            .unwrap_or(0)
            .max(self.finest_scale_besides_lines());
        next.lines.set_values(values, scale);
        next.rebuilt(errors)
    }

    /// Replaces the amount of every allocation (income row) for which `f`
    /// returns `Some`; a negative amount is refused. Used by scenarios (e.g.
    /// iBCF withheld, where the grant income falls).
    pub fn with_allocation_amounts(&self, mut f: impl FnMut(&Allocation) -> Option<Money>) -> Result<Plan, PlanErrors> {
        let mut next = self.clone();
        let mut errors = Vec::new();
        for (i, a) in next.allocations.iter_mut().enumerate() {
            if let Some(m) = f(a) {
                if m.is_negative() {
                    let row = format!(
                        "allocation {} ({})",
                        i + 1,
                        self.funding_label(Funding::Source(a.source)).0
                    );
                    errors.push(self.negative(row, a.contributor, a.year, m, "funding allocation"));
                }
                a.amount = m;
            }
        }
        next.rebuilt(errors)
    }

    /// The error for a negative amount where `kind` forbids one.
    fn negative(&self, line: String, c: ContributorIx, year: FinancialYear, amount: Money, kind: &str) -> PlanError {
        PlanError::NegativeAmount {
            line,
            contributor: self.contributor(c).map(|c| c.id.clone()).unwrap_or_default(),
            year,
            amount,
            kind: kind.to_string(),
        }
    }

    /// A scenario's changed plan, with its column-wise amounts rebuilt, or
    /// the errors the changes caused.
    fn rebuilt(mut self, errors: Vec<PlanError>) -> Result<Plan, PlanErrors> {
        if errors.is_empty() {
            // An allocation may now be finer than the lines' units.
            let scale = self.finest_scale();
            if scale != self.lines.finest_scale() {
                let values = self.lines.amounts().collect();
                self.lines.set_values(values, scale);
            }
            self.columns = Columns::build(&self);
            Ok(self)
        } else {
            Err(PlanErrors(errors))
        }
    }
}

/// A structural error found while building a plan. Every error names the
/// line (or row) and the value at fault.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// The plan has no years.
    #[error("the plan covers no financial year")]
    NoYears,
    /// A year given twice.
    #[error("financial year {0} is given twice")]
    DuplicateYear(FinancialYear),
    /// An id used twice.
    #[error("{what} id {id:?} is used twice")]
    DuplicateId {
        /// What kind of thing (contributor, source, line...).
        what: &'static str,
        /// The id.
        id: String,
    },
    /// A reference to an id that does not exist.
    #[error("{used_by}: unknown {what} {id:?}")]
    Unknown {
        /// What kind of thing was looked up.
        what: &'static str,
        /// The id that was not found.
        id: String,
        /// The line or row that refers to it.
        used_by: String,
    },
    /// A source listed in two groups.
    #[error("funding source {source_id:?} is in two groups, {first:?} and {second:?}")]
    SourceInTwoGroups {
        /// The source.
        source_id: String,
        /// The first group.
        first: String,
        /// The second group.
        second: String,
    },
    /// An amount for a year the plan does not cover.
    #[error("{line}: year {year} is outside the plan ({plan_years})")]
    YearOutsidePlan {
        /// The line or row.
        line: String,
        /// The year given.
        year: FinancialYear,
        /// The plan's years.
        plan_years: String,
    },
    /// An amount with a sign its kind does not allow.
    #[error("{line}: {contributor} {year}: {amount} is not allowed on a {kind}")]
    NegativeAmount {
        /// The line or row.
        line: String,
        /// The contributor id.
        contributor: String,
        /// The year.
        year: FinancialYear,
        /// The amount.
        amount: Money,
        /// The kind of line or row.
        kind: String,
    },
    /// A joint commissioner whose shares are negative or do not add to 100%.
    #[error("{line}: joint commissioning split {nhs}% NHS + {la}% LA must be two non-negative shares adding to exactly 100%")]
    JointSplit {
        /// The line.
        line: String,
        /// NHS percent.
        nhs: rust_decimal::Decimal,
        /// LA percent.
        la: rust_decimal::Decimal,
    },
    /// The same contributor, year and funding given twice on one line.
    #[error("{line}: {contributor} {year} funded by {funding:?} is given twice")]
    DuplicateAmount {
        /// The line.
        line: String,
        /// The contributor id.
        contributor: String,
        /// The year.
        year: FinancialYear,
        /// The funding id.
        funding: String,
    },
    /// More items than the model indexes (over 4 billion).
    #[error("too many {0}")]
    TooMany(&'static str),
}

/// Every structural error found while building a plan (never just the first).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanErrors(pub Vec<PlanError>);

impl fmt::Display for PlanErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the plan has {} structural error(s)", self.0.len())?;
        for e in &self.0 {
            write!(f, "\n  - {e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for PlanErrors {}

/// An amount on a line being drafted, with string ids.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AmountDraft {
    /// Contributor id.
    pub contributor: String,
    /// Financial year.
    pub year: FinancialYear,
    /// Funding source or group id.
    pub funding: String,
    /// The amount.
    pub amount: Money,
}

/// A scheme line being drafted for a [`PlanBuilder`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineDraft {
    /// Line id.
    pub id: String,
    /// Programme id.
    pub programme: String,
    /// Name.
    pub name: String,
    /// Attributes.
    pub attributes: LineAttributes,
    /// Amounts.
    pub amounts: Vec<AmountDraft>,
}

impl LineDraft {
    /// A line `id` in programme `programme`, named `name`, with no amounts yet.
    pub fn new(id: impl Into<String>, programme: impl Into<String>, name: impl Into<String>) -> LineDraft {
        LineDraft {
            id: id.into(),
            programme: programme.into(),
            name: name.into(),
            attributes: LineAttributes::default(),
            amounts: Vec::new(),
        }
    }

    /// Adds the amount `contributor` puts in `year`, funded by `funding` (a source or group id).
    pub fn amount(mut self, contributor: &str, year: FinancialYear, funding: &str, amount: Money) -> LineDraft {
        self.amounts.push(AmountDraft {
            contributor: contributor.to_string(),
            year,
            funding: funding.to_string(),
            amount,
        });
        self
    }

    /// Sets the line's attributes.
    pub fn attributes(mut self, attributes: LineAttributes) -> LineDraft {
        self.attributes = attributes;
        self
    }

    /// Adds a flag.
    pub fn flag(mut self, flag: LineFlag) -> LineDraft {
        self.attributes.flags.insert(flag);
        self
    }
}

/// A contingency line being drafted for a [`PlanBuilder`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContingencyDraft {
    /// Line id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Kind (fixes the allowed sign).
    pub kind: ContingencyKind,
    /// Amounts.
    pub amounts: Vec<AmountDraft>,
}

impl ContingencyDraft {
    /// A contingency line `id` named `name` of kind `kind`.
    pub fn new(id: impl Into<String>, name: impl Into<String>, kind: ContingencyKind) -> ContingencyDraft {
        ContingencyDraft {
            id: id.into(),
            name: name.into(),
            kind,
            amounts: Vec::new(),
        }
    }

    /// Adds the amount `contributor` holds in `year`, funded by `funding`.
    pub fn amount(mut self, contributor: &str, year: FinancialYear, funding: &str, amount: Money) -> ContingencyDraft {
        self.amounts.push(AmountDraft {
            contributor: contributor.to_string(),
            year,
            funding: funding.to_string(),
            amount,
        });
        self
    }
}

/// Builds a [`Plan`], collecting every structural error.
///
/// Methods take string ids; [`PlanBuilder::build`] resolves them and returns
/// every problem found at once as [`PlanErrors`].
#[derive(Clone, Debug, Default)]
pub struct PlanBuilder {
    name: String,
    years: Vec<FinancialYear>,
    contributors: Vec<Contributor>,
    sources: Vec<FundingSource>,
    groups: Vec<FundingGroup>,
    allocations: Vec<(String, String, FinancialYear, Money)>,
    programmes: Vec<Programme>,
    lines: Vec<LineDraft>,
    contingency: Vec<ContingencyDraft>,
    input_precision: Option<Precision>,
    /// Lines already resolved to positions (by a fast reader), placed
    /// before the drafts in `lines`.
    resolved: Option<LineTableBuilder>,
}

impl PlanBuilder {
    /// Adds lines already resolved to positions: contributors, programmes
    /// and funding (sources, then groups) by the order they are added to
    /// this builder. Checked like drafts: ids unique, positions and years
    /// known.
    pub(crate) fn resolved_lines(mut self, lines: LineTableBuilder) -> Self {
        self.resolved = Some(lines);
        self
    }

    /// Adds a financial year.
    pub fn year(mut self, year: FinancialYear) -> Self {
        self.years.push(year);
        self
    }

    /// Adds a contributor.
    pub fn contributor(mut self, id: &str, name: &str, kind: ContributorKind) -> Self {
        self.contributors.push(Contributor {
            id: id.to_string(),
            name: name.to_string(),
            kind,
        });
        self
    }

    /// Adds a funding source.
    pub fn source(mut self, id: &str, name: &str, kind: FundingSourceKind) -> Self {
        self.sources.push(FundingSource {
            id: id.to_string(),
            name: name.to_string(),
            kind,
        });
        self
    }

    /// Adds a group of sources that fund lines jointly.
    pub fn group(mut self, id: &str, name: &str, members: &[&str]) -> Self {
        self.groups.push(FundingGroup {
            id: id.to_string(),
            name: name.to_string(),
            members: members.iter().map(|m| m.to_string()).collect(),
        });
        self
    }

    /// Adds income: `amount` of `source` from `contributor` in `year`.
    pub fn allocation(mut self, source: &str, contributor: &str, year: FinancialYear, amount: Money) -> Self {
        self.allocations
            .push((source.to_string(), contributor.to_string(), year, amount));
        self
    }

    /// Adds a programme.
    pub fn programme(mut self, id: &str, name: &str) -> Self {
        self.programmes.push(Programme {
            id: id.to_string(),
            name: name.to_string(),
        });
        self
    }

    /// Adds a scheme line.
    pub fn line(mut self, line: LineDraft) -> Self {
        self.lines.push(line);
        self
    }

    /// Adds a contingency line.
    pub fn contingency(mut self, line: ContingencyDraft) -> Self {
        self.contingency.push(line);
        self
    }

    /// Records the precision the amounts were entered at (see [`Plan::input_precision`]).
    pub fn input_precision(mut self, precision: Precision) -> Self {
        self.input_precision = Some(precision);
        self
    }

    /// Checks everything and builds the plan, or returns every structural error.
    pub fn build(mut self) -> Result<Plan, PlanErrors> {
        let mut errors: Vec<PlanError> = Vec::new();
        if self.years.is_empty() {
            errors.push(PlanError::NoYears);
        }
        let mut years = self.years.clone();
        years.sort();
        for w in years.windows(2) {
            if let [a, b] = w {
                if a == b {
                    errors.push(PlanError::DuplicateYear(*a));
                }
            }
        }
        years.dedup();
        let plan_years = years.iter().map(|y| y.to_string()).collect::<Vec<_>>().join(", ");

        let contributor_ix = index_ids(
            "contributor",
            self.contributors.iter().map(|c| c.id.as_str()),
            &mut errors,
        );
        let programme_ix = index_ids("programme", self.programmes.iter().map(|p| p.id.as_str()), &mut errors);
        // Sources and groups share one id space.
        let funding_ids = self
            .sources
            .iter()
            .map(|s| s.id.as_str())
            .chain(self.groups.iter().map(|g| g.id.as_str()));
        let funding_ix = index_ids("funding source or group", funding_ids, &mut errors);
        let resolved = self.resolved.take().unwrap_or_default();
        index_ids(
            "line",
            resolved
                .ids()
                .chain(self.lines.iter().map(|l| l.id.as_str()))
                .chain(self.contingency.iter().map(|l| l.id.as_str())),
            &mut errors,
        );
        for (what, n) in [
            ("contributors", self.contributors.len()),
            ("sources", self.sources.len() + self.groups.len()),
            ("programmes", self.programmes.len()),
        ] {
            if u32::try_from(n).is_err() {
                errors.push(PlanError::TooMany(what));
            }
        }
        let n_sources = self.sources.len();
        let resolve_funding = |id: &str| -> Option<Funding> {
            funding_ix.get(id).map(|&i| {
                if i < n_sources {
                    Funding::Source(SourceIx(i as u32))
                } else {
                    Funding::Group(GroupIx((i - n_sources) as u32))
                }
            })
        };

        // Funding classes: each group is one class; each lone source is its own.
        let mut source_group: Vec<Option<usize>> = vec![None; n_sources];
        for (gi, g) in self.groups.iter().enumerate() {
            for m in &g.members {
                match resolve_funding(m) {
                    Some(Funding::Source(s)) => match source_group.get_mut(s.index()) {
                        Some(slot @ None) => *slot = Some(gi),
                        Some(Some(other)) => errors.push(PlanError::SourceInTwoGroups {
                            source_id: m.clone(),
                            first: self.groups.get(*other).map(|g| g.id.clone()).unwrap_or_default(),
                            second: g.id.clone(),
                        }),
                        None => {}
                    },
                    _ => errors.push(PlanError::Unknown {
                        what: "funding source",
                        id: m.clone(),
                        used_by: format!("funding group {}", g.id),
                    }),
                }
            }
        }
        let mut group_class = Vec::with_capacity(self.groups.len());
        let mut class_count: u32 = 0;
        for _ in &self.groups {
            group_class.push(class_count);
            class_count = class_count.saturating_add(1);
        }
        let mut source_class = Vec::with_capacity(n_sources);
        for g in &source_group {
            match g.and_then(|gi| group_class.get(gi)) {
                Some(c) => source_class.push(*c),
                None => {
                    source_class.push(class_count);
                    class_count = class_count.saturating_add(1);
                }
            }
        }

        // Labels name the line in errors; they are only formatted for an error.
        let check_year = |line: &dyn Fn() -> String, year: FinancialYear, errors: &mut Vec<PlanError>| {
            if !years.contains(&year) {
                errors.push(PlanError::YearOutsidePlan {
                    line: line(),
                    year,
                    plan_years: plan_years.clone(),
                });
            }
        };

        let mut allocations = Vec::with_capacity(self.allocations.len());
        for (i, (source, contributor, year, amount)) in self.allocations.iter().enumerate() {
            let row = || format!("allocation {} ({source}, {contributor})", i + 1);
            check_year(&row, *year, &mut errors);
            if amount.is_negative() {
                errors.push(PlanError::NegativeAmount {
                    line: row(),
                    contributor: contributor.clone(),
                    year: *year,
                    amount: *amount,
                    kind: "funding allocation".to_string(),
                });
            }
            let s = match resolve_funding(source) {
                Some(Funding::Source(s)) => Some(s),
                _ => {
                    errors.push(PlanError::Unknown {
                        what: "funding source",
                        id: source.clone(),
                        used_by: row(),
                    });
                    None
                }
            };
            let c = lookup(&contributor_ix, "contributor", contributor, &row, &mut errors);
            if let (Some(source), Some(c)) = (s, c) {
                allocations.push(Allocation {
                    source,
                    contributor: ContributorIx(c as u32),
                    year: *year,
                    amount: *amount,
                });
            }
        }

        let resolve_amounts = |line: &dyn Fn() -> String,
                               drafts: &[AmountDraft],
                               allowed: &dyn Fn(Money) -> bool,
                               kind: &str,
                               errors: &mut Vec<PlanError>| {
            let mut out = Vec::with_capacity(drafts.len());
            // A line has a handful of amounts: a linear scan beats hashing
            // until it has many.
            let mut few: Vec<(&str, FinancialYear, &str)> = Vec::new();
            let mut many: HashSet<(&str, FinancialYear, &str)> = HashSet::new();
            for d in drafts {
                let key = (d.contributor.as_str(), d.year, d.funding.as_str());
                let repeated = if drafts.len() <= 16 {
                    let r = few.contains(&key);
                    few.push(key);
                    r
                } else {
                    !many.insert(key)
                };
                check_year(line, d.year, errors);
                if !allowed(d.amount) {
                    errors.push(PlanError::NegativeAmount {
                        line: line(),
                        contributor: d.contributor.clone(),
                        year: d.year,
                        amount: d.amount,
                        kind: kind.to_string(),
                    });
                }
                if repeated {
                    errors.push(PlanError::DuplicateAmount {
                        line: line(),
                        contributor: d.contributor.clone(),
                        year: d.year,
                        funding: d.funding.clone(),
                    });
                }
                let c = lookup(&contributor_ix, "contributor", &d.contributor, line, errors);
                let f = resolve_funding(&d.funding);
                if f.is_none() {
                    errors.push(PlanError::Unknown {
                        what: "funding source or group",
                        id: d.funding.clone(),
                        used_by: line(),
                    });
                }
                if let (Some(c), Some(funding)) = (c, f) {
                    out.push(LineAmount {
                        amount: d.amount,
                        contributor: ContributorIx(c as u32),
                        funding,
                        year: d.year,
                    });
                }
            }
            out
        };

        let n_amounts = self.lines.iter().map(|l| l.amounts.len()).sum();
        let n_text = self.lines.iter().map(|l| l.id.len() + l.name.len()).sum();
        let mut lines = if resolved.len() == 0 {
            LineTableBuilder::with_capacity(self.lines.len(), n_amounts, n_text)
        } else {
            for cell in resolved.cells() {
                let known = match cell.funding {
                    Funding::Source(s) => s.index() < n_sources,
                    Funding::Group(g) => g.index() < self.groups.len(),
                };
                if !known
                    || cell.contributor.index() >= self.contributors.len()
                    || cell.programme.index() >= self.programmes.len()
                    || !years.contains(&cell.year)
                {
                    errors.push(PlanError::Unknown {
                        what: "position",
                        id: format!("{cell:?}"),
                        used_by: "resolved lines".to_string(),
                    });
                }
            }
            let contributor = |c: ContributorIx| {
                self.contributors
                    .get(c.index())
                    .map(|c| c.id.clone())
                    .unwrap_or_default()
            };
            let mut found = Vec::new();
            resolved.check_amounts(|line, cell, negative| {
                found.push(match negative {
                    Some(amount) => PlanError::NegativeAmount {
                        line: format!("line {line}"),
                        contributor: contributor(cell.contributor),
                        year: cell.year,
                        amount,
                        kind: "scheme line".to_string(),
                    },
                    None => PlanError::DuplicateAmount {
                        line: format!("line {line}"),
                        contributor: contributor(cell.contributor),
                        year: cell.year,
                        funding: format!("{:?}", cell.funding),
                    },
                })
            });
            errors.append(&mut found);
            resolved
        };
        for l in self.lines {
            let label = || format!("line {} ({})", l.id, l.name);
            let p = lookup(&programme_ix, "programme", &l.programme, &label, &mut errors);
            if let Some(Commissioner::Joint {
                nhs_percent,
                la_percent,
            }) = l.attributes.commissioner
            {
                let sum = nhs_percent.checked_add(la_percent);
                if nhs_percent.is_sign_negative()
                    || la_percent.is_sign_negative()
                    || sum != Some(rust_decimal::Decimal::ONE_HUNDRED)
                {
                    errors.push(PlanError::JointSplit {
                        line: label(),
                        nhs: nhs_percent,
                        la: la_percent,
                    });
                }
            }
            let amounts = resolve_amounts(&label, &l.amounts, &|m| !m.is_negative(), "scheme line", &mut errors);
            if let Some(p) = p {
                let programme = ProgrammeIx(p as u32);
                let mut pushed = lines.push_line(&l.id, &l.name, programme, l.attributes);
                for a in amounts {
                    let cell = Cell {
                        programme,
                        contributor: a.contributor,
                        year: a.year,
                        funding: a.funding,
                    };
                    pushed = pushed.and_then(|()| lines.push_amount(cell, a.amount));
                }
                if pushed.is_err() {
                    errors.push(PlanError::TooMany("scheme lines, amounts or cells"));
                }
            }
        }
        let mut contingency = Vec::with_capacity(self.contingency.len());
        for l in self.contingency {
            let label = || format!("contingency line {} ({})", l.id, l.name);
            let kind = l.kind.clone();
            let amounts = resolve_amounts(&label, &l.amounts, &|m| kind.allows(m), &kind.to_string(), &mut errors);
            contingency.push(ContingencyLine {
                id: l.id,
                name: l.name,
                kind: l.kind,
                amounts,
            });
        }

        if !errors.is_empty() {
            return Err(PlanErrors(errors));
        }
        let mut plan = Plan {
            name: self.name,
            years,
            contributors: self.contributors,
            sources: self.sources,
            groups: self.groups,
            allocations,
            programmes: self.programmes,
            lines: LineTable::default(),
            contingency,
            input_precision: self.input_precision,
            source_class,
            group_class,
            class_count,
            columns: None,
        };
        // Every amount is held at the finest scale of any amount in the plan.
        let scale = lines.finest_scale().max(plan.finest_scale_besides_lines());
        plan.lines = lines.finish(scale);
        plan.columns = Columns::build(&plan);
        Ok(plan)
    }
}

fn index_ids<'a>(
    what: &'static str,
    ids: impl Iterator<Item = &'a str>,
    errors: &mut Vec<PlanError>,
) -> HashMap<&'a str, usize> {
    let mut map = HashMap::new();
    for (i, id) in ids.enumerate() {
        if map.insert(id, i).is_some() {
            errors.push(PlanError::DuplicateId {
                what,
                id: id.to_string(),
            });
        }
    }
    map
}

/// Looks `id` up; `used_by` names the line or row for the error, and is only
/// formatted when there is one.
fn lookup(
    map: &HashMap<&str, usize>,
    what: &'static str,
    id: &str,
    used_by: &dyn Fn() -> String,
    errors: &mut Vec<PlanError>,
) -> Option<usize> {
    let found = map.get(id).copied();
    if found.is_none() {
        errors.push(PlanError::Unknown {
            what,
            id: id.to_string(),
            used_by: used_by(),
        });
    }
    found
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
        assert_eq!(err.0.len(), 7, "{text}");
        assert!(text.contains("contributor id \"wl\" is used twice"), "{text}");
        assert!(text.contains("line id \"a\" is used twice"), "{text}");
        assert!(text.contains("unknown contributor \"nobody\""), "{text}");
        assert!(text.contains("year 2019/20 is outside the plan (2017/18)"), "{text}");
        assert!(text.contains("unknown programme \"Q\""), "{text}");
        assert!(
            text.contains("line b (B): wl 2017/18: -£1,000.00 is not allowed on a scheme line"),
            "{text}"
        );
        assert!(
            text.contains("cit (CIT): wl 2017/18: £5,000.00 is not allowed on a cost improvement target"),
            "{text}"
        );
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
        assert_eq!(err.0.len(), 1);
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
        assert!(matches!(err.0.as_slice(), [PlanError::JointSplit { .. }]));
    }
}
