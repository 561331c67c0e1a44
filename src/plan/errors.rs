//! What can be wrong with a plan's structure, and where: every
//! [`PlanError`] names the [`Item`] given to the builder and the [`Field`]
//! of it at fault, so a reader can point at the row and column (or JSON
//! path) it read that item from.

use std::fmt;

use crate::calendar::FinancialYear;
use crate::money::Precision;

/// An item given to a [`PlanBuilder`](super::PlanBuilder), by its position
/// among the items of its kind, in the order they were added.
///
/// Scheme lines added already resolved (by a fast reader) come first among
/// the lines, then the [`LineDraft`](super::LineDraft)s.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Item {
    /// The plan as a whole.
    Plan,
    /// The `i`th year.
    Year(usize),
    /// The `i`th contributor.
    Contributor(usize),
    /// The `i`th funding source.
    Source(usize),
    /// The `i`th funding group.
    Group(usize),
    /// Member `j` of group `i`.
    Member(usize, usize),
    /// The `i`th allocation (income row).
    Allocation(usize),
    /// The `i`th programme.
    Programme(usize),
    /// The `i`th scheme line.
    Line(usize),
    /// Amount `j` of scheme line `i`.
    LineAmount(usize, usize),
    /// The `i`th contingency line.
    Contingency(usize),
    /// Amount `j` of contingency line `i`.
    ContingencyAmount(usize, usize),
}

/// The part of an [`Item`] a problem is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Field {
    /// The item as a whole (for example an amount given twice).
    Whole,
    /// Its id.
    Id,
    /// Its contributor.
    Contributor,
    /// Its year.
    Year,
    /// Its funding source or group.
    Funding,
    /// Its programme.
    Programme,
    /// Its amount.
    Amount,
    /// Its attributes.
    Attributes,
}

impl Field {
    /// The field's name as plan files write it (`contributor`, `amount`...),
    /// or `None` for the item as a whole.
    #[must_use]
    pub fn name(self) -> Option<&'static str> {
        Some(match self {
            Field::Whole => return None,
            Field::Id => "id",
            Field::Contributor => "contributor",
            Field::Year => "year",
            Field::Funding => "funding",
            Field::Programme => "programme",
            Field::Amount => "amount",
            Field::Attributes => "attributes",
        })
    }
}

/// What is wrong, said without where (the [`PlanError`] says where).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PlanProblem {
    /// The plan has no years.
    #[error("the plan needs at least one financial year")]
    NoYears,
    /// A year given twice.
    #[error("this year is given twice")]
    DuplicateYear,
    /// An id used twice.
    #[error("this {} id is used twice", crate::text::shown(.what))]
    DuplicateId {
        /// What kind of thing (contributor, line...).
        what: &'static str,
    },
    /// An id that is empty or only spaces.
    #[error("a {} id must not be blank", crate::text::shown(.what))]
    BlankId {
        /// What kind of thing.
        what: &'static str,
    },
    /// A reference to an id that does not exist.
    #[error("unknown {}", crate::text::shown(.what))]
    Unknown {
        /// What was looked up, with what was expected (e.g. `funding source:
        /// expected the id of a source`).
        what: &'static str,
    },
    /// A source listed in two groups.
    #[error("this source is already in the group {first:?}")]
    SourceInTwoGroups {
        /// The first group it is in.
        first: String,
    },
    /// An amount for a year the plan does not cover.
    #[error("the year is outside the plan ({plan_years})")]
    YearOutsidePlan {
        /// The plan's years.
        plan_years: String,
    },
    /// A negative allocation.
    #[error("an allocation must not be negative")]
    NegativeAllocation,
    /// An amount with a sign its line does not allow.
    #[error("this sign is not allowed on a {kind}")]
    SignNotAllowed {
        /// The kind of line (scheme line, risk pool...).
        kind: String,
    },
    /// A joint commissioner whose shares are negative or do not add to 100%.
    #[error("a joint commissioning split must be two non-negative shares adding to exactly 100%")]
    JointSplit,
    /// The same contributor, year and funding given twice on one line.
    #[error("the line already has an amount for this contributor, year and funding")]
    DuplicateAmount,
    /// The same source, contributor and year given two allocations.
    #[error(
        "this source, contributor and year already has an allocation (allocation {}): \
         give the income once, as one figure",
        first + 1
    )]
    DuplicateAllocation {
        /// The position of the first allocation.
        first: usize,
    },
    /// An amount said to be printed to a precision that it is not a whole
    /// number of steps of.
    #[error(
        "the amount is not a whole number of {} steps ({precision}): \
         a figure printed to that precision is",
        precision.step()
    )]
    OffStep {
        /// The precision the amount was said to be printed to.
        precision: Precision,
    },
    /// More items than the model indexes (over 4 billion).
    #[error("too many {0}")]
    TooMany(&'static str),
}

/// A structural error found while building a plan: the item and field at
/// fault, the value found there, and the problem.
///
/// ```
/// use bcf_model::plan::{Field, Item, Plan, PlanProblem};
///
/// let err = Plan::builder("no years").build().unwrap_err();
/// let e = &err[0];
/// assert_eq!((e.item, e.field), (Item::Plan, Field::Whole));
/// assert_eq!(e.problem, PlanProblem::NoYears);
/// assert_eq!(e.to_string(), "the plan: the plan needs at least one financial year");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanError {
    /// The item at fault.
    pub item: Item,
    /// The field of the item at fault.
    pub field: Field,
    /// What the item is, in words: `line reab (Reablement)`, `allocation 2
    /// (min, ccg, 2017/18)`.
    pub label: String,
    /// The value found (empty when the problem is not one value).
    pub value: String,
    /// What is wrong.
    pub problem: PlanProblem,
}

impl PlanError {
    /// An error with `problem` in `field` of `item`.
    pub(crate) fn new(item: Item, field: Field, label: String, value: String, problem: PlanProblem) -> PlanError {
        PlanError {
            item,
            field,
            label,
            value,
            problem,
        }
    }
}

impl fmt::Display for PlanError {
    /// `line b (B), amount "-1000": this sign is not allowed on a scheme
    /// line`; the value is quoted with its control characters escaped.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::text::escape(&self.label))?;
        match (self.field.name(), self.value.is_empty()) {
            (Some(field), false) => write!(f, ", {field} {:?}", self.value)?,
            (None, false) => write!(f, " {:?}", self.value)?,
            (Some(field), true) => write!(f, ", {field}")?,
            (None, true) => {}
        }
        write!(f, ": {}", self.problem)
    }
}

impl std::error::Error for PlanError {}

/// Every structural error found while building a plan (never just the first).
///
/// It holds at least one error, in the order found; it reads as a slice
/// (`errors[0]`, `errors.len()`, `errors.iter()`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanErrors(Vec<PlanError>);

impl PlanErrors {
    /// The errors found, for a build that found at least one.
    pub(crate) fn new(errors: Vec<PlanError>) -> PlanErrors {
        debug_assert!(!errors.is_empty(), "PlanErrors holds at least one error");
        PlanErrors(errors)
    }

    /// The errors, in the order found.
    #[must_use]
    pub fn into_vec(self) -> Vec<PlanError> {
        self.0
    }
}

impl std::ops::Deref for PlanErrors {
    type Target = [PlanError];

    fn deref(&self) -> &[PlanError] {
        &self.0
    }
}

impl<'a> IntoIterator for &'a PlanErrors {
    type Item = &'a PlanError;
    type IntoIter = std::slice::Iter<'a, PlanError>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

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

/// How a year list is shown in errors: `2017/18, 2018/19`.
pub(crate) fn years_text(years: &[FinancialYear]) -> String {
    years.iter().map(|y| y.to_string()).collect::<Vec<_>>().join(", ")
}
