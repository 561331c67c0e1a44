//! Building a [`Plan`]: drafts with string ids, checked all at once by
//! [`PlanBuilder::build`], which reports every structural error with the
//! [`Item`] and [`Field`] at fault.

#[cfg(doc)]
use super::errors::{Field, Item, PlanErrors};
use super::table::LineTableBuilder;
#[cfg(doc)]
use super::Plan;
use super::{Contributor, ContributorKind, FundingGroup, FundingSource, FundingSourceKind, Programme};
use crate::calendar::FinancialYear;
use crate::money::{Money, Precision, PrintedFigure};

mod build;
mod drafts;

pub use drafts::{AmountDraft, ContingencyDraft, LineDraft};

/// An allocation being drafted, with string ids.
#[derive(Clone, Debug, PartialEq, Eq)]
struct AllocationDraft {
    source: String,
    contributor: String,
    year: FinancialYear,
    amount: Money,
    precision: Option<Precision>,
}

/// Builds a [`Plan`], collecting every structural error.
///
/// Methods take string ids; [`PlanBuilder::build`] resolves them and returns
/// every problem found at once as [`PlanErrors`], each naming the [`Item`]
/// (by its position in the order added) and the [`Field`] at fault.
///
/// What `build` checks: at least one year and no year twice; ids present
/// (not blank) and unique (sources and groups share one id space, scheme
/// and contingency lines another); every reference known; every amount's
/// year in the plan; signs (allocations and scheme lines never negative,
/// contingency by kind); joint commissioning shares adding to 100%; one
/// amount per contributor, year and funding on a line, and one allocation
/// per source, contributor and year; and every printed amount a whole
/// number of steps of its precision.
///
/// Every problem is collected, each naming the item, field and value:
///
/// ```
/// use bcf_model::money::{Money, Unit};
/// use bcf_model::plan::{ContributorKind, FundingSourceKind, LineDraft, Plan};
///
/// let y = "2017/18".parse()?;
/// let k = |s: &str| Money::parse(s, Unit::Thousands);
/// let built = Plan::builder("mistakes")
///     .year(y)
///     .contributor("ccg", "A CCG", ContributorKind::Ccg)
///     .source("min", "NHS minimum", FundingSourceKind::NhsMinimum)
///     .allocation("min", "ccg", y, k("100")?)
///     .programme("P", "Prevention")
///     .line(LineDraft::new("a", "P", "Falls").amount("nobody", y, "min", k("60")?))
///     .line(LineDraft::new("b", "Q", "Telecare").amount("ccg", y, "min", k("40")?))
///     .build();
/// let errors = built.unwrap_err();
/// assert_eq!(errors.len(), 2); // an unknown contributor and an unknown programme
/// assert!(errors.to_string().contains("nobody"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct PlanBuilder {
    name: String,
    years: Vec<FinancialYear>,
    contributors: Vec<Contributor>,
    sources: Vec<FundingSource>,
    groups: Vec<FundingGroup>,
    allocations: Vec<AllocationDraft>,
    programmes: Vec<Programme>,
    lines: Vec<LineDraft>,
    contingency: Vec<ContingencyDraft>,
    /// Lines already resolved to positions (by a fast reader), placed
    /// before the drafts in `lines`.
    resolved: Option<LineTableBuilder>,
}

impl PlanBuilder {
    /// A builder for a plan called `name`.
    pub(crate) fn named(name: String) -> PlanBuilder {
        PlanBuilder {
            name,
            ..PlanBuilder::default()
        }
    }

    /// Adds lines already resolved to positions: contributors, programmes
    /// and funding (sources, then groups) by the order they are added to
    /// this builder. Checked like drafts: ids unique, positions and years
    /// known.
    pub(crate) fn resolved_lines(mut self, lines: LineTableBuilder) -> Self {
        self.resolved = Some(lines);
        self
    }

    /// The years declared so far.
    pub(crate) fn years(&self) -> &[FinancialYear] {
        &self.years
    }

    /// The contributors declared so far, in the order they were added.
    pub(crate) fn contributors(&self) -> &[Contributor] {
        &self.contributors
    }

    /// The funding sources declared so far.
    pub(crate) fn sources(&self) -> &[FundingSource] {
        &self.sources
    }

    /// The funding groups declared so far.
    pub(crate) fn groups(&self) -> &[FundingGroup] {
        &self.groups
    }

    /// The programmes declared so far.
    pub(crate) fn programmes(&self) -> &[Programme] {
        &self.programmes
    }

    /// Adds a financial year.
    #[must_use]
    pub fn year(mut self, year: FinancialYear) -> Self {
        self.years.push(year);
        self
    }

    /// Adds a contributor.
    #[must_use]
    pub fn contributor(mut self, id: &str, name: &str, kind: ContributorKind) -> Self {
        self.contributors.push(Contributor {
            id: id.to_string(),
            name: name.to_string(),
            kind,
        });
        self
    }

    /// Adds a funding source.
    #[must_use]
    pub fn source(mut self, id: &str, name: &str, kind: FundingSourceKind) -> Self {
        self.sources.push(FundingSource {
            id: id.to_string(),
            name: name.to_string(),
            kind,
        });
        self
    }

    /// Adds a group of sources that fund lines jointly.
    #[must_use]
    pub fn group(mut self, id: &str, name: &str, members: &[&str]) -> Self {
        self.groups.push(FundingGroup {
            id: id.to_string(),
            name: name.to_string(),
            members: members.iter().map(|m| m.to_string()).collect(),
        });
        self
    }

    /// Adds exact income: `amount` of `source` from `contributor` in `year`.
    #[must_use]
    pub fn allocation(self, source: &str, contributor: &str, year: FinancialYear, amount: Money) -> Self {
        self.allocation_with(source, contributor, year, amount, None)
    }

    /// Adds income as printed (for example `3,349.9` in £'000): its
    /// rounding may explain a difference of up to half its step.
    #[must_use]
    pub fn printed_allocation(
        self,
        source: &str,
        contributor: &str,
        year: FinancialYear,
        figure: PrintedFigure,
    ) -> Self {
        self.allocation_with(source, contributor, year, figure.value, Some(figure.precision))
    }

    fn allocation_with(
        mut self,
        source: &str,
        contributor: &str,
        year: FinancialYear,
        amount: Money,
        precision: Option<Precision>,
    ) -> Self {
        self.allocations.push(AllocationDraft {
            source: source.to_string(),
            contributor: contributor.to_string(),
            year,
            amount,
            precision,
        });
        self
    }

    /// Adds a programme.
    #[must_use]
    pub fn programme(mut self, id: &str, name: &str) -> Self {
        self.programmes.push(Programme {
            id: id.to_string(),
            name: name.to_string(),
        });
        self
    }

    /// Adds a scheme line.
    #[must_use]
    pub fn line(mut self, line: LineDraft) -> Self {
        self.lines.push(line);
        self
    }

    /// Adds a contingency line.
    #[must_use]
    pub fn contingency(mut self, line: ContingencyDraft) -> Self {
        self.contingency.push(line);
        self
    }
}
