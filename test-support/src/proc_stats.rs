//! What this process uses, from Linux's `/proc` (benches print it beside their timings):
//! resident memory and CPU time. Zero where it cannot be read.

use std::time::Duration;

/// Resident memory of this process in KiB (`VmRSS` of `/proc/self/status`).
pub fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

/// CPU time this process has used (all threads, user and system), in ticks of 10 ms.
pub fn cpu_time() -> Duration {
    cpu_time_of("/proc/self/stat")
}

/// CPU time of the process whose `/proc/PID/stat` is `stat`, as [`cpu_time`].
pub fn cpu_time_of(stat: &str) -> Duration {
    let ticks = std::fs::read_to_string(stat)
        .ok()
        .and_then(|s| {
            // Fields after the command name (which is in parentheses and may hold spaces).
            let rest = s.rsplit_once(')')?.1;
            let fields: Vec<&str> = rest.split_whitespace().collect();
            let utime: u64 = fields.get(11)?.parse().ok()?;
            let stime: u64 = fields.get(12)?.parse().ok()?;
            Some(utime + stime)
        })
        .unwrap_or(0);
    Duration::from_millis(ticks * 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_has_memory_and_a_missing_file_reads_zero() {
        assert!(rss_kib() > 0);
        assert_eq!(cpu_time_of("/proc/no-such-process/stat"), Duration::ZERO);
    }
}
