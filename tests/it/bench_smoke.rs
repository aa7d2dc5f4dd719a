//! The benchmark's core (`tests/bench/`), once, with tiny numbers, so that the program
//! cannot rot. Timing decides nothing here: the test checks only that every part ran and
//! produced figures. The figures themselves come from `cargo run --release --example bench`.

#[allow(dead_code)]
#[path = "../bench/harness.rs"]
mod harness;

use harness::{Env, Plan, Progress};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_benchmark_runs_every_part_once_and_reports_figures() {
    let db = crate::support::db::TestDb::new().await;
    let workdir = tempfile::tempdir().unwrap();
    let pgbench = harness::pgbench::find();
    let checks_pgbench = crate::support::skip::require(
        pgbench.is_some(),
        "pgbench not found (apt-get install postgresql-contrib): its part goes unchecked",
    );
    let env = Env {
        name: None,
        bot: env!("CARGO_BIN_EXE_licensebot").into(),
        bot_env: vec![],
        database_url: db.url.clone(),
        pgbench: pgbench.clone(),
        pgbench_script: harness::pgbench::SCRIPT.to_string(),
        workdir: workdir.path().to_path_buf(),
    };
    let plan = Plan::smoke();
    let report = harness::run(&plan, &env, &Progress::new(true))
        .await
        .expect("the benchmark ran");

    assert_eq!(report.scales.len(), 2, "a small and a large database");
    for scale in &report.scales {
        let run = &scale.rates[0];
        assert!(
            run.all.answered > 0,
            "{}: answers at {}/s",
            scale.label,
            run.target_rate
        );
        assert!(run.all.p50.is_some(), "{}: a median latency", scale.label);
        for act in ["autocomplete", "/add-licenses", "Redeem click"] {
            assert!(
                run.per_act.iter().any(|s| s.what == act && s.answered > 0),
                "{}: {act} was measured: {:?}",
                scale.label,
                run.per_act
            );
        }
        let e2e = scale.e2e.as_ref().expect("end to end ran");
        assert!(
            e2e.redemptions > 0 && e2e.notices > 0,
            "{}: {e2e:?}",
            scale.label
        );
        if checks_pgbench {
            let ceiling = scale.ceiling().unwrap_or_else(|| {
                panic!("{}: pgbench ran: {:?}", scale.label, scale.pgbench_error)
            });
            assert!(ceiling.transactions > 0, "{}: {ceiling:?}", scale.label);
        }
    }
    assert!(
        report.scales[1].keys >= 2_000,
        "the large database was filled"
    );
    let idle = report.memory.idle.expect("the bot's memory was read");
    assert!(idle.rss_kib > 0 && idle.peak_kib >= idle.rss_kib);

    let text = harness::report::markdown(
        &report,
        None,
        &harness::report::Machine::default(),
        "bench_smoke",
    );
    assert!(
        text.contains("licensebot / pgbench") && text.contains("VmHWM"),
        "{text}"
    );
}
