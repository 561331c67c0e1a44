//! The policy calendar: what the Better Care Fund required in each year from
//! 2017/18, as dated rules with a source on every row (`docs/domain.md`
//! section 4).
//!
//! Each [`PolicyRow`] says, for a span of years with an explicit end, one
//! thing the national policy set: the NHS minimum contribution uplift, the
//! rule for maintaining the NHS contribution to adult social care, the
//! NHS-commissioned out-of-hospital rule, a national condition, a mandatory
//! funding stream and its national amount, whether areas planned or only
//! reconciled at year end, or a metric in force. Every row names its source
//! (title and address) and says whether its figure or wording was confirmed
//! from that source; an unconfirmed row is kept, so a check can say it
//! CANNOT TELL rather than assume.
//!
//! The shipped calendar is [`crate::data::policy_calendar`]; a caller can
//! read its own with [`crate::io::read_policy_calendar`].
//!
//! ```
//! use bcf_model::policy::{Lookup, Topic};
//!
//! let calendar = bcf_model::data::policy_calendar()?;
//! let y = "2022/23".parse()?;
//! let uplift = calendar.lookup(Topic::NhsMinimumUplift, "nhs_minimum", y);
//! let row = uplift.confirmed().ok_or("2022/23's uplift is confirmed")?;
//! assert_eq!(row.percent(), Some("5.66".parse()?));
//! // No rule is carried past its end year: 2025/26 has no confirmed uplift.
//! let later = calendar.lookup(Topic::NhsMinimumUplift, "nhs_minimum", "2025/26".parse()?);
//! assert!(!matches!(later, Lookup::Confirmed(_)));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::calendar::FinancialYear;
use crate::money::Money;

/// What a row of the policy calendar is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Topic {
    /// The uplift of the NHS (CCG, from July 2022 ICB) minimum contribution
    /// over the year before, in percent.
    NhsMinimumUplift,
    /// The rule for maintaining the NHS contribution to adult social care,
    /// with its uplift in percent where one is set.
    SocialCareMaintenance,
    /// The NHS-commissioned out-of-hospital rule (a ring-fence of the NHS
    /// minimum, its figure set per area).
    OutOfHospital,
    /// A national condition, by key, with its wording.
    Condition,
    /// A mandatory funding stream, by key, with its national amount where
    /// published.
    Stream,
    /// Whether areas planned (`plan`) or only reconciled at the year's end
    /// (`end_of_year_reconciliation`, 2020/21).
    PlanningMode,
    /// A national metric in force, by key, with its definition.
    Metric,
}

impl Topic {
    /// The topic as written in the calendar's `topic` column.
    #[must_use]
    pub fn key(self) -> &'static str {
        match self {
            Topic::NhsMinimumUplift => "nhs_minimum_uplift",
            Topic::SocialCareMaintenance => "social_care_maintenance",
            Topic::OutOfHospital => "out_of_hospital",
            Topic::Condition => "condition",
            Topic::Stream => "stream",
            Topic::PlanningMode => "planning_mode",
            Topic::Metric => "metric",
        }
    }

    /// Every topic, in the order above.
    pub const ALL: [Topic; 7] = [
        Topic::NhsMinimumUplift,
        Topic::SocialCareMaintenance,
        Topic::OutOfHospital,
        Topic::Condition,
        Topic::Stream,
        Topic::PlanningMode,
        Topic::Metric,
    ];
}

impl fmt::Display for Topic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl std::str::FromStr for Topic {
    type Err = String;

    fn from_str(s: &str) -> Result<Topic, String> {
        Topic::ALL.into_iter().find(|t| t.key() == s).ok_or_else(|| {
            let known: Vec<&str> = Topic::ALL.iter().map(|t| t.key()).collect();
            format!("unknown topic: expected one of {}", known.join(", "))
        })
    }
}

/// The value a row sets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum PolicyValue {
    /// No figure: the rule is in words (its wording or note), or the figure
    /// was not published or not found.
    None,
    /// A percentage, exactly as published (`5.66` for 5.66%).
    Percent(Decimal),
    /// A national amount, exact (published in £ million).
    Amount(Money),
    /// Words: a condition's wording or a metric's definition.
    Text(String),
}

/// Where a row comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicySource {
    /// The title of the document or page.
    pub title: String,
    /// Its address (a web address, or the path of a local copy); `None` only
    /// when the copy read recorded none, which the row's note says.
    pub address: Option<String>,
}

/// One dated rule of the policy calendar.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyRow {
    /// What it is about.
    pub topic: Topic,
    /// Which one, within the topic (a condition, stream or metric key; the
    /// name of the rule for the single-valued topics).
    pub key: String,
    /// The first year it applies to.
    pub from: FinancialYear,
    /// The last year it applies to (never open-ended).
    pub to: FinancialYear,
    /// What it sets.
    pub value: PolicyValue,
    /// Whether the value or wording was confirmed from the source.
    pub confirmed: bool,
    /// Where it comes from.
    pub source: PolicySource,
    /// What the source says, or why the row is not confirmed.
    pub note: String,
    /// The line of the file it was read from (0 when built in code).
    pub line: u64,
}

impl PolicyRow {
    /// Whether the row applies to `year`.
    #[must_use]
    pub fn applies_to(&self, year: FinancialYear) -> bool {
        self.from <= year && year <= self.to
    }

    /// The percentage it sets, if it sets one.
    #[must_use]
    pub fn percent(&self) -> Option<Decimal> {
        match self.value {
            PolicyValue::Percent(p) => Some(p),
            _ => None,
        }
    }

    /// The national amount it sets, if it sets one.
    #[must_use]
    pub fn amount(&self) -> Option<Money> {
        match self.value {
            PolicyValue::Amount(m) => Some(m),
            _ => None,
        }
    }

    /// The wording or definition it gives, if any.
    #[must_use]
    pub fn text(&self) -> Option<&str> {
        match &self.value {
            PolicyValue::Text(t) => Some(t),
            _ => None,
        }
    }
}

/// What the calendar says about one rule in one year.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Lookup<'c> {
    /// A row applies and its value was confirmed from its source.
    Confirmed(&'c PolicyRow),
    /// A row applies but its value was not confirmed: a check on it cannot
    /// tell.
    Unconfirmed(&'c PolicyRow),
    /// No row applies.
    Missing,
}

impl<'c> Lookup<'c> {
    /// The row, confirmed or not.
    #[must_use]
    pub fn row(self) -> Option<&'c PolicyRow> {
        match self {
            Lookup::Confirmed(r) | Lookup::Unconfirmed(r) => Some(r),
            Lookup::Missing => None,
        }
    }

    /// The row if its value was confirmed.
    #[must_use]
    pub fn confirmed(self) -> Option<&'c PolicyRow> {
        match self {
            Lookup::Confirmed(r) => Some(r),
            _ => None,
        }
    }
}

/// A problem with the rows given to [`PolicyCalendar::new`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyCalendarError {
    /// A row ends before it starts.
    #[error("line {line}: the rule ends ({to}) before it starts ({from})")]
    EndsBeforeStart {
        /// The row's line.
        line: u64,
        /// Its first year.
        from: FinancialYear,
        /// Its last year.
        to: FinancialYear,
    },
    /// A row with no source title.
    #[error("line {line}: every rule must say where it comes from (a source title)")]
    NoSource {
        /// The row's line.
        line: u64,
    },
    /// A row with no key.
    #[error("line {line}: a rule needs a key")]
    NoKey {
        /// The row's line.
        line: u64,
    },
    /// Two rows for the same topic and key cover the same year.
    #[error("line {line}: {topic} {key} already has a rule for {year} (line {first})")]
    Overlap {
        /// The later row's line.
        line: u64,
        /// The earlier row's line.
        first: u64,
        /// The topic.
        topic: Topic,
        /// The key.
        key: String,
        /// A year both cover.
        year: FinancialYear,
    },
}

/// The dated rules of the fund, year by year. Built only through
/// [`PolicyCalendar::new`], which checks that every row has a key, a source
/// and an end year not before its start, and that no two rows for the same
/// topic and key cover the same year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyCalendar {
    rows: Vec<PolicyRow>,
}

impl PolicyCalendar {
    /// A calendar of `rows`.
    ///
    /// # Errors
    ///
    /// Every problem found, as a list of [`PolicyCalendarError`]: a row that
    /// ends before it starts, has no source title or no key, or overlaps an
    /// earlier row of the same topic and key.
    pub fn new(rows: Vec<PolicyRow>) -> Result<PolicyCalendar, Vec<PolicyCalendarError>> {
        let mut errors = Vec::new();
        for (i, row) in rows.iter().enumerate() {
            if row.to < row.from {
                errors.push(PolicyCalendarError::EndsBeforeStart {
                    line: row.line,
                    from: row.from,
                    to: row.to,
                });
                continue;
            }
            if row.source.title.trim().is_empty() {
                errors.push(PolicyCalendarError::NoSource { line: row.line });
            }
            if row.key.trim().is_empty() {
                errors.push(PolicyCalendarError::NoKey { line: row.line });
            }
            let earlier = rows.get(..i).unwrap_or_default();
            if let Some(first) = earlier
                .iter()
                .find(|r| r.topic == row.topic && r.key == row.key && r.from <= row.to && row.from <= r.to)
            {
                errors.push(PolicyCalendarError::Overlap {
                    line: row.line,
                    first: first.line,
                    topic: row.topic,
                    key: row.key.clone(),
                    year: first.from.max(row.from),
                });
            }
        }
        if errors.is_empty() {
            Ok(PolicyCalendar { rows })
        } else {
            Err(errors)
        }
    }

    /// Every row, in the order given.
    #[must_use]
    pub fn rows(&self) -> &[PolicyRow] {
        &self.rows
    }

    /// The rows of `topic` in force in `year`, in the order given.
    pub fn in_force(&self, topic: Topic, year: FinancialYear) -> impl Iterator<Item = &PolicyRow> {
        self.rows.iter().filter(move |r| r.topic == topic && r.applies_to(year))
    }

    /// What the calendar says about `topic` and `key` in `year`.
    #[must_use]
    pub fn lookup(&self, topic: Topic, key: &str, year: FinancialYear) -> Lookup<'_> {
        match self.in_force(topic, year).find(|r| r.key == key) {
            Some(r) if r.confirmed => Lookup::Confirmed(r),
            Some(r) => Lookup::Unconfirmed(r),
            None => Lookup::Missing,
        }
    }

    /// The first and last years any row covers, or `None` for an empty
    /// calendar.
    #[must_use]
    pub fn span(&self) -> Option<(FinancialYear, FinancialYear)> {
        let from = self.rows.iter().map(|r| r.from).min()?;
        let to = self.rows.iter().map(|r| r.to).max()?;
        Some((from, to))
    }
}
