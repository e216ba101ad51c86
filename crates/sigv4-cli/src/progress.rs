//! Progress bars for long transfers, on stderr when it is a terminal.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{IsTerminal, Read, Write};

/// Transfers smaller than this show no bar.
pub(crate) const THRESHOLD: u64 = 4 << 20;

/// Whether bars may be drawn: stderr is a terminal and the user did not ask for silence.
pub(crate) fn wanted(silent: bool) -> bool {
    !silent && std::io::stderr().is_terminal()
}

/// A bar that appears once a transfer is known to pass [`THRESHOLD`]: at once when its
/// size is known, else when that many bytes have gone through.
#[derive(Debug)]
pub(crate) struct Progress {
    label: &'static str,
    total: Option<u64>,
    done: u64,
    enabled: bool,
    bar: Option<ProgressBar>,
}

impl Progress {
    pub(crate) fn new(label: &'static str, total: Option<u64>, enabled: bool) -> Self {
        let mut p = Self {
            label,
            total,
            done: 0,
            enabled,
            bar: None,
        };
        p.advance(0);
        p
    }

    fn advance(&mut self, n: usize) {
        self.done += n as u64;
        if !self.enabled {
            return;
        }
        if self.bar.is_none() && self.total.unwrap_or(0).max(self.done) >= THRESHOLD {
            let bar = match self.total {
                Some(total) => ProgressBar::with_draw_target(
                    Some(total),
                    ProgressDrawTarget::stderr_with_hz(10),
                )
                .with_style(
                    ProgressStyle::with_template(
                        "{prefix:>8} [{wide_bar}] {bytes}/{total_bytes} {binary_bytes_per_sec} {eta:>3}",
                    )
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
                ),
                None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr_with_hz(10))
                    .with_style(
                        ProgressStyle::with_template(
                            "{prefix:>8} {spinner} {bytes} {binary_bytes_per_sec}",
                        )
                        .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                    ),
            };
            bar.set_prefix(self.label);
            self.bar = Some(bar);
        }
        if let Some(bar) = &self.bar {
            bar.set_position(self.done);
        }
        if self.total == Some(self.done) {
            self.finish();
        }
    }

    /// Leaves the bar at its final state.
    pub(crate) fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.set_position(self.done);
            bar.finish();
            if !bar.is_hidden() {
                // The bar stays on screen; what follows starts on a line of its own.
                eprintln!();
            }
        }
    }

    /// A reader counting what goes through it.
    pub(crate) fn reader<R: Read>(self, inner: R) -> ProgressReader<R> {
        ProgressReader {
            inner,
            progress: self,
        }
    }
}

impl Drop for Progress {
    /// A transfer cut short leaves its bar where it stopped.
    fn drop(&mut self) {
        self.finish();
    }
}

/// A reader that advances a [`Progress`]; the bar finishes at end of input.
#[derive(Debug)]
pub(crate) struct ProgressReader<R> {
    inner: R,
    progress: Progress,
}

impl<R: Read> Read for ProgressReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 {
            self.progress.finish();
        } else {
            self.progress.advance(n);
        }
        Ok(n)
    }
}

/// Copies `from` into `to`, advancing `progress`; the bar finishes when the copy does.
pub(crate) fn copy(
    from: &mut dyn Read,
    to: &mut dyn Write,
    progress: Progress,
) -> std::io::Result<u64> {
    let mut reader = progress.reader(from);
    std::io::copy(&mut reader, to)
}
