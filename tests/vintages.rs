//! Targets revised in year and actuals restated later keep every version,
//! with when and why; a forecast says which target version it used.
//!
//! Published revisions, from the 2017 Leicestershire papers (the shared
//! source pack, copied into `data/`):
//! - the June 2017 delayed transfers of care target, 289.91 delayed days per
//!   100,000 adults in the trajectory of the Cabinet report of 15 September
//!   2017 ("previously agreed by the Leicestershire Integration Executive,
//!   prior to the release of guidance"), then 318.39 in the Health and
//!   Wellbeing Board report of 21 September 2017 ("targets for April, May and
//!   June would be set at the actual performance": 1,739 days in June);
//! - the 2016/17 non-elective admissions actual, 61,920 admissions (759.84 per
//!   100,000 a month) as the position at March 2017 (BCF narrative plan,
//!   section 8.3), restated as the outturn 61,966 (760.40; sections 6.3 and
//!   13.0), against a target of 59,030 (724.37).
//!
//! Also the issue's own example, which the shared documents do not carry: a
//! non-elective admissions target revised from 67,879 to 70,569 and a month
//! restated from 6.72 to 6.04; 70,569 - 601 = 69,968 is docs/domain.md's
//! forecast.

use bcf_model::data::leicestershire;
use bcf_model::metrics::vintage::{forecast_target_plus_variance, Vintages};
use bcf_model::metrics::{catalogue, ids, MetricError, Population, Rate};
use chrono::NaiveDate;
use rust_decimal::Decimal;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

#[test]
fn a_target_revised_in_year_keeps_both_versions_and_the_forecast_says_which() {
    let mut target = Vintages::new(d("67879"), day(2017, 4, 1), "annual target as first planned");
    assert!(!target.is_revised());
    target
        .revise(d("70569"), day(2017, 9, 6), "revised to the CCG operating plans")
        .unwrap();
    assert!(target.is_revised());
    let before = forecast_target_plus_variance(&target, d("-601"), day(2017, 8, 31)).unwrap();
    let after = forecast_target_plus_variance(&target, d("-601"), day(2017, 11, 30)).unwrap();
    assert_eq!((before.value, before.target.value), (d("67278"), d("67879")));
    assert_eq!((after.value, after.target.value), (d("69968"), d("70569")));
    assert_eq!(after.target.why, "revised to the CCG operating plans");
    // Nothing was printed before April 2017; a revision cannot predate the
    // version it revises.
    assert!(matches!(
        forecast_target_plus_variance(&target, d("0"), day(2017, 3, 31)),
        Err(MetricError::MissingVersion { .. })
    ));
    assert!(matches!(
        target.revise(d("1"), day(2017, 9, 6), "same day"),
        Err(MetricError::Revision { .. })
    ));
}

#[test]
fn an_actual_restated_later_keeps_what_was_first_printed() {
    let mut month = Vintages::new(d("6.72"), day(2019, 9, 2), "Quarter 1 report");
    month
        .revise(d("6.04"), day(2019, 12, 2), "restated in the Quarter 2 report")
        .unwrap();
    let history: Vec<Decimal> = month.history().iter().map(|v| v.value).collect();
    assert_eq!(history, [d("6.72"), d("6.04")]);
    assert_eq!(month.as_of(day(2019, 10, 1)).unwrap().value, d("6.72"));
    assert_eq!(month.current().value, d("6.04"));
}

#[test]
fn dtoc_targets_set_at_actual_for_april_to_june_2017() {
    let metrics = leicestershire::metrics_in_year_2017_18().unwrap();
    let dtoc = metrics.iter().find(|m| m.detail.contains("reset to actual")).unwrap();
    assert!(dtoc.detail.contains("Apr-Jun targets reset to actual performance"));
    let trajectory = leicestershire::dtoc_trajectory_2017_18().unwrap();
    // April to June carry one target, 289.91, set at actual; from July the
    // NHS England targets apply.
    let months: Vec<(String, Decimal)> = trajectory
        .iter()
        .take(4)
        .map(|(m, r)| (m.label(), r.per_100k()))
        .collect();
    assert_eq!(
        months[..3].iter().map(|(_, r)| *r).collect::<Vec<_>>(),
        [d("289.91"); 3]
    );
    assert_eq!(months[3].1, d("295.31"));
}

#[test]
fn the_june_2017_dtoc_target_published_twice_keeps_both_versions() {
    // First version: the trajectory of the Cabinet report (15 September 2017).
    let trajectory = leicestershire::dtoc_trajectory_2017_18().unwrap();
    let june: bcf_model::calendar::Month = "2017-06".parse().unwrap();
    let planned = trajectory.target(june).unwrap();
    assert_eq!(planned, Rate::new(d("289.91")));
    let mut target = Vintages::new(
        planned.per_100k(),
        day(2017, 9, 15),
        "trajectory agreed by the Integration Executive before the guidance",
    );
    // Second version: set at actual performance, which the crate derives
    // from June's 1,739 delayed days and 546,185 adults: 318.39, as the
    // Health and Wellbeing Board's in-year table prints the target.
    let actual = Rate::from_count(Decimal::from(1_739), Population::new(546_185).unwrap()).unwrap();
    let set_at_actual = actual.per_100k().round_dp(2);
    let in_year = leicestershire::metrics_in_year_2017_18().unwrap();
    let dtoc = in_year.iter().find(|m| m.detail.contains("delayed days")).unwrap();
    assert_eq!(dtoc.target.value, set_at_actual);
    target
        .revise(
            set_at_actual,
            day(2017, 9, 21),
            "set at actual performance (guidance late)",
        )
        .unwrap();
    assert!(target.is_revised());
    assert_eq!(target.as_of(day(2017, 9, 18)).unwrap().value, d("289.91"));
    assert_eq!(target.current().value, d("318.39"));
    assert_eq!(target.current().why, "set at actual performance (guidance late)");
    // June against each version: 28.48 over the first, on the second.
    assert_eq!(actual.per_100k().round_dp(2) - d("289.91"), d("28.48"));
}

#[test]
fn the_2016_17_non_elective_admissions_actual_restated_and_its_rate_rederived() {
    let nel = catalogue()
        .into_iter()
        .find(|m| m.id == ids::NON_ELECTIVE_ADMISSIONS)
        .unwrap();
    let mut actual = Vintages::new(d("61920"), day(2017, 3, 31), "position at March 2017 (section 8.3)");
    actual
        .revise(d("61966"), day(2017, 9, 21), "2016/17 outturn (sections 6.3 and 13.0)")
        .unwrap();
    let history: Vec<Decimal> = actual.history().iter().map(|v| v.value).collect();
    assert_eq!(history, [d("61920"), d("61966")]);

    // One population explains the target and both versions as printed:
    // the intervals each printed pair implies have a common part.
    let implied = |count: &str, printed: &str| nel.implied_population(d(count), printed.parse().unwrap()).unwrap();
    let target = implied("59030", "724.37");
    let first = implied("61920", "759.84");
    let restated = implied("61966", "760.40");
    let all = target.intersect(&first).unwrap().intersect(&restated).unwrap();
    let (low, high) = all.whole_people().unwrap();
    assert_eq!((low, high), (679_092, 679_094));
    // And from any such population the crate derives each printed rate from
    // its count: the restatement moved the rate by 0.56.
    for people in low..=high {
        let p = Decimal::from(people);
        let rate = |count: &str| nel.value(d(count), p).unwrap().round_dp(2);
        assert_eq!(rate("61920"), d("759.84"));
        assert_eq!(rate("61966"), d("760.40"));
        assert_eq!(rate("59030"), d("724.37"));
    }
}
