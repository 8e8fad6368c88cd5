//! Windows' view of an attachment name: the name of the file Windows
//! actually creates and the program Explorer runs it with, which is what
//! the recipient gets when the mail client saves or opens the attachment.
//!
//! Pure: strings in, strings out. Sources: "Naming Files, Paths, and
//! Namespaces" (Win32 drops trailing dots and spaces; MAX_PATH is 260;
//! NTFS keeps 255 UTF-16 units per component), MS-FSCC §2.1.5.1 (NTFS
//! stream names `file:stream:$DATA`), and the CLSID file extensions that
//! Explorer hides and runs by class (`x.{3050F4D8-...}` is an HTML
//! Application, see Microsoft Security Bulletin MS04-024).

/// Characters of a name NTFS keeps per path component (it counts UTF-16
/// units; a name of astral characters is cut earlier, which is also
/// covered because every cut ending in an extension is a view).
const NTFS_MAX_NAME: usize = 255;

/// Win32's MAX_PATH: a saved attachment whose full path is longer is cut
/// by the saving program (Outlook's `Content.Outlook` folder lies ~80 to
/// ~160 characters deep).
const MAX_PATH: usize = 260;

/// A name shorter than this is never cut by Windows (MAX_PATH minus the
/// deepest attachment folder we allow for).
const SHORTEST_CUT: usize = 90;

/// Views of one long name at most (each a cut ending in an extension).
const MAX_CUT_VIEWS: usize = 8;

/// CLSIDs whose file extension Explorer runs with a program that executes
/// the content, and the extension that has the same effect. A class not
/// listed is still a handler run by Explorer, so it counts as `.exe`.
const CLSIDS: &[(&str, &str)] = &[
    // HTML Application (mshta.exe).
    ("3050f4d8-98b5-11cf-bb82-00aa00bdce0b", "hta"),
];

/// The name as Windows would open it: trailing dots, spaces, tabs and any
/// other Unicode white space (NO-BREAK SPACE, IDEOGRAPHIC SPACE...)
/// dropped, case folded (Unicode lower case, as NTFS's upcase table folds
/// case). Win32 drops only dots and spaces, but Explorer and the mail
/// clients trim every kind of blank before they pick the program by
/// extension, and a blank nobody can see is an evasion in itself.
pub fn normalise_windows_name(name: &str) -> String {
    name.trim_end_matches(|c: char| c == '.' || c.is_whitespace() || c == '\0')
        .to_lowercase()
}

/// Other names Windows makes of `name` (the name itself not included):
/// the part before the first `:` (an NTFS stream: `evil.exe::$DATA` and
/// `evil.exe:x` create `evil.exe`), the name Firefox and Thunderbird
/// save it under (blanks taken out of the extension), a CLSID extension turned into the
/// extension of the program it runs with (and the name without it, which
/// is what Explorer shows), and, for a long name, the cuts that NTFS (255
/// characters) and MAX_PATH make when they end in an extension.
pub(crate) fn windows_views(name: &str) -> Vec<String> {
    let mut views = Vec::new();
    if let Some((stream_host, _)) = name.split_once(':')
        && !stream_host.trim().is_empty()
    {
        views.push(stream_host.to_owned());
    }
    views.extend(gecko_view(name));
    let trimmed = name.trim_end_matches(|c: char| c == '.' || c.is_whitespace());
    if let Some((stem, class)) = clsid_extension(trimmed) {
        let ext = CLSIDS
            .iter()
            .find(|(id, _)| class.eq_ignore_ascii_case(id))
            .map_or("exe", |(_, e)| e);
        views.push(stem.to_owned());
        views.push(format!("{stem}.{ext}"));
    }
    let chars: Vec<(usize, char)> = name.char_indices().collect();
    if chars.len() > NTFS_MAX_NAME
        && let Some(&(at, _)) = chars.get(NTFS_MAX_NAME)
    {
        views.push(name.get(..at).unwrap_or(name).to_owned());
    }
    if chars.len() > SHORTEST_CUT {
        // Every cut between SHORTEST_CUT and MAX_PATH characters that ends
        // right after an extension (`.` and 1 to 4 ASCII letters or
        // digits), nearest to the NTFS limit first: the folder's depth
        // decides where the cut falls.
        let mut cuts: Vec<usize> = Vec::new();
        for (i, &(_, c)) in chars.iter().enumerate() {
            if c != '.' {
                continue;
            }
            for len in 1..=4 {
                let end = i + 1 + len;
                let ext_ok = chars
                    .get(i + 1..end)
                    .is_some_and(|e| e.iter().all(|(_, c)| c.is_ascii_alphanumeric()));
                if ext_ok && (SHORTEST_CUT..=MAX_PATH).contains(&end) && end < chars.len() {
                    cuts.push(end);
                }
            }
        }
        cuts.sort_by_key(|&end| end.abs_diff(NTFS_MAX_NAME));
        for end in cuts.into_iter().take(MAX_CUT_VIEWS) {
            if let Some(&(at, _)) = chars.get(end) {
                views.push(name.get(..at).unwrap_or(name).to_owned());
            }
        }
    }
    views
}

/// The name Firefox and Thunderbird save (and open) the attachment
/// under, where it differs from the name: Gecko's `SanitizeFileName`
/// (`nsExternalHelperAppService.cpp`, used by Thunderbird's "Open" and
/// "Save" and by Firefox downloading from a webmail) turns every Unicode
/// blank but the ideographic space into a space, drops the line and
/// paragraph separators, and takes the spaces out of the extension
/// (Mozilla's own test saves `1. First` as `1.First`). So `invoice.j s`,
/// `invoice.<NBSP>js` and `invoice.j<U+2028>s` are all `invoice.js`.
fn gecko_view(name: &str) -> Option<String> {
    let mut changed = false;
    let mapped: String = name
        .chars()
        .filter_map(|c| match c {
            '\u{2028}' | '\u{2029}' => {
                changed = true;
                None
            }
            ' ' | '\u{3000}' => Some(c),
            c if c.is_whitespace() => {
                changed = true;
                Some(' ')
            }
            c => Some(c),
        })
        .collect();
    let trimmed = mapped.trim_end_matches([' ', '.']);
    let (stem, ext) = trimmed.rsplit_once('.')?;
    if !changed && !ext.contains(' ') {
        return None;
    }
    let ext: String = ext.chars().filter(|&c| c != ' ').collect();
    Some(format!("{stem}.{ext}"))
}

/// `stem.{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}` split into the stem and
/// the class id (without braces).
fn clsid_extension(name: &str) -> Option<(&str, &str)> {
    let body = name.strip_suffix('}')?;
    let open = body.rfind(".{")?;
    let class = body.get(open + 2..)?;
    let groups: Vec<&str> = class.split('-').collect();
    let shape = [8, 4, 4, 4, 12];
    let ok = groups.len() == shape.len()
        && groups
            .iter()
            .zip(shape)
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()));
    ok.then(|| (name.get(..open).unwrap_or(""), class))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blanks_of_every_kind_dropped() {
        assert_eq!(normalise_windows_name("Invoice.EXE. . "), "invoice.exe");
        assert_eq!(normalise_windows_name("a.exe\t"), "a.exe");
        assert_eq!(normalise_windows_name("a.exe\u{a0}"), "a.exe");
        assert_eq!(normalise_windows_name("a.exe\u{3000}."), "a.exe");
        assert_eq!(normalise_windows_name("ÄRGER.Scr"), "ärger.scr");
    }

    #[test]
    fn streams_give_the_host_file() {
        assert_eq!(windows_views("evil.exe::$DATA"), ["evil.exe"]);
        assert_eq!(windows_views("evil.exe:x"), ["evil.exe"]);
        assert!(windows_views(":x").is_empty());
    }

    #[test]
    fn gecko_takes_the_blanks_out_of_the_extension() {
        assert_eq!(windows_views("invoice. js"), ["invoice.js"]);
        assert_eq!(windows_views("invoice.j s"), ["invoice.js"]);
        assert_eq!(windows_views("invoice.\u{a0}js"), ["invoice.js"]);
        assert_eq!(windows_views("invoice.j\u{2028}s"), ["invoice.js"]);
        assert_eq!(windows_views("in\u{2003}voice.l n k"), ["in voice.lnk"]);
        assert!(windows_views("my report.pdf").is_empty());
        assert!(windows_views("noextension x").is_empty());
    }

    #[test]
    fn clsid_extensions_run_as_their_class() {
        let v = windows_views("report.{3050F4D8-98B5-11CF-BB82-00AA00BDCE0B}");
        assert_eq!(v, ["report", "report.hta"]);
        let v = windows_views("a.pdf.{00000000-0000-0000-0000-000000000000}");
        assert_eq!(v, ["a.pdf", "a.pdf.exe"]);
        assert!(windows_views("a.{not-a-clsid}").is_empty());
    }

    #[test]
    fn long_names_cut_where_windows_cuts() {
        let name = format!("{}.exe{}.pdf", "a".repeat(251), "b".repeat(40));
        let v = windows_views(&name);
        assert!(v.contains(&format!("{}.exe", "a".repeat(251))), "{v:?}");
        let name = format!("{}.js{}.txt", "r".repeat(170), "x".repeat(120));
        assert!(windows_views(&name).contains(&format!("{}.js", "r".repeat(170))));
        assert!(windows_views("short.exe.txt").is_empty());
        let dots = ".a".repeat(400);
        assert!(windows_views(&dots).len() <= MAX_CUT_VIEWS + 1);
    }
}
