//! The configuration of a waterfall run: its [`WaterfallStep`]s in order, the
//! [`RiskShareRule`] and [`UnderspendRule`], caps, and [`WaterfallConfig`].

use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::calendar::FinancialYear;
use crate::contingency::ContingencyError;
use crate::money::Money;
use crate::plan::{ContingencyKind, ContributorIx, Plan};

use super::contributor_id;
#[cfg(doc)]
use super::WaterfallOutcome;

/// One step of the overspend waterfall. Steps run in the order configured;
/// whatever overspend is left after the last goes to the [`RiskShareRule`]
/// (the partners' own resources).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum WaterfallStep {
    /// Offset overspends against underspends on other lines in the pool.
    OffsetUnderspends,
    /// Draw on the risk pools ([`ContingencyKind::RiskPool`]).
    RiskPool,
    /// Draw on the contingency pools ([`ContingencyKind::Contingency`]).
    Contingency,
    /// Draw on other named pools ([`ContingencyKind::Other`]) with money in them.
    OtherPools,
    /// Use allocations paid into the pool but not committed to any line
    /// (given in [`WaterfallConfig::uncommitted`]).
    Uncommitted,
}

impl WaterfallStep {
    /// The section 75 order of docs/domain.md section 4: offset, risk pool,
    /// contingency, other pools, uncommitted allocations.
    pub const SECTION_75: [WaterfallStep; 5] = [
        WaterfallStep::OffsetUnderspends,
        WaterfallStep::RiskPool,
        WaterfallStep::Contingency,
        WaterfallStep::OtherPools,
        WaterfallStep::Uncommitted,
    ];

    pub(super) fn pool_kind(self, kind: &ContingencyKind) -> bool {
        match self {
            WaterfallStep::RiskPool => *kind == ContingencyKind::RiskPool,
            WaterfallStep::Contingency => *kind == ContingencyKind::Contingency,
            WaterfallStep::OtherPools => matches!(kind, ContingencyKind::Other(_)),
            WaterfallStep::OffsetUnderspends | WaterfallStep::Uncommitted => false,
        }
    }
}

impl fmt::Display for WaterfallStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            WaterfallStep::OffsetUnderspends => "offset against underspends",
            WaterfallStep::RiskPool => "risk pool",
            WaterfallStep::Contingency => "contingency",
            WaterfallStep::OtherPools => "other pools",
            WaterfallStep::Uncommitted => "uncommitted allocations",
        })
    }
}

/// Who bears a share of the overspend left after the waterfall.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Bearer {
    /// A partner, from its own resources (e.g. CCG core budgets).
    Contributor(ContributorIx),
    /// The pooled fund itself (the BCF), e.g. as a first call on next year.
    PooledFund,
}

impl Bearer {
    /// The contributor's id in `plan`, or `pooled fund`; a contributor that
    /// is not in `plan` is [`ContingencyError::UnknownContributor`].
    ///
    /// # Errors
    ///
    /// [`ContingencyError::UnknownContributor`] if the bearer is a contributor not
    /// in `plan`.
    pub fn label(self, plan: &Plan) -> Result<String, ContingencyError> {
        match self {
            Bearer::Contributor(c) => contributor_id(plan, c, "risk-share bearer"),
            Bearer::PooledFund => Ok("pooled fund".to_string()),
        }
    }
}

/// How the overspend left after the waterfall is shared.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RiskShareRule {
    /// Each partner bears the overspend on the lines it commissions: a line
    /// commissioned by the local authority falls on the non-NHS partners, an
    /// NHS line on the NHS partners, a joint line by its NHS and LA percentages;
    /// within a side, pro rata to each partner's budget on the line (or, if
    /// none has one, to contributions). A line with no commissioner, or whose
    /// side has no partner, falls on the partner whose spend it is; an
    /// undelivered savings target on its owner.
    Commissioner,
    /// Pro rata to each partner's contributions to the pool in the year (its
    /// allocations; its planned spend if the plan has none).
    ProRataContributions,
    /// Fixed shares, by weight (e.g. 50/50 between CCG core budgets and the BCF).
    FixedShares(Vec<(Bearer, Decimal)>),
}

impl RiskShareRule {
    /// The common section 75 preset: what is left after the contingency
    /// shared `council_percent` to the councils and `nhs_percent` to the NHS
    /// partners, each side's part pro rata to its partners' contributions in
    /// `year` (for example 50/50, "the CCG half pro rata to
    /// contributions"). It is a [`RiskShareRule::FixedShares`] whose weights
    /// are worked out exactly from the plan (no division: each partner's
    /// weight is its side's percent times its contribution times the other
    /// side's total), so the waterfall's conservation holds as for any
    /// fixed shares.
    ///
    /// # Errors
    ///
    /// [`ContingencyError::NoContributions`] if a side given a share has no
    /// contributions in `year`, [`ContingencyError::Money`] if a weight is
    /// beyond the decimal range.
    ///
    /// ```
    /// use bcf_model::waterfall::{Bearer, RiskShareRule};
    ///
    /// let plan = bcf_model::data::leicestershire::expenditure_plan()?.plan;
    /// let rule = RiskShareRule::split_by_side(&plan, "2017/18".parse()?, "50".parse()?, "50".parse()?)?;
    /// let RiskShareRule::FixedShares(weights) = &rule else { return Err("fixed shares".into()) };
    /// assert_eq!(weights.len(), 3); // the county council, and the two CCGs
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn split_by_side(
        plan: &Plan,
        year: FinancialYear,
        council_percent: Decimal,
        nhs_percent: Decimal,
    ) -> Result<RiskShareRule, ContingencyError> {
        let contributions = super::contributions(plan, year)?;
        let is_nhs = |c: ContributorIx| plan.contributor(c).is_some_and(|p| p.kind.is_nhs());
        let side_total =
            |nhs: bool| Money::checked_sum(contributions.iter().filter(|(c, _)| is_nhs(*c) == nhs).map(|(_, m)| *m));
        let (nhs_total, council_total) = (side_total(true)?, side_total(false)?);
        for (side, percent, total) in [
            ("NHS", nhs_percent, nhs_total),
            ("council", council_percent, council_total),
        ] {
            if !percent.is_zero() && total.is_zero() {
                return Err(ContingencyError::NoContributions { side, year });
            }
        }
        let mut weights = Vec::with_capacity(contributions.len());
        for (c, m) in &contributions {
            let (percent, other) = if is_nhs(*c) {
                (nhs_percent, council_total)
            } else {
                (council_percent, nhs_total)
            };
            // percent x contribution x the other side's total: the sides'
            // weights then stand as their percents. The other side's total is
            // a scale common to this side; when that side is empty (so its
            // percent was zero, or the check above failed), any positive scale
            // gives the same shares, and one is used.
            let scale = if other.is_zero() { Decimal::ONE } else { other.pounds() };
            let weight = m
                .checked_mul(percent)
                .and_then(|w| w.checked_mul(scale))
                .map_err(ContingencyError::Money)?;
            weights.push((Bearer::Contributor(*c), weight.pounds()));
        }
        Ok(RiskShareRule::FixedShares(weights))
    }

    /// The host preset: the host partner of the section 75 agreement (the
    /// pooled fund's lead, usually the council) bears all that is left.
    ///
    /// ```
    /// use bcf_model::waterfall::{Bearer, RiskShareRule};
    /// let plan = bcf_model::data::leicestershire::expenditure_plan()?.plan;
    /// let lcc = plan.contributor_ix("lcc").ok_or("no lcc")?;
    /// let rule = RiskShareRule::host_bears(lcc);
    /// assert_eq!(rule, RiskShareRule::FixedShares(vec![(Bearer::Contributor(lcc), 1.into())]));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn host_bears(host: ContributorIx) -> RiskShareRule {
        RiskShareRule::FixedShares(vec![(Bearer::Contributor(host), Decimal::ONE)])
    }

    /// The carry preset: what is left is a first call on the pooled fund
    /// (next year's BCF), not on any partner's own budget.
    #[must_use]
    pub fn pooled_fund_bears() -> RiskShareRule {
        RiskShareRule::FixedShares(vec![(Bearer::PooledFund, Decimal::ONE)])
    }

    /// The equal preset: what is left is shared equally among the partners
    /// contributing to the pool in `year`, whatever their contributions.
    ///
    /// # Errors
    ///
    /// [`ContingencyError::NoContributions`] if no partner contributes in
    /// `year`, [`ContingencyError::Money`] if a contribution is beyond the
    /// decimal range.
    pub fn equal_shares(plan: &Plan, year: FinancialYear) -> Result<RiskShareRule, ContingencyError> {
        let weights: Vec<(Bearer, Decimal)> = super::contributions(plan, year)?
            .into_iter()
            .filter(|(_, m)| m.is_positive())
            .map(|(c, _)| (Bearer::Contributor(c), Decimal::ONE))
            .collect();
        if weights.is_empty() {
            return Err(ContingencyError::NoContributions { side: "BCF", year });
        }
        Ok(RiskShareRule::FixedShares(weights))
    }
}

impl fmt::Display for RiskShareRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RiskShareRule::Commissioner => f.write_str("each partner bears its commissioned lines"),
            RiskShareRule::ProRataContributions => f.write_str("pro rata to contributions"),
            RiskShareRule::FixedShares(_) => f.write_str("fixed shares"),
        }
    }
}

/// What happens to underspend not used to offset overspends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum UnderspendRule {
    /// Carried forward within the pool.
    CarryForward,
    /// Returned to the partners pro rata to their contributions.
    ReturnProRata,
    /// Retained by the lead commissioner.
    RetainByLead(ContributorIx),
}

/// The configuration of a waterfall run, set per plan.
///
/// Start from [`WaterfallConfig::section_75`] and change what the local
/// agreement says differently:
///
/// ```
/// use bcf_model::waterfall::{Bearer, RiskShareRule, UnderspendRule, WaterfallConfig, WaterfallStep};
/// use bcf_model::money::{Money, Unit};
/// use chrono::NaiveDate;
///
/// let plan = bcf_model::data::leicestershire::expenditure_plan()?.plan;
/// let date = NaiveDate::from_ymd_opt(2018, 1, 15).ok_or("bad date")?;
/// let mut config = WaterfallConfig::section_75(date, "IFG", RiskShareRule::ProRataContributions);
/// // An unmet saving is shared half and half (Leicestershire 2017-19).
/// config.savings_risk_share = Some(RiskShareRule::FixedShares(vec![
///     (Bearer::PooledFund, "50".parse()?),
///     (Bearer::Contributor(plan.contributor_ix("wl_ccg").ok_or("no wl_ccg")?), "50".parse()?),
/// ]));
/// // The council bears at most £250,000 of what is left.
/// let lcc = plan.contributor_ix("lcc").ok_or("no lcc")?;
/// config.caps.push((Bearer::Contributor(lcc), Money::parse("250", Unit::Thousands)?));
/// config.underspend = UnderspendRule::ReturnProRata;
/// assert_eq!(config.steps.first(), Some(&WaterfallStep::OffsetUnderspends));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WaterfallConfig {
    /// The steps, in order.
    pub steps: Vec<WaterfallStep>,
    /// The rule for what is left.
    pub risk_share: RiskShareRule,
    /// A different rule for what is left of undelivered savings targets, if
    /// the agreement has one (Leicestershire 2017-19: an unmet saving is
    /// shared 50/50 between CCG core budgets and the BCF); `None` for the
    /// same rule as other overspends.
    pub savings_risk_share: Option<RiskShareRule>,
    /// Caps on what a bearer can be asked to bear; above a cap, the excess
    /// goes to the uncapped bearers pro rata to their shares, and what no one
    /// can take is reported as [`WaterfallOutcome::unallocated`].
    pub caps: Vec<(Bearer, Money)>,
    /// The rule for underspend left over.
    pub underspend: UnderspendRule,
    /// Whether underspend carried or returned may only be used
    /// non-recurrently next year (recorded on the outcome).
    pub non_recurrent_only: bool,
    /// Uncommitted allocations per contributor, for [`WaterfallStep::Uncommitted`].
    pub uncommitted: Vec<(ContributorIx, Money)>,
    /// The date the draw-downs are recorded on.
    pub date: NaiveDate,
    /// Who approves them.
    pub approver: String,
}

impl WaterfallConfig {
    /// The section 75 steps in order, `risk_share` for what is left, no caps,
    /// underspend carried forward, draw-downs dated `date` and approved by `approver`.
    #[must_use]
    pub fn section_75(date: NaiveDate, approver: &str, risk_share: RiskShareRule) -> WaterfallConfig {
        WaterfallConfig {
            steps: WaterfallStep::SECTION_75.to_vec(),
            risk_share,
            savings_risk_share: None,
            caps: Vec::new(),
            underspend: UnderspendRule::CarryForward,
            non_recurrent_only: false,
            uncommitted: Vec::new(),
            date,
            approver: approver.to_string(),
        }
    }
}
