//! The figures of a run as Markdown tables, with the machine they were measured on.

use std::fmt::Write as _;
use std::time::Duration;

use super::{
    load::{fmt_ms, RateRun, Stats},
    process::{CpuUse, Memory},
    Baseline, Report,
};

/// What the figures were measured on.
#[derive(Debug, Clone, Default)]
pub struct Machine {
    pub cpus: usize,
    pub cpu_model: String,
    pub memory_mib: u64,
    pub kernel: String,
    pub postgres: String,
    pub commit: String,
}

impl Machine {
    pub fn gather(postgres: String) -> Machine {
        let read = |p: &str| std::fs::read_to_string(p).unwrap_or_default();
        let cpuinfo = read("/proc/cpuinfo");
        let meminfo = read("/proc/meminfo");
        let git = |args: &[&str]| {
            std::process::Command::new("git")
                .args(args)
                .current_dir(env!("CARGO_MANIFEST_DIR"))
                .output()
                .ok()
                .filter(|o| o.status.success())
                .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        };
        let commit = git(&["rev-parse", "--short", "HEAD"]).unwrap_or_else(|| "?".into());
        let dirty =
            git(&["status", "--porcelain", "--untracked-files=no"]).is_some_and(|s| !s.is_empty());
        Machine {
            cpus: std::thread::available_parallelism().map_or(0, |n| n.get()),
            cpu_model: cpuinfo
                .lines()
                .find_map(|l| l.strip_prefix("model name"))
                .map(|l| l.trim_start_matches([' ', '\t', ':']).to_string())
                .unwrap_or_default(),
            memory_mib: meminfo
                .lines()
                .find_map(|l| l.strip_prefix("MemTotal:"))
                .and_then(|l| l.split_whitespace().next()?.parse::<u64>().ok())
                .map_or(0, |kib| kib / 1024),
            kernel: read("/proc/sys/kernel/osrelease").trim().to_string(),
            postgres,
            commit: if dirty {
                format!("{commit} + uncommitted changes")
            } else {
                commit
            },
        }
    }
}

fn mib(kib: u64) -> String {
    format!("{:.1} MiB", kib as f64 / 1024.0)
}

/// CPU use in cores: the bot, the bench (fake Discord), the database's backends, the rest.
pub fn cpu(c: &CpuUse) -> String {
    format!(
        "CPU bot {:.2} / fake {:.2} / pg {:.2} / other {:.2}",
        c.bot, c.bench, c.postgres, c.other
    )
}

fn cpu_cell(c: &CpuUse) -> String {
    format!(
        "{:.2} / {:.2} / {:.2} / {:.2}",
        c.bot, c.bench, c.postgres, c.other
    )
}

fn failures(s: &Stats) -> String {
    match (s.rejected, s.unanswered) {
        (0, 0) => "0".into(),
        (r, u) => format!("{} ({r} late, {u} unanswered)", r + u),
    }
}

fn rate_rows(out: &mut String, label: &str, run: &RateRun) {
    let mut first = true;
    for s in run.per_act.iter().chain(std::iter::once(&run.all)) {
        let (db, rate, cpu) = if first {
            (
                label.to_string(),
                format!("{:.0} ({:.0})", run.target_rate, run.achieved_rate),
                cpu_cell(&run.cpu),
            )
        } else {
            (String::new(), String::new(), String::new())
        };
        first = false;
        let what = if s.what == "all" {
            "**all**".to_string()
        } else {
            s.what.clone()
        };
        let _ = writeln!(
            out,
            "| {db} | {rate} | {what} | {} | {} | {} | {} | {} | {} | {} | {cpu} |",
            s.answered,
            fmt_ms(s.p50),
            fmt_ms(s.p99),
            fmt_ms(s.max),
            s.deferred,
            s.busy,
            failures(s),
        );
    }
    if run.starved > 0 || run.send_errors > 0 {
        let _ = writeln!(
            out,
            "| | | *{} Redeem slots without a review ready; {} send errors{}* | | | | | | | | |",
            run.starved,
            run.send_errors,
            run.first_error
                .as_deref()
                .map_or(String::new(), |e| format!(": {e}"))
        );
    }
}

const RATE_HEADER: &str = "| database | rate/s (achieved) | interaction | answered | p50 | p99 | max | deferred | busy | late or unanswered | CPU cores: bot / fake / pg / other |\n|---|---|---|---|---|---|---|---|---|---|---|\n";

fn max_rate_line(out: &mut String, label: &str, m: &super::load::MaxRate, limit: Duration) {
    let tried: Vec<String> = m
        .tried
        .iter()
        .map(|(r, p99, ok)| {
            format!(
                "{r:.0}/s → p99 {} {}",
                fmt_ms(*p99),
                if *ok { "✓" } else { "✗" }
            )
        })
        .collect();
    let _ = writeln!(
        out,
        "| {label} | {} | {}{} |",
        m.rate
            .map_or("below the first rate tried".into(), |r| format!(
                "**{r:.0}/s**"
            )),
        tried.join("; "),
        if m.sender_bound {
            " (the last miss: the sender could not keep to the rate)"
        } else {
            ""
        }
    );
    let _ = limit;
}

/// The run as Markdown.
pub fn markdown(
    report: &Report,
    baseline: Option<&Baseline>,
    machine: &Machine,
    command: &str,
) -> String {
    let mut out = String::new();
    let limit = report.plan.p99_limit;
    let _ = writeln!(
        out,
        "Command: `{command}` (plan `{}`, {:.0} s)\n",
        report.plan.name, report.seconds
    );
    let _ = writeln!(
        out,
        "Machine: {} CPUs ({}), {} MiB memory, Linux {}, {}; licensebot {}.\n",
        machine.cpus,
        machine.cpu_model,
        machine.memory_mib,
        machine.kernel,
        machine.postgres,
        machine.commit
    );
    let _ = writeln!(
        out,
        "World: {} guilds in READY, load from {} of them ({} admins each); first response measured at the fake Discord from the dispatch of INTERACTION_CREATE to the arrival of the callback.\n",
        report.guilds_in_ready, report.plan.active_guilds, report.plan.admins_per_guild
    );

    for scale in &report.scales {
        let _ = writeln!(
            out,
            "- {}: {} product keys and {} subscriptions at the start, {} keys at the end.",
            scale.label, scale.keys, scale.subscriptions, scale.keys_after.0
        );
    }
    out.push('\n');
    let _ = writeln!(out, "### 1. First response under open-loop load ({} s per rate; autocomplete, /add-licenses and Redeem in turn)\n", report.plan.rate_seconds);
    out.push_str(RATE_HEADER);
    for scale in &report.scales {
        for run in &scale.rates {
            rate_rows(&mut out, &scale.label, run);
        }
    }
    let _ = writeln!(out, "\nHighest rate with p99 < {} ms:\n", limit.as_millis());
    let _ = writeln!(out, "| database | highest rate | tried |\n|---|---|---|");
    for scale in &report.scales {
        if let Some(m) = &scale.max_rate {
            max_rate_line(&mut out, &scale.label, m, limit);
        }
    }

    let _ = writeln!(
        out,
        "\n### 2. Redemptions end to end (order opened → Redeem → notice delivered)\n"
    );
    let _ = writeln!(out, "| database | admins at once | redeemed | notices | seconds | **redemptions/s** | /add-licenses p50 / p99 | Redeem p50 / p99 | last notice after last receipt | CPU cores: bot / fake / pg / other |\n|---|---|---|---|---|---|---|---|---|---|");
    for scale in &report.scales {
        if let Some(e) = &scale.e2e {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {:.1} | **{:.0}** | {} / {} | {} / {} | {} | {} |",
                scale.label,
                e.workers,
                e.redemptions,
                e.notices,
                e.seconds,
                e.per_second,
                fmt_ms(e.opens.p50),
                fmt_ms(e.opens.p99),
                fmt_ms(e.redeems.p50),
                fmt_ms(e.redeems.p99),
                fmt_ms(e.notice_lag),
                cpu_cell(&e.cpu),
            );
        }
    }

    let _ = writeln!(out, "\n### 3. Ceiling: the redemption transaction replayed by `pgbench -f` (-M prepared, -j 2)\n");
    let _ = writeln!(
        out,
        "| database | clients | transactions | tps | latency avg |\n|---|---|---|---|---|"
    );
    for scale in &report.scales {
        if let Some(e) = &scale.pgbench_error {
            let _ = writeln!(out, "| {} | – | – | {e} | – |", scale.label);
        }
        for r in &scale.pgbench {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {:.0} | {} |",
                scale.label,
                r.clients,
                r.transactions,
                r.tps,
                r.latency_ms.map_or("?".into(), |l| format!("{l:.2} ms"))
            );
        }
    }
    let _ = writeln!(out, "\n| database | licensebot redemptions/s | pgbench ceiling tps | **licensebot / pgbench** |\n|---|---|---|---|");
    for scale in &report.scales {
        if let (Some(e), Some(c)) = (&scale.e2e, scale.ceiling()) {
            let _ = writeln!(
                out,
                "| {} | {:.0} | {:.0} (-c {}) | **{:.0} %** |",
                scale.label,
                e.per_second,
                c.tps,
                c.clients,
                100.0 * e.per_second / c.tps
            );
        }
    }

    let _ = writeln!(out, "\n### 4. The bot's memory (`/proc/<pid>/status`)\n");
    let _ = writeln!(out, "| when | VmRSS | VmHWM (peak so far) |\n|---|---|---|");
    let row = |out: &mut String, when: &str, m: &Memory| {
        let _ = writeln!(out, "| {when} | {} | {} |", mib(m.rss_kib), mib(m.peak_kib));
    };
    if let Some(m) = &report.memory.idle {
        row(
            &mut out,
            &format!("idle, {} guilds in READY", report.guilds_in_ready),
            m,
        );
    }
    for (when, m) in &report.memory.samples {
        row(&mut out, when, m);
    }
    let _ = writeln!(
        out,
        "\nHighest VmRSS sampled every 100 ms under load: {}.",
        mib(report.memory.max_rss_kib)
    );

    if let (Some(s), Some(l)) = (report.scales.first(), report.scales.get(1)) {
        let _ = writeln!(
            out,
            "\n### 5. Large database against small (p99 ratio, same rate)\n"
        );
        let _ = writeln!(out, "| rate/s | interaction | p99 small | p99 large | large / small |\n|---|---|---|---|---|");
        for (a, b) in s.rates.iter().zip(&l.rates) {
            for (x, y) in a
                .per_act
                .iter()
                .chain([&a.all])
                .zip(b.per_act.iter().chain([&b.all]))
            {
                let ratio = match (x.p99, y.p99) {
                    (Some(x), Some(y)) if !x.is_zero() => {
                        format!("{:.2}×", y.as_secs_f64() / x.as_secs_f64())
                    }
                    _ => "–".into(),
                };
                let _ = writeln!(
                    out,
                    "| {:.0} | {} | {} | {} | {ratio} |",
                    a.target_rate,
                    x.what,
                    fmt_ms(x.p99),
                    fmt_ms(y.p99)
                );
            }
        }
        if let (Some(a), Some(b)) = (&s.e2e, &l.e2e) {
            let _ = writeln!(
                out,
                "\nEnd to end: {:.0}/s small, {:.0}/s large ({:.2}×).",
                a.per_second,
                b.per_second,
                b.per_second / a.per_second.max(1e-9)
            );
        }
        if let (Some(a), Some(b)) = (s.ceiling(), l.ceiling()) {
            let _ = writeln!(
                out,
                "pgbench ceiling: {:.0} tps small, {:.0} tps large ({:.2}×).",
                a.tps,
                b.tps,
                b.tps / a.tps.max(1e-9)
            );
        }
    }

    if report.scales.iter().any(|s| s.overload.is_some()) {
        let _ = writeln!(
            out,
            "\n### 6. Overload: {}× the highest sustainable rate, {} s (busy: answered \"licensebot is busy\" at once, or autocomplete with no choices)\n",
            report.plan.overload.as_ref().map_or(0.0, |o| o.factor),
            report.plan.overload.as_ref().map_or(0.0, |o| o.seconds)
        );
        let _ = writeln!(out, "| database | highest sustainable | rate/s (achieved) | sent | **answered in time** | **refused at once (busy)** | slowest busy answer | **late or unanswered** | p99 answered | peak RSS in the phase | CPU cores: bot / fake / pg / other |\n|---|---|---|---|---|---|---|---|---|---|---|");
        for scale in &report.scales {
            let Some(o) = &scale.overload else { continue };
            let a = &o.run.all;
            let share = |n: u64| format!("{n} ({:.1} %)", 100.0 * n as f64 / a.sent.max(1) as f64);
            let _ = writeln!(
                out,
                "| {} | {:.0}/s | {:.0} ({:.0}) | {} | {} | {} | {} | {} | {} | {} | {} |",
                scale.label,
                o.base,
                o.run.target_rate,
                o.run.achieved_rate,
                a.sent,
                share(a.answered),
                share(a.busy),
                fmt_ms(a.busy_max),
                share(a.rejected + a.unanswered),
                fmt_ms(a.p99_answered),
                mib(o.peak_rss_kib),
                cpu_cell(&o.run.cpu),
            );
        }
        let _ = writeln!(out, "\nThe same runs by interaction (busy answers are not counted as answered; they rank above every answer in the percentiles):\n");
        out.push_str(RATE_HEADER);
        for scale in &report.scales {
            if let Some(o) = &scale.overload {
                rate_rows(&mut out, &scale.label, &o.run);
            }
        }
    }

    if let Some(b) = baseline {
        let _ = writeln!(out, "\n### Baseline: the fake Discord and serenity alone (a trivial serenity bot that answers at once, no database)\n");
        out.push_str(RATE_HEADER);
        for run in &b.rates {
            rate_rows(&mut out, "–", run);
        }
        if let Some(m) = &b.max_rate {
            let _ = writeln!(
                out,
                "\n| | highest rate with p99 < {} ms | tried |\n|---|---|---|",
                limit.as_millis()
            );
            max_rate_line(&mut out, "trivial bot", m, limit);
        }
        if let Some(m) = &b.memory.idle {
            let _ = writeln!(
                out,
                "\nTrivial bot memory: idle {} (peak {}), highest VmRSS under load {}.",
                mib(m.rss_kib),
                mib(m.peak_kib),
                mib(b.memory.max_rss_kib)
            );
        }
    }
    out
}

/// Two builds measured phase by phase in turn: their main figures side by side.
pub fn comparison(a: &Report, b: &Report, names: (&str, &str)) -> String {
    let mut out = String::new();
    let (na, nb) = names;
    let _ = writeln!(
        out,
        "| database | figure | {na} | {nb} | {nb} / {na} |\n|---|---|---|---|---|"
    );
    let ratio = |x: f64, y: f64| {
        if x > 0.0 {
            format!("{:.2}×", y / x)
        } else {
            "–".into()
        }
    };
    let ms = |d: Option<Duration>| d.map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0);
    for (sa, sb) in a.scales.iter().zip(&b.scales) {
        let mut row = |what: String, x: f64, y: f64, unit: &str| {
            let digits = if unit.is_empty() && x < 10.0 { 2 } else { 1 };
            let _ = writeln!(
                out,
                "| {} | {what} | {x:.digits$}{unit} | {y:.digits$}{unit} | {} |",
                sa.label,
                ratio(x, y)
            );
        };
        for (ra, rb) in sa.rates.iter().zip(&sb.rates) {
            for (x, y) in ra
                .per_act
                .iter()
                .chain([&ra.all])
                .zip(rb.per_act.iter().chain([&rb.all]))
            {
                row(
                    format!("p99 {} at {:.0}/s", x.what, ra.target_rate),
                    ms(x.p99),
                    ms(y.p99),
                    " ms",
                );
            }
            row(
                format!("bot CPU at {:.0}/s (cores)", ra.target_rate),
                ra.cpu.bot,
                rb.cpu.bot,
                "",
            );
            row(
                format!("PostgreSQL CPU at {:.0}/s (cores)", ra.target_rate),
                ra.cpu.postgres,
                rb.cpu.postgres,
                "",
            );
        }
        if let (Some(x), Some(y)) = (&sa.max_rate, &sb.max_rate) {
            row(
                "highest rate with p99 < 500 ms (/s)".into(),
                x.rate.unwrap_or(0.0),
                y.rate.unwrap_or(0.0),
                "",
            );
        }
        if let (Some(x), Some(y)) = (&sa.e2e, &sb.e2e) {
            row(
                "redemptions/s end to end".into(),
                x.per_second,
                y.per_second,
                "",
            );
            row(
                "Redeem p99 end to end".into(),
                ms(x.redeems.p99),
                ms(y.redeems.p99),
                " ms",
            );
        }
        if let (Some(x), Some(y)) = (&sa.overload, &sb.overload) {
            let unanswered = |o: &super::OverloadRun| {
                100.0 * (o.run.all.rejected + o.run.all.unanswered) as f64
                    / o.run.all.sent.max(1) as f64
            };
            row(
                "overload: late or unanswered (%)".into(),
                unanswered(x),
                unanswered(y),
                "",
            );
            row(
                "overload: peak RSS (MiB)".into(),
                x.peak_rss_kib as f64 / 1024.0,
                y.peak_rss_kib as f64 / 1024.0,
                "",
            );
        }
        if let (Some(x), Some(y)) = (sa.ceiling(), sb.ceiling()) {
            row("pgbench ceiling (tps)".into(), x.tps, y.tps, "");
            if let (Some(ea), Some(eb)) = (&sa.e2e, &sb.e2e) {
                row(
                    "licensebot / pgbench (%)".into(),
                    100.0 * ea.per_second / x.tps,
                    100.0 * eb.per_second / y.tps,
                    "",
                );
            }
        }
    }
    let peak = |r: &Report| {
        r.memory
            .samples
            .iter()
            .map(|(_, m)| m.peak_kib)
            .max()
            .unwrap_or(0) as f64
            / 1024.0
    };
    let idle = |r: &Report| r.memory.idle.map_or(0.0, |m| m.rss_kib as f64 / 1024.0);
    let _ = writeln!(
        out,
        "| – | idle RSS (MiB) | {:.1} | {:.1} | {} |",
        idle(a),
        idle(b),
        ratio(idle(a), idle(b))
    );
    let _ = writeln!(
        out,
        "| – | peak RSS, VmHWM (MiB) | {:.1} | {:.1} | {} |",
        peak(a),
        peak(b),
        ratio(peak(a), peak(b))
    );
    out
}
