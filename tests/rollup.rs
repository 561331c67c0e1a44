//! Roll-ups of many areas: national stream totals are exactly the sums of
//! the areas', the uplift is applied area by area, and the national
//! figures the calendar publishes add up.

use bcf_model::calendar::FinancialYear;
use bcf_model::conditions::{check_all, ConditionInputs, SignOff};
use bcf_model::money::{Money, Precision, Rounding, Unit};
use bcf_model::plan::{ContributorKind, FundingSourceKind, LineDraft, Plan};
use bcf_model::policy::Topic;
use bcf_model::rollup::{outcomes, roll_up, uplift_by_area};
use bcf_model::verdict::Outcome;
use proptest::prelude::*;

fn y(s: &str) -> FinancialYear {
    s.parse().unwrap()
}

/// An area's 2021/22 plan: an ICB paying its NHS minimum, a council its
/// iBCF and DFG, each spent in full on one line.
fn area_plan(name: &str, nhs: Money, ibcf: Money, dfg: Money) -> Plan {
    let year = y("2021/22");
    let mut b = Plan::builder(name)
        .year(year)
        .contributor("icb", "ICB", ContributorKind::Icb)
        .contributor("council", "Council", ContributorKind::UnitaryCouncil)
        .source("nhs_min", "NHS minimum", FundingSourceKind::NhsMinimum)
        .source("ibcf", "iBCF", FundingSourceKind::Ibcf)
        .source("dfg", "DFG", FundingSourceKind::Dfg)
        .allocation("nhs_min", "icb", year, nhs)
        .allocation("ibcf", "council", year, ibcf)
        .allocation("dfg", "council", year, dfg)
        .programme("P", "All");
    for (id, c, f, m) in [
        ("care", "icb", "nhs_min", nhs),
        ("social", "council", "ibcf", ibcf),
        ("adapt", "council", "dfg", dfg),
    ] {
        b = b.line(LineDraft::new(id.to_string(), "P".to_string(), id.to_string()).amount(c, year, f, m));
    }
    b.build().expect("a balanced area plan")
}

fn pounds(pence: i64) -> Money {
    Money::from_pence(pence)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    /// 150 to 160 areas: each national stream total is exactly the sum of
    /// what the areas were allocated (the figures the plans were built
    /// from, added here as integers of pence), and the total of all streams
    /// is the sum of the three.
    #[test]
    fn national_stream_totals_are_the_sums_of_the_areas(
        amounts in proptest::collection::vec((0i64..10_000_000_000, 0i64..2_000_000_000, 0i64..500_000_000), 150..=160)
    ) {
        let plans: Vec<(String, Plan)> = amounts
            .iter()
            .enumerate()
            .map(|(i, (n, b, d))| (format!("area {i}"), area_plan(&format!("area {i}"), pounds(*n), pounds(*b), pounds(*d))))
            .collect();
        let areas: Vec<(&str, &Plan)> = plans.iter().map(|(n, p)| (n.as_str(), p)).collect();
        let r = roll_up(&areas, y("2021/22")).unwrap();
        prop_assert_eq!(r.areas, amounts.len());
        let (n, b, d) = amounts.iter().fold((0i64, 0i64, 0i64), |(n, b, d), (x, y, z)| (n + x, b + y, d + z));
        prop_assert_eq!(r.stream(&FundingSourceKind::NhsMinimum), pounds(n));
        prop_assert_eq!(r.stream(&FundingSourceKind::Ibcf), pounds(b));
        prop_assert_eq!(r.stream(&FundingSourceKind::Dfg), pounds(d));
        prop_assert_eq!(r.total, pounds(n + b + d));
        prop_assert_eq!(r.streams.len(), 3);
    }

    /// The uplift applied area by area and rounded there adds to the
    /// national total uplifted once, give or take half a rounding step an
    /// area; when every area's uplift is exact at the precision, the two
    /// agree to the penny.
    #[test]
    fn uplift_by_area_is_within_half_a_step_an_area_of_the_national_uplift(
        amounts in proptest::collection::vec(0i64..100_000_000_000, 150..=160),
        hundredths in 0u32..1_000,
    ) {
        let percent = rust_decimal::Decimal::new(i64::from(hundredths), 2);
        let areas: Vec<(&str, Money)> = amounts.iter().map(|p| ("area", pounds(*p))).collect();
        let u = uplift_by_area(&areas, percent, Precision::POUNDS, Rounding::HalfAwayFromZero).unwrap();
        let half_pound_an_area = pounds(50 * i64::try_from(areas.len()).unwrap());
        prop_assert!(u.difference.abs() <= half_pound_an_area, "{:?}", u.difference);
        let sum = Money::checked_sum(u.areas.iter().map(|(_, m)| *m)).unwrap();
        prop_assert_eq!(sum, u.sum_of_areas);
        // Whole hundreds of pounds uplifted by a whole percent are exact.
        let exact: Vec<(&str, Money)> = amounts.iter().map(|p| ("area", pounds(p / 10_000 * 10_000))).collect();
        let whole = rust_decimal::Decimal::from(hundredths / 100);
        let e = uplift_by_area(&exact, whole, Precision::POUNDS, Rounding::HalfAwayFromZero).unwrap();
        prop_assert_eq!(e.difference, Money::ZERO);
    }
}

/// Rounding per area is what the plans must show, and it can differ from
/// the national uplift by more than a penny: 150 areas of £1,005.10
/// uplifted by 5.3% to whole pounds each gain £53.27, rounded to £1,058 a
/// area (£158,700 in all), where the national £150,765 uplifted is
/// £158,755.545, rounded to £158,756.
#[test]
fn the_per_area_uplift_differs_from_the_national_one_where_rounding_says() {
    let areas = vec![("area", Money::parse("1,005.10", Unit::Pounds).unwrap()); 150];
    let u = uplift_by_area(
        &areas,
        "5.3".parse().unwrap(),
        Precision::POUNDS,
        Rounding::HalfAwayFromZero,
    )
    .unwrap();
    assert_eq!(u.sum_of_areas, Money::parse("158,700", Unit::Pounds).unwrap());
    assert_eq!(u.national, Money::parse("158,756", Unit::Pounds).unwrap());
    assert_eq!(u.difference, Money::parse("-56", Unit::Pounds).unwrap());
}

/// The national figures of the calendar add up: 2020/21's NHS minimum
/// £4,048m, iBCF £2,077m and DFG £573m are £6,698m; the 2022/23 Discharge
/// Fund's £200m council grant and £300m through ICBs are £500m, 40% and
/// 60%; 2023/24's additional discharge funding is £300m each way.
#[test]
fn the_calendars_national_streams_add_up() {
    let calendar = bcf_model::data::policy_calendar().unwrap();
    let m = |s: &str| Money::parse(s, Unit::Millions).unwrap();
    let streams = |year: &str| -> Vec<(String, Money)> {
        calendar
            .in_force(Topic::Stream, y(year))
            .filter_map(|r| Some((r.key.clone(), r.amount()?)))
            .collect()
    };
    let total = |year: &str| Money::checked_sum(streams(year).into_iter().map(|(_, a)| a)).unwrap();
    assert_eq!(
        streams("2020/21"),
        [
            ("nhs_minimum".to_string(), m("4048")),
            ("ibcf".to_string(), m("2077")),
            ("dfg".to_string(), m("573")),
        ]
    );
    assert_eq!(total("2020/21"), m("6698"));
    let discharge = streams("2022/23");
    let part = |k: &str| discharge.iter().find(|(key, _)| key == k).map(|(_, a)| *a).unwrap();
    let (council, icb) = (part("discharge_fund_council"), part("discharge_fund_icb"));
    assert_eq!(council.checked_add(icb).unwrap(), m("500"));
    let share = council.pounds() * rust_decimal::Decimal::from(100) / (council.pounds() + icb.pounds());
    assert_eq!(share, rust_decimal::Decimal::from(40));
    let later = streams("2023/24");
    let extra: Vec<&(String, Money)> = later
        .iter()
        .filter(|(k, _)| k.starts_with("additional_discharge"))
        .collect();
    assert_eq!(extra.len(), 2);
    assert!(extra.iter().all(|(_, a)| *a == m("300")));
    // The 2017/18 and 2018/19 uplifts the Leicestershire plan shows.
    let uplift = |year: &str| {
        calendar
            .lookup(Topic::NhsMinimumUplift, "nhs_minimum", y(year))
            .confirmed()
            .and_then(|r| r.percent())
    };
    assert_eq!(uplift("2017/18"), Some("1.79".parse().unwrap()));
    assert_eq!(uplift("2018/19"), Some("1.9".parse().unwrap()));
    assert_eq!(uplift("2022/23"), Some("5.66".parse().unwrap()));
    assert_eq!(uplift("2023/24"), Some("5.66".parse().unwrap()));
}

/// Condition outcomes counted over areas: three areas, two signed off.
#[test]
fn condition_outcomes_are_counted_over_areas() {
    let calendar = bcf_model::data::policy_calendar().unwrap();
    let year = y("2021/22");
    let plans: Vec<Plan> = (0..3)
        .map(|i| area_plan(&format!("area {i}"), pounds(100_000), pounds(50_000), pounds(20_000)))
        .collect();
    let mut checks = Vec::new();
    for (i, plan) in plans.iter().enumerate() {
        let mut inputs = ConditionInputs::default();
        if i < 2 {
            for party in ["icb", "council", "hwb"] {
                inputs.sign_offs.push(SignOff {
                    party: party.into(),
                    signed_by: "Chair".into(),
                    date: None,
                });
            }
        }
        checks.push(check_all(plan, &calendar, &inputs, year).unwrap());
    }
    let counts = outcomes(&checks);
    assert_eq!(counts.get(&("jointly_agreed_plan".to_string(), Outcome::Met)), Some(&2));
    assert_eq!(
        counts.get(&("jointly_agreed_plan".to_string(), Outcome::CannotTell)),
        Some(&1)
    );
    assert_eq!(
        counts.get(&("discharge_plan".to_string(), Outcome::CannotTell)),
        Some(&3)
    );
}
