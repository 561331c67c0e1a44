//! The typed positions a [`Plan`](super::Plan) hands out for its
//! contributors, funding sources, funding groups and programmes, each
//! stamped with the plan it belongs to.
//!
//! A position alone (`3`) means a different contributor in another plan.
//! So each index carries a [`PlanKey`]: a fingerprint of the structure of
//! the plan that made it (its years and the ids of its contributors,
//! funding sources, groups and programmes, in order). A plan, its
//! [`Totals`](crate::reconcile::Totals) and a contingency ledger made from it
//! refuse an index with another key, rather than answering for whatever
//! sits at that position. Two plans with the same structure (a plan and
//! its scenario copy from [`Plan::with_line_amounts`](super::Plan::with_line_amounts),
//! or a plan written to a file and read back) share a key, as the same
//! index means the same party in both.
//!
//! The key is a 64-bit FNV-1a hash of that structure, so two different
//! structures share a key with a chance of about one in 2^64 per pair; an
//! index is then still refused if its position is beyond the plan's.

use crate::calendar::FinancialYear;

/// A fingerprint of a plan's structure, carried by every index it makes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct PlanKey(u64);

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

impl PlanKey {
    /// The key of a plan with these (sorted, distinct) years and these ids
    /// of contributors, funding sources then groups, and programmes, each
    /// in plan order.
    pub(crate) fn of<'a>(
        years: &[FinancialYear],
        contributors: impl IntoIterator<Item = &'a str>,
        funding: impl IntoIterator<Item = &'a str>,
        programmes: impl IntoIterator<Item = &'a str>,
    ) -> PlanKey {
        let mut h = FNV_OFFSET;
        let mut eat = |bytes: &[u8]| {
            for b in bytes {
                h ^= u64::from(*b);
                h = h.wrapping_mul(FNV_PRIME);
            }
        };
        for y in years {
            eat(&y.start_year().to_le_bytes());
        }
        // 0xFF never occurs in UTF-8, so it ends an id and a section
        // unambiguously.
        for section in [
            contributors.into_iter().collect::<Vec<_>>(),
            funding.into_iter().collect(),
            programmes.into_iter().collect(),
        ] {
            eat(&[0xFF, 0xFF]);
            for id in section {
                eat(id.as_bytes());
                eat(&[0xFF]);
            }
        }
        PlanKey(h)
    }
}

macro_rules! plan_index {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        ///
        /// Made only by the plan (`Plan::*_ix`, the `*_indexed` iterators,
        /// the ids on its items) and stamped with it: see the
        /// [module documentation](crate::plan#indexes) for why.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name {
            plan: PlanKey,
            pos: u32,
        }

        impl $name {
            /// The index at `pos` of the plan with `plan`'s key.
            pub(crate) const fn new(plan: PlanKey, pos: u32) -> $name {
                $name { plan, pos }
            }

            /// The position as a `usize`.
            #[must_use]
            pub const fn index(self) -> usize {
                self.pos as usize
            }

            /// The position as the `u32` it is kept in.
            #[allow(dead_code, reason = "not every kind of index is stored by position")]
            pub(crate) const fn pos(self) -> u32 {
                self.pos
            }

            /// The key of the plan this index belongs to.
            pub(crate) const fn plan(self) -> PlanKey {
                self.plan
            }

            /// The same position, stamped with `plan`'s key.
            pub(crate) const fn with_plan(self, plan: PlanKey) -> $name {
                $name { plan, pos: self.pos }
            }

            /// What the index is of, for messages.
            pub(crate) const WHAT: &'static str = $what;
        }
    };
}

plan_index!(
    /// The position of a [`Contributor`](super::Contributor) in its [`Plan`](super::Plan).
    ContributorIx,
    "contributor"
);
plan_index!(
    /// The position of a [`FundingSource`](super::FundingSource) in its [`Plan`](super::Plan).
    SourceIx,
    "funding source"
);
plan_index!(
    /// The position of a [`FundingGroup`](super::FundingGroup) in its [`Plan`](super::Plan).
    GroupIx,
    "funding group"
);
plan_index!(
    /// The position of a [`Programme`](super::Programme) in its [`Plan`](super::Plan).
    ProgrammeIx,
    "programme"
);
