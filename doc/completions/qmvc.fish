# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_qmvc_global_optspecs
    string join \n config= u/user-profiles h/help V/version
end

function __fish_qmvc_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_qmvc_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_qmvc_using_subcommand
    set -l cmd (__fish_qmvc_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c qmvc -n "__fish_qmvc_needs_command" -l config -d 'Main configuration file (else $QMVC_CONFIG, else /etc/qmvc/qmvc.toml, else the embedded default)' -r -F
complete -c qmvc -n "__fish_qmvc_needs_command" -s u -l user-profiles -d 'Look for a per-user profile in the delivering user\'s home (QMVC\'s -u). Filter mode only'
complete -c qmvc -n "__fish_qmvc_needs_command" -s h -l help -d 'Print help'
complete -c qmvc -n "__fish_qmvc_needs_command" -s V -l version -d 'Print version'
complete -c qmvc -n "__fish_qmvc_needs_command" -f -a "filter" -d 'Filter mode, as qmail-local runs it (the default)'
complete -c qmvc -n "__fish_qmvc_needs_command" -f -a "check" -d 'Dry run on message files: the same decision, no side effects'
complete -c qmvc -n "__fish_qmvc_needs_command" -f -a "config" -d 'Validate or show the configuration'
complete -c qmvc -n "__fish_qmvc_needs_command" -f -a "notify" -d 'Incident reports'
complete -c qmvc -n "__fish_qmvc_needs_command" -f -a "quarantine" -d 'Quarantine management: list, show, release, purge'
complete -c qmvc -n "__fish_qmvc_needs_command" -f -a "report" -d 'Summarise qmvc.log and qmvc.rep (QMVC\'s Virulator): messages by verdict, action and day, viruses, badmail, incidents, engines'
complete -c qmvc -n "__fish_qmvc_needs_command" -f -a "cleanup" -d 'Remove stale per-message work directories and quarantine tmp/ files'
complete -c qmvc -n "__fish_qmvc_needs_command" -f -a "completions" -d 'Print shell completions for SHELL on stdout (e.g. `qmvc completions bash > /etc/bash_completion.d/qmvc`)'
complete -c qmvc -n "__fish_qmvc_needs_command" -f -a "man" -d 'Write the manual pages qmvc.8 and qmvc.toml.5 into DIR'
complete -c qmvc -n "__fish_qmvc_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c qmvc -n "__fish_qmvc_using_subcommand filter" -l config -d 'Main configuration file (else $QMVC_CONFIG, else /etc/qmvc/qmvc.toml, else the embedded default)' -r -F
complete -c qmvc -n "__fish_qmvc_using_subcommand filter" -s u -l user-profiles -d 'Look for a per-user profile in the delivering user\'s home'
complete -c qmvc -n "__fish_qmvc_using_subcommand filter" -s h -l help -d 'Print help'
complete -c qmvc -n "__fish_qmvc_using_subcommand check" -l sender -d 'Envelope sender to stand in ("" for the null sender). Without it, each file\'s first Return-Path: header (qmail-local writes one on every delivery, and a quarantined file starts with it; <> is the null sender), else unknown@invalid: an ordinary sender, not a bounce. --json names it ("sender", "sender_from")' -r
complete -c qmvc -n "__fish_qmvc_using_subcommand check" -l recipient -d 'Envelope recipient to stand in; its domain chooses the profile, and a released copy\'s X-Qmvc-Release token is checked against it' -r
complete -c qmvc -n "__fish_qmvc_using_subcommand check" -s j -l jobs -d 'Files judged at once (default: the number of CPUs, at most 8)' -r
complete -c qmvc -n "__fish_qmvc_using_subcommand check" -l config -d 'Main configuration file (else $QMVC_CONFIG, else /etc/qmvc/qmvc.toml, else the embedded default)' -r -F
complete -c qmvc -n "__fish_qmvc_using_subcommand check" -l json -d 'One JSON object per file, one per line'
complete -c qmvc -n "__fish_qmvc_using_subcommand check" -l fail-on-stop -d 'Exit 1 when any message would be stopped (any action but pass), as well as when a file cannot be read'
complete -c qmvc -n "__fish_qmvc_using_subcommand check" -s h -l help -d 'Print help'
complete -c qmvc -n "__fish_qmvc_using_subcommand config; and not __fish_seen_subcommand_from init check show help" -l config -d 'Main configuration file (else $QMVC_CONFIG, else /etc/qmvc/qmvc.toml, else the embedded default)' -r -F
complete -c qmvc -n "__fish_qmvc_using_subcommand config; and not __fish_seen_subcommand_from init check show help" -s h -l help -d 'Print help'
complete -c qmvc -n "__fish_qmvc_using_subcommand config; and not __fish_seen_subcommand_from init check show help" -f -a "init" -d 'Write the shipped qmvc.toml and profiles/default.toml into DIR (default /etc/qmvc), fully commented; an existing file is never overwritten'
complete -c qmvc -n "__fish_qmvc_using_subcommand config; and not __fish_seen_subcommand_from init check show help" -f -a "check" -d 'Validate the main file, every profile, regex and engine definition; list every problem as `file: key: what is wrong`. Exit 0 clean, 1 problems'
complete -c qmvc -n "__fish_qmvc_using_subcommand config; and not __fish_seen_subcommand_from init check show help" -f -a "show" -d 'Print the effective profile for a domain (and user)'
complete -c qmvc -n "__fish_qmvc_using_subcommand config; and not __fish_seen_subcommand_from init check show help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c qmvc -n "__fish_qmvc_using_subcommand config; and __fish_seen_subcommand_from init" -l config -d 'Main configuration file (else $QMVC_CONFIG, else /etc/qmvc/qmvc.toml, else the embedded default)' -r -F
complete -c qmvc -n "__fish_qmvc_using_subcommand config; and __fish_seen_subcommand_from init" -s h -l help -d 'Print help'
complete -c qmvc -n "__fish_qmvc_using_subcommand config; and __fish_seen_subcommand_from check" -l config -d 'Main configuration file (else $QMVC_CONFIG, else /etc/qmvc/qmvc.toml, else the embedded default)' -r -F
complete -c qmvc -n "__fish_qmvc_using_subcommand config; and __fish_seen_subcommand_from check" -l probe -d 'Also contact the engines'
complete -c qmvc -n "__fish_qmvc_using_subcommand config; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help'
complete -c qmvc -n "__fish_qmvc_using_subcommand config; and __fish_seen_subcommand_from show" -l domain -d 'Recipient domain (chooses the profile)' -r
complete -c qmvc -n "__fish_qmvc_using_subcommand config; and __fish_seen_subcommand_from show" -l user -d 'The delivering user, for a per-user profile: a home directory (a path with a /) or a user name (its home from the password database). Stderr says when that home has no profile file; no such user or directory is an error (exit 2)' -r
complete -c qmvc -n "__fish_qmvc_using_subcommand config; and __fish_seen_subcommand_from show" -l format -d 'Output format' -r -f -a "toml\t'TOML, as a profile file would be written'
json\t'JSON'"
complete -c qmvc -n "__fish_qmvc_using_subcommand config; and __fish_seen_subcommand_from show" -l config -d 'Main configuration file (else $QMVC_CONFIG, else /etc/qmvc/qmvc.toml, else the embedded default)' -r -F
complete -c qmvc -n "__fish_qmvc_using_subcommand config; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c qmvc -n "__fish_qmvc_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "init" -d 'Write the shipped qmvc.toml and profiles/default.toml into DIR (default /etc/qmvc), fully commented; an existing file is never overwritten'
complete -c qmvc -n "__fish_qmvc_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "check" -d 'Validate the main file, every profile, regex and engine definition; list every problem as `file: key: what is wrong`. Exit 0 clean, 1 problems'
complete -c qmvc -n "__fish_qmvc_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "show" -d 'Print the effective profile for a domain (and user)'
complete -c qmvc -n "__fish_qmvc_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c qmvc -n "__fish_qmvc_using_subcommand notify; and not __fish_seen_subcommand_from preview help" -l config -d 'Main configuration file (else $QMVC_CONFIG, else /etc/qmvc/qmvc.toml, else the embedded default)' -r -F
complete -c qmvc -n "__fish_qmvc_using_subcommand notify; and not __fish_seen_subcommand_from preview help" -s h -l help -d 'Print help'
complete -c qmvc -n "__fish_qmvc_using_subcommand notify; and not __fish_seen_subcommand_from preview help" -f -a "preview" -d 'Render the incident report FILE would cause for an audience, as the full message that would be injected, even where the profile would not send it (stderr then says so). A clean message causes no report: stderr says so, exit 0, for every audience'
complete -c qmvc -n "__fish_qmvc_using_subcommand notify; and not __fish_seen_subcommand_from preview help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c qmvc -n "__fish_qmvc_using_subcommand notify; and __fish_seen_subcommand_from preview" -l audience -d 'Who the report is for' -r -f -a "guard\t'The anti-virus or badmail guards (the verdict chooses which)'
recipient\t'The recipient of the message'
sender\t'The envelope sender'"
complete -c qmvc -n "__fish_qmvc_using_subcommand notify; and __fish_seen_subcommand_from preview" -l lang -d 'Language (BCP 47 tag) instead of the negotiated one: the best one reports can be written in (de-AT gives de); with none, the profile\'s, and stderr says so. Content-Language names it' -r
complete -c qmvc -n "__fish_qmvc_using_subcommand notify; and __fish_seen_subcommand_from preview" -l sender -d 'Envelope sender to stand in; without it, as `check`: the file\'s `Return-Path:`, else unknown@invalid (an ordinary sender, not a bounce). `--sender \'\'` is the null sender' -r
complete -c qmvc -n "__fish_qmvc_using_subcommand notify; and __fish_seen_subcommand_from preview" -l recipient -d 'Envelope recipient to stand in, as qmail-local\'s RECIPIENT; its domain chooses the profile, and a virtual domain\'s prefix comes off the address the report goes to, as in filter mode' -r
complete -c qmvc -n "__fish_qmvc_using_subcommand notify; and __fish_seen_subcommand_from preview" -l config -d 'Main configuration file (else $QMVC_CONFIG, else /etc/qmvc/qmvc.toml, else the embedded default)' -r -F
complete -c qmvc -n "__fish_qmvc_using_subcommand notify; and __fish_seen_subcommand_from preview" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c qmvc -n "__fish_qmvc_using_subcommand notify; and __fish_seen_subcommand_from help" -f -a "preview" -d 'Render the incident report FILE would cause for an audience, as the full message that would be injected, even where the profile would not send it (stderr then says so). A clean message causes no report: stderr says so, exit 0, for every audience'
complete -c qmvc -n "__fish_qmvc_using_subcommand notify; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c qmvc -n "__fish_qmvc_using_subcommand quarantine; and not __fish_seen_subcommand_from list show release purge help" -l config -d 'Main configuration file (else $QMVC_CONFIG, else /etc/qmvc/qmvc.toml, else the embedded default)' -r -F
complete -c qmvc -n "__fish_qmvc_using_subcommand quarantine; and not __fish_seen_subcommand_from list show release purge help" -s h -l help -d 'Print help'
complete -c qmvc -n "__fish_qmvc_using_subcommand quarantine; and not __fish_seen_subcommand_from list show release purge help" -f -a "list" -d 'One line per quarantined message (new/ and cur/), oldest first: ID, date, verdict, envelope sender, recipient, subject, size, findings'
complete -c qmvc -n "__fish_qmvc_using_subcommand quarantine; and not __fish_seen_subcommand_from list show release purge help" -f -a "show" -d 'What qmvc recorded and the message\'s headers'
complete -c qmvc -n "__fish_qmvc_using_subcommand quarantine; and not __fish_seen_subcommand_from list show release purge help" -f -a "release" -d 'Re-inject the original message to its recipient, then move the file to released/'
complete -c qmvc -n "__fish_qmvc_using_subcommand quarantine; and not __fish_seen_subcommand_from list show release purge help" -f -a "purge" -d 'Remove quarantined (and released) messages older than DUR'
complete -c qmvc -n "__fish_qmvc_using_subcommand quarantine; and not __fish_seen_subcommand_from list show release purge help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c qmvc -n "__fish_qmvc_using_subcommand quarantine; and __fish_seen_subcommand_from list" -l recipient -d 'Only messages whose recipient (`Delivered-To:`) contains ADDR' -r
complete -c qmvc -n "__fish_qmvc_using_subcommand quarantine; and __fish_seen_subcommand_from list" -l sender -d 'Only messages whose envelope sender contains ADDR (`<>` for the null sender)' -r
complete -c qmvc -n "__fish_qmvc_using_subcommand quarantine; and __fish_seen_subcommand_from list" -l verdict -d 'Only messages of this verdict (virus, badmail, unchecked, errormail; repeatable)' -r
complete -c qmvc -n "__fish_qmvc_using_subcommand quarantine; and __fish_seen_subcommand_from list" -l since -d 'Only messages stored on or after DATE (YYYY-MM-DD, or `YYYY-MM-DD HH:MM[:SS]`, local time)' -r
complete -c qmvc -n "__fish_qmvc_using_subcommand quarantine; and __fish_seen_subcommand_from list" -l until -d 'Only messages stored on or before DATE (a date alone counts whole)' -r
complete -c qmvc -n "__fish_qmvc_using_subcommand quarantine; and __fish_seen_subcommand_from list" -l config -d 'Main configuration file (else $QMVC_CONFIG, else /etc/qmvc/qmvc.toml, else the embedded default)' -r -F
complete -c qmvc -n "__fish_qmvc_using_subcommand quarantine; and __fish_seen_subcommand_from list" -l json -d 'One JSON object per message, one per line'
complete -c qmvc -n "__fish_qmvc_using_subcommand quarantine; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c qmvc -n "__fish_qmvc_using_subcommand quarantine; and __fish_seen_subcommand_from show" -l config -d 'Main configuration file (else $QMVC_CONFIG, else /etc/qmvc/qmvc.toml, else the embedded default)' -r -F
complete -c qmvc -n "__fish_qmvc_using_subcommand quarantine; and __fish_seen_subcommand_from show" -l raw -d 'Print the whole stored file, byte for byte'
complete -c qmvc -n "__fish_qmvc_using_subcommand quarantine; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c qmvc -n "__fish_qmvc_using_subcommand quarantine; and __fish_seen_subcommand_from release" -l to -d 'Deliver to ADDR instead of the original recipient (repeatable)' -r
complete -c qmvc -n "__fish_qmvc_using_subcommand quarantine; and __fish_seen_subcommand_from release" -l config -d 'Main configuration file (else $QMVC_CONFIG, else /etc/qmvc/qmvc.toml, else the embedded default)' -r -F
complete -c qmvc -n "__fish_qmvc_using_subcommand quarantine; and __fish_seen_subcommand_from release" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c qmvc -n "__fish_qmvc_using_subcommand quarantine; and __fish_seen_subcommand_from purge" -l older-than -d 'Age past which a message goes (e.g. 30d, 12h, 2w)' -r
complete -c qmvc -n "__fish_qmvc_using_subcommand quarantine; and __fish_seen_subcommand_from purge" -l config -d 'Main configuration file (else $QMVC_CONFIG, else /etc/qmvc/qmvc.toml, else the embedded default)' -r -F
complete -c qmvc -n "__fish_qmvc_using_subcommand quarantine; and __fish_seen_subcommand_from purge" -l dry-run -d 'Only print what would be removed'
complete -c qmvc -n "__fish_qmvc_using_subcommand quarantine; and __fish_seen_subcommand_from purge" -s q -l quiet -d 'Print nothing unless something goes wrong (for cron)'
complete -c qmvc -n "__fish_qmvc_using_subcommand quarantine; and __fish_seen_subcommand_from purge" -s h -l help -d 'Print help'
complete -c qmvc -n "__fish_qmvc_using_subcommand quarantine; and __fish_seen_subcommand_from help" -f -a "list" -d 'One line per quarantined message (new/ and cur/), oldest first: ID, date, verdict, envelope sender, recipient, subject, size, findings'
complete -c qmvc -n "__fish_qmvc_using_subcommand quarantine; and __fish_seen_subcommand_from help" -f -a "show" -d 'What qmvc recorded and the message\'s headers'
complete -c qmvc -n "__fish_qmvc_using_subcommand quarantine; and __fish_seen_subcommand_from help" -f -a "release" -d 'Re-inject the original message to its recipient, then move the file to released/'
complete -c qmvc -n "__fish_qmvc_using_subcommand quarantine; and __fish_seen_subcommand_from help" -f -a "purge" -d 'Remove quarantined (and released) messages older than DUR'
complete -c qmvc -n "__fish_qmvc_using_subcommand quarantine; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c qmvc -n "__fish_qmvc_using_subcommand report" -l log -d 'A log to read instead of `[paths].log` (repeatable: rotated logs, gzip-compressed ones too; `-` reads stdin)' -r -F
complete -c qmvc -n "__fish_qmvc_using_subcommand report" -l rep -d 'A report file to read instead of `[paths].report` (repeatable)' -r -F
complete -c qmvc -n "__fish_qmvc_using_subcommand report" -l since -d 'First day (YYYY-MM-DD) or time (`YYYY-MM-DD HH:MM[:SS]`) counted' -r
complete -c qmvc -n "__fish_qmvc_using_subcommand report" -l until -d 'Last day or time counted' -r
complete -c qmvc -n "__fish_qmvc_using_subcommand report" -l days -d 'Count today and the N-1 days before it' -r
complete -c qmvc -n "__fish_qmvc_using_subcommand report" -l top -d 'Rows per top table (senders, recipients, viruses...)' -r
complete -c qmvc -n "__fish_qmvc_using_subcommand report" -l html -d 'Also write a self-contained HTML report with charts to OUT (`-`: to stdout, instead of the text)' -r -F
complete -c qmvc -n "__fish_qmvc_using_subcommand report" -l config -d 'Main configuration file (else $QMVC_CONFIG, else /etc/qmvc/qmvc.toml, else the embedded default)' -r -F
complete -c qmvc -n "__fish_qmvc_using_subcommand report" -l json -d 'Print the figures as one JSON object instead of text'
complete -c qmvc -n "__fish_qmvc_using_subcommand report" -s h -l help -d 'Print help'
complete -c qmvc -n "__fish_qmvc_using_subcommand cleanup" -l older-than -d 'Age past which a work directory or tmp/ file is stale (e.g. 30h, 2d, 45m)' -r
complete -c qmvc -n "__fish_qmvc_using_subcommand cleanup" -l config -d 'Main configuration file (else $QMVC_CONFIG, else /etc/qmvc/qmvc.toml, else the embedded default)' -r -F
complete -c qmvc -n "__fish_qmvc_using_subcommand cleanup" -s q -l quiet -d 'Print nothing unless something goes wrong (for cron)'
complete -c qmvc -n "__fish_qmvc_using_subcommand cleanup" -s h -l help -d 'Print help'
complete -c qmvc -n "__fish_qmvc_using_subcommand completions" -l config -d 'Main configuration file (else $QMVC_CONFIG, else /etc/qmvc/qmvc.toml, else the embedded default)' -r -F
complete -c qmvc -n "__fish_qmvc_using_subcommand completions" -s h -l help -d 'Print help'
complete -c qmvc -n "__fish_qmvc_using_subcommand man" -l config -d 'Main configuration file (else $QMVC_CONFIG, else /etc/qmvc/qmvc.toml, else the embedded default)' -r -F
complete -c qmvc -n "__fish_qmvc_using_subcommand man" -s h -l help -d 'Print help'
complete -c qmvc -n "__fish_qmvc_using_subcommand help; and not __fish_seen_subcommand_from filter check config notify quarantine report cleanup completions man help" -f -a "filter" -d 'Filter mode, as qmail-local runs it (the default)'
complete -c qmvc -n "__fish_qmvc_using_subcommand help; and not __fish_seen_subcommand_from filter check config notify quarantine report cleanup completions man help" -f -a "check" -d 'Dry run on message files: the same decision, no side effects'
complete -c qmvc -n "__fish_qmvc_using_subcommand help; and not __fish_seen_subcommand_from filter check config notify quarantine report cleanup completions man help" -f -a "config" -d 'Validate or show the configuration'
complete -c qmvc -n "__fish_qmvc_using_subcommand help; and not __fish_seen_subcommand_from filter check config notify quarantine report cleanup completions man help" -f -a "notify" -d 'Incident reports'
complete -c qmvc -n "__fish_qmvc_using_subcommand help; and not __fish_seen_subcommand_from filter check config notify quarantine report cleanup completions man help" -f -a "quarantine" -d 'Quarantine management: list, show, release, purge'
complete -c qmvc -n "__fish_qmvc_using_subcommand help; and not __fish_seen_subcommand_from filter check config notify quarantine report cleanup completions man help" -f -a "report" -d 'Summarise qmvc.log and qmvc.rep (QMVC\'s Virulator): messages by verdict, action and day, viruses, badmail, incidents, engines'
complete -c qmvc -n "__fish_qmvc_using_subcommand help; and not __fish_seen_subcommand_from filter check config notify quarantine report cleanup completions man help" -f -a "cleanup" -d 'Remove stale per-message work directories and quarantine tmp/ files'
complete -c qmvc -n "__fish_qmvc_using_subcommand help; and not __fish_seen_subcommand_from filter check config notify quarantine report cleanup completions man help" -f -a "completions" -d 'Print shell completions for SHELL on stdout (e.g. `qmvc completions bash > /etc/bash_completion.d/qmvc`)'
complete -c qmvc -n "__fish_qmvc_using_subcommand help; and not __fish_seen_subcommand_from filter check config notify quarantine report cleanup completions man help" -f -a "man" -d 'Write the manual pages qmvc.8 and qmvc.toml.5 into DIR'
complete -c qmvc -n "__fish_qmvc_using_subcommand help; and not __fish_seen_subcommand_from filter check config notify quarantine report cleanup completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c qmvc -n "__fish_qmvc_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "init" -d 'Write the shipped qmvc.toml and profiles/default.toml into DIR (default /etc/qmvc), fully commented; an existing file is never overwritten'
complete -c qmvc -n "__fish_qmvc_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "check" -d 'Validate the main file, every profile, regex and engine definition; list every problem as `file: key: what is wrong`. Exit 0 clean, 1 problems'
complete -c qmvc -n "__fish_qmvc_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "show" -d 'Print the effective profile for a domain (and user)'
complete -c qmvc -n "__fish_qmvc_using_subcommand help; and __fish_seen_subcommand_from notify" -f -a "preview" -d 'Render the incident report FILE would cause for an audience, as the full message that would be injected, even where the profile would not send it (stderr then says so). A clean message causes no report: stderr says so, exit 0, for every audience'
complete -c qmvc -n "__fish_qmvc_using_subcommand help; and __fish_seen_subcommand_from quarantine" -f -a "list" -d 'One line per quarantined message (new/ and cur/), oldest first: ID, date, verdict, envelope sender, recipient, subject, size, findings'
complete -c qmvc -n "__fish_qmvc_using_subcommand help; and __fish_seen_subcommand_from quarantine" -f -a "show" -d 'What qmvc recorded and the message\'s headers'
complete -c qmvc -n "__fish_qmvc_using_subcommand help; and __fish_seen_subcommand_from quarantine" -f -a "release" -d 'Re-inject the original message to its recipient, then move the file to released/'
complete -c qmvc -n "__fish_qmvc_using_subcommand help; and __fish_seen_subcommand_from quarantine" -f -a "purge" -d 'Remove quarantined (and released) messages older than DUR'
