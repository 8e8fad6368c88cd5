//! The qmvc binary: parse, run, turn the `Exit` into the process status.

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let exit = qmvc::app::main_guarded(std::env::args_os().collect());
    if let Some(line) = exit.line() {
        // Not println!, which panics when stdout cannot be written (a full
        // pipe, /dev/full): the exit code is what qmail-local needs most,
        // and it must stay the one planned.
        let mut out = std::io::stdout().lock();
        let _ = out
            .write_all(format!("{line}\n").as_bytes())
            .and_then(|()| out.flush());
    }
    ExitCode::from(exit.code())
}
