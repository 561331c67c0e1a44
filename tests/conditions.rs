//! National conditions on the published Leicestershire 2017-19 plan and on
//! small plans built for the purpose, and the dated policy parameters behind
//! them.

use bcf_model::calendar::FinancialYear;
use bcf_model::conditions::*;
use bcf_model::data;
use bcf_model::data::leicestershire;
use bcf_model::dfg::RetentionAgreement;
use bcf_model::io::{read_policy_parameters, write_policy_parameters};
use bcf_model::money::{Money, Precision, Rounding, Unit};
use bcf_model::plan::{Commissioner, ContributorKind, FundingSourceKind, LineAttributes, LineDraft, LineFlag, Plan};
use bcf_model::verdict::*;
use proptest::prelude::*;
use rust_decimal::Decimal;

fn y(s: &str) -> FinancialYear {
    s.parse().unwrap()
}
fn k(s: &str) -> Money {
    Money::parse(s, Unit::Thousands).unwrap()
}
fn pct(s: &str) -> Decimal {
    s.parse().unwrap()
}
fn leics() -> Plan {
    leicestershire::expenditure_plan().unwrap().plan
}
fn find(checks: &[ConditionCheck], c: Condition) -> &ConditionCheck {
    checks.iter().find(|x| x.condition == c).unwrap()
}

// ---------------------------------------------------------------- parameters

#[test]
fn default_parameters_carry_the_published_uplifts_with_sources() {
    let p = data::policy_parameters().unwrap();
    let up = |s| p.percent(&Parameter::NhsMinimumUplift, y(s)).unwrap();
    assert_eq!(up("2017/18"), pct("1.79"));
    assert_eq!(up("2018/19"), pct("1.9"));
    assert_eq!(up("2021/22"), pct("5.3"));
    assert_eq!(up("2022/23"), pct("5.66"));
    assert_eq!(up("2024/25"), pct("5.66"), "5.66% from 2022/23 onward");
    for r in &p.rules {
        assert!(!r.source.is_empty(), "{r:?}");
    }
    assert!(p.rule(&Parameter::NhsMinimumUplift, y("2018/19")).unwrap().confirmed);
    let share = p.rule(&Parameter::OutOfHospitalShare, y("2017/18")).unwrap();
    assert!(!share.confirmed, "the share is derived, not published");
    assert_eq!(share.value_percent, pct("28.417"));
}

#[test]
fn a_year_with_no_rule_is_an_error_naming_the_year() {
    let p = data::policy_parameters().unwrap();
    for gap in ["2016/17", "2019/20", "2020/21"] {
        let err = p.percent(&Parameter::NhsMinimumUplift, y(gap)).unwrap_err();
        assert_eq!(
            err,
            ConditionError::MissingParameter {
                parameter: Parameter::NhsMinimumUplift,
                year: y(gap)
            }
        );
        assert!(err.to_string().contains(gap), "{err}");
    }
    let err = p.percent(&Parameter::OutOfHospitalShare, y("2019/20")).unwrap_err();
    assert!(err.to_string().contains("out_of_hospital_share"), "{err}");
}

#[test]
fn overrides_win_and_the_table_round_trips_through_csv() {
    let mut p = data::policy_parameters().unwrap();
    p.set(PolicyRule::for_year(
        Parameter::NhsMinimumUplift,
        y("2018/19"),
        pct("2.5"),
        "scenario",
    ));
    assert_eq!(
        p.percent(&Parameter::NhsMinimumUplift, y("2018/19")).unwrap(),
        pct("2.5")
    );
    assert_eq!(
        p.percent(&Parameter::NhsMinimumUplift, y("2017/18")).unwrap(),
        pct("1.79")
    );
    // an override overlaps the default it replaces, so the file written out
    // is refused on reading: overlaps are only allowed by explicit override
    let text = write_policy_parameters(&p).unwrap();
    let err = read_policy_parameters("x.csv", &text).unwrap_err();
    assert!(err.to_string().contains("already has a rule"), "{err}");
    let defaults = data::policy_parameters().unwrap();
    let again = read_policy_parameters("x.csv", &write_policy_parameters(&defaults).unwrap()).unwrap();
    assert_eq!(again, defaults);
}

#[test]
fn bad_parameter_rows_name_line_column_and_value() {
    let text = "parameter,from,to,value_percent,confirmed,source\n\
                nhs_minimum_uplift,2017/18,2017/18,1.79,true,a\n\
                nhs_minimum_uplift,2018/19,2018/19,abc,maybe,b\n\
                nhs minimum,2019-20,2018/19,1,true,\n";
    let err = read_policy_parameters("p.csv", text).unwrap_err();
    let s = err.to_string();
    assert!(s.contains("p.csv:line 3, column value_percent, value \"abc\""), "{s}");
    assert!(s.contains("p.csv:line 3, column confirmed, value \"maybe\""), "{s}");
    assert!(s.contains("line 4, column parameter, value \"nhs minimum\""), "{s}");
    assert!(s.contains("line 4, column source"), "{s}");
    assert_eq!(err.len(), 4, "{s}");
    let missing = read_policy_parameters("p.csv", "parameter,from,value_percent\n").unwrap_err();
    assert!(missing.to_string().contains("column to"), "{missing}");
}

// ------------------------------------------------------------ NHS minimum

#[test]
fn leicestershire_ccgs_grow_by_exactly_1_9_percent() {
    let plan = leics();
    let d = detect_uplift(&plan, y("2017/18"), y("2018/19")).unwrap();
    assert_eq!(d.uplift_percent, Some(pct("1.9")));
    let (lo, hi) = d.range.unwrap();
    assert!(lo <= pct("1.9") && pct("1.9") <= hi);
    assert!(lo > pct("1.8996") && hi < pct("1.9002"), "{lo} {hi}");
    let got: Vec<(&str, Money, Money)> = d
        .contributors
        .iter()
        .map(|c| (c.contributor.as_str(), c.from_amount, c.to_amount))
        .collect();
    assert_eq!(
        got,
        vec![
            ("wl_ccg", k("20,843.5"), k("21,239.5")),
            ("elr_ccg", k("15,838.1"), k("16,139.0"))
        ]
    );
    // the raw ratios are not 1.9% exactly: rounding per CCG explains them
    for c in &d.contributors {
        let g = c.growth_percent.unwrap();
        assert!(g != pct("1.9") && (g - pct("1.9")).abs() < pct("0.0002"), "{g}");
    }
}

#[test]
fn uplift_rounds_per_contributor_before_summing() {
    let p = data::policy_parameters().unwrap();
    let base = vec![
        ("wl_ccg".to_string(), k("20,843.5")),
        ("elr_ccg".to_string(), k("15,838.1")),
    ];
    let steps = uplift_chain(
        &base,
        &[y("2018/19")],
        &p,
        Precision::THOUSANDS_1DP,
        Rounding::HalfAwayFromZero,
    )
    .unwrap();
    assert_eq!(
        steps[0].amounts,
        vec![
            ("wl_ccg".to_string(), k("21,239.5")),
            ("elr_ccg".to_string(), k("16,139.0"))
        ]
    );
    assert_eq!(steps[0].total, k("37,378.5"));
    // rounding the unrounded total instead gives 37,378.6: not what is published
    let unrounded = k("36,681.6").checked_mul(pct("1.019")).unwrap();
    assert_eq!(
        unrounded
            .round(Precision::THOUSANDS_1DP, Rounding::HalfAwayFromZero)
            .unwrap(),
        k("37,378.6")
    );
    let three = vec![
        ("a".to_string(), Money::from_pence(5)),
        ("b".to_string(), Money::from_pence(5)),
        ("c".to_string(), Money::from_pence(5)),
    ];
    let mut q = PolicyParameters::default();
    q.set(PolicyRule::for_year(
        Parameter::NhsMinimumUplift,
        y("2018/19"),
        pct("10"),
        "t",
    ));
    let s = uplift_chain(
        &three,
        &[y("2018/19")],
        &q,
        Precision::PENCE,
        Rounding::HalfAwayFromZero,
    )
    .unwrap();
    // 5.5p rounds to 6p each: 18p, where rounding 16.5p would give 17p
    assert_eq!(s[0].total, Money::from_pence(18));
}

#[test]
fn nhs_minimum_uplift_check_follows_the_data() {
    let plan = leics();
    let p = data::policy_parameters().unwrap();
    let c = check_nhs_minimum_uplift(&plan, &p, &ConditionInputs::default(), y("2018/19")).unwrap();
    assert_eq!(c.outcome, Outcome::Met, "{c}");
    assert_eq!(c.money("required (sum of rounded)"), Some(k("37,378.5")));
    assert_eq!(c.percent("uplift applied (detected)"), Some(pct("1.9")));
    let first = check_nhs_minimum_uplift(&plan, &p, &ConditionInputs::default(), y("2017/18")).unwrap();
    assert_eq!(first.outcome, Outcome::CannotTell, "no 2016/17 in the plan");

    // change the 2018/19 uplift in the data: the check's result changes
    let edited = data::POLICY_PARAMETERS_CSV.replace("2018/19,2018/19,1.9,", "2018/19,2018/19,2.0,");
    assert_ne!(edited, data::POLICY_PARAMETERS_CSV);
    let p2 = read_policy_parameters("edited.csv", &edited).unwrap();
    let c2 = check_nhs_minimum_uplift(&plan, &p2, &ConditionInputs::default(), y("2018/19")).unwrap();
    assert_eq!(c2.outcome, Outcome::NotMet, "{c2}");
    assert_eq!(c2.money("wl_ccg 2018/19 required"), Some(k("21,260.4")));
    assert!(c2.findings.iter().any(|f| matches!(f,
        ConditionFinding::Shortfall { shortfall, .. } if *shortfall == k("20.9"))));

    // and with no rule for the year the check is an error naming the year
    let gone: String = data::POLICY_PARAMETERS_CSV
        .lines()
        .filter(|l| !l.contains("2018/19,2018/19,1.9"))
        .collect::<Vec<_>>()
        .join("\n");
    let p3 = read_policy_parameters("gone.csv", &gone).unwrap();
    let err = check_nhs_minimum_uplift(&plan, &p3, &ConditionInputs::default(), y("2018/19")).unwrap_err();
    assert!(err.to_string().contains("2018/19"), "{err}");
}

// ------------------------------------------------------- (a) sign-offs

#[test]
fn plan_agreed_needs_every_party() {
    let plan = leics();
    let mut inputs = ConditionInputs::default();
    let c = check_plan_agreed(&plan, &inputs, y("2017/18"));
    assert_eq!(c.outcome, Outcome::CannotTell);
    let sign = |party: &str| SignOff {
        party: party.to_string(),
        signed_by: "Chair".to_string(),
        date: None,
    };
    inputs.sign_offs = vec![sign("wl_ccg"), sign("lcc")];
    let c = check_plan_agreed(&plan, &inputs, y("2017/18"));
    assert_eq!(c.outcome, Outcome::NotMet);
    let missing: Vec<&str> = c
        .findings
        .iter()
        .filter_map(|f| match f {
            ConditionFinding::MissingSignOff { party } => Some(party.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(missing, vec!["elr_ccg", "hwb"]);
    inputs.sign_offs.push(sign("elr_ccg"));
    inputs.sign_offs.push(sign("hwb"));
    assert_eq!(check_plan_agreed(&plan, &inputs, y("2018/19")).outcome, Outcome::Met);
}

// ----------------------------------------- (b) social care maintained

fn small_plan(flag: LineFlag, commissioner: Option<Commissioner>) -> Plan {
    let y1 = y("2017/18");
    let y2 = y("2018/19");
    let attrs = LineAttributes {
        commissioner,
        ..LineAttributes::default()
    };
    Plan::builder("small")
        .year(y1)
        .year(y2)
        .contributor("ccg", "CCG", ContributorKind::Ccg)
        .contributor("la", "Council", ContributorKind::CountyCouncil)
        .source("min", "NHS minimum", FundingSourceKind::NhsMinimum)
        .source("ibcf", "iBCF", FundingSourceKind::IbcfSpringBudget2017)
        .allocation("min", "ccg", y1, k("3,000.0"))
        .allocation("min", "ccg", y2, k("3,057.0"))
        .allocation("ibcf", "la", y1, k("500.0"))
        .allocation("ibcf", "la", y2, k("500.0"))
        .programme("P", "Programme")
        .line(
            LineDraft::new("care", "P", "Social care packages")
                .attributes(attrs)
                .flag(flag)
                .amount("ccg", y1, "min", k("1,000.0"))
                .amount("ccg", y2, "min", k("1,019.0"))
                .amount("la", y1, "ibcf", k("500.0"))
                .amount("la", y2, "ibcf", k("500.0")),
        )
        .line(
            LineDraft::new("other", "P", "Community services")
                .amount("ccg", y1, "min", k("2,000.0"))
                .amount("ccg", y2, "min", k("2,038.0")),
        )
        .build()
        .unwrap()
}

#[test]
fn social_care_is_maintained_by_the_uplift_and_ibcf_does_not_count() {
    let plan = small_plan(LineFlag::MaintainsSocialCare, None);
    let p = data::policy_parameters().unwrap();
    let mut inputs = ConditionInputs::default();
    let none = check_social_care_maintained(&plan, &p, &inputs, y("2018/19")).unwrap();
    assert_eq!(none.outcome, Outcome::CannotTell, "no baseline");
    inputs.social_care_baseline = Some(SocialCareBaseline {
        year: y("2017/18"),
        required: k("1,000.0"),
        precision: Precision::THOUSANDS_1DP,
        rounding: Rounding::HalfAwayFromZero,
    });
    let c = check_social_care_maintained(&plan, &p, &inputs, y("2018/19")).unwrap();
    assert_eq!(c.outcome, Outcome::Met, "{c}");
    assert_eq!(c.money("required 2018/19"), Some(k("1,019.0")));
    assert_eq!(
        c.money("flagged spend from NHS minimum"),
        Some(k("1,019.0")),
        "iBCF left out"
    );
    assert!(c
        .findings
        .contains(&ConditionFinding::IbcfExcluded { amount: k("500.0") }));

    // a 2.0% uplift in the data raises the requirement to 1,020.0: not met
    let edited = data::POLICY_PARAMETERS_CSV.replace("2018/19,2018/19,1.9,", "2018/19,2018/19,2.0,");
    let p2 = read_policy_parameters("edited.csv", &edited).unwrap();
    let c2 = check_social_care_maintained(&plan, &p2, &inputs, y("2018/19")).unwrap();
    assert_eq!(c2.outcome, Outcome::NotMet, "{c2}");
    assert!(c2.findings.iter().any(|f| matches!(f,
        ConditionFinding::Shortfall { required, actual, shortfall, .. }
            if *required == k("1,020.0") && *actual == k("1,019.0") && *shortfall == k("1.0"))));

    let leics_check = check_social_care_maintained(&leics(), &p, &inputs, y("2018/19")).unwrap();
    assert_eq!(
        leics_check.outcome,
        Outcome::CannotTell,
        "the published plan flags no line"
    );
}

// ------------------------------------------------- (c) out of hospital

#[test]
fn leicestershire_out_of_hospital_ring_fence_and_variance() {
    let plan = leics();
    let p = data::policy_parameters().unwrap();
    let inputs = leicestershire::condition_inputs().unwrap();
    for (yr, min, rf, spend, var) in [
        ("2017/18", "36,681.6", "10,424", "14,064", "3,640"),
        ("2018/19", "37,378.5", "10,622", "13,577", "2,955"),
    ] {
        let c = check_out_of_hospital(&plan, &p, &inputs, y(yr)).unwrap();
        assert_eq!(c.outcome, Outcome::Met, "{c}");
        assert_eq!(c.money("NHS minimum"), Some(k(min)));
        assert_eq!(c.money("ring-fence"), Some(k(rf)), "{c}");
        assert_eq!(c.money("planned out-of-hospital spend"), Some(k(spend)));
        assert_eq!(c.money("variance"), Some(k(var)));
    }
    // the share reproduces the published ring-fence in both years
    let published = leicestershire::out_of_hospital().unwrap();
    assert_eq!(published.len(), 2);
    for row in &published {
        assert_eq!(row.planned_spend.checked_sub(row.ring_fence).unwrap(), row.variance);
        let mut with_published = inputs.clone();
        with_published.out_of_hospital.insert(
            row.year,
            OutOfHospitalInputs {
                ring_fence: Some(row.ring_fence),
                planned_spend: Some(row.planned_spend),
                precision: Precision::THOUSANDS,
            },
        );
        let c = check_out_of_hospital(&plan, &p, &with_published, row.year).unwrap();
        assert_eq!(c.money("ring-fence (from share)"), Some(row.ring_fence), "{c}");
        assert!(!c.findings.iter().any(|f| f.to_string().contains("differs")), "{c}");
    }
}

#[test]
fn out_of_hospital_share_out_of_range_changes_the_ring_fence() {
    let plan = leics();
    let edited = data::POLICY_PARAMETERS_CSV.replace(",28.417,", ",28.42,");
    let p = read_policy_parameters("e.csv", &edited).unwrap();
    let inputs = leicestershire::condition_inputs().unwrap();
    let c = check_out_of_hospital(&plan, &p, &inputs, y("2017/18")).unwrap();
    assert_eq!(c.money("ring-fence"), Some(k("10,425")));
    assert_eq!(c.money("variance"), Some(k("3,639")));
}

#[test]
fn out_of_hospital_from_flagged_lines_counts_joint_lines_at_their_nhs_share() {
    let joint = Commissioner::Joint {
        nhs_percent: pct("60"),
        la_percent: pct("40"),
    };
    let plan = small_plan(LineFlag::NhsCommissionedOutOfHospital, Some(joint));
    let mut p = PolicyParameters::default();
    p.set(PolicyRule::for_year(
        Parameter::OutOfHospitalShare,
        y("2017/18"),
        pct("20"),
        "test",
    ));
    let mut inputs = ConditionInputs::default();
    inputs.out_of_hospital.insert(
        y("2017/18"),
        OutOfHospitalInputs {
            precision: Precision::THOUSANDS_1DP,
            ..OutOfHospitalInputs::default()
        },
    );
    let c = check_out_of_hospital(&plan, &p, &inputs, y("2017/18")).unwrap();
    // ring-fence 20% of 3,000.0 = 600.0; spend 60% of the 1,000.0 NHS-minimum amount (iBCF not counted)
    assert_eq!(c.money("ring-fence"), Some(k("600.0")));
    assert_eq!(c.money("planned out-of-hospital spend"), Some(k("600.0")));
    assert_eq!(c.money("variance"), Some(Money::ZERO));
    assert_eq!(c.outcome, Outcome::Met);
    p.set(PolicyRule::for_year(
        Parameter::OutOfHospitalShare,
        y("2017/18"),
        pct("21"),
        "test",
    ));
    let c = check_out_of_hospital(&plan, &p, &inputs, y("2017/18")).unwrap();
    assert_eq!(c.outcome, Outcome::NotMet);
    assert_eq!(c.money("variance"), Some(k("-30.0")));
    // no share rule and no published ring-fence for 2018/19: an error naming the year
    let err = check_out_of_hospital(&plan, &p, &inputs, y("2018/19")).unwrap_err();
    assert!(err.to_string().contains("2018/19"), "{err}");
}

// --------------------------------------- (d) funding fully planned + DFG

#[test]
fn leicestershire_funding_is_fully_planned_and_dfg_passported() {
    let plan = leics();
    let inputs = leicestershire::condition_inputs().unwrap();
    for (yr, dfg) in [("2017/18", "3,349.9"), ("2018/19", "3,632.3")] {
        let c = check_funding_fully_planned(&plan, &inputs, y(yr)).unwrap();
        assert_eq!(c.outcome, Outcome::Met, "{c}");
        assert_eq!(c.money("DFG income"), Some(k(dfg)));
        assert_eq!(c.money("DFG passported to districts"), Some(k(dfg)));
    }
}

#[test]
fn passporting_less_dfg_without_an_agreement_fails_d_naming_district_and_shortfall() {
    let plan = leics()
        .with_line_amounts(|line, a| {
            (line.name() == "Blaby DC" && a.year == y("2017/18") && a.amount.is_positive())
                .then(|| a.amount.checked_sub(k("100.0")).unwrap())
        })
        .unwrap();
    let inputs = leicestershire::condition_inputs().unwrap();
    let c = check_funding_fully_planned(&plan, &inputs, y("2017/18")).unwrap();
    assert_eq!(c.outcome, Outcome::NotMet, "{c}");
    assert!(
        c.findings.contains(&ConditionFinding::DfgNotPassported {
            districts: vec!["Blaby".to_string()],
            shortfall: k("100.0"),
        }),
        "{c}"
    );
    assert!(c.to_string().contains("short by £100,000.00 (Blaby)"), "{c}");
    // 2018/19 is untouched
    assert_eq!(
        check_funding_fully_planned(&plan, &inputs, y("2018/19"))
            .unwrap()
            .outcome,
        Outcome::Met
    );
    // without district allocations every district line is named
    let bare = ConditionInputs::default();
    let c = check_funding_fully_planned(&plan, &bare, y("2017/18")).unwrap();
    let named = c.findings.iter().find_map(|f| match f {
        ConditionFinding::DfgNotPassported { districts, .. } => Some(districts.len()),
        _ => None,
    });
    assert_eq!(named, Some(7));
}

fn dfg_plan() -> Plan {
    let y1 = y("2017/18");
    let dfg_line = |id: &str, name: &str, amount: &str| {
        LineDraft::new(id, "H", name)
            .attributes(LineAttributes {
                subgroup: Some("Disabled Facilities Grants".to_string()),
                ..LineAttributes::default()
            })
            .amount("county", y1, "dfg", k(amount))
    };
    Plan::builder("two-tier")
        .year(y1)
        .contributor("county", "County", ContributorKind::CountyCouncil)
        .source("dfg", "DFG", FundingSourceKind::Dfg)
        .allocation("dfg", "county", y1, k("1,000.0"))
        .programme("H", "Housing")
        .line(dfg_line("a", "Alpha DC", "600.0"))
        .line(dfg_line("b", "Beta BC", "300.0"))
        .line(LineDraft::new("hp", "H", "Strategic housing priorities").amount("county", y1, "dfg", k("100.0")))
        .build()
        .unwrap()
}

#[test]
fn a_recorded_agreement_allows_part_of_the_dfg_to_be_retained() {
    let plan = dfg_plan();
    let mut inputs = ConditionInputs::default();
    let c = check_funding_fully_planned(&plan, &inputs, y("2017/18")).unwrap();
    assert_eq!(
        c.outcome,
        Outcome::NotMet,
        "income = spend, but 100.0 is not passported"
    );
    assert!(
        c.findings.contains(&ConditionFinding::DfgNotPassported {
            districts: vec!["Alpha DC".to_string(), "Beta BC".to_string()],
            shortfall: k("100.0"),
        }),
        "{c}"
    );
    inputs.dfg_agreements.push(RetentionAgreement {
        year: y("2017/18"),
        amount: k("100.0"),
        purpose: "strategic housing priorities".to_string(),
        parties: vec!["county".to_string(), "Alpha DC".to_string(), "Beta BC".to_string()],
        agreed_on: None,
        release: None,
        district: None,
    });
    let c = check_funding_fully_planned(&plan, &inputs, y("2017/18")).unwrap();
    assert_eq!(c.outcome, Outcome::Met, "{c}");
    assert_eq!(c.money("DFG retained by agreement"), Some(k("100.0")));
}

#[test]
fn leicestershire_checks_all_for_both_years() {
    let plan = leics();
    let calendar = data::policy_calendar().unwrap();
    let inputs = leicestershire::condition_inputs().unwrap();
    let a = check_all(&plan, &calendar, &inputs, y("2017/18")).unwrap();
    let b = check_all(&plan, &calendar, &inputs, y("2018/19")).unwrap();
    assert_eq!(
        a.len(),
        8,
        "the four 2017-19 conditions, the uplift, funding fully planned and two iBCF grants pooled"
    );
    let national: Vec<Option<&str>> = a.iter().map(|c| c.national.as_deref()).collect();
    assert_eq!(
        national[..4],
        [
            Some("jointly_agreed_plan"),
            Some("nhs_contribution_to_social_care_maintained"),
            Some("invest_in_nhs_commissioned_out_of_hospital"),
            Some("managing_transfers_of_care"),
        ]
    );
    assert_eq!(find(&a, Condition::Unchecked).outcome, Outcome::CannotTell);
    for checks in [&a, &b] {
        let pooled: Vec<Outcome> = checks
            .iter()
            .filter(|c| c.condition == Condition::GrantPooled)
            .map(|c| c.outcome)
            .collect();
        assert_eq!(pooled, vec![Outcome::Met, Outcome::Met]);
    }
    assert_eq!(find(&a, Condition::PlanAgreed).outcome, Outcome::CannotTell);
    assert_eq!(find(&a, Condition::NhsMinimumUplift).outcome, Outcome::CannotTell);
    assert_eq!(find(&b, Condition::NhsMinimumUplift).outcome, Outcome::Met);
    assert_eq!(find(&b, Condition::SocialCareMaintained).outcome, Outcome::CannotTell);
    assert_eq!(find(&a, Condition::OutOfHospitalRingFence).outcome, Outcome::Met);
    assert_eq!(find(&b, Condition::FundingFullyPlanned).outcome, Outcome::Met);
    let err = check_all(&plan, &calendar, &inputs, y("2019/20")).unwrap_err();
    assert!(err.to_string().contains("2019/20"), "{err}");
}

// ------------------------------------------------------------ properties

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// An uplift chain over N years equals applying each year's uplift and
    /// rounding in turn, and each year's total is the sum of the rounded amounts.
    #[test]
    fn uplift_chain_is_each_year_rounded_in_turn(
        base in prop::collection::vec(0i64..10_000_000_000, 1..5),
        uplifts in prop::collection::vec(0u32..1_000, 1..8),
        tenths in any::<bool>(),
    ) {
        let precision = if tenths { Precision::THOUSANDS_1DP } else { Precision::PENCE };
        let start = FinancialYear::starting(2017).unwrap();
        let mut params = PolicyParameters::default();
        let mut years = Vec::new();
        let mut yr = start;
        for u in &uplifts {
            yr = yr.next().unwrap();
            params.set(PolicyRule::for_year(Parameter::NhsMinimumUplift, yr, Decimal::new(i64::from(*u), 2), "p"));
            years.push(yr);
        }
        let base: Vec<(String, Money)> = base
            .iter()
            .enumerate()
            .map(|(i, p)| (format!("c{i}"), Money::from_pence(*p)))
            .collect();
        let chain = uplift_chain(&base, &years, &params, precision, Rounding::HalfAwayFromZero).unwrap();
        prop_assert_eq!(chain.len(), years.len());
        let mut current: Vec<Money> = base.iter().map(|(_, m)| *m).collect();
        for (step, u) in chain.iter().zip(&uplifts) {
            current = current
                .iter()
                .map(|m| uplift(*m, Decimal::new(i64::from(*u), 2), precision, Rounding::HalfAwayFromZero).unwrap())
                .collect();
            let got: Vec<Money> = step.amounts.iter().map(|(_, m)| *m).collect();
            prop_assert_eq!(&got, &current);
            prop_assert_eq!(step.total, Money::checked_sum(current.iter().copied()).unwrap());
            for m in &got {
                prop_assert!(m.is_multiple_of(precision));
            }
        }
    }
}
