//! The bot under test as a process of its own (so its memory is its own): started against
//! the fake Discord from an empty working directory, with only the environment it needs;
//! its memory and CPU time read from `/proc`.

use std::{
    path::{Path, PathBuf},
    process::Stdio,
    time::{Duration, Instant},
};

use anyhow::{bail, Context as _};
use fake_discord::FakeDiscord;

/// Memory of a process, in KiB, from `/proc/<pid>/status`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Memory {
    /// Resident now (`VmRSS`).
    pub rss_kib: u64,
    /// The peak resident size so far (`VmHWM`).
    pub peak_kib: u64,
}

pub struct BotProcess {
    child: tokio::process::Child,
    pid: u32,
    log: PathBuf,
}

impl BotProcess {
    /// Runs `program args…` with `env` (and `PATH`) only, from `workdir`, its output appended
    /// to `log`; returns once the bot holds a gateway session and registered its commands.
    pub async fn start(
        program: &Path,
        args: &[&str],
        env: &[(String, String)],
        fake: &FakeDiscord,
        workdir: &Path,
        log: &Path,
    ) -> anyhow::Result<BotProcess> {
        let out = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .with_context(|| format!("opening {}", log.display()))?;
        let err = out.try_clone()?;
        let mut command = tokio::process::Command::new(program);
        command
            .args(args)
            .current_dir(workdir)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("DISCORD_TOKEN", fake.token())
            .env("DISCORD_API_URL", fake.api_url())
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .kill_on_drop(true);
        for (name, value) in env {
            command.env(name, value);
        }
        let child = command
            .spawn()
            .with_context(|| format!("starting {}", program.display()))?;
        let pid = child.id().context("the bot exited at once")?;
        let mut bot = BotProcess {
            child,
            pid,
            log: log.to_path_buf(),
        };
        let ready = async {
            fake.wait_ready(Duration::from_secs(120)).await?;
            fake.wait_for_commands(None, Duration::from_secs(60)).await
        };
        if let Err(e) = ready.await {
            let status = bot.child.try_wait().ok().flatten();
            bail!(
                "{} did not connect ({e:#}; exit {status:?}); its log ends:\n{}",
                program.display(),
                bot.log_tail(20)
            );
        }
        Ok(bot)
    }

    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// The last `lines` lines of the bot's output.
    pub fn log_tail(&self, lines: usize) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let mut tail: Vec<&str> = text.lines().rev().take(lines).collect();
        tail.reverse();
        tail.join("\n")
    }

    pub fn memory(&self) -> Option<Memory> {
        memory(self.pid)
    }

    /// CPU time used so far (user + system).
    pub fn cpu(&self) -> Option<Duration> {
        cpu(self.pid)
    }

    /// Waits until the bot used less than 1 % of a core for a second (after READY it records
    /// every guild's locale), at most `limit`.
    pub async fn wait_idle(&self, limit: Duration) -> bool {
        let start = Instant::now();
        let mut last = self.cpu();
        while start.elapsed() < limit {
            tokio::time::sleep(Duration::from_secs(1)).await;
            let now = self.cpu();
            match (last, now) {
                (Some(a), Some(b)) if b.saturating_sub(a) <= Duration::from_millis(10) => {
                    return true
                }
                _ => last = now,
            }
        }
        false
    }

    /// SIGTERM, then SIGKILL after `grace`.
    pub async fn stop(mut self, grace: Duration) {
        let _ = nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(self.pid as i32),
            nix::sys::signal::Signal::SIGTERM,
        );
        if tokio::time::timeout(grace, self.child.wait())
            .await
            .is_err()
        {
            let _ = self.child.start_kill();
            let _ = self.child.wait().await;
        }
    }
}

pub fn memory(pid: u32) -> Option<Memory> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| -> Option<u64> {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))?
            .split_whitespace()
            .next()?
            .parse()
            .ok()
    };
    Some(Memory {
        rss_kib: field("VmRSS:")?,
        peak_kib: field("VmHWM:")?,
    })
}

/// User + system CPU time of a process, from `/proc/<pid>/stat` (clock ticks of 1/100 s).
pub fn cpu(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces: the fields start after its closing parenthesis.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(Duration::from_millis((utime + stime) * 10))
}

/// CPU time of every process whose command line contains `needle` (e.g. the PostgreSQL
/// backends serving one database: `postgres: 15/main: postgres <database> …`), by pid.
pub fn cpu_matching(needle: &str) -> std::collections::HashMap<u32, Duration> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Default::default();
    };
    entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline"))
                .is_ok_and(|c| String::from_utf8_lossy(&c).contains(needle))
        })
        .filter_map(|pid| Some((pid, cpu(pid)?)))
        .collect()
}

/// Busy and total CPU time of the whole machine, from `/proc/stat`.
pub fn machine_cpu() -> Option<(Duration, Duration)> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let fields: Vec<u64> = stat
        .lines()
        .next()?
        .split_whitespace()
        .skip(1)
        .filter_map(|f| f.parse().ok())
        .collect();
    let total: u64 = fields.iter().take(8).sum();
    let idle = fields.get(3)? + fields.get(4)?;
    Some((
        Duration::from_millis((total - idle) * 10),
        Duration::from_millis(total * 10),
    ))
}

/// Where the CPU went over a stretch of time, in cores (1.0 = one CPU busy all along).
#[derive(Debug, Clone, Copy, Default)]
pub struct CpuUse {
    pub bot: f64,
    /// This process: the fake Discord and the load generator.
    pub bench: f64,
    /// The PostgreSQL backends of the benchmark's database.
    pub postgres: f64,
    /// Everything else on the machine (PostgreSQL's own background work, other programs).
    pub other: f64,
    /// The machine's CPUs.
    pub cpus: f64,
}

/// A starting point for [`CpuUse`].
pub struct CpuMeter {
    bot_pid: Option<u32>,
    database: Option<String>,
    at: std::time::Instant,
    bot: Option<Duration>,
    bench: Option<Duration>,
    postgres: std::collections::HashMap<u32, Duration>,
    machine: Option<(Duration, Duration)>,
}

impl CpuMeter {
    pub fn start(bot_pid: Option<u32>, database: Option<&str>) -> CpuMeter {
        CpuMeter {
            bot_pid,
            database: database.map(str::to_string),
            at: std::time::Instant::now(),
            bot: bot_pid.and_then(cpu),
            bench: cpu(std::process::id()),
            postgres: database.map_or_else(Default::default, |d| cpu_matching(&format!(" {d} "))),
            machine: machine_cpu(),
        }
    }

    pub fn finish(&self) -> CpuUse {
        let wall = self.at.elapsed().as_secs_f64().max(1e-9);
        let delta = |a: Option<Duration>, b: Option<Duration>| match (a, b) {
            (Some(a), Some(b)) => b.saturating_sub(a).as_secs_f64() / wall,
            _ => 0.0,
        };
        let bot = delta(self.bot, self.bot_pid.and_then(cpu));
        let bench = delta(self.bench, cpu(std::process::id()));
        // Per backend: one that came since counts whole, one that went is lost.
        let postgres = self.database.as_deref().map_or(0.0, |d| {
            cpu_matching(&format!(" {d} "))
                .iter()
                .map(|(pid, now)| {
                    now.saturating_sub(self.postgres.get(pid).copied().unwrap_or_default())
                })
                .sum::<Duration>()
                .as_secs_f64()
                / wall
        });
        let (busy, cpus) = match (self.machine, machine_cpu()) {
            (Some((b0, t0)), Some((b1, t1))) => {
                let total = t1.saturating_sub(t0).as_secs_f64().max(1e-9);
                let cpus = total / wall;
                (b1.saturating_sub(b0).as_secs_f64() / total * cpus, cpus)
            }
            _ => (0.0, 0.0),
        };
        CpuUse {
            bot,
            bench,
            postgres,
            other: (busy - bot - bench - postgres).max(0.0),
            cpus,
        }
    }
}
