//! DTOC: the published Leicestershire figures, and property tests of the
//! conversions, attribution splits and trajectories.

use bcf_model::calendar::{Month, Quarter};
use bcf_model::data::leicestershire;
use bcf_model::dtoc::{
    chart_svg, chart_svg_in, monthly_from_per_day, per_day, AttributedRate, ChartActual, ChartUnit, DelayedDays,
    DtocMonth, ProfileScaling, Trajectory,
};
use bcf_model::metrics::{
    ids, implied_population, AnnualRate, DailyRate, Percent, Period, Polarity, Population, PrintedValue, Rag,
    RagPolicy, Rate,
};
use bcf_model::money::{Format, Precision, Render, Rounding};
use proptest::prelude::*;
use rust_decimal::Decimal;

const R: Rounding = Rounding::HalfAwayFromZero;

fn d(s: &str) -> Decimal {
    Decimal::from_str_exact(s).unwrap()
}

fn rate(s: &str) -> Rate {
    Rate::new(d(s))
}

fn month(s: &str) -> Month {
    s.parse().unwrap()
}

#[test]
fn june_2017_is_318_39_per_100k_of_546_185_adults() {
    let adults = Population::new(546_185).unwrap();
    let june = DtocMonth::new(month("2017-06"), 1_739);
    let r = june.rate(adults).unwrap();
    assert_eq!(r.round(2, R), rate("318.39"));
    assert_eq!(r.render(Precision::PENCE), "318.39");
    // 10.61 delayed days per 100,000 per day over June's 30 days
    assert_eq!(june.per_day_rate(adults).unwrap().render(Precision::PENCE), "10.61");
}

#[test]
fn june_2017_implied_population_interval() {
    let printed: PrintedValue = "318.39".parse().unwrap();
    let i = implied_population(Decimal::from(1_739), printed).unwrap();
    assert_eq!(i.point().unwrap().round(), Decimal::from(546_185));
    assert_eq!(i.whole_people(), Some((546_177, 546_194)));
    assert_eq!(i.render(Precision::PENCE), "(546,176.92, 546,194.07]");
    // The interval is tight: every whole population in it prints 318.39, the neighbours do not.
    for people in 546_177..=546_194 {
        let r = Rate::from_count(Decimal::from(1_739), Population::new(people).unwrap()).unwrap();
        assert_eq!(r.round(2, R), rate("318.39"), "{people}");
    }
    for people in [546_176, 546_195] {
        let r = Rate::from_count(Decimal::from(1_739), Population::new(people).unwrap()).unwrap();
        assert_ne!(r.round(2, R), rate("318.39"), "{people}");
    }
}

#[test]
fn per_day_rates() {
    // 7.88 a day per 100,000 = 244.28 in a 31-day month
    let may = month("2018-05");
    let daily = |s: &str| DailyRate::new(s.parse().unwrap());
    assert_eq!(monthly_from_per_day(daily("7.88"), may).unwrap(), rate("244.28"));
    assert_eq!(per_day(rate("244.28"), may).unwrap(), daily("7.88"));
    // the same daily rate in a 30-day month is lower as a monthly total
    assert_eq!(
        monthly_from_per_day(daily("7.88"), month("2018-06")).unwrap(),
        rate("236.40")
    );
    // 7.8832 a day (the LLR per-day target) is exactly 244.3792 in May
    assert_eq!(monthly_from_per_day(daily("7.8832"), may).unwrap(), rate("244.3792"));
}

#[test]
fn short_months_look_better() {
    let t = leicestershire::dtoc_trajectory_2017_18().unwrap();
    let (feb, mar) = (month("2018-02"), month("2018-03"));
    assert_eq!(t.target(feb), Some(rate("215.31")));
    assert_eq!(t.target(mar), Some(rate("223.03")));
    assert!(t.target(feb) < t.target(mar));
    // per day February is the worse target
    let feb_day = per_day(rate("215.31"), feb).unwrap();
    let mar_day = per_day(rate("223.03"), mar).unwrap();
    assert!(feb_day > mar_day);
    assert_eq!(
        (feb_day.render(Precision::PENCE), mar_day.render(Precision::PENCE)),
        ("7.69".into(), "7.19".into())
    );
}

#[test]
fn quarter_targets_are_averages_of_monthly_rates() {
    let t = leicestershire::dtoc_trajectory_2017_18().unwrap();
    let q = |s: &str| t.quarter_average(s.parse::<Quarter>().unwrap()).unwrap();
    assert_eq!(q("2017/18 Q1"), rate("289.91"));
    assert_eq!(q("2017/18 Q2").render(Precision::PENCE), "275.75"); // 827.26 / 3
    assert_eq!(q("2017/18 Q3").render(Precision::PENCE), "244.50"); // 733.49 / 3
    assert_eq!(q("2017/18 Q4"), rate("230.69")); // 692.07 / 3, exact
    assert_eq!(t.quarter_averages().unwrap().len(), 4);
    assert!(t.quarter_average("2018/19 Q1".parse().unwrap()).is_err());
}

#[test]
fn published_2016_17_quarters_and_q4_red() {
    let actuals = leicestershire::dtoc_actuals().unwrap();
    let quarters: Vec<(String, Decimal)> = actuals
        .iter()
        .filter_map(|a| match a.period {
            Period::Quarter(q) => Some((q.to_string(), a.rate.value)),
            _ => None,
        })
        .collect();
    assert_eq!(
        quarters,
        vec![
            ("2016/17 Q1".to_string(), d("287.04")),
            ("2016/17 Q2".to_string(), d("357.19")),
            ("2016/17 Q3".to_string(), d("382.17")),
            ("2016/17 Q4".to_string(), d("377.10")),
        ]
    );
    // the year as the mean of its quarters (each the mean of three months)
    let year = Rate::mean(&quarters.iter().map(|(_, r)| Rate::new(*r)).collect::<Vec<_>>()).unwrap();
    assert_eq!(year, rate("350.875"));
    // Q4 377.10 against 312.19 is Red under the default policy
    let a = RagPolicy::default()
        .assess(ids::DTOC, Polarity::LowerIsBetter, d("377.10"), d("312.19"))
        .unwrap();
    assert_eq!(a.computed, Rag::Red);
    assert_eq!(a.adverse_gap, d("64.91"));
    // June 2017 row: 1,739 days at 318.39
    let june = actuals
        .iter()
        .find(|a| a.period == Period::Month(month("2017-06")))
        .unwrap();
    assert_eq!((june.delayed_days, june.rate.value), (Some(1_739), d("318.39")));
}

#[test]
fn june_variance_in_rate_and_days() {
    let t = leicestershire::dtoc_trajectory_2017_18().unwrap();
    let adults = Population::new(546_185).unwrap();
    let v = t.variance(&DtocMonth::new(month("2017-06"), 1_739), adults).unwrap();
    assert_eq!(v.target, rate("289.91"));
    assert_eq!(v.rate_gap.render(Precision::PENCE), "28.48");
    assert_eq!(v.target_days.round_dp(2), d("1583.44"));
    assert_eq!(v.days_gap.round_dp(2), d("155.56"));
    assert!(t.variance(&DtocMonth::new(month("2018-06"), 1), adults).is_err());
}

#[test]
fn percent_of_occupied_bed_days() {
    let m = DtocMonth::new(month("2018-03"), 1_750);
    assert_eq!(m.percent_of_occupied_bed_days(50_000).unwrap(), Percent::new(d("3.5")));
    assert!(m.percent_of_occupied_bed_days(0).is_err());
    // and back: 3.50% of 50,000 occupied bed days is 1,750 delayed days
    assert_eq!(
        Percent::new(d("3.50")).part_of(Decimal::from(50_000)).unwrap(),
        Decimal::from(1_750)
    );
}

#[test]
fn attribution_and_equal_sharing() {
    let days = DelayedDays::new(900, 700, 139);
    let m = DtocMonth::attributed(month("2017-06"), days).unwrap();
    assert_eq!(m.total_days(), 1_739);
    let adults = Population::new(546_185).unwrap();
    let parts: Vec<Decimal> = bcf_model::dtoc::Attribution::ALL
        .iter()
        .map(|a| m.attributed_rate(*a, adults).unwrap().unwrap().per_100k())
        .collect();
    assert_eq!(parts.iter().sum::<Decimal>(), m.rate(adults).unwrap().per_100k());
    // 1,739 -> 1,583: 156 days off, 78 each
    let better = days.share_improvement(1_583).unwrap();
    assert_eq!(better, DelayedDays::new(822, 622, 139));
    // an odd improvement: the extra day comes off the NHS
    assert_eq!(days.share_improvement(1_738).unwrap(), DelayedDays::new(899, 700, 139));
    assert!(days.share_improvement(1_740).is_err());
    assert!(DelayedDays::new(10, 0, 5).share_improvement(5).is_err());
    assert!(DelayedDays::new(u64::MAX, 1, 0).total().is_err());
    // rates: Jun 289.91 to Mar 223.03 is 66.88 off, 33.44 each
    let now = AttributedRate {
        nhs: rate("150.00"),
        social_care: rate("110.00"),
        both: rate("29.91"),
    };
    let target = now.share_improvement(rate("223.03")).unwrap();
    assert_eq!(
        (target.nhs, target.social_care, target.both),
        (rate("116.56"), rate("76.56"), rate("29.91"))
    );
    assert!(now.share_improvement(rate("10")).is_err());
    // Per day of March 2018 (31 days): 223.03 a month is 7.1945... a day,
    // and the parts a day add to the total a day (the total of the month,
    // 223.03, over 31, to the 28th place).
    let march = month("2018-03");
    let daily = target.per_day(march).unwrap();
    assert_eq!(daily.nhs, per_day(rate("116.56"), march).unwrap());
    assert_eq!(daily.total().unwrap().render(Format::places(4).unwrap()), "7.1945");
    assert_eq!(
        daily.total().unwrap().render(Format::places(4).unwrap()),
        per_day(rate("223.03"), march)
            .unwrap()
            .render(Format::places(4).unwrap())
    );
}

#[test]
fn llr_profile_trajectory() {
    let profile = leicestershire::llr_profile_2017_18().unwrap();
    assert_eq!(profile.first(), Some(&(month("2017-05"), Percent::new(d("5.06")))));
    assert_eq!(profile.last(), Some(&(month("2018-03"), Percent::new(d("3.50")))));
    let end = rate("223.03");
    let per_month = Trajectory::from_profile(&profile, end, ProfileScaling::PerMonth).unwrap();
    let per_day = Trajectory::from_profile(&profile, end, ProfileScaling::PerDay).unwrap();
    for t in [&per_month, &per_day] {
        assert_eq!(t.target(month("2018-03")), Some(end));
        assert_eq!(t.len(), 11);
    }
    // October and November share 3.81%: equal per month, 31:30 per day
    assert_eq!(per_month.target(month("2017-10")), per_month.target(month("2017-11")));
    let (oct, nov) = (
        per_day.target(month("2017-10")).unwrap(),
        per_day.target(month("2017-11")).unwrap(),
    );
    assert_eq!(
        (oct.checked_mul(Decimal::from(30)).unwrap()).round(20, R),
        (nov.checked_mul(Decimal::from(31)).unwrap()).round(20, R)
    );
    // May at 5.06% is 5.06/3.50 of the March target
    assert_eq!(
        per_month.target(month("2017-05")).unwrap().render(Precision::PENCE),
        "322.44"
    );
}

#[test]
fn linear_trajectory() {
    let t = Trajectory::linear(month("2017-04"), rate("289.91"), month("2018-03"), rate("223.03")).unwrap();
    assert_eq!(t.target(month("2017-04")), Some(rate("289.91")));
    assert_eq!(t.target(month("2018-03")), Some(rate("223.03")));
    // equal steps of 66.88 / 11
    let v: Vec<Rate> = t.iter().map(|(_, r)| r).collect();
    let step = v[1].checked_sub(v[0]).unwrap();
    assert_eq!(step.render(Format::places(4).unwrap()), "-6.0800");
    for w in v.windows(2) {
        assert_eq!(w[1].checked_sub(w[0]).unwrap().round(20, R), step.round(20, R));
    }
}

#[test]
fn chart_is_a_well_formed_svg() {
    let t = leicestershire::dtoc_trajectory_2017_18().unwrap();
    let svg = chart_svg("DTOC <2017/18> & actual", &t, &[(month("2017-06"), rate("318.39"))]).unwrap();
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.trim_end().ends_with("</svg>"));
    assert!(svg.contains("DTOC &lt;2017/18&gt; &amp; actual"));
    assert_eq!(svg.matches("<text").count(), svg.matches("</text>").count());
    assert_eq!(svg.matches("<circle").count(), 2); // June and the legend
    assert!(svg.contains(">318.39</text>"));
    assert!(svg.contains(">Feb-18</text>"));
    assert!(!svg.contains("NaN") && !svg.contains("inf"));
}

/// The 2017/18 trajectory as printed (dtoc_trajectory_2017_18.csv in the
/// shared Leicestershire 2017-19 data), delayed days per 100,000 adults 18+
/// a month, April to March.
const PUBLISHED_2017_18: [(&str, &str); 12] = [
    ("2017-04", "289.91"),
    ("2017-05", "289.91"),
    ("2017-06", "289.91"),
    ("2017-07", "295.31"),
    ("2017-08", "278.57"),
    ("2017-09", "253.38"),
    ("2017-10", "245.07"),
    ("2017-11", "235.95"),
    ("2017-12", "252.47"),
    ("2018-01", "253.73"),
    ("2018-02", "215.31"),
    ("2018-03", "223.03"),
];

#[test]
fn trajectory_from_per_day_targets() {
    // DOMAIN.md section 5 and issue 14: 7.8832 a day x 31 = 244.3792 (May 2018);
    // 7.88 a day = 244.28 in a 31-day month.
    let t = Trajectory::from_daily(vec![
        (month("2018-05"), DailyRate::new(d("7.8832"))),
        (month("2018-06"), DailyRate::new(d("7.88"))),
    ])
    .unwrap();
    assert_eq!(t.target(month("2018-05")), Some(rate("244.3792")));
    assert_eq!(t.target(month("2018-06")), Some(rate("236.40")));
    assert!(Trajectory::from_daily(vec![
        (month("2018-05"), DailyRate::new(d("7.88"))),
        (month("2018-07"), DailyRate::new(d("7.88"))),
    ])
    .is_err());
    assert!(Trajectory::from_daily(vec![]).is_err());

    // One per-day target, 7.88, for the whole of 2018/19: each month holds
    // 7.88 x its days, and the year 7.88 x 365.
    let year = Trajectory::daily(month("2018-04"), month("2019-03"), DailyRate::new(d("7.88"))).unwrap();
    assert_eq!(year.len(), 12);
    assert_eq!(year.target(month("2018-05")), Some(rate("244.28"))); // 31 days
    assert_eq!(year.target(month("2018-09")), Some(rate("236.40"))); // 30 days
    assert_eq!(year.target(month("2019-02")), Some(rate("220.64"))); // 28 days
    let total = year.year_total("2018/19".parse().unwrap()).unwrap();
    assert_eq!(total, AnnualRate::new(d("2876.20")));
    assert_eq!(
        total,
        DailyRate::new(d("7.88")).over_year("2018/19".parse().unwrap()).unwrap()
    );
    for (_, daily) in year.daily_targets().unwrap() {
        assert_eq!(daily, DailyRate::new(d("7.88")));
    }
    assert!(Trajectory::daily(month("2019-03"), month("2018-04"), DailyRate::new(d("7.88"))).is_err());
    // 2018/19 is not all in a trajectory of one month
    assert!(
        Trajectory::daily(month("2018-04"), month("2018-04"), DailyRate::new(d("7.88")))
            .unwrap()
            .year_total("2018/19".parse().unwrap())
            .is_err()
    );
}

#[test]
fn published_2017_18_trajectory_per_day_and_back() {
    let published = leicestershire::dtoc_trajectory_2017_18().unwrap();
    let expected: Vec<(Month, Rate)> = PUBLISHED_2017_18.iter().map(|(m, r)| (month(m), rate(r))).collect();
    assert_eq!(published.iter().collect::<Vec<_>>(), expected);
    let daily = published.daily_targets().unwrap();
    let day = |m: &str| daily.iter().find(|(x, _)| *x == month(m)).unwrap().1;
    // September (30 days) and November (30 days) divide exactly.
    assert_eq!(day("2017-09"), DailyRate::new(d("8.446")));
    assert_eq!(day("2017-11"), DailyRate::new(d("7.865")));
    assert_eq!(day("2017-06").render(Precision::PENCE), "9.66");
    assert_eq!(day("2018-02").render(Precision::PENCE), "7.69");
    // Built from its per-day targets, the trajectory holds the printed
    // monthly targets again: exactly where the day's figure is exact, to
    // the printed two places everywhere.
    let rebuilt = Trajectory::from_daily(daily.clone()).unwrap();
    assert_eq!(rebuilt.target(month("2017-09")), Some(rate("253.38")));
    assert_eq!(rebuilt.target(month("2017-11")), Some(rate("235.95")));
    for (m, r) in &expected {
        assert_eq!(rebuilt.target(*m).unwrap().round(2, R), *r, "{m}");
    }
    // The year's target is the sum of the months: Q1 869.73 + Q2 827.26 +
    // Q3 733.49 + Q4 692.07 = 3,122.55 delayed days per 100,000 adults a year.
    let year = published.year_total("2017/18".parse().unwrap()).unwrap();
    assert_eq!(year, AnnualRate::new(d("3122.55")));
    assert_eq!(year.to_string(), "3122.55 a year");
}

#[test]
fn chart_per_day_labels_are_per_day_figures() {
    let t = leicestershire::dtoc_trajectory_2017_18().unwrap();
    // June 2017: 318.39 a month against 289.91 is Red under the default policy.
    let rag = RagPolicy::default()
        .assess(ids::DTOC, Polarity::LowerIsBetter, d("318.39"), d("289.91"))
        .unwrap()
        .computed;
    assert_eq!(rag, Rag::Red);
    let june = ChartActual {
        month: month("2017-06"),
        rate: rate("318.39"),
        rag: Some(rag),
    };
    let per_day_svg = chart_svg_in("DTOC 2017/18", &t, &[june], ChartUnit::PerDay).unwrap();
    // 318.39 over June's 30 days is 10.61 a day; the axis runs 0 to 12 in 2s.
    assert!(per_day_svg.contains(">10.61</text>"));
    assert!(!per_day_svg.contains(">318.39</text>"));
    assert!(per_day_svg.contains("per 100,000 adults 18+ per day</text>"));
    assert!(per_day_svg.contains(">12</text>") && !per_day_svg.contains(">50</text>"));
    assert!(per_day_svg.contains("<title>Jun-17: 10.61 (R)</title>"));
    assert!(per_day_svg.contains(r##"fill="#2e8b57""##)); // the green legend entry
                                                          // June and the three legend entries
    assert_eq!(per_day_svg.matches("<circle").count(), 4);
    // The same actual per month, labelled as printed; unrated, it is the plain chart.
    let per_month_svg = chart_svg_in("DTOC 2017/18", &t, &[june], ChartUnit::PerMonth).unwrap();
    assert!(per_month_svg.contains(">318.39</text>") && !per_month_svg.contains(">10.61</text>"));
    assert!(per_month_svg.contains("per 100,000 adults 18+ per month</text>"));
    let unrated = ChartActual { rag: None, ..june };
    assert_eq!(
        chart_svg_in("DTOC", &t, &[unrated], ChartUnit::PerMonth).unwrap(),
        chart_svg("DTOC", &t, &[(month("2017-06"), rate("318.39"))]).unwrap()
    );
}

fn arb_month() -> impl Strategy<Value = Month> {
    (2000i32..2090, 1u32..=12).prop_map(|(y, m)| Month::new(y, m).unwrap())
}

fn arb_rate_2dp() -> impl Strategy<Value = Rate> {
    (1i64..100_000_000).prop_map(|n| Rate::new(Decimal::new(n, 2)))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn attribution_parts_add_to_the_total(
        total in 0u64..10_000_000_000,
        w in (0u32..1_000, 0u32..1_000, 0u32..1_000).prop_filter("not all zero", |w| w.0 + w.1 + w.2 > 0),
    ) {
        let days = DelayedDays::split(total, [w.0.into(), w.1.into(), w.2.into()]).unwrap();
        prop_assert_eq!(days.total().unwrap(), total);
        let m = DtocMonth::attributed(Month::new(2017, 6).unwrap(), days).unwrap();
        prop_assert_eq!(m.total_days(), total);
    }

    /// Narrowing never loses true parts: any parts within their bounds that
    /// add to a total within its bounds stay within the narrowed bounds, and
    /// narrowing again changes nothing.
    #[test]
    fn narrowed_bounds_keep_every_true_part(
        parts in [0i64..1_000_000, 0i64..1_000_000, 0i64..1_000_000],
        below in [0i64..1_000, 0i64..1_000, 0i64..1_000, 0i64..1_000],
        above in [0i64..1_000, 0i64..1_000, 0i64..1_000, 0i64..1_000],
        scale in 0u32..4,
    ) {
        use bcf_model::dtoc::{AttributedBounds, PartBounds};
        let v = |n: i64| Decimal::new(n, scale);
        let bound = |x: i64, i: usize| PartBounds::new(v((x - below[i]).max(0)), v(x + above[i])).unwrap();
        let total = parts.iter().sum::<i64>();
        let t = bound(total, 3);
        let b = AttributedBounds::narrow(t, bound(parts[0], 0), bound(parts[1], 1), bound(parts[2], 2)).unwrap();
        for (i, a) in bcf_model::dtoc::Attribution::ALL.iter().enumerate() {
            prop_assert!(b.get(*a).contains(v(parts[i])), "{:?} {:?}", a, b.get(*a));
        }
        let again = AttributedBounds::narrow(t, b.nhs, b.social_care, b.both).unwrap();
        prop_assert_eq!(again, b);
    }

    #[test]
    fn shared_improvement_keeps_parts_adding_up(
        nhs in 0u64..100_000, sc in 0u64..100_000, both in 0u64..100_000, cut in 0u64..200_000,
    ) {
        let days = DelayedDays::new(nhs, sc, both);
        let total = days.total().unwrap();
        let target = total.saturating_sub(cut);
        if let Ok(after) = days.share_improvement(target) {
            prop_assert_eq!(after.total().unwrap(), target);
            prop_assert_eq!(after.both, both);
            let (off_nhs, off_sc) = (nhs - after.nhs, sc - after.social_care);
            prop_assert!(off_nhs == off_sc || off_nhs == off_sc + 1);
        }
    }

    #[test]
    fn rate_days_rate_round_trips(r in arb_rate_2dp(), people in 1_000u64..60_000_000) {
        let pop = Population::new(people).unwrap();
        // exact: the days a rate means give back the printed rate
        let days = r.count(pop).unwrap();
        prop_assert_eq!(Rate::from_count(days, pop).unwrap().round(2, R), r);
        // whole days: within half a day's worth of rate
        let whole = days.round();
        let back = Rate::from_count(whole, pop).unwrap();
        let half_day = Rate::from_count(d("0.5"), pop).unwrap();
        prop_assert!(back.checked_sub(r).unwrap().per_100k().abs() <= half_day.per_100k());
    }

    #[test]
    fn per_day_round_trips(r in arb_rate_2dp(), m in arb_month()) {
        let back = monthly_from_per_day(per_day(r, m).unwrap(), m).unwrap();
        prop_assert_eq!(back.round(2, R), r);
    }

    #[test]
    fn implied_population_contains_the_true_one(people in 1_000u64..10_000_000, count in 1u64..100_000) {
        let pop = Population::new(people).unwrap();
        let printed = Rate::from_count(Decimal::from(count), pop).unwrap().round(2, R);
        prop_assume!(printed.per_100k() > d("0.01"));
        let mut value = printed.per_100k();
        value.rescale(2);
        let i = implied_population(Decimal::from(count), PrintedValue::new(value, 2)).unwrap();
        prop_assert!(i.contains(pop).unwrap());
    }

    #[test]
    fn profile_trajectory_hits_its_end_exactly(
        start in arb_month(),
        values in proptest::collection::vec(1i64..2_000, 1..30),
        end in arb_rate_2dp(),
        per_day_scaling in any::<bool>(),
    ) {
        let mut m = start;
        let mut profile = Vec::new();
        for v in values {
            profile.push((m, Percent::new(Decimal::new(v, 2))));
            m = m.next().unwrap();
        }
        let scaling = if per_day_scaling { ProfileScaling::PerDay } else { ProfileScaling::PerMonth };
        let t = Trajectory::from_profile(&profile, end, scaling).unwrap();
        let (last_month, _) = *profile.last().unwrap();
        prop_assert_eq!(t.target(last_month), Some(end));
        prop_assert_eq!(t.len(), profile.len());
    }

    #[test]
    fn linear_trajectory_hits_both_ends(
        start in arb_month(), months in 0usize..40, from in arb_rate_2dp(), to in arb_rate_2dp(),
    ) {
        let mut end = start;
        for _ in 0..months {
            end = end.next().unwrap();
        }
        let t = Trajectory::linear(start, from, end, to).unwrap();
        prop_assert_eq!(t.len(), months + 1);
        prop_assert_eq!(t.target(end), Some(to));
        if months > 0 {
            prop_assert_eq!(t.target(start), Some(from));
        }
    }
}

/// Attributed parts with published figures. The shared papers never print
/// all three parts of one total; they print a total and ranges of two parts
/// (Cabinet report, 15 September 2017, paragraph 31, and the BCF narrative
/// plan: "a DTOC position of 4.12% for all delays as at June 2017 ... social
/// care attributed delays across LLR ... ranging between 0.2% and 0.7% ...
/// NHS attributable delays ... range between 3.58% and 4.27% across LLR",
/// docs/domain.md). Each printed figure bounds its true value at its own
/// precision; the parts must add to the total, which bounds the joint part
/// no paper prints and puts the NHS part above the 3.5% NHS England set for
/// NHS-attributable delays by September 2017, the papers' conclusion that
/// "the improvement required is largely within the NHS attributable delays".
#[test]
fn published_attributed_parts_of_the_june_2017_llr_total() {
    use bcf_model::dtoc::{AttributedBounds, PartBounds};
    use bcf_model::metrics::PrintedValue;
    let printed = |s: &str| s.parse::<PrintedValue>().unwrap();
    let total = PartBounds::printed(printed("4.12")).unwrap();
    assert_eq!((total.least, total.most), (d("4.115"), d("4.125")));
    let nhs = PartBounds::printed_range(printed("3.58"), printed("4.27")).unwrap();
    let social_care = PartBounds::printed_range(printed("0.2"), printed("0.7")).unwrap();
    let joint = PartBounds::unpublished_part_of(total);
    let parts = AttributedBounds::narrow(total, nhs, social_care, joint).unwrap();
    // The joint part: at most 4.125 - 3.575 - 0.15 = 0.4 points of bed days.
    assert_eq!((parts.both.least, parts.both.most), (d("0"), d("0.400")));
    // NHS: at most 4.125 - 0.15 = 3.975, not the 4.275 its range allows.
    assert_eq!((parts.nhs.least, parts.nhs.most), (d("3.575"), d("3.975")));
    // Social care: at most 4.125 - 3.575 = 0.55, not 0.75.
    assert_eq!(
        (parts.social_care.least, parts.social_care.most),
        (d("0.15"), d("0.550"))
    );
    // 0.4 points of joint delays fit; 0.41 do not, nor does less than none.
    assert!(parts.both.contains(d("0.4")) && parts.both.contains(d("0")));
    assert!(!parts.both.contains(d("0.41")) && !parts.both.contains(d("-0.01")));
    // The NHS part alone was above 3.5% of bed days; social care below 1%.
    let nhs_england_requirement = d("3.5");
    assert!(parts.nhs.least > nhs_england_requirement);
    assert!(parts.social_care.most < Decimal::ONE);
    // Every part as narrowed can be reached: the NHS at its most, social care
    // at its least, and no joint delays add to the total's most.
    assert_eq!(parts.nhs.most + parts.social_care.least + parts.both.least, total.most);
    // Had the total been the 3.50% target, the published parts could not be
    // its parts: their least, 3.725, is above 3.505.
    let at_target = PartBounds::printed(printed("3.50")).unwrap();
    let refused = AttributedBounds::narrow(at_target, nhs, social_care, PartBounds::unpublished_part_of(at_target));
    assert!(
        matches!(refused, Err(bcf_model::metrics::MetricError::PartsCannotAddUp { least, .. }) if least == d("3.725")),
        "{refused:?}"
    );
    // Parts known exactly that add to a total known exactly are its parts.
    let exactly = |n: i64| PartBounds::new(Decimal::from(n), Decimal::from(n)).unwrap();
    let whole = AttributedBounds::narrow(exactly(1_739), exactly(900), exactly(700), exactly(139)).unwrap();
    assert_eq!(
        (whole.nhs, whole.social_care, whole.both),
        (exactly(900), exactly(700), exactly(139))
    );
    assert!(AttributedBounds::narrow(exactly(1_739), exactly(900), exactly(700), exactly(138)).is_err());
    // Bounds that are no bounds are refused, never narrowed.
    assert!(PartBounds::new(d("1"), d("0.5")).is_err());
    assert!(PartBounds::new(d("-0.1"), d("0.5")).is_err());
    assert!(PartBounds::printed_range(printed("0.7"), printed("0.2")).is_err());
    assert!(PartBounds::printed_range(printed("-0.1"), printed("0.5")).is_err());
    // A printed nought is at least nothing, not -0.05.
    let nought = PartBounds::printed(printed("0.0")).unwrap();
    assert_eq!((nought.least, nought.most), (d("0"), d("0.05")));
    let inverted = PartBounds {
        least: d("2"),
        most: d("1"),
    };
    assert!(AttributedBounds::narrow(total, inverted, social_care, joint).is_err());
}
