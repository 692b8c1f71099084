//! Plots and report.html: every plot is drawn, non-empty, and its SVG parses; text from a
//! scenario file is escaped; `--no-report` and `--plots png` leave out what they say.

mod common;

use std::path::Path;
use std::sync::Arc;

use sahelsim::experiment::compare::{events_by_cell, outcomes, paired, run_all_keeping};
use sahelsim::experiment::targets::TARGETS;
use sahelsim::experiment::validation::TargetResult;
use sahelsim::record::monthly::monthly;
use sahelsim::record::{ReplicateSummary, aggregate};
use sahelsim::report::PlotFormat;
use sahelsim::report::compare_report::{self, Difference};
use sahelsim::report::figure::Figure;
use sahelsim::report::validation_plot::validation_figure;
use sahelsim::report::{epstein_report, run_report, validate_report};
use sahelsim::scenario::{self, epstein::EpsteinParams};

/// Both formats are there; the PNG is a PNG; the SVG is well-formed XML with drawing in it.
fn check(f: &Figure) {
    let png = f
        .png
        .as_deref()
        .unwrap_or_else(|| panic!("{}: no PNG", f.stem));
    assert!(
        png.starts_with(b"\x89PNG\r\n\x1a\n"),
        "{}: not a PNG",
        f.stem
    );
    assert!(png.len() > 2000, "{}: PNG too small", f.stem);
    let svg = f
        .svg
        .as_deref()
        .unwrap_or_else(|| panic!("{}: no SVG", f.stem));
    let doc = roxmltree::Document::parse(svg)
        .unwrap_or_else(|e| panic!("{}: the SVG does not parse: {e}", f.stem));
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    let shapes = doc
        .descendants()
        .filter(|n| {
            matches!(
                n.tag_name().name(),
                "polyline" | "rect" | "circle" | "polygon" | "path"
            )
        })
        .count();
    let texts = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "text")
        .count();
    assert!(
        shapes > 20 && texts > 3,
        "{}: {shapes} shapes, {texts} texts",
        f.stem
    );
    assert!(!f.caption.is_empty());
}

fn parse_html(html: &str) {
    // The report is XHTML-clean enough for an XML parser once the doctype is dropped.
    let body = html.trim_start_matches("<!DOCTYPE html>\n");
    let body = body.replace("<meta charset=\"utf-8\">", "<meta charset=\"utf-8\"/>");
    let body = regex_free_void_tags(&body);
    if let Err(e) = roxmltree::Document::parse(&body) {
        panic!("report.html is not well-formed: {e}");
    }
}

/// Closes the void elements the builder writes (`<meta …>`, `<img …>`) for the XML parser.
fn regex_free_void_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find(['<']) {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest.find('>').expect("tag closes");
        let tag = &rest[..=end];
        if (tag.starts_with("<meta ") || tag.starts_with("<img ")) && !tag.ends_with("/>") {
            out.push_str(&tag[..tag.len() - 1]);
            out.push_str("/>");
        } else {
            out.push_str(tag);
        }
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

#[test]
fn a_run_draws_every_plot_and_a_well_formed_report() {
    let s = common::short(75, 0.5, &[]);
    let map = common::map(&s);
    let outputs: Vec<_> = (0..2)
        .map(|r| sahelsim::experiment::run_replicate(&s, &map, r, None))
        .collect();
    let digest = run_report::RunDigest::of(&s, &map, &outputs).unwrap();
    let figs = run_report::figures(digest, PlotFormat::Both, true).unwrap();
    let stems: Vec<&str> = figs.iter().map(|f| f.stem.as_str()).collect();
    assert_eq!(
        stems,
        [
            "outcomes",
            "map_events",
            "map_fatalities",
            "map_control",
            "map_displaced",
            "attribution"
        ]
    );
    figs.iter().for_each(check);
    let summaries: Vec<ReplicateSummary> = outputs.iter().map(|o| o.summary.clone()).collect();
    let html = run_report::report(&s, &aggregate(&summaries), &figs).to_html();
    parse_html(&html);
    // Maps are embedded as PNG, line plots as SVG.
    assert_eq!(html.matches("<img src=\"data:image/png;base64,").count(), 4);
    assert_eq!(html.matches("<svg role=\"img\"").count(), 2);
    for needle in [
        "What was run",
        "Key findings",
        "Parameters",
        &s.sources[0].sha256,
        "model.violence.kalyvas_peak",
        "sahelsim 0.",
    ] {
        assert!(html.contains(needle), "the report lacks {needle}");
    }
    for forbidden in ["<script", "http://", "https://", "src=\"/", "src=\"file"] {
        let n = html.matches(forbidden).count();
        // The only URL allowed is the SVG namespace.
        let allowed = if forbidden == "http://" { 2 } else { 0 };
        assert!(n <= allowed, "the report has {n} × {forbidden}");
    }
}

#[test]
fn the_monthly_series_of_the_plots_add_up_to_the_run() {
    let s = common::short(75, 0.5, &[]);
    let out = common::run(&s, 0);
    let names: Vec<String> = s.groups.iter().map(|g| g.name.clone()).collect();
    let months = monthly(&out.rows, &out.events, &s.period, &names);
    assert_eq!(months.len(), 3, "75 days from 1 January: January to March");
    let events: f64 = months.iter().map(|m| m.events).sum();
    assert_eq!(events, out.events.len() as f64);
    let deaths: f64 = months.iter().map(|m| m.fatalities()).sum();
    assert_eq!(deaths, out.summary.outcomes["fatalities"]);
    let revenue: f64 = months.iter().map(|m| m.revenue_total()).sum();
    let recorded: i64 = out
        .rows
        .iter()
        .filter(|r| r.area == "all" && r.group == "all")
        .map(|r| r.revenue_total())
        .sum();
    assert!(recorded > 0);
    assert!((revenue - recorded as f64).abs() < 1e-6 * recorded as f64);
}

#[test]
fn a_comparison_draws_a_forest_plot_differences_outcomes_and_a_difference_map() {
    let base = common::short(75, 0.5, &[]);
    let policy = {
        let mut p = scenario::load(Path::new("tests/fixtures/policy_short.ron")).unwrap();
        p.period = base.period;
        p.map = base.map.clone();
        for iv in &mut p.interventions {
            iv.start = base.period.start + time::Duration::days(20);
            iv.start_day = 20;
        }
        p.name = "policy".into();
        Arc::new(p)
    };
    let map = common::map(&base);
    let names: Vec<String> = base.groups.iter().map(|g| g.name.clone()).collect();
    let list = outcomes(&map, &names);
    let scenarios = vec![base.clone(), policy];
    let (values, kept) = run_all_keeping(&scenarios, &map, &list, 20, 3, None, |o| {
        (
            monthly(&o.rows, &o.events, &base.period, &names),
            events_by_cell(&o.events, 20),
        )
    });
    let (months, cells): (Vec<Vec<_>>, Vec<Vec<_>>) = kept
        .into_iter()
        .map(|reps| reps.into_iter().unzip())
        .unzip();
    let col = |s: usize, o: usize| -> Vec<f64> { values[s].iter().map(|r| r[o]).collect() };
    let diffs: Vec<Difference> = list
        .iter()
        .enumerate()
        .map(|(o, outcome)| Difference {
            scenario: 1,
            outcome,
            paired: paired(&col(0, o), &col(1, o)),
        })
        .collect();
    let refs: Vec<&scenario::Scenario> = scenarios.iter().map(|s| s.as_ref()).collect();
    let data = compare_report::CompareData {
        map: &map,
        months: &months,
        cells: &cells,
        policy_start: 2017.05,
    };
    let figs = compare_report::figures(&refs, &diffs, &data, PlotFormat::Both, true).unwrap();
    let stems: Vec<&str> = figs.iter().map(|f| f.stem.as_str()).collect();
    assert_eq!(
        stems,
        [
            "compare_forest",
            "compare_differences",
            "compare_map_events",
            "compare_outcomes"
        ]
    );
    for f in figs.iter().filter(|f| f.stem != "compare_map_events") {
        let svg = f.svg.as_deref().unwrap_or("");
        if f.stem != "compare_forest" {
            assert!(
                svg.contains("policy starts"),
                "{} marks no policy start",
                f.stem
            );
        }
    }
    figs.iter().for_each(check);
    let html = compare_report::report(&refs, &diffs, ("a", "b"), 3, 1, &[], &figs).to_html();
    parse_html(&html);
    assert!(html.contains("policy against"));
}

#[test]
fn validation_and_reference_runs_draw_their_plots() {
    let results: Vec<TargetResult> = TARGETS
        .iter()
        .map(|t| TargetResult {
            target: *t,
            mean: (t.lo + t.hi) / 2.0,
            p05: t.lo,
            p95: t.hi,
            covered: true,
            pass: true,
            values: vec![],
        })
        .collect();
    let f = validation_figure(&results, "validation", PlotFormat::Both, true).unwrap();
    check(&f);
    let s = scenario::load(Path::new("scenarios/baseline.ron")).unwrap();
    parse_html(&validate_report::report(&s, &results, 2024, Some(&f)).to_html());

    let mut s = scenario::load(Path::new("scenarios/reference/epstein.ron")).unwrap();
    let p = EpsteinParams {
        steps: 60,
        burn_in: 10,
        ..s.epstein.clone().unwrap()
    };
    s.epstein = Some(p.clone());
    let outputs = sahelsim::reference::epstein::run_replicates(&p, 1, 2);
    let figs = epstein_report::figures(&s, &outputs, PlotFormat::Both, true).unwrap();
    figs.iter().for_each(check);
    parse_html(&epstein_report::report(&s, &[("x".into(), None)], 11, &figs).to_html());
}

#[test]
fn text_from_a_scenario_file_renders_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("evil.ron");
    let fixture = std::fs::canonicalize("tests/fixtures/short_run.ron").unwrap();
    std::fs::write(
        &file,
        format!(
            r#"(
    extends: "{}",
    name: "<script>alert(\"name\")</script>",
    description: "A \"quoted\" <script>alert('d')</script> & more",
    period: (end: "2017-01-31"),
    map: (resolution_deg: 0.5),
)"#,
            fixture.display()
        ),
    )
    .unwrap();
    let out_dir = dir.path().join("out");
    let out = common::sahelsim(&[
        "run",
        file.to_str().unwrap(),
        "--replicates",
        "1",
        "--plots",
        "svg",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(out_dir.join("report.html")).unwrap();
    assert!(!html.contains("<script"), "a <script> tag got through");
    assert!(html.contains("&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;"));
    assert!(html.contains(
        "A &quot;quoted&quot; &lt;script&gt;alert(&#39;d&#39;)&lt;/script&gt; &amp; more"
    ));
    // In the SVG titles too (plotters escapes its text).
    let svg = std::fs::read_to_string(out_dir.join("outcomes.svg")).unwrap();
    assert!(!svg.contains("<script"));
    roxmltree::Document::parse(&svg).unwrap();
}

#[test]
fn no_report_writes_no_report_and_png_plots_write_no_svg() {
    let dir = tempfile::tempdir().unwrap();
    let out = common::sahelsim(&[
        "run",
        "tests/fixtures/short_run.ron",
        "--replicates",
        "1",
        "--no-report",
        "--plots",
        "png",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let files = common::file_names(dir.path());
    assert!(!files.iter().any(|f| f == "report.html"), "{files:?}");
    assert!(!files.iter().any(|f| f.ends_with(".svg")), "{files:?}");
    assert!(files.iter().any(|f| f == "outcomes.png"), "{files:?}");

    // The same flags on compare.
    let dir = tempfile::tempdir().unwrap();
    let out = common::sahelsim(&[
        "compare",
        "tests/fixtures/short_run.ron",
        "tests/fixtures/policy_short.ron",
        "--replicates",
        "2",
        "--no-report",
        "--plots",
        "png",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let files = common::file_names(dir.path());
    assert!(
        !files
            .iter()
            .any(|f| f == "report.html" || f.ends_with(".svg")),
        "{files:?}"
    );
    assert!(files.iter().any(|f| f == "compare_forest.png"), "{files:?}");

    // With a report and SVG only: the report embeds the maps as PNG but writes no PNG file.
    let dir = tempfile::tempdir().unwrap();
    let out = common::sahelsim(&[
        "run",
        "tests/fixtures/short_run.ron",
        "--replicates",
        "1",
        "--plots",
        "svg",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let files = common::file_names(dir.path());
    assert!(files.iter().any(|f| f == "report.html"), "{files:?}");
    assert!(!files.iter().any(|f| f.ends_with(".png")), "{files:?}");
}
