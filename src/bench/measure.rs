//! Timing and memory: warm-up then timed runs, medians and percentiles, peak resident memory.

use crate::Result;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Runs `f` `warmup` times untimed, then `runs` times timed; returns the timed durations.
pub fn time_runs(warmup: usize, runs: usize, mut f: impl FnMut() -> Result<()>) -> Result<Vec<Duration>> {
    for _ in 0..warmup {
        f()?;
    }
    (0..runs.max(1))
        .map(|_| {
            let start = Instant::now();
            f()?;
            Ok(start.elapsed())
        })
        .collect()
}

/// Median in seconds (mean of the middle two for an even count); 0 for no samples.
pub fn median_secs(samples: &[Duration]) -> f64 {
    let mut s: Vec<f64> = samples.iter().map(Duration::as_secs_f64).collect();
    s.sort_by(f64::total_cmp);
    match s.len() {
        0 => 0.0,
        n if n % 2 == 1 => s[n / 2],
        n => (s[n / 2 - 1] + s[n / 2]) / 2.0,
    }
}

/// Nearest-rank percentile (`p` in 0–100) in seconds; 0 for no samples.
pub fn percentile_secs(samples: &[Duration], p: f64) -> f64 {
    let mut s: Vec<f64> = samples.iter().map(Duration::as_secs_f64).collect();
    s.sort_by(f64::total_cmp);
    if s.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * s.len() as f64).ceil() as usize;
    s[rank.clamp(1, s.len()) - 1]
}

/// Peak resident set size of this process in bytes (`VmHWM` of `/proc/self/status`); `None`
/// where there is no such file (not Linux).
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    parse_vm_hwm(&status)
}

fn parse_vm_hwm(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.trim_start_matches("VmHWM:").trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kib * 1024)
}

/// CPU time used so far by each thread of this process (`/proc/self/task/*/schedstat`, in ns),
/// keyed by thread id; `None` where unavailable.
pub fn thread_cpu() -> Option<HashMap<u64, u64>> {
    let mut out = HashMap::new();
    for entry in std::fs::read_dir("/proc/self/task").ok()?.flatten() {
        let Ok(tid) = entry.file_name().to_string_lossy().parse::<u64>() else {
            continue;
        };
        if let Some(ns) = std::fs::read_to_string(entry.path().join("schedstat"))
            .ok()
            .and_then(|s| s.split_whitespace().next()?.parse().ok())
        {
            out.insert(tid, ns);
        }
    }
    (!out.is_empty()).then_some(out)
}

/// Threads that were on a CPU for at least a tenth of `wall` between two [`thread_cpu`]
/// snapshots: how many threads a measured section really used.
pub fn busy_threads(before: &HashMap<u64, u64>, after: &HashMap<u64, u64>, wall: Duration) -> usize {
    let threshold = wall.as_nanos() as f64 / 10.0;
    after.iter().filter(|(tid, &ns)| (ns - before.get(tid).copied().unwrap_or(0).min(ns)) as f64 >= threshold).count()
}

/// Runs `f` and returns its result with the number of [`busy_threads`] (`None` where unknown).
pub fn count_busy<T>(f: impl FnOnce() -> T) -> (T, Option<usize>) {
    let before = thread_cpu();
    let start = Instant::now();
    let out = f();
    let wall = start.elapsed();
    let busy = before.zip(thread_cpu()).map(|(b, a)| busy_threads(&b, &a, wall));
    (out, busy)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(values: &[u64]) -> Vec<Duration> {
        values.iter().map(|&v| Duration::from_millis(v)).collect()
    }

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median_secs(&ms(&[30, 10, 20])), 0.02);
        assert!((median_secs(&ms(&[40, 10, 20, 30])) - 0.025).abs() < 1e-12);
        assert_eq!(median_secs(&[]), 0.0);
    }

    #[test]
    fn nearest_rank_percentiles() {
        let samples = ms(&(1..=20).collect::<Vec<_>>());
        assert_eq!(percentile_secs(&samples, 50.0), 0.010);
        assert_eq!(percentile_secs(&samples, 95.0), 0.019);
        assert_eq!(percentile_secs(&samples, 100.0), 0.020);
        assert_eq!(percentile_secs(&ms(&[7]), 95.0), 0.007);
    }

    #[test]
    fn warmup_runs_are_not_timed() {
        let mut calls = 0;
        let times = time_runs(2, 3, || {
            calls += 1;
            Ok(())
        })
        .unwrap();
        assert_eq!((calls, times.len()), (5, 3));
    }

    #[test]
    fn busy_threads_counts_those_above_a_tenth_of_the_wall_time() {
        let before = HashMap::from([(1, 0), (2, 500), (3, 0)]);
        let after = HashMap::from([(1, 900), (2, 560), (3, 100), (4, 300)]);
        assert_eq!(busy_threads(&before, &after, Duration::from_nanos(1000)), 3, "1, 3 and the new 4; not 2");
    }

    #[test]
    fn reads_vm_hwm_in_kib() {
        let status = "Name:\tstance\nVmPeak:\t  300 kB\nVmHWM:\t  1704 kB\nVmRSS:\t 1000 kB\n";
        assert_eq!(parse_vm_hwm(status), Some(1704 * 1024));
        assert_eq!(parse_vm_hwm("Name: x\n"), None);
    }
}
