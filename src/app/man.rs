//! The manual pages qmvc(8) and qmvc.toml(5) and the shell completions.
//!
//! qmvc(8) is made from the clap definitions in [`crate::cli`] (clap_mangen
//! for the title, synopsis and global options; every command with its
//! options below that) plus the sections clap does not know: exit status,
//! environment, files, dot-qmail examples. qmvc.toml(5) is made from the
//! shipped, fully commented main file and default profile, word for word,
//! under a hand-written overview. `qmvc man DIR` writes both pages (the
//! Debian package ships the copies kept in `doc/man/`, which a test keeps
//! equal to this output); `qmvc completions SHELL` prints completions
//! (clap_complete).

use std::fs;
use std::io::{self, Write};
use std::path::Path;

use clap::{Arg, ArgAction, Command, CommandFactory};
use roff::{Roff, bold, italic, roman};

use crate::cli::Cli;
use crate::exit::Exit;

/// The manual the pages belong to (man-pages(7): sections 5 and 8).
const MANUAL: &str = "qmvc manual";

/// qmvc(8), filter mode and the commands, as roff source.
pub fn page_qmvc() -> String {
    let cmd = Cli::command().disable_help_subcommand(true);
    let man = clap_mangen::Man::new(cmd.clone())
        .section("8")
        .manual(MANUAL);
    let mut out = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = man
        .render_title(&mut out)
        .and_then(|()| man.render_name_section(&mut out))
        .and_then(|()| man.render_synopsis_section(&mut out));
    let mut roff = Roff::new();
    roff.control("SH", ["DESCRIPTION"]);
    paragraphs(&mut roff, DESCRIPTION);
    let _ = roff.to_writer(&mut out);
    let _ = man.render_options_section(&mut out);
    let mut roff = Roff::new();
    roff.control("SH", ["COMMANDS"]);
    let mut built = cmd;
    built.build();
    for sub in built.get_subcommands() {
        commands(&mut roff, sub);
    }
    for (title, text) in QMVC_SECTIONS {
        roff.control("SH", [*title]);
        paragraphs(&mut roff, text);
    }
    let _ = roff.to_writer(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// qmvc.toml(5): the main file and the security profiles, as roff source.
pub fn page_qmvc_toml() -> String {
    let mut roff = Roff::new();
    let version = format!("qmvc {}", env!("CARGO_PKG_VERSION"));
    roff.control("TH", ["QMVC.TOML", "5", "", version.as_str(), MANUAL]);
    roff.control("SH", ["NAME"]);
    roff.text([roman(
        "qmvc.toml - the main configuration file and the security profiles of qmvc",
    )]);
    roff.control("SH", ["SYNOPSIS"]);
    roff.text([bold("/etc/qmvc/qmvc.toml")]);
    roff.control("br", []);
    roff.text([bold("/etc/qmvc/profiles/default.toml")]);
    roff.control("br", []);
    roff.text([bold("/etc/qmvc/profiles/"), italic("DOMAIN"), bold(".toml")]);
    for (title, text) in TOML_SECTIONS {
        roff.control("SH", [*title]);
        paragraphs(&mut roff, text);
    }
    roff.control("SH", ["THE SHIPPED MAIN FILE"]);
    paragraphs(
        &mut roff,
        "This is the built-in default, word for word; `qmvc config init` writes it.",
    );
    verbatim(&mut roff, crate::config::EMBEDDED_MAIN);
    roff.control("SH", ["THE DEFAULT PROFILE"]);
    paragraphs(
        &mut roff,
        "profiles/default.toml as shipped: the built-in default profile that every other profile is laid over.",
    );
    verbatim(&mut roff, crate::profile::EMBEDDED_DEFAULT);
    roff.control("SH", ["SEE ALSO"]);
    roff.text([roman("qmvc(8), qmail-local(8), dot-qmail(5)")]);
    roff.render()
}

/// `qmvc man DIR`: writes `qmvc.8` and `qmvc.toml.5` into DIR (created
/// when missing), replacing earlier copies. Exit 0, 1 when one could not
/// be written.
pub fn write_pages(dir: &Path) -> Exit {
    let pages = [("qmvc.8", page_qmvc()), ("qmvc.toml.5", page_qmvc_toml())];
    let result = fs::create_dir_all(dir).and_then(|()| {
        pages
            .iter()
            .try_for_each(|(name, text)| fs::write(dir.join(name), text))
    });
    match result {
        Ok(()) => Exit::Status(0),
        Err(e) => {
            eprintln!("qmvc: cannot write manual pages in {}: {e}", dir.display());
            Exit::Status(1)
        }
    }
}

/// `qmvc completions SHELL`: the completion script on stdout. Exit 0.
pub fn completions(shell: clap_complete::Shell) -> Exit {
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "qmvc", &mut out);
    let mut stdout = io::stdout().lock();
    // A closed stdout (`| head`) is not an error worth reporting.
    let _ = stdout.write_all(&out).and_then(|()| stdout.flush());
    Exit::Status(0)
}

/// One `.SS` per command that does something (groups such as `config`
/// only lead to theirs): its usage, its help, its options.
fn commands(roff: &mut Roff, cmd: &Command) {
    if cmd.is_hide_set() {
        return;
    }
    if cmd.has_subcommands() {
        for sub in cmd.get_subcommands() {
            commands(roff, sub);
        }
        return;
    }
    let usage = cmd.clone().render_usage().to_string();
    let usage = usage.trim_start_matches("Usage: ").trim();
    roff.control("SS", [usage]);
    let about = cmd
        .get_long_about()
        .or(cmd.get_about())
        .map(|s| s.to_string())
        .unwrap_or_default();
    paragraphs(roff, &about);
    for arg in cmd.get_arguments() {
        if arg.is_hide_set() || matches!(arg.get_id().as_str(), "help" | "version" | "config") {
            continue;
        }
        option(roff, arg);
    }
}

/// One `.TP` entry: the flag or operand, then its help, possible values
/// and default.
fn option(roff: &mut Roff, arg: &Arg) {
    let value = arg
        .get_value_names()
        .and_then(|v| v.first())
        .map(|v| v.to_string())
        .unwrap_or_else(|| arg.get_id().to_string().to_uppercase());
    let takes_value = !matches!(
        arg.get_action(),
        ArgAction::SetTrue | ArgAction::SetFalse | ArgAction::Count
    );
    let mut head = Vec::new();
    if arg.is_positional() {
        head.push(italic(value));
    } else {
        let mut names = Vec::new();
        if let Some(s) = arg.get_short() {
            names.push(format!("-{s}"));
        }
        if let Some(l) = arg.get_long() {
            names.push(format!("--{l}"));
        }
        head.push(bold(names.join(", ")));
        if takes_value {
            head.push(roman(" "));
            head.push(italic(value));
        }
    }
    roff.control("TP", []);
    roff.text(head);
    let mut help = arg
        .get_long_help()
        .or(arg.get_help())
        .map(|s| s.to_string())
        .unwrap_or_default();
    let possible: Vec<String> = arg
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| v.get_name().to_string())
        .collect();
    let help_ends = |h: &mut String| {
        if !h.is_empty() && !h.ends_with(['.', ')']) {
            h.push('.');
        }
    };
    help_ends(&mut help);
    if takes_value && !possible.is_empty() {
        help.push_str(&format!(" One of: {}.", possible.join(", ")));
    }
    let defaults: Vec<String> = arg
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().into_owned())
        .filter(|v| !v.is_empty())
        .collect();
    if takes_value && !defaults.is_empty() {
        help.push_str(&format!(" Default: {}.", defaults.join(", ")));
    }
    roff.text([roman(help.replace('\n', " "))]);
}

/// Text with blank lines between paragraphs; lines indented by four spaces
/// are kept as they are (examples), the rest is filled.
fn paragraphs(roff: &mut Roff, text: &str) {
    let mut first = true;
    for block in text.split("\n\n") {
        let block = block.trim_matches('\n');
        if block.is_empty() {
            continue;
        }
        if !first {
            roff.control("PP", []);
        }
        first = false;
        if block.lines().all(|l| l.starts_with("    ")) {
            let lines: Vec<&str> = block.lines().map(|l| &l[4..]).collect();
            verbatim(roff, &lines.join("\n"));
        } else {
            let filled: Vec<&str> = block.lines().map(str::trim).collect();
            roff.text([roman(filled.join(" "))]);
        }
    }
}

/// `text` line by line, unfilled and indented (an example or a file).
fn verbatim(roff: &mut Roff, text: &str) {
    roff.control("RS", ["4"]);
    roff.control("nf", []);
    for line in text.lines() {
        roff.text([roman(line)]);
    }
    roff.control("fi", []);
    roff.control("RE", []);
}

/// The DESCRIPTION of qmvc(8).
const DESCRIPTION: &str = "\
qmvc is a delivery filter for qmail-local. qmail-local runs it from the first line of a
dot-qmail file for every locally delivered message, with the message on standard input and
the envelope in the environment. qmvc checks the message against the badmail conditions of
the recipient's security profile (subject, body, attachment filename, declared and detected
MIME type, Office macros, null sender, errormail), runs the anti-virus chain, quarantines,
forwards or bounces what it stops, logs one line per message, and steers qmail-local with
its exit code. It needs no patch to qmail and never touches the queue.

With no command (or with filter), qmvc runs in filter mode. The other commands are for
the administrator: they judge files without side effects, check the configuration, manage
the quarantine, render incident reports and summarise the log.

No anti-virus engine runs until one is configured in the main file (an [[engine]] table,
e.g. clamd); until then only the badmail rules of the profile apply. qmvc config check
warns about it.";

/// The hand-written sections of qmvc(8), in order.
const QMVC_SECTIONS: &[(&str, &str)] = &[
    (
        "EXIT STATUS",
        "\
In filter mode qmvc exits with one of the codes qmail-local understands (qmail-command(8)):

    0    pass: qmail-local goes on with the next line of the dot-qmail file
    99   taken out: quarantined (only once the file is in the quarantine's new/),
         forwarded (after the inject program succeeded) or dropped;
         qmail-local counts the message delivered and skips the rest
    100  bounce: only when the profile's action is bounce; qmvc's one line
         of output is the reason the sender reads
    111  defer: any temporary trouble (configuration, a full disk, an
         unreachable engine under on_error = defer, a usage error in the
         dot-qmail line, an internal error); the message stays in the queue

qmvc never exits with anything else in filter mode. Every 111 comes with one line on
standard output ending in a status code, such as (#4.3.0).

The administrative commands exit 0 when done, 1 when they found problems (a file that
could not be read, a configuration problem, with check --fail-on-stop a message that would
be stopped), 2 on a usage error or an invalid configuration.",
    ),
    (
        "ENVIRONMENT",
        "\
Filter mode reads the envelope that qmail-local sets:

    SENDER       the envelope sender; empty for a bounce, #@[] for a double bounce
    RECIPIENT    LOCAL@HOST
    LOCAL, EXT   the local part and its extension
    HOST         the domain; it chooses the security profile
    DEFAULT      the part of the address a -default dot-qmail file matched
    USER, HOME   the delivering user (per-user profiles with -u)

QMVC_CONFIG names the main file when --config is not given. Every value is treated as
hostile: kept as bytes, bounded, never passed through a shell, escaped before it reaches
a log field or a header.",
    ),
    (
        "FILES",
        "
    /etc/qmvc/qmvc.toml          the main file (else the embedded default)
    /etc/qmvc/profiles/          default.toml and DOMAIN.toml security profiles
    /etc/qmvc/templates/         site incident report templates (optional)
    /etc/qmvc/locales/           site translations (optional)
    /var/qmail/qmvc/log/qmvc.log one line per message
    /var/qmail/qmvc/log/qmvc.rep one block per incident
    /var/qmail/qmvc/quarantine/  the quarantine Maildir
    /var/qmail/qmvc/work/        per-message work directories
    /var/qmail/qmvc/state/       bomber counters

The delivering user (alias for ~alias and virtualdomains, the vpopmail user for vpopmail
domains) must be able to write everything under /var/qmail/qmvc. See qmvc.toml(5).",
    ),
    (
        "EXAMPLES",
        "\
Filter every message delivered through ~alias (and virtualdomains mapped to alias):

    # ~alias/.qmail-default
    |/usr/local/bin/qmvc
    ./Maildir/

A virtualdomain example.com:example-com in control/virtualdomains:

    # ~alias/.qmail-example-com-default
    |/usr/local/bin/qmvc
    |forward \"$DEFAULT@internal.example.com\"

A vpopmail domain, qmvc before vdelivermail:

    # ~vpopmail/domains/example.com/.qmail-default
    |/usr/local/bin/qmvc
    | /home/vpopmail/bin/vdelivermail '' bounce-no-mailbox

Judge message files without side effects, and fail a script when one would be stopped:

    qmvc check --fail-on-stop /tmp/suspect.eml

Housekeeping from the delivering user's crontab:

    17 3 * * *  qmvc cleanup --quiet
    27 3 * * *  qmvc quarantine purge --older-than 30d --quiet",
    ),
    (
        "SEE ALSO",
        "qmvc.toml(5), qmail-local(8), qmail-command(8), dot-qmail(5), maildir(5), preline(1), clamd(8)",
    ),
];

/// The hand-written sections of qmvc.toml(5), in order.
const TOML_SECTIONS: &[(&str, &str)] = &[
    (
        "DESCRIPTION",
        "\
qmvc is configured in TOML: one main file and a directory of security profiles. The main
file is found at --config FILE, else at $QMVC_CONFIG, else at /etc/qmvc/qmvc.toml; without
any of them qmvc uses the built-in default, which is the shipped file shown below, word for
word. qmvc config init DIR writes the shipped main file and default profile into DIR,
never overwriting a file.

Unknown keys are errors. qmvc config check lists every problem at once as
file: key: what is wrong, and says which main file it checked. There is no daemon:
changes take effect with the next message.

Whoever may write a configuration file steers qmvc: files and directories that everyone
may write are refused.",
    ),
    (
        "MAIN FILE",
        "\
[paths] absolute paths: log, report, quarantine, workdir, state (written by the delivering
user), profiles, templates, locales.

[mail] inject (argv of the inject program, no shell), from (From: of incident reports),
timeout (seconds one inject run may take).

[guards] antivirus and badmail: the addresses that get guard incident reports.

[recipient] how the address the user knows is worked out from qmail-local's environment.

[limits] caps on the work per message; reaching one is an unchecked finding, never a crash.

[user_profiles] file: the per-user profile in the delivering user's home (qmvc -u).

[site] host: this delivery host's name in incident ids, quarantine file names and the
log's host: field (default: the system's host name).

[state] backend = files (default) or redis with servers (redis://host:port/db or
unix:/path) and timeout_ms (default 200): where the bomber counters live. Redis shares
them between the site's delivery hosts; when it cannot be used the local files count.

[log] syslog (default false) and syslog_socket (default /dev/log): one RFC 5424 record
per message, facility mail, besides the log file.

[[engine]] the anti-virus engines in chain order: type = clamd with servers
(unix:/path or tcp:host:port) and timeout, or type = command with a preset or a command.
With none, no anti-virus engine runs. For Debian's clamav-daemon:

    [[engine]]
    name = \"clamd\"
    type = \"clamd\"
    servers = [\"unix:/run/clamav/clamd.ctl\"]",
    ),
    (
        "SECURITY PROFILES",
        "\
profiles/default.toml and profiles/DOMAIN.toml in [paths].profiles, chosen by the
recipient's domain: the exact domain, then each parent domain, then default. A profile names
only what it changes; extends = \"name\" lays it over another profile. qmvc config show
--domain D prints the effective result. Its tables: [conditions.*] (subject, body,
filename, mimetype, macro, nullsender, errormail, unchecked), [scan] (which engines, how),
[actions] (what happens per verdict: pass, quarantine, forward, bounce, drop) and
[reactions] (incident reports to guards, recipient and sender).",
    ),
];
