//! Red/Amber/Green as a policy: thresholds are data, overrides carry reasons.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{mul_exact, sub, MetricError, Polarity};

/// A Red/Amber/Green rating.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Rag {
    /// Target missed beyond the tolerance.
    Red,
    /// Target missed within the tolerance.
    Amber,
    /// Target met.
    Green,
}

impl Rag {
    /// `R`, `A` or `G`, as the papers print it.
    #[must_use]
    pub const fn letter(self) -> &'static str {
        match self {
            Rag::Red => "R",
            Rag::Amber => "A",
            Rag::Green => "G",
        }
    }
}

impl fmt::Display for Rag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.letter())
    }
}

impl FromStr for Rag {
    type Err = String;
    /// Reads `R`/`A`/`G` or `Red`/`Amber`/`Green` (any case).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "r" | "red" => Ok(Rag::Red),
            "a" | "amber" => Ok(Rag::Amber),
            "g" | "green" => Ok(Rag::Green),
            _ => Err(format!("{s:?} is not a RAG rating (expected R, A or G)")),
        }
    }
}

/// How far past the target a value may be and still be Amber.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Tolerance {
    /// A fraction of the target: `Relative(0.05)` is Amber up to 5% worse than target.
    Relative(Decimal),
    /// An amount in the metric's unit: `Absolute(2)` is Amber up to 2 points worse.
    Absolute(Decimal),
}

/// The rule for one metric: its polarity and its Amber tolerance. Green when
/// the target is met (equal counts as met); Amber when worse by no more than
/// the tolerance (inclusive); Red beyond.
///
/// ```
/// use bcf_model::metrics::{Polarity, Rag, RagRule, Tolerance};
/// use rust_decimal::Decimal;
///
/// let rule = RagRule { polarity: Polarity::LowerIsBetter, amber: Tolerance::Relative(Decimal::new(5, 2)) };
/// // DTOC 2016/17 Q4: 377.10 against a target of 312.19
/// assert_eq!(rule.rate(Decimal::new(37_710, 2), Decimal::new(31_219, 2))?, Rag::Red);
/// assert_eq!(rule.rate(Decimal::new(31_219, 2), Decimal::new(31_219, 2))?, Rag::Green);
/// # Ok::<(), bcf_model::metrics::MetricError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RagRule {
    /// Which way is better.
    pub polarity: Polarity,
    /// The Amber tolerance.
    pub amber: Tolerance,
}

impl RagRule {
    /// How much worse than target `actual` is, in the metric's unit (zero or
    /// negative when the target is met).
    ///
    /// # Errors
    ///
    /// [`MetricError::Overflow`] if the difference is beyond the decimal range.
    pub fn adverse_gap(&self, actual: Decimal, target: Decimal) -> Result<Decimal, MetricError> {
        match self.polarity {
            Polarity::LowerIsBetter => sub(actual, target),
            Polarity::HigherIsBetter => sub(target, actual),
        }
    }

    /// The rating of `actual` against `target`. With a relative tolerance and
    /// a zero target, any adverse gap is Red. A relative tolerance `t` is
    /// applied exactly, as `gap <= t × |target|` (no division, so no
    /// rounded ratio decides a rating); a product too long for the decimal
    /// is an error.
    ///
    /// # Errors
    ///
    /// [`MetricError::Overflow`] if the gap, or the exact product of a relative
    /// tolerance and the target, is beyond the decimal range (or needs more than 28
    /// decimals).
    pub fn rate(&self, actual: Decimal, target: Decimal) -> Result<Rag, MetricError> {
        let gap = self.adverse_gap(actual, target)?;
        if gap <= Decimal::ZERO {
            return Ok(Rag::Green);
        }
        let within = match self.amber {
            Tolerance::Absolute(t) => gap <= t,
            // (With a zero target, t × 0 is 0 and the gap is above it: Red.)
            Tolerance::Relative(t) => gap <= mul_exact(t, target.abs())?,
        };
        Ok(if within { Rag::Amber } else { Rag::Red })
    }
}

/// RAG thresholds per metric, with a default. A policy, not a fact: the
/// published ratings are not consistent with any single threshold (docs/domain.md
/// section 6: +4.5% over target is Red in one table and +4.9% Amber in
/// another), so compare with [`RagReport`] rather than expecting agreement.
///
/// The documented default ([`RagPolicy::default`]) is Amber up to **5% worse
/// than target** (relative), for every metric, with no per-metric exceptions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RagPolicy {
    /// The tolerance for metrics without their own.
    pub default_amber: Tolerance,
    /// Per-metric tolerances, by metric key.
    pub amber_by_metric: BTreeMap<String, Tolerance>,
}

impl RagPolicy {
    /// The default Amber tolerance: 5% of the target.
    pub const DEFAULT_AMBER: Tolerance = Tolerance::Relative(Decimal::from_parts(5, 0, 0, false, 2));

    /// The rule for `metric` with `polarity`.
    #[must_use]
    pub fn rule(&self, metric: &str, polarity: Polarity) -> RagRule {
        RagRule {
            polarity,
            // Documented: a metric without its own tolerance takes the default.
            amber: self.amber_by_metric.get(metric).copied().unwrap_or(self.default_amber),
        }
    }

    /// Rates `actual` against `target` for `metric`.
    ///
    /// # Errors
    ///
    /// [`MetricError::Overflow`] as for [`RagRule::rate`].
    pub fn assess(
        &self,
        metric: &str,
        polarity: Polarity,
        actual: Decimal,
        target: Decimal,
    ) -> Result<RagAssessment, MetricError> {
        let rule = self.rule(metric, polarity);
        Ok(RagAssessment {
            metric: metric.to_string(),
            actual,
            target,
            adverse_gap: rule.adverse_gap(actual, target)?,
            computed: rule.rate(actual, target)?,
            manual: None,
        })
    }
}

impl Default for RagPolicy {
    fn default() -> Self {
        RagPolicy {
            default_amber: RagPolicy::DEFAULT_AMBER,
            amber_by_metric: BTreeMap::new(),
        }
    }
}

/// A manual rating that replaces the computed one, with its reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RagOverride {
    /// The rating given by hand.
    pub rating: Rag,
    /// Why (required, never empty).
    pub reason: String,
}

impl RagOverride {
    /// An override; fails if `reason` is blank.
    ///
    /// # Errors
    ///
    /// [`MetricError::OverrideWithoutReason`] if `reason` is empty or only white
    /// space.
    pub fn new(rating: Rag, reason: &str) -> Result<RagOverride, MetricError> {
        if reason.trim().is_empty() {
            return Err(MetricError::OverrideWithoutReason);
        }
        Ok(RagOverride {
            rating,
            reason: reason.trim().to_string(),
        })
    }
}

/// One metric rated: the computed rating and any manual override, both kept.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RagAssessment {
    /// The metric key.
    pub metric: String,
    /// The actual (or forecast) value.
    pub actual: Decimal,
    /// The target.
    pub target: Decimal,
    /// How much worse than target, in the metric's unit (negative: better).
    pub adverse_gap: Decimal,
    /// The rating the policy computes.
    pub computed: Rag,
    /// A manual override, if any.
    pub manual: Option<RagOverride>,
}

impl RagAssessment {
    /// The same assessment with a manual override recorded.
    #[must_use]
    pub fn with_override(mut self, manual: RagOverride) -> RagAssessment {
        self.manual = Some(manual);
        self
    }

    /// The rating to report: the override if any, else the computed one.
    #[must_use]
    pub fn effective(&self) -> Rag {
        self.manual.as_ref().map_or(self.computed, |o| o.rating)
    }
}

/// One row of a [`RagReport`]: an assessment beside the rating as printed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RagRow {
    /// The assessment (computed and any override).
    pub assessment: RagAssessment,
    /// The rating printed in the paper, if known.
    pub printed: Option<Rag>,
}

impl RagRow {
    /// Whether the rating we report differs from the printed one.
    #[must_use]
    pub fn differs_from_printed(&self) -> bool {
        self.printed.is_some_and(|p| p != self.assessment.effective())
    }

    /// Whether the computed rating (before any override) differs from the printed one.
    #[must_use]
    pub fn computed_differs_from_printed(&self) -> bool {
        self.printed.is_some_and(|p| p != self.assessment.computed)
    }
}

/// Assessments beside the printed ratings, to show where a policy and the
/// papers disagree.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RagReport {
    /// The rows, in the order given.
    pub rows: Vec<RagRow>,
}

impl RagReport {
    /// The rows whose computed rating differs from the printed one.
    pub fn disagreements(&self) -> impl Iterator<Item = &RagRow> {
        self.rows.iter().filter(|r| r.computed_differs_from_printed())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).unwrap()
    }

    #[test]
    fn boundaries_and_polarity() {
        let rule = RagRule {
            polarity: Polarity::HigherIsBetter,
            amber: Tolerance::Absolute(d("2")),
        };
        assert_eq!(rule.rate(d("85"), d("87")).unwrap(), Rag::Amber);
        assert_eq!(rule.rate(d("84.99"), d("87")).unwrap(), Rag::Red);
        assert_eq!(rule.rate(d("87.1"), d("87")).unwrap(), Rag::Green);
        let rel = RagRule {
            polarity: Polarity::LowerIsBetter,
            amber: Tolerance::Relative(d("0.05")),
        };
        assert_eq!(rel.rate(d("105"), d("100")).unwrap(), Rag::Amber);
        assert_eq!(rel.rate(d("105.01"), d("100")).unwrap(), Rag::Red);
        assert_eq!(rel.rate(d("1"), d("0")).unwrap(), Rag::Red);
        assert!(RagOverride::new(Rag::Red, "  ").is_err());
        assert_eq!("Amber".parse::<Rag>().unwrap(), Rag::Amber);
        assert!("X".parse::<Rag>().is_err());
    }
}
