//! The drafts a [`PlanBuilder`] is given: scheme and contingency lines and
//! their amounts, with string ids.

#[cfg(doc)]
use super::PlanBuilder;
use crate::calendar::FinancialYear;
use crate::money::{Money, Precision, PrintedFigure};
use crate::plan::{ContingencyKind, LineAttributes, LineFlag};

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
    /// The precision it was printed to, or `None` if it is exact.
    pub precision: Option<Precision>,
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

    /// Adds the exact amount `contributor` puts in `year`, funded by
    /// `funding` (a source or group id).
    #[must_use]
    pub fn amount(mut self, contributor: &str, year: FinancialYear, funding: &str, amount: Money) -> LineDraft {
        self.amounts.push(draft(contributor, year, funding, amount, None));
        self
    }

    /// Adds an amount as printed (for example `2,419.0` in £'000): its
    /// rounding may explain a difference of up to half its step.
    ///
    /// ```
    /// use bcf_model::money::{Money, Unit};
    /// use bcf_model::plan::LineDraft;
    ///
    /// let y = "2017/18".parse()?;
    /// let d = LineDraft::new("reab", "BCF2", "Reablement")
    ///     .printed("wl_ccg", y, "ccg_min", Money::parse_printed("2,419.0", Unit::Thousands)?);
    /// assert_eq!(d.amounts[0].precision.map(|p| p.code()).as_deref(), Some("Thousands:1"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn printed(
        mut self,
        contributor: &str,
        year: FinancialYear,
        funding: &str,
        figure: PrintedFigure,
    ) -> LineDraft {
        self.amounts
            .push(draft(contributor, year, funding, figure.value, Some(figure.precision)));
        self
    }

    /// Sets the line's attributes.
    #[must_use]
    pub fn attributes(mut self, attributes: LineAttributes) -> LineDraft {
        self.attributes = attributes;
        self
    }

    /// Adds a flag.
    #[must_use]
    pub fn flag(mut self, flag: LineFlag) -> LineDraft {
        self.attributes.flags.insert(flag);
        self
    }
}

fn draft(
    contributor: &str,
    year: FinancialYear,
    funding: &str,
    amount: Money,
    precision: Option<Precision>,
) -> AmountDraft {
    AmountDraft {
        contributor: contributor.to_string(),
        year,
        funding: funding.to_string(),
        amount,
        precision,
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

    /// Adds the exact amount `contributor` holds in `year`, funded by `funding`.
    #[must_use]
    pub fn amount(mut self, contributor: &str, year: FinancialYear, funding: &str, amount: Money) -> ContingencyDraft {
        self.amounts.push(draft(contributor, year, funding, amount, None));
        self
    }

    /// Adds an amount as printed (see [`LineDraft::printed`]).
    #[must_use]
    pub fn printed(
        mut self,
        contributor: &str,
        year: FinancialYear,
        funding: &str,
        figure: PrintedFigure,
    ) -> ContingencyDraft {
        self.amounts
            .push(draft(contributor, year, funding, figure.value, Some(figure.precision)));
        self
    }
}
