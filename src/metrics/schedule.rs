//! The metric sets year by year: which metrics the fund set in each year
//! (the policy calendar's `metric` rows) joined with how each was defined
//! (its formula, polarity, population base and period, one sourced row per
//! calendar row, `data/metric_definitions.csv`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::{AgeBand, FormulaKind, MetricDefinition, PeriodBasis, Polarity};
use crate::calendar::FinancialYear;
use crate::policy::{PolicyCalendar, PolicyRow, PolicySource, Topic};

/// A structured field of a metric's definition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[non_exhaustive]
pub enum MetricField {
    /// How the value is computed ([`FormulaKind`]).
    Formula,
    /// Which way is better ([`Polarity`]).
    Polarity,
    /// The population base ([`AgeBand`]).
    Base,
    /// The period a value describes ([`PeriodBasis`]).
    Period,
}

impl MetricField {
    /// Every field, in declaration order.
    pub const ALL: [MetricField; 4] = [
        MetricField::Formula,
        MetricField::Polarity,
        MetricField::Base,
        MetricField::Period,
    ];

    /// How a data file writes it: `formula`, `polarity`, `base`, `period`.
    #[must_use]
    pub const fn key(self) -> &'static str {
        match self {
            MetricField::Formula => "formula",
            MetricField::Polarity => "polarity",
            MetricField::Base => "base",
            MetricField::Period => "period",
        }
    }
}

impl fmt::Display for MetricField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.key())
    }
}

impl FromStr for MetricField {
    type Err = String;
    /// Reads a [`MetricField::key`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        MetricField::ALL
            .into_iter()
            .find(|k| k.key() == s.trim())
            .ok_or_else(|| "unknown field: expected one of formula, polarity, base, period".to_string())
    }
}

/// How one metric was defined over a span of years: one row of
/// `data/metric_definitions.csv`, matching one `metric` row of the policy
/// calendar (same key, first and last year). A field is `None` only when no
/// source gave even a lead for it, and every field not confirmed from the
/// row's source is listed in `unconfirmed` (the note says why).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetricSpec {
    /// The calendar's metric key (`non_elective_admissions`).
    pub key: String,
    /// The first year.
    pub from: FinancialYear,
    /// The last year.
    pub to: FinancialYear,
    /// The metric id (see [`super::ids`]).
    pub id: String,
    /// The name as the papers write it.
    pub name: String,
    /// How the value is computed.
    pub formula: Option<FormulaKind>,
    /// Which way is better.
    pub polarity: Option<Polarity>,
    /// The population base.
    pub base: Option<AgeBand>,
    /// The period a value describes.
    pub period: Option<PeriodBasis>,
    /// Whether every field was confirmed from the source (then
    /// `unconfirmed` is empty).
    pub confirmed: bool,
    /// The fields not confirmed from the source.
    pub unconfirmed: Vec<MetricField>,
    /// Where the fields come from.
    pub source: PolicySource,
    /// What the source says, and why a field is not confirmed.
    pub note: String,
    /// The line of the file it was read from (0 when built in code).
    pub line: u64,
}

impl MetricSpec {
    /// The definition, if every field is known (confirmed or not).
    #[must_use]
    pub fn definition(&self) -> Option<MetricDefinition> {
        Some(MetricDefinition {
            id: self.id.clone(),
            name: self.name.clone(),
            formula: self.formula?,
            polarity: self.polarity?,
            denominator: self.base.clone()?,
            period: self.period?,
        })
    }

    /// Whether `field` was confirmed from the source.
    #[must_use]
    pub fn is_confirmed(&self, field: MetricField) -> bool {
        !self.unconfirmed.contains(&field)
    }
}

/// One metric of a year's set: the calendar row that puts it in the set
/// and the row that defines it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SetMetric<'c> {
    /// The calendar's row: the metric's wording, whether its being in the
    /// set was confirmed, and from where.
    pub listed: &'c PolicyRow,
    /// How it was defined, with its own source and confirmation.
    pub spec: &'c MetricSpec,
}

impl SetMetric<'_> {
    /// The definition, if every field is known (see [`MetricSpec::definition`]).
    #[must_use]
    pub fn definition(&self) -> Option<MetricDefinition> {
        self.spec.definition()
    }

    /// Whether both the metric's place in the set and every field of its
    /// definition were confirmed.
    #[must_use]
    pub fn confirmed(&self) -> bool {
        self.listed.confirmed && self.spec.confirmed
    }
}

/// The metrics set for one year, in the calendar's order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MetricSet<'c> {
    /// The year.
    pub year: FinancialYear,
    /// Its metrics.
    pub metrics: Vec<SetMetric<'c>>,
}

impl MetricSet<'_> {
    /// The definitions of the metrics whose fields are all known, in order.
    #[must_use]
    pub fn definitions(&self) -> Vec<MetricDefinition> {
        self.metrics.iter().filter_map(SetMetric::definition).collect()
    }

    /// The metric with id `id`, if it is in the set.
    #[must_use]
    pub fn get(&self, id: &str) -> Option<&SetMetric<'_>> {
        self.metrics.iter().find(|m| m.spec.id == id)
    }
}

/// Why there is no metric set for a year.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MetricSetError {
    /// The calendar covers the year but sets no metrics in it (2020/21:
    /// no plans, so no ambitions). `reason` is the note of the year's
    /// planning-mode row, if it has one.
    #[error("no metrics were set in {year}{}", because(.reason.as_ref()))]
    NoMetricsSet {
        /// The year.
        year: FinancialYear,
        /// Why, as the calendar says.
        reason: Option<String>,
    },
    /// The calendar has no rule at all for the year: it is not known.
    #[error("the policy calendar does not cover {year}{}", covering(.span))]
    UnknownYear {
        /// The year.
        year: FinancialYear,
        /// The first and last years the calendar covers, if any.
        span: Option<(FinancialYear, FinancialYear)>,
    },
}

/// `: reason` for a reason given, nothing otherwise.
fn because(reason: Option<&String>) -> String {
    match reason {
        Some(r) => format!(": {}", crate::text::shown(r)),
        None => String::new(),
    }
}

/// ` (it covers a to b)` for a calendar's span, nothing for an empty one.
fn covering(span: &Option<(FinancialYear, FinancialYear)>) -> String {
    match span {
        Some((a, b)) => format!(" (it covers {a} to {b})"),
        None => String::new(),
    }
}

/// A problem joining the calendar's metric rows with their definitions.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MetricCalendarError {
    /// A calendar metric row with no definition row of the same key and years.
    #[error("calendar line {line}: metric {key} ({from} to {to}) has no definition row")]
    Undefined {
        /// The calendar row's line.
        line: u64,
        /// Its key.
        key: String,
        /// Its first year.
        from: FinancialYear,
        /// Its last year.
        to: FinancialYear,
    },
    /// A definition row no calendar metric row matches.
    #[error("line {line}: no calendar metric row is {key} from {from} to {to}")]
    Unmatched {
        /// The definition row's line.
        line: u64,
        /// Its key.
        key: String,
        /// Its first year.
        from: FinancialYear,
        /// Its last year.
        to: FinancialYear,
    },
    /// Two definition rows for the same calendar row.
    #[error("line {line}: {key} from {from} is already defined (line {first})")]
    Duplicate {
        /// The later row's line.
        line: u64,
        /// The earlier row's line.
        first: u64,
        /// The key.
        key: String,
        /// Its first year.
        from: FinancialYear,
    },
    /// A row whose confirmation and list of unconfirmed fields disagree, or
    /// a field left blank that is not listed as unconfirmed.
    #[error("line {line}: {problem}")]
    Confirmation {
        /// The row's line.
        line: u64,
        /// What disagrees.
        problem: String,
    },
}

/// The policy calendar's metric rows joined with their definitions: the
/// metric set of each year.
///
/// ```
/// use bcf_model::metrics::{ids, AgeBand, MetricSetError, Polarity};
///
/// let metrics = bcf_model::data::metric_calendar()?;
/// let set = metrics.metric_set("2017/18".parse()?)?;
/// let dtoc = set.get(ids::DTOC).ok_or("DTOC is a 2017/18 metric")?;
/// let def = dtoc.definition().ok_or("DTOC is fully defined")?;
/// assert_eq!((def.polarity, def.denominator), (Polarity::LowerIsBetter, AgeBand::Adults18Plus));
/// assert!(dtoc.confirmed());
/// // 2020/21 set no metrics; 2030/31 is not in the calendar at all.
/// assert!(matches!(metrics.metric_set("2020/21".parse()?), Err(MetricSetError::NoMetricsSet { .. })));
/// assert!(matches!(metrics.metric_set("2030/31".parse()?), Err(MetricSetError::UnknownYear { .. })));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MetricCalendar {
    calendar: PolicyCalendar,
    specs: Vec<MetricSpec>,
}

impl MetricCalendar {
    /// Joins `calendar`'s metric rows with `specs`, one to one by key and
    /// years.
    ///
    /// # Errors
    ///
    /// Every problem found, as a list of [`MetricCalendarError`]: a metric
    /// row without a definition, a definition without a metric row, two
    /// definitions of one row, and a row whose `confirmed` flag, list of
    /// unconfirmed fields and blank fields disagree.
    pub fn new(calendar: PolicyCalendar, specs: Vec<MetricSpec>) -> Result<MetricCalendar, Vec<MetricCalendarError>> {
        let mut errors = Vec::new();
        let matches = |r: &PolicyRow, s: &MetricSpec| r.key == s.key && r.from == s.from && r.to == s.to;
        for row in calendar.rows().iter().filter(|r| r.topic == Topic::Metric) {
            if !specs.iter().any(|s| matches(row, s)) {
                errors.push(MetricCalendarError::Undefined {
                    line: row.line,
                    key: row.key.clone(),
                    from: row.from,
                    to: row.to,
                });
            }
        }
        for (i, spec) in specs.iter().enumerate() {
            if !calendar
                .rows()
                .iter()
                .any(|r| r.topic == Topic::Metric && matches(r, spec))
            {
                errors.push(MetricCalendarError::Unmatched {
                    line: spec.line,
                    key: spec.key.clone(),
                    from: spec.from,
                    to: spec.to,
                });
            }
            let earlier = specs.get(..i).unwrap_or_default();
            if let Some(first) = earlier
                .iter()
                .find(|s| s.key == spec.key && s.from == spec.from && s.to == spec.to)
            {
                errors.push(MetricCalendarError::Duplicate {
                    line: spec.line,
                    first: first.line,
                    key: spec.key.clone(),
                    from: spec.from,
                });
            }
            if spec.confirmed != spec.unconfirmed.is_empty() {
                errors.push(MetricCalendarError::Confirmation {
                    line: spec.line,
                    problem: if spec.confirmed {
                        "a confirmed row cannot list unconfirmed fields".to_string()
                    } else {
                        "an unconfirmed row must list the fields it could not confirm".to_string()
                    },
                });
            }
            let blanks = [
                (MetricField::Formula, spec.formula.is_none()),
                (MetricField::Polarity, spec.polarity.is_none()),
                (MetricField::Base, spec.base.is_none()),
                (MetricField::Period, spec.period.is_none()),
            ];
            for (field, blank) in blanks {
                if blank && spec.is_confirmed(field) {
                    errors.push(MetricCalendarError::Confirmation {
                        line: spec.line,
                        problem: format!("{field} is blank but not listed as unconfirmed"),
                    });
                }
            }
        }
        if errors.is_empty() {
            Ok(MetricCalendar { calendar, specs })
        } else {
            Err(errors)
        }
    }

    /// The policy calendar the sets come from.
    #[must_use]
    pub const fn calendar(&self) -> &PolicyCalendar {
        &self.calendar
    }

    /// Every definition row, in the order given.
    #[must_use]
    pub fn specs(&self) -> &[MetricSpec] {
        &self.specs
    }

    /// The metrics set for `year`.
    ///
    /// # Errors
    ///
    /// [`MetricSetError::NoMetricsSet`] if the calendar has rules for `year`
    /// but no metric among them (2020/21), and
    /// [`MetricSetError::UnknownYear`] if it has no rule for `year` at all.
    pub fn metric_set(&self, year: FinancialYear) -> Result<MetricSet<'_>, MetricSetError> {
        let metrics: Vec<SetMetric<'_>> = self
            .calendar
            .in_force(Topic::Metric, year)
            .filter_map(|listed| {
                let spec = self
                    .specs
                    .iter()
                    .find(|s| s.key == listed.key && s.from == listed.from && s.to == listed.to)?;
                Some(SetMetric { listed, spec })
            })
            .collect();
        if !metrics.is_empty() {
            return Ok(MetricSet { year, metrics });
        }
        if self.calendar.rows().iter().any(|r| r.applies_to(year)) {
            let reason = self
                .calendar
                .in_force(Topic::PlanningMode, year)
                .next()
                .map(|r| r.note.clone());
            return Err(MetricSetError::NoMetricsSet { year, reason });
        }
        Err(MetricSetError::UnknownYear {
            year,
            span: self.calendar.span(),
        })
    }
}
