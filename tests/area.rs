//! A fictional area, Northshire, checked for 2021/22 and 2023/24 from CSV
//! files alone: its plan (tidy CSV) and its published inputs (an area
//! inputs CSV), under the shipped policy calendar.

use bcf_model::calendar::FinancialYear;
use bcf_model::conditions::check_all;
use bcf_model::io::tidy::read_plan_tidy;
use bcf_model::io::{read_area_inputs, LoadErrorKind};
use bcf_model::money::{Money, Unit};
use bcf_model::plan::FundingSourceKind;
use bcf_model::rollup::roll_up;
use bcf_model::verdict::{Condition, ConditionCheck, Outcome};

const PLAN_2021_22: &str = include_str!("../examples/data/northshire_2021_22_plan.csv");
const INPUTS_2021_22: &str = include_str!("../examples/data/northshire_2021_22_inputs.csv");
const PLAN_2023_25: &str = include_str!("../examples/data/northshire_2023_25_plan.csv");
const INPUTS_2023_25: &str = include_str!("../examples/data/northshire_2023_25_inputs.csv");

fn y(s: &str) -> FinancialYear {
    s.parse().unwrap()
}

fn gbp(s: &str) -> Money {
    Money::parse(s, Unit::Pounds).unwrap()
}

fn national<'c>(checks: &'c [ConditionCheck], key: &str) -> &'c ConditionCheck {
    checks
        .iter()
        .find(|c| c.national.as_deref() == Some(key))
        .unwrap_or_else(|| panic!("no check for {key}"))
}

fn rule(checks: &[ConditionCheck], condition: Condition) -> &ConditionCheck {
    checks.iter().find(|c| c.condition == condition).unwrap()
}

#[test]
fn a_2021_22_one_year_plan_gets_a_verdict_per_condition() {
    let plan = read_plan_tidy("northshire_2021_22_plan.csv", PLAN_2021_22).unwrap();
    let inputs = read_area_inputs("northshire_2021_22_inputs.csv", INPUTS_2021_22).unwrap();
    let calendar = bcf_model::data::policy_calendar().unwrap();
    let checks = check_all(&plan, &calendar, &inputs, y("2021/22")).unwrap();
    let keys: Vec<Option<&str>> = checks.iter().map(|c| c.national.as_deref()).collect();
    assert_eq!(
        keys,
        [
            Some("jointly_agreed_plan"),
            Some("nhs_contribution_to_social_care_maintained"),
            Some("invest_in_nhs_commissioned_out_of_hospital"),
            Some("discharge_plan"),
            None,
            None,
            None,
        ],
        "the four 2021/22 conditions, the uplift, funding fully planned, the iBCF pooled"
    );
    let text: Vec<String> = checks.iter().map(ToString::to_string).collect();
    let all = text.join("\n");
    assert_eq!(national(&checks, "jointly_agreed_plan").outcome, Outcome::Met, "{all}");
    let social = national(&checks, "nhs_contribution_to_social_care_maintained");
    assert_eq!(social.outcome, Outcome::Met, "{all}");
    assert_eq!(social.money("flagged spend from NHS minimum"), Some(gbp("7,600,000")));
    let ooh = national(&checks, "invest_in_nhs_commissioned_out_of_hospital");
    assert_eq!(ooh.outcome, Outcome::Met, "{all}");
    assert_eq!(ooh.money("ring-fence"), Some(gbp("5,700,000")));
    assert_eq!(ooh.money("variance"), Some(gbp("300,000")));
    let discharge = national(&checks, "discharge_plan");
    assert_eq!(
        (discharge.condition, discharge.outcome),
        (Condition::Unchecked, Outcome::CannotTell)
    );
    // The uplift into the plan's only year, from the supplied 2020/21
    // minimum: 18,993,352 x 1.053 = 19,999,999.656, £20,000,000 to the pound.
    let uplift = rule(&checks, Condition::NhsMinimumUplift);
    assert_eq!(uplift.outcome, Outcome::Met, "{all}");
    assert_eq!(uplift.percent("uplift (policy)"), Some("5.3".parse().unwrap()));
    assert_eq!(uplift.money("ns_ccg 2021/22 required"), Some(gbp("20,000,000")));
    assert_eq!(
        rule(&checks, Condition::FundingFullyPlanned).outcome,
        Outcome::Met,
        "{all}"
    );
    assert_eq!(rule(&checks, Condition::GrantPooled).outcome, Outcome::Met, "{all}");

    // A larger 2020/21 minimum: the same plan falls short of the uplift.
    let higher = INPUTS_2021_22.replace("\"18,993,352\"", "\"19,100,000\"");
    let inputs = read_area_inputs("higher.csv", &higher).unwrap();
    let checks = check_all(&plan, &calendar, &inputs, y("2021/22")).unwrap();
    let uplift = rule(&checks, Condition::NhsMinimumUplift);
    assert_eq!(uplift.outcome, Outcome::NotMet, "{uplift}");
    assert_eq!(uplift.money("ns_ccg 2021/22 required"), Some(gbp("20,112,300")));

    // Without the prior year, the one-year plan's uplift cannot be told.
    let none: String = INPUTS_2021_22
        .lines()
        .filter(|l| !l.starts_with("prior_nhs_minimum"))
        .collect::<Vec<_>>()
        .join("\n");
    let inputs = read_area_inputs("none.csv", &none).unwrap();
    let checks = check_all(&plan, &calendar, &inputs, y("2021/22")).unwrap();
    assert_eq!(rule(&checks, Condition::NhsMinimumUplift).outcome, Outcome::CannotTell);
}

#[test]
fn a_2023_25_plan_is_checked_year_by_year_and_says_what_the_calendar_does_not_confirm() {
    let plan = read_plan_tidy("northshire_2023_25_plan.csv", PLAN_2023_25).unwrap();
    let inputs = read_area_inputs("northshire_2023_25_inputs.csv", INPUTS_2023_25).unwrap();
    let calendar = bcf_model::data::policy_calendar().unwrap();
    let checks = check_all(&plan, &calendar, &inputs, y("2023/24")).unwrap();
    let all: String = checks.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n");
    // 23,600,000 x 1.0566 = 24,935,760: the planned 25,000,000 meets it.
    let uplift = rule(&checks, Condition::NhsMinimumUplift);
    assert_eq!(uplift.outcome, Outcome::Met, "{all}");
    assert_eq!(uplift.money("ns_icb 2023/24 required"), Some(gbp("24,935,760")));
    // The two 2023-25 objectives are not figures of the plan.
    for key in [
        "objective_stay_well_safe_independent_at_home",
        "objective_right_care_right_place_right_time",
    ] {
        assert_eq!(national(&checks, key).outcome, Outcome::CannotTell, "{all}");
    }
    // The calendar does not confirm the 2023-25 wording of the out-of-hospital
    // condition: the plan's figures are shown, the verdict is CANNOT TELL.
    let ooh = national(&checks, "invest_in_nhs_commissioned_out_of_hospital");
    assert_eq!(ooh.outcome, Outcome::CannotTell, "{all}");
    assert_eq!(ooh.money("variance"), Some(gbp("500,000")));
    assert!(ooh.to_string().contains("the plan shows MET"), "{ooh}");

    // 2024/25's uplift is not confirmed: CANNOT TELL for the uplift alone.
    let later = check_all(&plan, &calendar, &inputs, y("2024/25")).unwrap();
    let uplift = rule(&later, Condition::NhsMinimumUplift);
    assert_eq!(uplift.outcome, Outcome::CannotTell);
    assert!(uplift.to_string().contains("not confirmed"), "{uplift}");
    assert_eq!(rule(&later, Condition::FundingFullyPlanned).outcome, Outcome::Met);

    // The additional discharge funding is its own stream, council and ICB.
    let r = roll_up(&[("Northshire", &plan)], y("2023/24")).unwrap();
    assert_eq!(
        r.stream(&FundingSourceKind::AdditionalDischargeCouncil),
        gbp("1,000,000")
    );
    assert_eq!(r.stream(&FundingSourceKind::AdditionalDischargeIcb), gbp("1,500,000"));
    assert_eq!(r.total, gbp("40,700,000"));
}

#[test]
fn bad_area_inputs_are_located() {
    let text = "item,year,party,kind,amount,note\n\
                prior_nhs_minimum,2020/21,,,100,\n\
                sign_off,,hwb,,,Chair\n\
                dfg,2021/22,North,,-5,\n\
                pooled_grant,2021/22,iBCF,Ibfc,10,\n\
                grant,2021/22,x,,1,\n";
    let errors = read_area_inputs("inputs.csv", text).unwrap_err();
    let found: Vec<(Option<u64>, Option<&str>, &LoadErrorKind)> =
        errors.iter().map(|e| (e.line, e.column.as_deref(), &e.kind)).collect();
    assert_eq!(
        found,
        [
            (Some(2), Some("party"), &LoadErrorKind::Value),
            (Some(4), Some("amount"), &LoadErrorKind::Dataset),
            (Some(5), Some("kind"), &LoadErrorKind::Value),
            (Some(6), Some("item"), &LoadErrorKind::Value),
        ],
        "{errors}"
    );
}
