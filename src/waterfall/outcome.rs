//! What a waterfall run produced: exposures, steps, shares and the
//! underspend in a [`WaterfallOutcome`], and its conservation checks.

use crate::calendar::FinancialYear;
use crate::contingency::ContingencyLedger;
use crate::money::Money;
use crate::plan::ContributorIx;

use super::{Bearer, UnderspendRule, WaterfallStep};

/// Where an overspend comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExposureSource {
    /// A scheme line overspent by a contributor.
    Line {
        /// The line id.
        line: String,
        /// The contributor.
        contributor: ContributorIx,
    },
    /// A cost improvement target not delivered.
    SavingsTarget {
        /// The pool's label.
        pool: String,
        /// The contributor whose target it is.
        contributor: ContributorIx,
    },
}

/// One overspend and how the waterfall met it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exposure {
    /// Where it comes from.
    pub source: ExposureSource,
    /// The overspend.
    pub amount: Money,
    /// What each step met, in step order.
    pub met: Vec<Money>,
    /// What was left for the risk share.
    pub remaining: Money,
}

/// One source a step drew on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Draw {
    /// What was drawn on: an underspent line, a pool, an uncommitted allocation.
    pub label: String,
    /// The contributor it belongs to.
    pub contributor: ContributorIx,
    /// How much.
    pub amount: Money,
}

/// What one step did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepRecord {
    /// The step.
    pub step: WaterfallStep,
    /// The overspend before the step.
    pub overspend_before: Money,
    /// What the step had available.
    pub available: Money,
    /// What it moved: the smaller of the two.
    pub moved: Money,
    /// Where the money came from; the draws add up to `moved`.
    pub draws: Vec<Draw>,
    /// The overspend after the step.
    pub overspend_after: Money,
}

/// What a bearer bears under the risk share.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartnerShare {
    /// Who.
    pub bearer: Bearer,
    /// How much.
    pub amount: Money,
    /// Whether its cap stopped it bearing more.
    pub capped: bool,
}

/// What became of the underspend not used to offset overspends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnderspendOutcome {
    /// The rule applied.
    pub rule: UnderspendRule,
    /// The underspend left.
    pub total: Money,
    /// Carried forward within the pool.
    pub carried_forward: Money,
    /// Returned to (or retained by) partners.
    pub to_partners: Vec<(ContributorIx, Money)>,
    /// Whether it may only be used non-recurrently next year.
    pub non_recurrent_only: bool,
}

/// The result of a waterfall run: every step, every share, and the ledger
/// with the draw-downs recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WaterfallOutcome {
    /// The year.
    pub year: FinancialYear,
    /// Gross overspend: line overspends plus undelivered savings.
    pub overspend: Money,
    /// Gross underspend on lines.
    pub underspend: Money,
    /// Each overspend and how it was met.
    pub exposures: Vec<Exposure>,
    /// Each step, in order.
    pub steps: Vec<StepRecord>,
    /// The overspend left after the steps, shared by the rule.
    pub remaining: Money,
    /// Each bearer's share of `remaining`.
    pub shares: Vec<PartnerShare>,
    /// What caps left unshared (zero without caps).
    pub unallocated: Money,
    /// What became of underspend left over.
    pub underspend_outcome: UnderspendOutcome,
    /// The pools after the waterfall's draw-downs.
    pub ledger_after: ContingencyLedger,
}

impl WaterfallOutcome {
    /// What `bearer` bears under the risk share (zero if it bears nothing).
    #[must_use]
    pub fn share_of(&self, bearer: Bearer) -> Money {
        self.shares
            .iter()
            .find(|s| s.bearer == bearer)
            .map(|s| s.amount)
            // Documented: a bearer with no share bears nothing.
            .unwrap_or(Money::ZERO)
    }

    /// Every conservation law the run must obey that it breaks, in words;
    /// empty when money is conserved to the penny:
    ///
    /// - overspend = Σ exposures = Σ steps moved + Σ shares + unallocated;
    /// - each exposure = what each step met + its remainder, and the
    ///   remainders add up to what the risk share shared;
    /// - each step's draws add up to what it moved, and it moved no more
    ///   than it had;
    /// - underspend = what the offset step used + the underspend disposed,
    ///   which is carried forward plus returned;
    /// - for every pool, balance before + the waterfall's movements =
    ///   balance after, no pool is below zero, and the pools' falls add up to
    ///   the pool steps' moves.
    #[must_use]
    pub fn conservation_failures(&self, before: &ContingencyLedger) -> Vec<String> {
        let mut fails = Vec::new();
        let sum = |it: &mut dyn Iterator<Item = Money>| Money::checked_sum(it).ok();
        let moved = sum(&mut self.steps.iter().map(|s| s.moved));
        let shared = sum(&mut self.shares.iter().map(|s| s.amount));
        let total = moved
            .zip(shared)
            .and_then(|(a, b)| a.checked_add(b).ok())
            .and_then(|a| a.checked_add(self.unallocated).ok());
        if total != Some(self.overspend) {
            fails.push(format!(
                "overspend {} ≠ steps {moved:?} + shares {shared:?} + unallocated {}",
                self.overspend, self.unallocated
            ));
        }
        if sum(&mut self.exposures.iter().map(|e| e.amount)) != Some(self.overspend) {
            fails.push("the exposures do not add up to the overspend".to_string());
        }
        for e in &self.exposures {
            let met = sum(&mut e.met.iter().copied()).and_then(|m| m.checked_add(e.remaining).ok());
            if met != Some(e.amount) || e.remaining.is_negative() {
                fails.push(format!("exposure {:?} is not met exactly", e.source));
            }
        }
        let remaining = sum(&mut self.exposures.iter().map(|e| e.remaining));
        if remaining != Some(self.remaining)
            || shared.and_then(|s| s.checked_add(self.unallocated).ok()) != Some(self.remaining)
        {
            fails.push(format!("the remainder {} is not shared exactly", self.remaining));
        }
        for (i, s) in self.steps.iter().enumerate() {
            let met = sum(&mut self.exposures.iter().filter_map(|e| e.met.get(i).copied()));
            let drawn = sum(&mut s.draws.iter().map(|d| d.amount));
            let after = s.overspend_before.checked_sub(s.moved).ok();
            if drawn != Some(s.moved)
                || (!self.exposures.is_empty() && met != Some(s.moved))
                || s.moved > s.available
                || after != Some(s.overspend_after)
                || s.draws.iter().any(|d| d.amount.is_negative())
            {
                fails.push(format!("step {} does not add up", s.step));
            }
        }
        let offset = sum(&mut self
            .steps
            .iter()
            .filter(|s| s.step == WaterfallStep::OffsetUnderspends)
            .map(|s| s.moved));
        let u = &self.underspend_outcome;
        let disposed = sum(&mut u.to_partners.iter().map(|p| p.1)).and_then(|p| p.checked_add(u.carried_forward).ok());
        if offset.and_then(|o| o.checked_add(u.total).ok()) != Some(self.underspend) || disposed != Some(u.total) {
            fails.push(format!("underspend {} is not conserved", self.underspend));
        }
        let pool_moves = sum(&mut self
            .steps
            .iter()
            .filter(|s| !matches!(s.step, WaterfallStep::OffsetUnderspends | WaterfallStep::Uncommitted))
            .map(|s| s.moved));
        let mut fall = Some(Money::ZERO);
        for (b, a) in before.pools().iter().zip(self.ledger_after.pools()) {
            let Some(new_moves) = a.movements().get(b.movements().len()..) else {
                fails.push(format!("pool {} has lost movements", a.label()));
                continue;
            };
            let moved = sum(&mut new_moves.iter().map(|m| m.signed_amount()));
            if moved.and_then(|m| b.balance().checked_add(m).ok()) != Some(a.balance())
                || (!a.is_savings_target() && a.balance().is_negative() && !new_moves.is_empty())
            {
                fails.push(format!("pool {} does not add up", a.label()));
            }
            fall = fall
                .zip(b.balance().checked_sub(a.balance()).ok())
                .and_then(|(f, d)| f.checked_add(d).ok());
        }
        if before.pools().len() != self.ledger_after.pools().len() || fall != pool_moves {
            fails.push("the pools' falls do not add up to the pool steps".to_string());
        }
        if !self.ledger_after.is_consistent() {
            fails.push("the ledger after is not consistent".to_string());
        }
        fails
    }

    /// Whether money is conserved to the penny (no [`conservation_failures`](Self::conservation_failures)).
    #[must_use]
    pub fn conserves(&self, before: &ContingencyLedger) -> bool {
        self.conservation_failures(before).is_empty()
    }
}
