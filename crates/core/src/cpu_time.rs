//! CPU time of the calling thread or of the whole process, for the benchmarks: on a shared
//! machine the wall clock also counts other processes' time slices, CPU time does not.
//!
//! `clock_gettime` with the thread or process CPU clock. `/proc/thread-self/schedstat`, which
//! the benchmarks read before, is brought up to date only at scheduler ticks: a 55 ms round read
//! from it was off by up to a 4 ms tick, and the best of several rounds was the most flattering
//! error. (rustix's `clock_gettime` was tried first; it reads the vDSO itself and crashes under
//! valgrind, which the benchmarks are also run under to count instructions.)

/// CPU time the calling thread has run, in seconds; `None` if the clock cannot be read.
pub fn thread_seconds() -> Option<f64> {
    read(libc::CLOCK_THREAD_CPUTIME_ID)
}

/// CPU time all threads of this process have run, in seconds; `None` if the clock cannot be
/// read.
pub fn process_seconds() -> Option<f64> {
    read(libc::CLOCK_PROCESS_CPUTIME_ID)
}

/// CPU time (user and system) of this process's children that have ended and been waited
/// for, in seconds: around a child process run to the end, its own CPU time.
pub fn children_seconds() -> Option<f64> {
    // SAFETY: `rusage` is plain data, for which all zero bytes is a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `usage` is a valid, writable `rusage` that outlives the call, which writes only
    // into it.
    let rc = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    (rc == 0).then(|| secs(usage.ru_utime) + secs(usage.ru_stime))
}

fn read(clock: libc::clockid_t) -> Option<f64> {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable `timespec` that outlives the call, which writes only
    // into it; the clock ids are constants of this platform.
    let rc = unsafe { libc::clock_gettime(clock, &mut ts) };
    (rc == 0).then(|| ts.tv_sec as f64 + ts.tv_nsec as f64 / 1e9)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thread_cpu_time_follows_work_closely() {
        let a = thread_seconds().expect("thread clock");
        let wall = std::time::Instant::now();
        let mut x = 0u64;
        while wall.elapsed().as_millis() < 30 {
            x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(1));
        }
        let b = thread_seconds().expect("thread clock");
        let p = process_seconds().expect("process clock");
        // Busy for 30 ms of wall time: the thread ran for most of it (a loaded machine may
        // take some), and the clock is not tick-quantised to zero.
        assert!(b - a > 0.005 && b - a < 0.5, "{}", b - a);
        assert!(p >= b - a);
    }

    #[test]
    fn children_cpu_time_counts_a_finished_child() {
        let before = children_seconds().expect("rusage");
        // A child that burns a little CPU (the shell's own loop), then is waited for.
        let status = std::process::Command::new("sh")
            .args(["-c", "i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done"])
            .status()
            .expect("sh runs");
        assert!(status.success());
        let after = children_seconds().expect("rusage");
        assert!(after > before, "{before} {after}");
    }
}
