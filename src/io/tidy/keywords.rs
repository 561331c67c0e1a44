//! The keywords of a tidy file (contributor, source and contingency kinds,
//! line flags, commissioners), read and written.

use rust_decimal::Decimal;

use crate::plan::{Commissioner, ContingencyKind, ContributorKind, FundingSourceKind, LineFlag};

/// Text after `prefix:`, if `v` starts with it.
fn tagged<'v>(v: &'v str, prefix: &str) -> Option<&'v str> {
    v.strip_prefix(prefix)?.strip_prefix(':')
}

pub(super) fn contributor_kind(v: &str) -> Option<ContributorKind> {
    Some(match v {
        "Ccg" => ContributorKind::Ccg,
        "Icb" => ContributorKind::Icb,
        "CountyCouncil" => ContributorKind::CountyCouncil,
        "DistrictCouncil" => ContributorKind::DistrictCouncil,
        "UnitaryCouncil" => ContributorKind::UnitaryCouncil,
        "Other" => ContributorKind::Other,
        _ => return None,
    })
}

pub(super) fn contributor_kind_text(k: ContributorKind) -> &'static str {
    match k {
        ContributorKind::Ccg => "Ccg",
        ContributorKind::Icb => "Icb",
        ContributorKind::CountyCouncil => "CountyCouncil",
        ContributorKind::DistrictCouncil => "DistrictCouncil",
        ContributorKind::UnitaryCouncil => "UnitaryCouncil",
        ContributorKind::Other => "Other",
    }
}

pub(crate) fn source_kind(v: &str) -> Option<FundingSourceKind> {
    Some(match v {
        "NhsMinimum" => FundingSourceKind::NhsMinimum,
        "NhsAdditional" => FundingSourceKind::NhsAdditional,
        "Dfg" => FundingSourceKind::Dfg,
        "IbcfSpringBudget2017" => FundingSourceKind::IbcfSpringBudget2017,
        "IbcfSpendingReview2015" => FundingSourceKind::IbcfSpendingReview2015,
        "WinterPressures" => FundingSourceKind::WinterPressures,
        "AdditionalLa" => FundingSourceKind::AdditionalLa,
        "DischargeFund" => FundingSourceKind::DischargeFund,
        "Ibcf" => FundingSourceKind::Ibcf,
        "DischargeFundCouncil" => FundingSourceKind::DischargeFundCouncil,
        "DischargeFundIcb" => FundingSourceKind::DischargeFundIcb,
        "AdditionalDischargeCouncil" => FundingSourceKind::AdditionalDischargeCouncil,
        "AdditionalDischargeIcb" => FundingSourceKind::AdditionalDischargeIcb,
        other => FundingSourceKind::Custom(tagged(other, "Custom")?.to_string()),
    })
}

pub(super) fn source_kind_text(k: &FundingSourceKind) -> String {
    match k {
        FundingSourceKind::NhsMinimum => "NhsMinimum".into(),
        FundingSourceKind::NhsAdditional => "NhsAdditional".into(),
        FundingSourceKind::Dfg => "Dfg".into(),
        FundingSourceKind::IbcfSpringBudget2017 => "IbcfSpringBudget2017".into(),
        FundingSourceKind::IbcfSpendingReview2015 => "IbcfSpendingReview2015".into(),
        FundingSourceKind::WinterPressures => "WinterPressures".into(),
        FundingSourceKind::AdditionalLa => "AdditionalLa".into(),
        FundingSourceKind::DischargeFund => "DischargeFund".into(),
        FundingSourceKind::Ibcf => "Ibcf".into(),
        FundingSourceKind::DischargeFundCouncil => "DischargeFundCouncil".into(),
        FundingSourceKind::DischargeFundIcb => "DischargeFundIcb".into(),
        FundingSourceKind::AdditionalDischargeCouncil => "AdditionalDischargeCouncil".into(),
        FundingSourceKind::AdditionalDischargeIcb => "AdditionalDischargeIcb".into(),
        FundingSourceKind::Custom(name) => format!("Custom:{name}"),
    }
}

pub(super) fn contingency_kind(v: &str) -> Option<ContingencyKind> {
    Some(match v {
        "Contingency" => ContingencyKind::Contingency,
        "RiskPool" => ContingencyKind::RiskPool,
        "CostImprovementTarget" => ContingencyKind::CostImprovementTarget,
        other => ContingencyKind::Other(tagged(other, "Other")?.to_string()),
    })
}

pub(super) fn contingency_kind_text(k: &ContingencyKind) -> String {
    match k {
        ContingencyKind::Contingency => "Contingency".into(),
        ContingencyKind::RiskPool => "RiskPool".into(),
        ContingencyKind::CostImprovementTarget => "CostImprovementTarget".into(),
        ContingencyKind::Other(name) => format!("Other:{name}"),
    }
}

pub(super) fn flag(v: &str) -> Option<LineFlag> {
    Some(match v {
        "NhsProtected" => LineFlag::NhsProtected,
        "MaintainsSocialCare" => LineFlag::MaintainsSocialCare,
        "NhsCommissionedOutOfHospital" => LineFlag::NhsCommissionedOutOfHospital,
        "NonRecurrent" => LineFlag::NonRecurrent,
        other => LineFlag::Other(tagged(other, "Other")?.to_string()),
    })
}

pub(super) fn flag_text(f: &LineFlag) -> String {
    match f {
        LineFlag::NhsProtected => "NhsProtected".into(),
        LineFlag::MaintainsSocialCare => "MaintainsSocialCare".into(),
        LineFlag::NhsCommissionedOutOfHospital => "NhsCommissionedOutOfHospital".into(),
        LineFlag::NonRecurrent => "NonRecurrent".into(),
        LineFlag::Other(name) => format!("Other:{name}"),
    }
}

pub(super) fn commissioner(v: &str) -> Option<Commissioner> {
    Some(match v.trim() {
        "LocalAuthority" => Commissioner::LocalAuthority,
        "Nhs" => Commissioner::Nhs,
        other => {
            let (nhs, la) = tagged(other, "Joint")?.split_once(':')?;
            let nhs_percent = Decimal::from_str_exact(nhs.trim()).ok()?;
            let la_percent = Decimal::from_str_exact(la.trim()).ok()?;
            let sum = nhs_percent.checked_add(la_percent);
            if nhs_percent.is_sign_negative() || la_percent.is_sign_negative() || sum != Some(Decimal::ONE_HUNDRED) {
                return None;
            }
            Commissioner::Joint {
                nhs_percent,
                la_percent,
            }
        }
    })
}

pub(super) fn commissioner_text(c: Commissioner) -> String {
    match c {
        Commissioner::LocalAuthority => "LocalAuthority".into(),
        Commissioner::Nhs => "Nhs".into(),
        Commissioner::Joint {
            nhs_percent,
            la_percent,
        } => format!("Joint:{nhs_percent}:{la_percent}"),
    }
}
