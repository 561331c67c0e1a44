//! What the condition checks take besides the plan and the policy
//! parameters: sign-offs, baselines, published figures, DFG allocations and
//! grants that must be pooled.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::FinancialYear;
use crate::dfg::{DfgAllocations, RetentionAgreement};
use crate::ibcf::GrantProfile;
use crate::money::{Money, Precision, Rounding};

use super::PolicyParameters;

/// A party's sign-off of the plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignOff {
    /// The party: a contributor id, or `hwb` for the Health and Wellbeing Board.
    pub party: String,
    /// Who signed for it.
    pub signed_by: String,
    /// When, if known.
    pub date: Option<NaiveDate>,
}

/// The NHS contribution to adult social care required in a base year, from
/// which later years' requirements follow by the uplift.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SocialCareBaseline {
    /// The base year.
    pub year: FinancialYear,
    /// The amount required in the base year.
    pub required: Money,
    /// Each later year's requirement is rounded to this precision.
    pub precision: Precision,
    /// With this rounding.
    pub rounding: Rounding,
}

/// Figures for the out-of-hospital ring-fence check that are supplied rather
/// than computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutOfHospitalInputs {
    /// The ring-fence as published; when `None` it is computed from the
    /// [`Parameter::OutOfHospitalShare`](super::Parameter::OutOfHospitalShare) of the NHS minimum.
    pub ring_fence: Option<Money>,
    /// The planned out-of-hospital spend as published; when `None` it is
    /// computed from the lines flagged
    /// [`LineFlag::NhsCommissionedOutOfHospital`](crate::plan::LineFlag::NhsCommissionedOutOfHospital).
    pub planned_spend: Option<Money>,
    /// The precision the ring-fence is stated to (published: whole £'000).
    pub precision: Precision,
}

impl Default for OutOfHospitalInputs {
    fn default() -> Self {
        OutOfHospitalInputs {
            ring_fence: None,
            planned_spend: None,
            precision: Precision::THOUSANDS,
        }
    }
}

/// Everything the checks need besides the plan and the policy parameters.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConditionInputs {
    /// Sign-offs recorded.
    pub sign_offs: Vec<SignOff>,
    /// The parties that must sign; empty means every contributor plus `hwb`.
    pub required_parties: Vec<String>,
    /// The social-care requirement to uplift from, if known.
    pub social_care_baseline: Option<SocialCareBaseline>,
    /// Supplied out-of-hospital figures, by year.
    pub out_of_hospital: BTreeMap<FinancialYear, OutOfHospitalInputs>,
    /// DFG allocations per district, if known (names the districts short).
    pub dfg_allocations: Option<DfgAllocations>,
    /// Recorded local agreements to retain part of the DFG.
    pub dfg_agreements: Vec<RetentionAgreement>,
    /// Grants that must be pooled (iBCF, Winter Pressures): each is checked
    /// with [`check_pooled`](crate::ibcf::check_pooled) in every year its profile covers.
    pub pooled_grants: Vec<GrantProfile>,
    /// NHS minimum contributions of years the plan does not cover (the year
    /// before a one-year plan), so the uplift into the plan's first year can
    /// be checked.
    pub prior_nhs_minimum: Vec<PriorContribution>,
    /// Rules particular to the area, used by [`check_all`](super::check_all)
    /// beside the national calendar's: such as the out-of-hospital
    /// ring-fence as a share of the NHS minimum, where the area's published
    /// ring-fence is not supplied.
    pub area_parameters: PolicyParameters,
}

/// A contributor's NHS minimum contribution in a year the plan does not
/// cover, as published.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriorContribution {
    /// The contributor's id in the plan (a CCG or ICB).
    pub contributor: String,
    /// The year.
    pub year: FinancialYear,
    /// The amount.
    pub amount: Money,
    /// The precision the uplifted requirement is rounded to; `None` rounds
    /// to the precision of the plan's own figures, as for a year the plan
    /// covers.
    pub precision: Option<Precision>,
}

/// One year of the published out-of-hospital ring-fence table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedOutOfHospital {
    /// The year.
    pub year: FinancialYear,
    /// The ring-fence.
    pub ring_fence: Money,
    /// The planned out-of-hospital spend from the CCG minimum.
    pub planned_spend: Money,
    /// The printed variance.
    pub variance: Money,
}
