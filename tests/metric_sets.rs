//! The metric sets year by year: the policy calendar's metric rows joined
//! with `data/metric_definitions.csv` (issue 14, item 1).

use bcf_model::calendar::FinancialYear;
use bcf_model::data;
use bcf_model::io::{read_metric_definitions, LoadErrorKind};
use bcf_model::metrics::{
    ids, national_metrics_2017_19, AgeBand, FormulaKind, MetricCalendar, MetricCalendarError, MetricField,
    MetricSetError, PeriodBasis, Polarity,
};

fn year(s: &str) -> FinancialYear {
    s.parse().unwrap()
}

fn set_ids(metrics: &MetricCalendar, y: &str) -> Vec<String> {
    let set = metrics.metric_set(year(y)).unwrap();
    set.metrics.iter().map(|m| m.spec.id.clone()).collect()
}

#[test]
fn each_year_has_its_frameworks_metrics() {
    let metrics = data::metric_calendar().unwrap();
    let four = [
        ids::NON_ELECTIVE_ADMISSIONS,
        ids::PERMANENT_ADMISSIONS_65,
        ids::REABLEMENT_91_DAYS,
        ids::DTOC,
    ];
    for y in ["2017/18", "2018/19", "2019/20"] {
        assert_eq!(set_ids(&metrics, y), four, "{y}");
    }
    assert_eq!(
        set_ids(&metrics, "2021/22"),
        [
            ids::AVOIDABLE_ADMISSIONS,
            ids::LENGTH_OF_STAY_14_PLUS,
            ids::LENGTH_OF_STAY_21_PLUS,
            ids::DISCHARGE_TO_USUAL_RESIDENCE,
            ids::PERMANENT_ADMISSIONS_65,
            ids::REABLEMENT_91_DAYS,
        ]
    );
    assert_eq!(
        set_ids(&metrics, "2022/23"),
        [
            ids::AVOIDABLE_ADMISSIONS,
            ids::DISCHARGE_TO_USUAL_RESIDENCE,
            ids::PERMANENT_ADMISSIONS_65,
            ids::REABLEMENT_91_DAYS,
        ]
    );
    let five = [
        ids::AVOIDABLE_ADMISSIONS,
        ids::FALLS_ADMISSIONS_65,
        ids::DISCHARGE_TO_USUAL_RESIDENCE,
        ids::PERMANENT_ADMISSIONS_65,
        ids::REABLEMENT_91_DAYS,
    ];
    assert_eq!(set_ids(&metrics, "2023/24"), five);
    let mut with_delays = five.to_vec();
    with_delays.push(ids::DISCHARGE_DELAYS);
    assert_eq!(set_ids(&metrics, "2024/25"), with_delays);
    assert_eq!(
        set_ids(&metrics, "2025/26"),
        [
            ids::UNPLANNED_ADMISSIONS,
            ids::DISCHARGE_DELAYS,
            ids::LONG_TERM_CARE_HOME_ADMISSIONS
        ]
    );
}

#[test]
fn no_metrics_in_2020_21_is_not_an_unknown_year() {
    let metrics = data::metric_calendar().unwrap();
    match metrics.metric_set(year("2020/21")) {
        Err(MetricSetError::NoMetricsSet { year: y, reason }) => {
            assert_eq!(y, year("2020/21"));
            let reason = reason.unwrap();
            assert!(reason.contains("no metric ambitions were set"), "{reason}");
        }
        other => panic!("expected no metrics set, got {other:?}"),
    }
    for y in ["2016/17", "2026/27"] {
        match metrics.metric_set(year(y)) {
            Err(MetricSetError::UnknownYear { span, .. }) => {
                assert_eq!(span, Some((year("2017/18"), year("2025/26"))));
            }
            other => panic!("expected an unknown year, got {other:?}"),
        }
    }
    let e = metrics.metric_set(year("2026/27")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "the policy calendar does not cover 2026/27 (it covers 2017/18 to 2025/26)"
    );
}

#[test]
fn the_2017_19_set_is_confirmed_and_matches_the_catalogue() {
    let metrics = data::metric_calendar().unwrap();
    let set = metrics.metric_set(year("2017/18")).unwrap();
    assert!(set.metrics.iter().all(|m| m.confirmed()));
    let from_data = set.definitions();
    assert_eq!(from_data.len(), 4);
    for catalogued in national_metrics_2017_19() {
        let d = from_data.iter().find(|d| d.id == catalogued.id).unwrap();
        assert_eq!(
            (d.formula, d.polarity, &d.denominator, d.period),
            (
                catalogued.formula,
                catalogued.polarity,
                &catalogued.denominator,
                catalogued.period
            ),
            "{}",
            d.id
        );
    }
    let nel = set.get(ids::NON_ELECTIVE_ADMISSIONS).unwrap();
    assert_eq!(
        nel.definition().unwrap().unit_label(),
        "per 100,000 population per month"
    );
    // the definition read from data implies the 2016/17 population as the catalogue's does
    let people = nel
        .definition()
        .unwrap()
        .implied_population(61_920.into(), "759.84".parse().unwrap())
        .unwrap();
    assert_eq!(people.whole_people(), Some((679_086, 679_094)));
}

#[test]
fn unconfirmed_fields_are_marked_and_explained() {
    let metrics = data::metric_calendar().unwrap();
    let specs = metrics.specs();
    assert_eq!(specs.len(), 27);
    assert_eq!(specs.iter().filter(|s| s.confirmed).count(), 6);
    for s in specs {
        assert_eq!(s.confirmed, s.unconfirmed.is_empty(), "line {}", s.line);
        assert!(!s.source.title.is_empty());
        if !s.confirmed {
            assert!(s.note.contains("NOT CONFIRMED"), "line {}: {}", s.line, s.note);
        }
    }
    // 2019/20 reablement: everything but its age band confirmed from the Q1 dashboard
    let set = metrics.metric_set(year("2019/20")).unwrap();
    let reablement = set.get(ids::REABLEMENT_91_DAYS).unwrap();
    assert_eq!(reablement.spec.unconfirmed, [MetricField::Base]);
    assert_eq!(reablement.spec.period, Some(PeriodBasis::ThreeMonthCohort));
    // avoidable admissions: no formula was read, so no definition is given
    let set = metrics.metric_set(year("2021/22")).unwrap();
    let avoidable = set.get(ids::AVOIDABLE_ADMISSIONS).unwrap();
    assert_eq!(avoidable.spec.formula, None);
    assert!(avoidable.definition().is_none());
    assert!(set.definitions().iter().all(|d| d.id != ids::AVOIDABLE_ADMISSIONS));
    let residential = set.get(ids::PERMANENT_ADMISSIONS_65).unwrap();
    assert!(residential.confirmed());
    assert_eq!(
        residential.definition().map(|d| (d.polarity, d.denominator)),
        Some((Polarity::LowerIsBetter, AgeBand::Older65Plus))
    );
    // falls 65+ from 2023/24: a standardised rate, confirmed from the name
    let set = metrics.metric_set(year("2024/25")).unwrap();
    let falls = set.get(ids::FALLS_ADMISSIONS_65).unwrap();
    assert_eq!(falls.spec.formula, Some(FormulaKind::DirectlyStandardisedRatePer100k));
    assert_eq!(falls.spec.unconfirmed, [MetricField::Polarity, MetricField::Period]);
}

const HEADER: &str =
    "key,from,to,id,name,formula,polarity,base,period,confirmed,unconfirmed,source_title,source_url,note\n";

#[test]
fn bad_definition_rows_are_refused_at_their_cells() {
    let text = format!(
        "{HEADER}\
         dtoc,2017/18,2018/19,dtoc,DTOC,rate_per_100k,lower is better,18+,month,true,,Pack,,\n\
         dtoc,2017/18,2018/19,dtoc,DTOC,per_day,lower is better,21+,month,yes,base;colour,Pack,,\n\
         dtoc,2017/18,,dtoc,,rate_per_100k,lower is better,18+,month,true,,,,\n"
    );
    let errors = read_metric_definitions("defs.csv", &text).unwrap_err();
    let found: Vec<(Option<u64>, Option<&str>, Option<&str>)> = errors
        .iter()
        .map(|e| (e.line, e.column.as_deref(), e.value.as_deref()))
        .collect();
    assert_eq!(
        found,
        [
            (Some(3), Some("formula"), Some("per_day")),
            (Some(3), Some("base"), Some("21+")),
            (Some(3), Some("confirmed"), Some("yes")),
            (Some(3), Some("unconfirmed"), Some("base;colour")),
            (Some(4), Some("name"), Some("")),
            (Some(4), Some("source_title"), Some("")),
            (Some(4), Some("to"), Some("")),
        ],
        "{errors}"
    );
    assert!(errors
        .iter()
        .all(|e| e.file == "defs.csv" && e.kind == LoadErrorKind::Value));
}

#[test]
fn definitions_must_match_the_calendar_one_to_one() {
    let calendar = data::policy_calendar().unwrap();
    let mut specs = data::metric_calendar().unwrap().specs().to_vec();
    // drop the first (non-elective admissions 2017-19), duplicate the second,
    // and claim confirmation for a row that lists unconfirmed fields
    specs.remove(0);
    let copy = specs[0].clone();
    specs.push(copy);
    let unconfirmed = specs.iter_mut().find(|s| !s.confirmed).unwrap();
    unconfirmed.confirmed = true;
    let errors = MetricCalendar::new(calendar, specs).unwrap_err();
    assert!(matches!(
        &errors[0],
        MetricCalendarError::Undefined { key, .. } if key == "non_elective_admissions"
    ));
    assert!(errors
        .iter()
        .any(|e| matches!(e, MetricCalendarError::Duplicate { key, .. } if key == "residential_admissions_65plus")));
    assert!(errors
        .iter()
        .any(|e| matches!(e, MetricCalendarError::Confirmation { .. })));
    assert_eq!(errors.len(), 3, "{errors:?}");
}
