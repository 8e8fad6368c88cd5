//! Presets for command-line scanners (`preset = "..."` in an `[[engine]]`):
//! each vendor's documented command line, exit codes and output format.
//!
//! Sources: each scanner's manual page or vendor guide as cited per entry,
//! cross-checked against amavisd-new's `@av_scanners` table
//! (amavisd.conf-default), which has carried these definitions for two
//! decades. `{dir}` is the work directory holding the message and its
//! decoded parts; `{file}` runs the scanner once per file. A site may keep a
//! preset's exit codes and regex and replace its `command` (a different
//! path, a rules file): see [`super::EngineConfig`].
//!
//! Pure data; no I/O.

/// One preset: the defaults an `[[engine]]` with `preset = NAME` gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Preset {
    /// The preset's name as written in the configuration.
    pub name: &'static str,
    /// argv with `{dir}` / `{file}` placeholders.
    pub command: &'static [&'static str],
    /// Exit codes that mean "scanned, nothing found".
    pub clean_exit: &'static [i32],
    /// Exit codes that mean "a virus was found".
    pub virus_exit: &'static [i32],
    /// Exit codes that mean "some content could not be scanned" (encrypted
    /// or corrupt archives, files skipped): `unchecked`, never clean.
    pub unchecked_exit: &'static [i32],
    /// Regex over stdout and stderr whose first capture group is a name.
    pub virus_regex: &'static str,
    /// Regex over stdout and stderr whose match means "some content could
    /// not be scanned" whatever the exit code (a virus exit aside); empty
    /// for none.
    pub unchecked_regex: &'static str,
    /// True when a clean exit with a regex match still means a virus (for
    /// scanners whose exit code does not tell, such as yara).
    pub match_is_virus: bool,
    /// The largest file the scanner examines whole by default, in bytes
    /// (the engine's default `max_file_size`); `None` when not known.
    pub max_file_size: Option<u64>,
    /// The most bytes the scanner extracts from one file by default (the
    /// engine's default `max_scan_size`); `None` when not known.
    pub max_scan_size: Option<u64>,
}

/// 1 to 255: Trend Micro's vscan exits with the number of infected files.
const COUNT_EXIT: [i32; 255] = {
    let mut codes = [0i32; 255];
    let mut i = 0;
    while i < 255 {
        codes[i] = i as i32 + 1;
        i += 1;
    }
    codes
};

/// clamscan(1)/clamdscan(1) output: `/path: Name FOUND`, the name with a
/// `(hash:size)` suffix under `--extended-detection-info`.
const CLAM_FOUND: &str = r"^.*?: (.+?)(?:\([0-9a-f]+:[0-9]+\))? FOUND$";

/// Output meaning some content was not scanned: clamd's answer to a
/// stream past its `StreamMaxLength` when the client did not cut it first
/// (clamdscan `--stream` whose clamd.conf has a larger limit than the
/// server's): `/path: INSTREAM size limit exceeded. ERROR`, exit 2; and
/// the alert for a scan limit (`--alert-exceeds-max`, clamd.conf
/// `AlertExceedsMax yes`): `/path: Heuristics.Limits.Exceeded.MaxFileSize
/// FOUND`, exit 1 (its name is then read as a limit, not a virus).
const CLAM_UNCHECKED: &str = r"^.*(?:size limit exceeded|Heuristics\.Limits\.Exceeded).*$";

/// clamscan's built-in `--max-filesize` (ClamAV 1.x: 100 MiB; clamscan(1)
/// prints no default, libclamav's `CLI_DEFAULT_MAXFILESIZE`).
const CLAMSCAN_MAX_FILE_SIZE: u64 = 100 << 20;

/// clamscan's built-in `--max-scansize` (ClamAV 1.x: 400 MiB,
/// libclamav's `CLI_DEFAULT_MAXSCANSIZE`).
const CLAMSCAN_MAX_SCAN_SIZE: u64 = 400 << 20;

/// Every preset, by name.
pub const PRESETS: &[Preset] = &[
    // clamscan(1): "RETURN CODES: 0 : No virus found. 1 : Virus(es) found.
    // 2 : Some error(s) occurred." Output lines: `/path: Name FOUND`.
    // `--alert-exceeds-max=yes`: without it clamscan stops at its size,
    // recursion and file-count limits without a word and says the rest is
    // clean; with it a limit is `Heuristics.Limits.Exceeded.*` (unchecked).
    Preset {
        name: "clamscan",
        command: &[
            "clamscan",
            "--alert-exceeds-max=yes",
            "--no-summary",
            "--infected",
            "--stdout",
            "--recursive",
            "--",
            "{dir}",
        ],
        clean_exit: &[0],
        virus_exit: &[1],
        unchecked_exit: &[],
        virus_regex: CLAM_FOUND,
        unchecked_regex: CLAM_UNCHECKED,
        match_is_virus: false,
        max_file_size: Some(CLAMSCAN_MAX_FILE_SIZE),
        max_scan_size: Some(CLAMSCAN_MAX_SCAN_SIZE),
    },
    // clamdscan(1): same return codes and output as clamscan. `--fdpass`
    // hands clamd the open file over its unix socket, so clamd need not be
    // able to read the 0700 work directory. Not `--stream`: clamdscan 1.4
    // sends at most clamd.conf's StreamMaxLength of a file and reports the
    // rest `OK`, exit 0 (measured: EICAR 2 MB into a file, StreamMaxLength
    // 1M, is "OK"), a silent pass of content nobody examined. A clamd
    // reached over TCP cannot take `--fdpass`: use `type = "clamd"`, whose
    // own client sends each part and knows the stream limit. clamdscan has
    // no switch for clamd's limits: clamd.conf's `AlertExceedsMax yes` is
    // what makes them `Heuristics.Limits.Exceeded.*`.
    Preset {
        name: "clamdscan",
        command: &[
            "clamdscan",
            "--no-summary",
            "--infected",
            "--stdout",
            "--fdpass",
            "--",
            "{dir}",
        ],
        clean_exit: &[0],
        virus_exit: &[1],
        unchecked_exit: &[],
        virus_regex: CLAM_FOUND,
        unchecked_regex: CLAM_UNCHECKED,
        match_is_virus: false,
        max_file_size: Some(super::CLAMD_MAX_FILE_SIZE),
        max_scan_size: Some(super::CLAMD_MAX_SCAN_SIZE),
    },
    // yara(1): prints `RULE_NAME FILE` per match and exits 0 whether or not
    // a rule matched (non-zero only on errors), so a match is what tells.
    // It needs real files. The rules path is the site's: replace `command`.
    Preset {
        name: "yara",
        command: &[
            "yara",
            "--no-warnings",
            "--recursive",
            "/etc/qmvc/yara/rules.yar",
            "{dir}",
        ],
        clean_exit: &[0],
        virus_exit: &[],
        unchecked_exit: &[],
        virus_regex: r"^(\S+) ",
        unchecked_regex: "",
        match_is_virus: true,
        max_file_size: None,
        max_scan_size: None,
    },
    // Sophos Anti-Virus for Linux, savscan(1) ("sweep" is its old name):
    // "0 If no errors are encountered and no viruses are found. 1 If the
    // user interrupts SAV. 2 If some error preventing further execution is
    // discovered. 3 If viruses or virus fragments are discovered." Output:
    // `>>> Virus 'EICAR-AV-Test' found in file /path`.
    Preset {
        name: "savscan",
        command: &[
            "savscan", "-nc", "-nb", "-f", "-all", "-rec", "-ss", "-sc", "-archive", "-mime",
            "-tnef", "{dir}",
        ],
        clean_exit: &[0],
        virus_exit: &[3],
        unchecked_exit: &[],
        virus_regex: r">>> Virus(?: fragment)? '([^']+)' found",
        unchecked_regex: "",
        match_is_virus: false,
        max_file_size: None,
        max_scan_size: None,
    },
    // F-Secure Anti-Virus for Linux, fsav(1) EXIT CODES: "0 Normal exit; no
    // viruses or suspicious files found. 1 Fatal error. 3 A boot virus or
    // file virus found. 4 Riskware (potential spyware) found. 6 At least one
    // virus was removed and no infected files left. 7 Out of memory. 8
    // Suspicious files found. 9 Scan error, at least one file scan failed."
    // Output: `/path: Infected: EICAR_Test_File [FSE]`.
    Preset {
        name: "fsav",
        command: &[
            "fsav",
            "--virus-action1=report",
            "--archive=yes",
            "--auto=yes",
            "--list=no",
            "--mime=yes",
            "{dir}",
        ],
        clean_exit: &[0],
        virus_exit: &[3, 4, 6, 8],
        unchecked_exit: &[],
        virus_regex: r"(?:infection|Infected|Suspected|Riskware): (\S+)",
        unchecked_regex: "",
        match_is_virus: false,
        max_file_size: None,
        max_scan_size: None,
    },
    // McAfee VirusScan Command Line, uvscan(1): exit 0 no virus, 13 "one or
    // more viruses or hostile objects found", other codes errors. Output:
    // `... Found the W32/Netsky.q@MM virus !!!`, `... Found virus or
    // variant X !!!`, `... Found: EICAR test file NOT a virus.`
    Preset {
        name: "uvscan",
        command: &[
            "uvscan",
            "--secure",
            "-rv",
            "--mime",
            "--summary",
            "--noboot",
            "-",
            "{dir}",
        ],
        clean_exit: &[0],
        virus_exit: &[13],
        unchecked_exit: &[],
        virus_regex: r"Found(?: the (.+) (?:virus|trojan)| (?:virus|trojan) or variant ([^ ]+)|: (.+) NOT a virus)",
        unchecked_regex: "",
        match_is_virus: false,
        max_file_size: None,
        max_scan_size: None,
    },
    // Trend Micro FileScanner, vscan: exits with the number of infected
    // files (0 = clean). Output: `*** Found virus EICAR_Test_File in file
    // /path`.
    Preset {
        name: "vscan",
        command: &["vscan", "-za", "-a", "{dir}"],
        clean_exit: &[0],
        virus_exit: &COUNT_EXIT,
        unchecked_exit: &[],
        virus_regex: r"Found virus (.+) in",
        unchecked_regex: "",
        match_is_virus: false,
        max_file_size: None,
        max_scan_size: None,
    },
    // CA eTrust / InoculateIT, inocucmd: exit 0 clean, 100 virus found.
    // Output: `File /path was infected by virus EICAR`.
    Preset {
        name: "inocucmd",
        command: &["inocucmd", "-sec", "-nex", "{dir}"],
        clean_exit: &[0],
        virus_exit: &[100],
        unchecked_exit: &[],
        virus_regex: r"was infected by virus (.+)",
        unchecked_regex: "",
        match_is_virus: false,
        max_file_size: None,
        max_scan_size: None,
    },
    // ESET Server Security for Linux, odscan (ESET's "Command-line
    // on-demand scan" guide): "0 no threat found, 1 threat found and
    // cleaned, 10 some files could not be scanned (may be threats), 50
    // threat found, 100 error". Output: `name="/path", threat="Eicar test
    // file", action="...", info="..."`.
    Preset {
        name: "eset",
        command: &["/opt/eset/efs/bin/odscan", "--scan", "{dir}"],
        clean_exit: &[0],
        virus_exit: &[1, 50],
        unchecked_exit: &[10],
        virus_regex: r#"threat="([^"]+)""#,
        unchecked_regex: "",
        match_is_virus: false,
        max_file_size: None,
        max_scan_size: None,
    },
    // Kaspersky Anti-Virus for Linux File Server, kavscanner: exit 0 clean,
    // 10 archive password-protected/skipped, 15 corrupted archive (both
    // treated as clean by amavisd-new; unchecked here: nobody looked
    // inside), 5 all infected cured, 20 suspicious
    // objects, 21 cured, 25 infected objects found. Output: `/path
    // INFECTED EICAR-Test-File`.
    Preset {
        name: "kaspersky",
        command: &[
            "/opt/kaspersky/kav4fs/bin/kav4fs-kavscanner",
            "-i0",
            "-xn",
            "-xp",
            "-mn",
            "-R",
            "-ePASBME",
            "{dir}",
        ],
        clean_exit: &[0],
        virus_exit: &[5, 20, 21, 25],
        unchecked_exit: &[10, 15],
        virus_regex: r"(?:INFECTED|WARNING|SUSPICION|SUSPICIOUS) (.+)",
        unchecked_regex: "",
        match_is_virus: false,
        max_file_size: None,
        max_scan_size: None,
    },
    // Dr.Web for Linux, drweb (console scanner): exit 0 nothing found, 32
    // (bit 5: "not all files checked"), 1 known virus, 9 known virus and
    // modification, 33 virus and not all checked. Output: `/path infected
    // with EICAR Test File (NOT a Virus!)`.
    Preset {
        name: "drweb",
        command: &[
            "drweb",
            "-path={dir}",
            "-al",
            "-go",
            "-ot",
            "-cn",
            "-upn",
            "-ok-",
        ],
        clean_exit: &[0],
        virus_exit: &[1, 9, 33],
        unchecked_exit: &[32],
        virus_regex: r" infected (?:with|by)(?: virus)? (.+)$",
        unchecked_regex: "",
        match_is_virus: false,
        max_file_size: None,
        max_scan_size: None,
    },
    // Avast for Linux, scan(1): "0 no infection, 1 some file was infected,
    // 2 an error occurred". Output: `/path<TAB>EICAR Test-NOT virus!!!`.
    Preset {
        name: "avast",
        command: &["scan", "{dir}"],
        clean_exit: &[0],
        virus_exit: &[1],
        unchecked_exit: &[],
        virus_regex: r"\t(.+)",
        unchecked_regex: "",
        match_is_virus: false,
        max_file_size: None,
        max_scan_size: None,
    },
    // Comodo Antivirus for Linux, cmdscan: exits 0 either way; a detection
    // prints `/path ---> Found Virus, Malware Name is Eicar`.
    Preset {
        name: "comodo",
        command: &["/opt/COMODO/cmdscan", "-s", "{dir}", "-v"],
        clean_exit: &[0],
        virus_exit: &[],
        unchecked_exit: &[],
        virus_regex: r" ---> Found .*, Malware Name is (.+)$",
        unchecked_regex: "",
        match_is_virus: true,
        max_file_size: None,
        max_scan_size: None,
    },
];

/// Other names of presets: `sweep` is savscan's old name (Sophos
/// Anti-Virus User Manual for UNIX: same options, codes and output; SAV
/// for Linux installs both).
const ALIASES: &[(&str, &str)] = &[("sweep", "savscan")];

/// The preset called `name` (or an alias such as `sweep`), if there is one.
pub fn find(name: &str) -> Option<&'static Preset> {
    let name = ALIASES
        .iter()
        .find(|(alias, _)| *alias == name)
        .map_or(name, |(_, real)| real);
    PRESETS.iter().find(|p| p.name == name)
}

/// The names of every preset and alias, for error messages.
pub fn names() -> Vec<&'static str> {
    PRESETS
        .iter()
        .map(|p| p.name)
        .chain(ALIASES.iter().map(|(a, _)| *a))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_are_well_formed() {
        for p in PRESETS {
            assert!(
                regex::Regex::new(p.virus_regex).is_ok()
                    && regex::Regex::new(p.unchecked_regex).is_ok(),
                "{}: bad regex",
                p.name
            );
            assert!(
                p.command
                    .iter()
                    .any(|a| a.contains("{dir}") || a.contains("{file}")),
                "{}: no placeholder",
                p.name
            );
            assert!(
                !p.virus_exit.is_empty() || p.match_is_virus,
                "{}: cannot report a virus",
                p.name
            );
            assert!(
                p.clean_exit
                    .iter()
                    .chain(p.unchecked_exit)
                    .all(|c| !p.virus_exit.contains(c))
                    && p.unchecked_exit.iter().all(|c| !p.clean_exit.contains(c)),
                "{}: exit codes overlap",
                p.name
            );
        }
        assert_eq!(find("vscan").map(|p| p.virus_exit.len()), Some(255));
        assert!(find("nonesuch").is_none());
        assert_eq!(find("sweep").map(|p| p.name), Some("savscan"));
    }
}
