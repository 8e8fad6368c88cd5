//! The qmvc binary: parse, run, turn the `Exit` into the process status.

use std::process::ExitCode;

fn main() -> ExitCode {
    let exit = qmvc::app::main_guarded(std::env::args_os().collect());
    if let Some(line) = exit.line() {
        println!("{line}");
    }
    ExitCode::from(exit.code())
}
