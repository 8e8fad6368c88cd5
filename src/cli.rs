//! The command line, as clap definitions. Their doc comments are
//! the help text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// What `qmvc --help` says after the options: how a dot-qmail file runs
/// qmvc, and what each exit code makes qmail-local do (qmail-command(8)).
pub const FILTER_HELP: &str = "\
Filter mode (no command), the first line of a dot-qmail file:
    |/usr/local/bin/qmvc          (~alias/.qmail-default, ~user/.qmail)
    |preline /usr/local/bin/qmvc  (also works)
    |/usr/local/bin/qmvc -u       (per-user profiles in $HOME)

Exit codes in filter mode (what qmail-local then does):
    0    pass: qmail-local goes on with the next dot-qmail line
    99   taken out (quarantined, forwarded, dropped): the rest is skipped
    100  bounce, with qmvc's one line of output as the reason
    111  defer: the message stays in the queue and is retried
Administrative commands exit 0 done, 1 problems found, 2 usage error.

Files: /etc/qmvc/qmvc.toml (else the embedded default; `qmvc config init
/etc/qmvc` writes it), /etc/qmvc/profiles/. See qmvc(8), qmvc.toml(5).";

/// qmvc: a qmail-local delivery filter (Qmail Mail and Virus Control).
///
/// Put `|/usr/local/bin/qmvc` as the first line of a dot-qmail file. With no
/// command, qmvc runs in filter mode: it reads the envelope from
/// qmail-local's environment and the message from stdin, and exits 0 (pass),
/// 99 (taken out), 100 (bounce) or 111 (defer).
#[derive(Debug, Parser)]
#[command(name = "qmvc", version, about, long_about = None, after_help = FILTER_HELP)]
pub struct Cli {
    /// Main configuration file (else $QMVC_CONFIG, else
    /// /etc/qmvc/qmvc.toml, else the embedded default).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Look for a per-user profile in the delivering user's home (QMVC's
    /// -u). Filter mode only.
    #[arg(short = 'u', long = "user-profiles")]
    pub user_profiles: bool,

    /// What to do; filter mode when absent.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Filter mode, as qmail-local runs it (the default).
    Filter {
        /// Look for a per-user profile in the delivering user's home.
        #[arg(short = 'u', long = "user-profiles")]
        user_profiles: bool,
    },
    /// Dry run on message files: the same decision, no side effects.
    Check(CheckArgs),
    /// Validate or show the configuration.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Incident reports.
    #[command(subcommand)]
    Notify(NotifyCommand),
    /// Quarantine management: list, show, release, purge.
    #[command(subcommand)]
    Quarantine(QuarantineCommand),
    /// Summarise qmvc.log and qmvc.rep (QMVC's Virulator): messages by
    /// verdict, action and day, viruses, badmail, incidents, engines.
    Report(ReportArgs),
    /// Remove stale per-message work directories and quarantine tmp/ files.
    Cleanup {
        /// Age past which a work directory or tmp/ file is stale (e.g. 30h, 2d, 45m).
        #[arg(long, default_value = "30h", value_name = "DUR")]
        older_than: String,
        /// Print nothing unless something goes wrong (for cron).
        #[arg(long, short = 'q')]
        quiet: bool,
    },
    /// Print shell completions for SHELL on stdout (e.g. `qmvc completions
    /// bash > /etc/bash_completion.d/qmvc`).
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Write the manual pages qmvc.8 and qmvc.toml.5 into DIR.
    #[command(hide = true)]
    Man {
        /// Directory to write them into (created when missing).
        #[arg(value_name = "DIR")]
        dir: PathBuf,
    },
}

/// `qmvc check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// One JSON object per file, one per line.
    #[arg(long)]
    pub json: bool,
    /// Envelope sender to stand in ("" for the null sender). Without it,
    /// each file's first Return-Path: header (qmail-local writes one on
    /// every delivery, and a quarantined file starts with it; <> is the
    /// null sender), else unknown@invalid: an ordinary sender, not a
    /// bounce. --json names it ("sender", "sender_from").
    #[arg(long, value_name = "ADDR")]
    pub sender: Option<String>,
    /// Envelope recipient to stand in; its domain chooses the profile, and
    /// a released copy's X-Qmvc-Release token is checked against it.
    #[arg(long, default_value = "postmaster@localhost", value_name = "ADDR")]
    pub recipient: String,
    /// Exit 1 when any message would be stopped (any action but pass),
    /// as well as when a file cannot be read.
    #[arg(long)]
    pub fail_on_stop: bool,
    /// Files judged at once (default: the number of CPUs, at most 8).
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub jobs: Option<u16>,
    /// Message files; `-` reads stdin.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
}

/// `qmvc report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// A log to read instead of `[paths].log` (repeatable: rotated logs,
    /// gzip-compressed ones too; `-` reads stdin).
    #[arg(long, value_name = "FILE")]
    pub log: Vec<PathBuf>,
    /// A report file to read instead of `[paths].report` (repeatable).
    #[arg(long, value_name = "FILE")]
    pub rep: Vec<PathBuf>,
    /// First day (YYYY-MM-DD) or time (`YYYY-MM-DD HH:MM[:SS]`) counted.
    #[arg(long, value_name = "DATE", conflicts_with = "days")]
    pub since: Option<String>,
    /// Last day or time counted.
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// Count today and the N-1 days before it.
    #[arg(long, value_name = "N")]
    pub days: Option<u32>,
    /// Rows per top table (senders, recipients, viruses...).
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub top: usize,
    /// Print the figures as one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
    /// Also write a self-contained HTML report with charts to OUT (`-`:
    /// to stdout, instead of the text).
    #[arg(long, value_name = "OUT")]
    pub html: Option<PathBuf>,
}

/// `qmvc config ...`.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Write the shipped qmvc.toml and profiles/default.toml into DIR
    /// (default /etc/qmvc), fully commented; an existing file is never
    /// overwritten.
    Init {
        /// The configuration directory to create or fill.
        #[arg(value_name = "DIR", default_value = "/etc/qmvc")]
        dir: PathBuf,
    },
    /// Validate the main file, every profile, regex and engine definition;
    /// list every problem as `file: key: what is wrong`. Exit 0 clean, 1
    /// problems.
    Check {
        /// Also contact the engines.
        #[arg(long)]
        probe: bool,
    },
    /// Print the effective profile for a domain (and user).
    Show {
        /// Recipient domain (chooses the profile).
        #[arg(long, default_value = "", value_name = "D")]
        domain: String,
        /// The delivering user, for a per-user profile: a home directory
        /// (a path with a /) or a user name (its home from the password
        /// database). Stderr says when that home has no profile file; no
        /// such user or directory is an error (exit 2).
        #[arg(long, value_name = "HOME|NAME")]
        user: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ShowFormat::Toml)]
        format: ShowFormat,
    },
}

/// Output of `config show`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ShowFormat {
    /// TOML, as a profile file would be written.
    Toml,
    /// JSON.
    Json,
}

/// `qmvc notify ...`.
#[derive(Debug, Subcommand)]
pub enum NotifyCommand {
    /// Render the incident report FILE would cause for an audience, as the
    /// full message that would be injected, even where the profile would
    /// not send it (stderr then says so). A clean message causes no report:
    /// stderr says so, exit 0, for every audience.
    Preview {
        /// Who the report is for.
        #[arg(long, value_enum)]
        audience: PreviewAudience,
        /// Language (BCP 47 tag) instead of the negotiated one: the best
        /// one reports can be written in (de-AT gives de); with none, the
        /// profile's, and stderr says so. Content-Language names it.
        #[arg(long, value_name = "TAG")]
        lang: Option<String>,
        /// Envelope sender to stand in; without it, as `check`: the file's
        /// `Return-Path:`, else unknown@invalid (an ordinary sender, not a
        /// bounce). `--sender ''` is the null sender.
        #[arg(long, value_name = "ADDR")]
        sender: Option<String>,
        /// Envelope recipient to stand in, as qmail-local's RECIPIENT; its
        /// domain chooses the profile, and a virtual domain's prefix comes
        /// off the address the report goes to, as in filter mode.
        #[arg(long, default_value = "postmaster@localhost", value_name = "ADDR")]
        recipient: String,
        /// The offending message; `-` reads stdin.
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
}

/// `qmvc quarantine ...`. ID is the incident id (the log line's `id:`,
/// `X-Qmvc-Incident:`) or the quarantine file's Maildir name.
#[derive(Debug, Subcommand)]
pub enum QuarantineCommand {
    /// One line per quarantined message (new/ and cur/), oldest first: ID,
    /// date, verdict, envelope sender, recipient, subject, size, findings.
    List {
        /// One JSON object per message, one per line.
        #[arg(long)]
        json: bool,
        /// What to list; every filter given must match.
        #[command(flatten)]
        filter: ListFilter,
    },
    /// What qmvc recorded and the message's headers.
    Show {
        /// Incident id or Maildir file name.
        #[arg(value_name = "ID")]
        id: String,
        /// Print the whole stored file, byte for byte.
        #[arg(long)]
        raw: bool,
    },
    /// Re-inject the original message to its recipient, then move the file
    /// to released/.
    ///
    /// The bytes after qmvc's lines go through `[mail].inject` with the
    /// original envelope sender, headed by a one-time release token
    /// (X-Qmvc-Release) for each recipient: the qmvc on that recipient's
    /// dot-qmail passes it on unjudged, once. A token only works for the
    /// recipient it was made for; to release past a dot-qmail that hands
    /// mail on to another address running qmvc, --to that address.
    Release {
        /// Incident id or Maildir file name.
        #[arg(value_name = "ID")]
        id: String,
        /// Deliver to ADDR instead of the original recipient (repeatable).
        #[arg(long = "to", value_name = "ADDR")]
        to: Vec<String>,
    },
    /// Remove quarantined (and released) messages older than DUR.
    Purge {
        /// Age past which a message goes (e.g. 30d, 12h, 2w).
        #[arg(long, required = true, value_name = "DUR")]
        older_than: String,
        /// Only print what would be removed.
        #[arg(long)]
        dry_run: bool,
        /// Print nothing unless something goes wrong (for cron).
        #[arg(long, short = 'q')]
        quiet: bool,
    },
}

/// The filters of `quarantine list`. Addresses match case-insensitively
/// as a part of the address (`--recipient @example.com` for a domain).
#[derive(Debug, Clone, Default, Args)]
pub struct ListFilter {
    /// Only messages whose recipient (`Delivered-To:`) contains ADDR.
    #[arg(long, value_name = "ADDR")]
    pub recipient: Option<String>,
    /// Only messages whose envelope sender contains ADDR (`<>` for the
    /// null sender).
    #[arg(long, value_name = "ADDR")]
    pub sender: Option<String>,
    /// Only messages of this verdict (virus, badmail, unchecked,
    /// errormail; repeatable).
    #[arg(long, value_name = "VERDICT")]
    pub verdict: Vec<String>,
    /// Only messages stored on or after DATE (YYYY-MM-DD, or `YYYY-MM-DD
    /// HH:MM[:SS]`, local time).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only messages stored on or before DATE (a date alone counts whole).
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
}

/// `--audience` of `notify preview`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum PreviewAudience {
    /// The anti-virus or badmail guards (the verdict chooses which).
    Guard,
    /// The recipient of the message.
    Recipient,
    /// The envelope sender.
    Sender,
}
