//! Leicestershire's Better Care Fund plan for 2017/18 and 2018/19, and the
//! figures published with it (the Health and Wellbeing Board papers of
//! September 2017; `docs/domain.md` section 9). Each function reads one
//! embedded file with the crate's reader for its layout.
//!
//! # Errors
//!
//! Each function returns the reader's error type. The embedded files are
//! valid (the crate's tests read every one), so an error here means a file
//! was changed; it names the line and cell.

use crate::calendar::{FinancialYear, Month};
use crate::conditions::{ConditionInputs, OutOfHospitalInputs, Parameter, PolicyParameters, PublishedOutOfHospital};
use crate::dfg::DfgAllocations;
use crate::dtoc::{PublishedDtocActual, PublishedDtocTarget, Trajectory};
use crate::footing::{Axis, DescribedTable, Interval, TotalOf};
use crate::ibcf::{GrantProfile, IbcfError};
use crate::io::published::{
    read_expenditure_plan, ContingencyRow, ContributorColumn, ExpenditurePlanLayout, FundingRow, FundingRule,
    LineFlagRule, PublishedPlan, RuleCondition,
};
use crate::io::read_dashboard;
use crate::io::read_dfg_allocations;
use crate::io::read_out_of_hospital;
use crate::io::read_printed_rows;
use crate::io::read_risk_register;
use crate::io::{read_published_actuals, read_published_trajectory};
use crate::io::{read_published_metrics, read_published_trajectories};
use crate::io::{LoadError, LoadErrorKind, LoadErrors};
use crate::metrics::dashboard::{DashboardRagPolicy, DashboardRow};
use crate::metrics::{Percent, PublishedMetric, PublishedTrajectory, Rate};
use crate::money::{Money, Precision, PrintedFigure, Unit};
use crate::plan::{ContingencyKind, ContributorKind, FundingGroup, FundingSourceKind, LineFlag};
use crate::published::Cell;
use crate::risk::PublishedRisk;

/// The published expenditure plan, £'000 to one decimal, both years, every
/// line, subtotal, contingency and funding row as printed
/// (`data/expenditure_plan_gbp_thousands.csv`).
pub const EXPENDITURE_PLAN_CSV: &str = include_str!("../../data/expenditure_plan_gbp_thousands.csv");

/// The DFG allocation of each district council, exact pounds
/// (`data/dfg_allocations_gbp.csv`).
const DFG_ALLOCATIONS_CSV: &str = include_str!("../../data/dfg_allocations_gbp.csv");

/// The out-of-hospital ring-fence table, £'000
/// (`data/out_of_hospital_ringfence_gbp_thousands.csv`).
const OUT_OF_HOSPITAL_CSV: &str = include_str!("../../data/out_of_hospital_ringfence_gbp_thousands.csv");

/// The 2016/17 metric outturn table (`data/metrics_2016_17_outturn.csv`).
const METRICS_OUTTURN_2016_17_CSV: &str = include_str!("../../data/metrics_2016_17_outturn.csv");

/// The 2017/18 in-year metric table (`data/metrics_2017_18_in_year.csv`).
const METRICS_IN_YEAR_2017_18_CSV: &str = include_str!("../../data/metrics_2017_18_in_year.csv");

/// The 2017-19 metric trajectories (`data/metric_trajectories_2017_19.csv`).
const METRIC_TRAJECTORIES_2017_19_CSV: &str = include_str!("../../data/metric_trajectories_2017_19.csv");

/// The ten BCF risks of 2017 (`data/risk_register_2017.csv`).
const RISK_REGISTER_2017_CSV: &str = include_str!("../../data/risk_register_2017.csv");

/// The monthly DTOC targets for 2017/18 and the LLR profile
/// (`data/dtoc_trajectory_2017_18.csv`).
const DTOC_TRAJECTORY_2017_18_CSV: &str = include_str!("../../data/dtoc_trajectory_2017_18.csv");

/// The published DTOC actuals: 2016/17 quarters and June 2017
/// (`data/dtoc_actuals.csv`).
const DTOC_ACTUALS_CSV: &str = include_str!("../../data/dtoc_actuals.csv");

/// The layout of the published expenditure plan: £'000; West Leicestershire
/// CCG, East Leicestershire & Rutland CCG and Leicestershire County Council;
/// five funding rows (the CCG minimum and additional allocations, the two
/// iBCF grants, grouped as `ibcf`, and the DFG); three contingency lines;
/// DFG lines funded by the DFG, the ICS phase 2 line by the CCG additional
/// allocation, other CCG cells by the CCG minimum, and the other County
/// Council cells by the two iBCF grants jointly (`docs/domain.md` section 3:
/// the non-DFG County Council column is entirely iBCF); a line whose name
/// says `(NHS protected)` is flagged so.
#[must_use]
pub fn expenditure_plan_layout() -> ExpenditurePlanLayout {
    let col = |prefix: &str, name: &str, kind| ContributorColumn {
        prefix: prefix.to_string(),
        name: name.to_string(),
        kind,
    };
    let rule = |when, funding: &str| FundingRule {
        when,
        funding: funding.to_string(),
    };
    let funding = |name: &str, id: &str, kind| FundingRow {
        name: name.to_string(),
        id: id.to_string(),
        kind,
    };
    let contingency = |name: &str, kind| ContingencyRow {
        name: name.to_string(),
        kind,
    };
    ExpenditurePlanLayout {
        unit: Unit::Thousands,
        decimals: Some(1),
        contributors: vec![
            col("wl_ccg", "West Leicestershire CCG", ContributorKind::Ccg),
            col("elr_ccg", "East Leicestershire & Rutland CCG", ContributorKind::Ccg),
            col("lcc", "Leicestershire County Council", ContributorKind::CountyCouncil),
        ],
        funding_rows: vec![
            funding(
                "CCG BCF Minimum Funding Allocation",
                "nhs_minimum",
                FundingSourceKind::NhsMinimum,
            ),
            funding(
                "CCG BCF Additional Funding Allocation",
                "nhs_additional",
                FundingSourceKind::NhsAdditional,
            ),
            funding(
                "iBCF Supplementary Funding (Social Care Allocation - Spring 2017)",
                "ibcf_spring_2017",
                FundingSourceKind::IbcfSpringBudget2017,
            ),
            funding(
                "iBCF (Autumn 2015 Spending Review Announcement)",
                "ibcf_sr_2015",
                FundingSourceKind::IbcfSpendingReview2015,
            ),
            funding("DFG Allocation", "dfg", FundingSourceKind::Dfg),
        ],
        funding_groups: vec![FundingGroup {
            id: "ibcf".to_string(),
            name: "iBCF (all grants)".to_string(),
            members: vec!["ibcf_spring_2017".to_string(), "ibcf_sr_2015".to_string()],
        }],
        contingency_section: "CONTINGENCY".to_string(),
        contingency_rows: vec![
            contingency("CCG Contingency", ContingencyKind::Contingency),
            contingency("Risk Pool", ContingencyKind::RiskPool),
            contingency("Cost Improvement Target", ContingencyKind::CostImprovementTarget),
        ],
        funding_rules: vec![
            rule(RuleCondition::SubgroupContains("disabled facilities".into()), "dfg"),
            rule(RuleCondition::NameContains("ccg additional".into()), "nhs_additional"),
            rule(RuleCondition::NhsContributor, "nhs_minimum"),
            rule(RuleCondition::CouncilContributor, "ibcf"),
        ],
        line_flags: vec![LineFlagRule {
            when: RuleCondition::NameContains("(NHS protected)".into()),
            flag: LineFlag::NhsProtected,
        }],
    }
}

/// The published expenditure plan ([`EXPENDITURE_PLAN_CSV`]), read with
/// [`expenditure_plan_layout`]: the plan, and the table as printed.
///
/// # Errors
///
/// The [`LoadErrors`] of [`read_expenditure_plan`] if the embedded file is not
/// a valid plan in this layout (only if the file was changed).
///
/// ```
/// use bcf_model::data::leicestershire;
/// use bcf_model::reconcile::reconcile;
///
/// let published = leicestershire::expenditure_plan()?;
/// assert!(reconcile(&published.plan)?.is_balanced());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn expenditure_plan() -> Result<PublishedPlan, LoadErrors> {
    read_expenditure_plan(
        "expenditure_plan_gbp_thousands.csv",
        EXPENDITURE_PLAN_CSV,
        &expenditure_plan_layout(),
    )
}

/// The DFG allocations (`data/dfg_allocations_gbp.csv`).
///
/// # Errors
///
/// The [`LoadErrors`] of [`read_dfg_allocations`] if the embedded file is not a
/// valid allocation table (only if the file was changed).
pub fn dfg_allocations() -> Result<DfgAllocations, LoadErrors> {
    read_dfg_allocations("dfg_allocations_gbp.csv", DFG_ALLOCATIONS_CSV)
}

/// The out-of-hospital ring-fence table (`data/out_of_hospital_ringfence_gbp_thousands.csv`).
///
/// # Errors
///
/// The [`LoadErrors`] of [`read_out_of_hospital`] if the embedded file is not a
/// valid ring-fence table (only if the file was changed).
pub fn out_of_hospital() -> Result<Vec<PublishedOutOfHospital>, LoadErrors> {
    read_out_of_hospital("out_of_hospital_ringfence_gbp_thousands.csv", OUT_OF_HOSPITAL_CSV)
}

/// The inputs to the condition checks that were published for the plan:
/// the out-of-hospital planned spend (its published total, £'000, as no
/// line is flagged), the DFG allocations, the two iBCF grants that must be
/// pooled, and, as an area rule, the out-of-hospital ring-fence as a share
/// of the CCG minimum (28.417%, derived from the published ring-fence, not
/// published as a rate). No sign-offs and no social-care baseline are published, so
/// those checks cannot tell.
///
/// # Errors
///
/// As for the files read; a grant profile that cannot be built from its
/// published figures is reported as an error of the embedded data.
pub fn condition_inputs() -> Result<ConditionInputs, LoadErrors> {
    let grant = |profile: Result<GrantProfile, IbcfError>| {
        profile.map_err(|e| {
            LoadErrors::one(LoadError::file(
                "embedded iBCF grant figures",
                LoadErrorKind::Dataset,
                e.to_string(),
            ))
        })
    };
    let out_of_hospital = out_of_hospital()?
        .iter()
        .map(|p| {
            (
                p.year,
                OutOfHospitalInputs {
                    ring_fence: None,
                    planned_spend: Some(p.planned_spend),
                    precision: Precision::THOUSANDS,
                },
            )
        })
        .collect();
    // The out-of-hospital share is Leicestershire's own (derived from its
    // published ring-fence and CCG minimum), not a national rule.
    let area_parameters = PolicyParameters {
        rules: super::policy_parameters()?
            .rules
            .into_iter()
            .filter(|r| r.parameter == Parameter::OutOfHospitalShare)
            .collect(),
    };
    Ok(ConditionInputs {
        out_of_hospital,
        area_parameters,
        dfg_allocations: Some(dfg_allocations()?),
        pooled_grants: vec![grant(ibcf_spring_budget_2017())?, grant(ibcf_spending_review_2015())?],
        ..ConditionInputs::default()
    })
}

/// The Spring Budget 2017 iBCF grant: £19.7m over 2017/18 to 2019/20,
/// 9,525.6 and 6,837.6 (£'000) in the first two years and the remainder,
/// 3,336.8, in the third. The £19.7m is the rounded figure the papers give,
/// so the third year is only as exact as that rounding.
///
/// # Errors
///
/// [`IbcfError::BadProfile`] if the built-in figures do not parse or do not fit
/// in the total, or another error of [`GrantProfile::spring_budget_2017`]; never
/// for the figures as published.
pub fn ibcf_spring_budget_2017() -> Result<GrantProfile, IbcfError> {
    let bad = |problem: String| IbcfError::BadProfile {
        name: "iBCF (Spring Budget 2017)".to_string(),
        problem,
    };
    let k = |s: &str| Money::parse(s, Unit::Thousands).map_err(|e| bad(e.to_string()));
    let first = FinancialYear::starting(2017).map_err(|e| bad(e.to_string()))?;
    GrantProfile::spring_budget_2017(first, k("19,700.0")?, k("9,525.6")?, k("6,837.6")?)
}

/// The Spending Review 2015 iBCF element: nil in 2017/18 and 5,582.0
/// (£'000) in 2018/19, recurrent (it depends on the council's social-care
/// precept capacity).
///
/// # Errors
///
/// [`IbcfError::BadProfile`] if the built-in figures do not parse or are
/// negative (see [`GrantProfile::new`]); never for the figures as published.
pub fn ibcf_spending_review_2015() -> Result<GrantProfile, IbcfError> {
    let bad = |problem: String| IbcfError::BadProfile {
        name: "iBCF (Spending Review 2015)".to_string(),
        problem,
    };
    let y1 = FinancialYear::starting(2017).map_err(|e| bad(e.to_string()))?;
    let y2 = y1.next().map_err(|e| bad(e.to_string()))?;
    let amount = Money::parse("5,582.0", Unit::Thousands).map_err(|e| bad(e.to_string()))?;
    GrantProfile::new(
        "iBCF (Spending Review 2015)",
        FundingSourceKind::IbcfSpendingReview2015,
        vec![(y1, Money::ZERO), (y2, amount)],
        true,
    )
}

/// The 2016/17 metric outturn table, position at March 2017
/// (`data/metrics_2016_17_outturn.csv`).
///
/// # Errors
///
/// The [`LoadErrors`] of [`read_published_metrics`] if the embedded file is not
/// a valid metric table (only if the file was changed).
pub fn metrics_outturn_2016_17() -> Result<Vec<PublishedMetric>, LoadErrors> {
    read_published_metrics(
        "metrics_2016_17_outturn.csv",
        METRICS_OUTTURN_2016_17_CSV,
        "target",
        "position_march_2017",
    )
}

/// The 2017/18 in-year metric table, September 2017
/// (`data/metrics_2017_18_in_year.csv`).
///
/// # Errors
///
/// The [`LoadErrors`] of [`read_published_metrics`] if the embedded file is not
/// a valid metric table (only if the file was changed).
pub fn metrics_in_year_2017_18() -> Result<Vec<PublishedMetric>, LoadErrors> {
    read_published_metrics(
        "metrics_2017_18_in_year.csv",
        METRICS_IN_YEAR_2017_18_CSV,
        "target_2017_18",
        "forecast_or_latest",
    )
}

/// The 2017-19 metric trajectories (`data/metric_trajectories_2017_19.csv`).
///
/// # Errors
///
/// The [`LoadErrors`] of [`read_published_trajectories`] if the embedded file
/// is not a valid trajectory table (only if the file was changed).
pub fn metric_trajectories_2017_19() -> Result<Vec<PublishedTrajectory>, LoadErrors> {
    read_published_trajectories("metric_trajectories_2017_19.csv", METRIC_TRAJECTORIES_2017_19_CSV)
}

/// The ten BCF risks of 2017 (`data/risk_register_2017.csv`).
///
/// # Errors
///
/// The [`LoadErrors`] of [`read_risk_register`] if the embedded file is not a
/// valid risk register (only if the file was changed).
pub fn risk_register_2017() -> Result<Vec<PublishedRisk>, LoadErrors> {
    read_risk_register("risk_register_2017.csv", RISK_REGISTER_2017_CSV)
}

/// The monthly DTOC targets for 2017/18 and the LLR profile, as printed
/// (`data/dtoc_trajectory_2017_18.csv`).
///
/// # Errors
///
/// The [`LoadErrors`] of [`read_published_trajectory`] if the embedded file is
/// not a valid DTOC trajectory (only if the file was changed).
pub fn dtoc_targets_2017_18() -> Result<Vec<PublishedDtocTarget>, LoadErrors> {
    read_published_trajectory("dtoc_trajectory_2017_18.csv", DTOC_TRAJECTORY_2017_18_CSV)
}

/// The 2017/18 monthly DTOC targets as a [`Trajectory`].
///
/// # Errors
///
/// The [`LoadErrors`] of [`dtoc_targets_2017_18`], or a single [`LoadError`]
/// naming the file if the targets are refused by [`Trajectory::new`] (only if
/// the file was changed).
///
/// ```
/// use bcf_model::data::leicestershire;
/// let t = leicestershire::dtoc_trajectory_2017_18()?;
/// assert_eq!(t.len(), 12);
/// assert!(t.target("2018-02".parse()?) < t.target("2018-03".parse()?)); // 215.31 < 223.03
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn dtoc_trajectory_2017_18() -> Result<Trajectory, LoadErrors> {
    let rows = dtoc_targets_2017_18()?;
    Trajectory::new(rows.iter().map(|r| (r.month, Rate::new(r.target.value))).collect()).map_err(|e| {
        LoadErrors::one(LoadError::file(
            "dtoc_trajectory_2017_18.csv",
            LoadErrorKind::Dataset,
            format!("the targets are not a trajectory: {e}"),
        ))
    })
}

/// The LLR % of occupied bed days profile, May 2017 (5.06%) to March 2018
/// (3.50%).
///
/// # Errors
///
/// The [`LoadErrors`] of [`dtoc_targets_2017_18`] (only if the file was
/// changed).
pub fn llr_profile_2017_18() -> Result<Vec<(Month, Percent)>, LoadErrors> {
    Ok(dtoc_targets_2017_18()?
        .iter()
        .filter_map(|r| r.llr_percent_target.map(|p| (r.month, p)))
        .collect())
}

/// The published DTOC actuals: 2016/17 quarters and June 2017
/// (`data/dtoc_actuals.csv`).
///
/// # Errors
///
/// The [`LoadErrors`] of [`read_published_actuals`] if the embedded file is not
/// a valid table of DTOC actuals (only if the file was changed).
pub fn dtoc_actuals() -> Result<Vec<PublishedDtocActual>, LoadErrors> {
    read_published_actuals("dtoc_actuals.csv", DTOC_ACTUALS_CSV)
}

/// Leicestershire County Council's adult social care performance dashboard
/// for Quarter 1 of 2019/20 (Adults and Communities Overview and Scrutiny
/// Committee, September 2019), as transcribed row by row
/// (`data/dashboard_2019_20_q1.csv`; `line` is the line of the copy it was
/// read from).
const DASHBOARD_2019_20_Q1_CSV: &str = include_str!("../../data/dashboard_2019_20_q1.csv");

/// The 2021/22 year-end dashboard of the same committee
/// (`data/dashboard_2021_22.csv`).
const DASHBOARD_2021_22_CSV: &str = include_str!("../../data/dashboard_2021_22.csv");

/// The Quarter 1 2019/20 performance dashboard (`data/dashboard_2019_20_q1.csv`):
/// 31 measures, 23 of them RAG-rated.
///
/// # Errors
///
/// The [`LoadErrors`] of [`read_dashboard`] if the embedded file is not
/// valid (only if the file was changed).
pub fn dashboard_2019_20_q1() -> Result<Vec<DashboardRow>, LoadErrors> {
    read_dashboard("dashboard_2019_20_q1.csv", DASHBOARD_2019_20_Q1_CSV)
}

/// The 2021/22 year-end performance dashboard (`data/dashboard_2021_22.csv`):
/// 30 measures, 25 of them RAG-rated.
///
/// # Errors
///
/// The [`LoadErrors`] of [`read_dashboard`] if the embedded file is not
/// valid (only if the file was changed).
pub fn dashboard_2021_22() -> Result<Vec<DashboardRow>, LoadErrors> {
    read_dashboard("dashboard_2021_22.csv", DASHBOARD_2021_22_CSV)
}

/// The dashboard RAG tolerances that explain most of the ratings
/// The 2017 source-of-funds summary as printed, whole £'000, both years
/// (`data/funding_summary_gbp_thousands.csv`; `/work/shared/DOMAIN.md`
/// section 3 and the Health and Wellbeing Board pack of September 2017,
/// `docs/domain.md` section 9). It does not add up: 2017/18's printed total
/// is 52,120 while its printed parts add to 52,121.
pub const FUNDING_SUMMARY_CSV: &str = include_str!("../../data/funding_summary_gbp_thousands.csv");

/// What stands behind a row of the funding summary.
enum SummaryRole {
    /// The sum of these allocations of the plan (funding source id,
    /// contributor id), each known to its printed precision.
    Allocations(&'static [(&'static str, &'static str)]),
    /// The total of these rows (by label), and behind it the sum of what
    /// stands behind them.
    TotalOf(&'static [&'static str]),
    /// A memorandum figure, part of no total, with nothing behind it in the plan.
    Memo,
}

/// The layout of the funding summary: each printed row by its group, source
/// and contributor as written, the label the described table gives it, and
/// what stands behind it. A row the layout does not name is an error.
const FUNDING_SUMMARY_ROWS: [(&str, &str, &str, &str, SummaryRole); 10] = [
    (
        "CCG Minimum Contributions",
        "CCG minimum contribution",
        "East Leicestershire & Rutland CCG",
        "ELR CCG minimum",
        SummaryRole::Allocations(&[("nhs_minimum", "elr_ccg")]),
    ),
    (
        "CCG Minimum Contributions",
        "CCG minimum contribution",
        "West Leicestershire CCG",
        "WL CCG minimum",
        SummaryRole::Allocations(&[("nhs_minimum", "wl_ccg")]),
    ),
    (
        "CCG Minimum Contributions",
        "subtotal",
        "",
        "CCG minimum subtotal",
        SummaryRole::TotalOf(&["ELR CCG minimum", "WL CCG minimum"]),
    ),
    (
        "DCLG Funding",
        "Disabled Facilities Grants",
        "Leicestershire County Council",
        "DFG",
        SummaryRole::Allocations(&[("dfg", "lcc")]),
    ),
    (
        "DCLG Funding",
        "iBCF (Comprehensive Spending Review - Autumn 2015)",
        "Leicestershire County Council",
        "iBCF Spending Review 2015",
        SummaryRole::Allocations(&[("ibcf_sr_2015", "lcc")]),
    ),
    (
        "DCLG Funding",
        "iBCF (Adult Social Care Grant Spring Budget 2017)",
        "Leicestershire County Council",
        "iBCF Spring Budget 2017",
        SummaryRole::Allocations(&[("ibcf_spring_2017", "lcc")]),
    ),
    (
        "DCLG Funding",
        "subtotal",
        "",
        "DCLG subtotal",
        SummaryRole::TotalOf(&["DFG", "iBCF Spending Review 2015", "iBCF Spring Budget 2017"]),
    ),
    (
        "Additional Contributions",
        "Additional CCG allocations (ICS scheme)",
        "West Leicestershire CCG and East Leicestershire & Rutland CCG",
        "CCG additional (ICS)",
        SummaryRole::Allocations(&[("nhs_additional", "wl_ccg"), ("nhs_additional", "elr_ccg")]),
    ),
    (
        "Total",
        "total",
        "",
        "Total",
        SummaryRole::TotalOf(&["CCG minimum subtotal", "DCLG subtotal", "CCG additional (ICS)"]),
    ),
    (
        "Memo",
        "Care Act funding included in CCG minimum",
        "",
        "Care Act funding in CCG minimum (memo)",
        SummaryRole::Memo,
    ),
];

/// The 2017 funding summary ([`FUNDING_SUMMARY_CSV`]) as a described table
/// for [`crate::footing::check_table`]: its ten printed rows (labelled `ELR
/// CCG minimum`, `WL CCG minimum`, `CCG minimum subtotal`, `DFG`, `iBCF
/// Spending Review 2015`, `iBCF Spring Budget 2017`, `DCLG subtotal`, `CCG
/// additional (ICS)`, `Total` and the Care Act memorandum) in the columns
/// `2017/18` and `2018/19`; the three totals (each subtotal of its rows,
/// and the total of the two subtotals and the additional allocations); and
/// behind each figure the plan's allocations
/// ([`expenditure_plan`]), each an interval of its printed precision (£'000
/// to one decimal: ±0.05), summed for a row of several allocations and for
/// a total. The memorandum has nothing behind it.
///
/// ```
/// use bcf_model::data::leicestershire;
/// use bcf_model::footing::{check_table, ConventionVerdict, PRINTING_CONVENTIONS};
/// use bcf_model::published::BoundRule;
///
/// let table = leicestershire::funding_summary()?;
/// let check = check_table(&table, BoundRule::WorstCase, &PRINTING_CONVENTIONS)?;
/// assert_eq!(check.errors().count(), 0);
/// assert_eq!(check.table.verdict(), ConventionVerdict::NoSingleConvention);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// The [`LoadErrors`] of [`expenditure_plan`] and of
/// [`crate::io::read_printed_rows`] if an embedded file is not valid, and a
/// [`LoadErrorKind::Dataset`] error naming the line if a row of the summary
/// is not in its layout (or a row of the layout is missing), or if an
/// allocation behind a figure is not in the plan (only if a file was
/// changed).
pub fn funding_summary() -> Result<DescribedTable, LoadErrors> {
    const FILE: &str = "funding_summary_gbp_thousands.csv";
    let dataset = |line: Option<u64>, problem: String| {
        let mut e = LoadError::file(FILE, LoadErrorKind::Dataset, problem);
        e.line = line;
        LoadErrors::one(e)
    };
    let rows = read_printed_rows(
        FILE,
        FUNDING_SUMMARY_CSV,
        &[
            "group",
            "source",
            "contributor",
            "amount_2017_18",
            "amount_2018_19",
            "note",
        ],
        &["amount_2017_18", "amount_2018_19"],
        Unit::Thousands,
    )?;
    let years = [
        FinancialYear::starting(2017).map_err(|e| dataset(None, e.to_string()))?,
        FinancialYear::starting(2018).map_err(|e| dataset(None, e.to_string()))?,
    ];
    // Each printed row with its place in the layout.
    let mut placed = Vec::with_capacity(rows.len());
    for row in &rows {
        let spec = FUNDING_SUMMARY_ROWS.iter().position(|(g, s, c, _, _)| {
            row.labels.first().map(String::as_str) == Some(*g)
                && row.labels.get(1).map(String::as_str) == Some(*s)
                && row.labels.get(2).map(String::as_str) == Some(*c)
        });
        match spec.and_then(|i| FUNDING_SUMMARY_ROWS.get(i).map(|spec| (i, spec))) {
            Some((i, _)) if placed.iter().any(|&(_, j, _)| j == i) => {
                return Err(dataset(Some(row.line), "the row is printed twice".to_string()))
            }
            Some((i, spec)) => placed.push((row, i, spec)),
            None => {
                return Err(dataset(
                    Some(row.line),
                    format!("the layout has no row {:?}", row.labels),
                ))
            }
        }
    }
    if let Some((_, _, _, label, _)) = FUNDING_SUMMARY_ROWS
        .iter()
        .enumerate()
        .find(|(i, _)| !placed.iter().any(|&(_, j, _)| j == *i))
        .map(|(_, spec)| spec)
    {
        return Err(dataset(None, format!("the row {label:?} is not printed")));
    }

    let published = expenditure_plan()?;
    let plan = &published.plan;
    let labels = placed.iter().map(|(_, _, (_, _, _, label, _))| *label);
    let mut table = DescribedTable::new("2017 funding summary", labels, years.iter().map(ToString::to_string));
    let position = |label: &str| {
        placed
            .iter()
            .position(|(_, _, (_, _, _, l, _))| *l == label)
            .ok_or_else(|| dataset(None, format!("the layout names no row {label:?}")))
    };
    let footing = |e: crate::footing::FootingError| dataset(None, e.to_string());
    for (r, (row, _, (_, _, _, label, role))) in placed.iter().enumerate() {
        for (column, year) in years.iter().enumerate() {
            let cell = Cell { row: r, column };
            if let Some(figure) = row.figures.get(column).copied().flatten() {
                table.set_printed(cell, figure).map_err(footing)?;
            }
            let behind = match role {
                SummaryRole::Allocations(allocations) => {
                    let mut known = Vec::with_capacity(allocations.len());
                    for &(source, contributor) in *allocations {
                        let found = match (plan.source_ix(source), plan.contributor_ix(contributor)) {
                            (Some(s), Some(c)) => plan
                                .allocations()
                                .iter()
                                .find(|a| a.source == s && a.contributor == c && a.year == *year),
                            _ => None,
                        };
                        let a = found.ok_or_else(|| {
                            dataset(
                                Some(row.line),
                                format!(
                                    "the plan has no {source} allocation of {contributor} in {year} behind {label:?}"
                                ),
                            )
                        })?;
                        known.push(match a.precision {
                            Some(precision) => Interval::around(PrintedFigure {
                                value: a.amount,
                                precision,
                            })
                            .map_err(footing)?,
                            None => Interval::point(a.amount),
                        });
                    }
                    Some(Interval::checked_sum(known).map_err(footing)?)
                }
                SummaryRole::TotalOf(parts) => {
                    let mut known = Vec::with_capacity(parts.len());
                    for part in *parts {
                        let p = position(part)?;
                        known.push(table.behind(Cell { row: p, column }).ok_or_else(|| {
                            dataset(Some(row.line), format!("{label:?} totals {part:?}, printed after it"))
                        })?);
                    }
                    Some(Interval::checked_sum(known).map_err(footing)?)
                }
                SummaryRole::Memo => None,
            };
            if let Some(behind) = behind {
                table.set_behind(cell, behind).map_err(footing)?;
            }
        }
        if let SummaryRole::TotalOf(parts) = role {
            let parts = parts.iter().map(|p| position(p)).collect::<Result<Vec<usize>, _>>()?;
            table.add_total(TotalOf::new(Axis::Rows, r, parts)).map_err(footing)?;
        }
    }
    Ok(table)
}

/// Leicestershire's adult social care dashboards print (2019/20 Quarter 1
/// and 2021/22 year end): Amber within 1 percentage point of a percentage
/// target or band, or within 5% of any other target; Red beyond. The papers
/// (Appendix C) say Green is "meeting the target or on track to", Amber
/// "set to miss the target by a narrow margin", Red "by a significant
/// amount", and that "a blanket approach (such as plus or minus 10%) is not
/// appropriate": the ratings no single rule explains are listed, with why,
/// by the crate's tests (`tests/dashboard.rs`).
#[must_use]
pub fn dashboard_rag_policy() -> DashboardRagPolicy {
    DashboardRagPolicy {
        amber_points: rust_decimal::Decimal::ONE,
        amber_fraction: rust_decimal::Decimal::new(5, 2),
        source: "fitted to Leicestershire's 2019/20 Q1 and 2021/22 dashboards; Appendix C wording".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    /// Every embedded file reads, with as many rows as were published.
    #[test]
    fn every_embedded_file_reads() {
        assert_eq!(expenditure_plan().unwrap().plan.contributors().len(), 3);
        assert_eq!(dfg_allocations().unwrap().districts().len(), 7);
        assert_eq!(out_of_hospital().unwrap().len(), 2);
        assert_eq!(condition_inputs().unwrap().pooled_grants.len(), 2);
        assert_eq!(metrics_outturn_2016_17().unwrap().len(), 6);
        assert_eq!(metrics_in_year_2017_18().unwrap().len(), 4);
        let t = metric_trajectories_2017_19().unwrap();
        assert_eq!(t.len(), 3);
        assert_eq!(t[0].years[0].count_equivalent, Some(Decimal::from(879)));
        assert_eq!(t[0].years[1].count_equivalent, None);
        assert_eq!(risk_register_2017().unwrap().len(), 10);
        assert_eq!(dtoc_targets_2017_18().unwrap().len(), 12);
        assert_eq!(llr_profile_2017_18().unwrap().len(), 11);
        assert_eq!(dtoc_actuals().unwrap().len(), 5);
        assert_eq!(funding_summary().unwrap().rows().len(), 10);
    }
}
