//! The integration step: the attachments of a parsed message opened as
//! containers, their members turned into [`Inner`] parts (`2.a1`, path
//! `invoice.zip/docs/Rechnung.js`) for the filename and MIME type rules,
//! and everything that could not be examined (encryption, bombs, limits,
//! damage) collected as [`Unexamined`] items for `unchecked` findings.
//!
//! Pure: reads the parts' bodies only; bounded by one [`Budget`] per
//! message.

use bytes::Bytes;

use super::{Budget, Format, Limits, Listing, Member, Problem, read, sniff};
use crate::message::{self, Origin, Part};

/// Bytes of a part looked at to recognise a container: enough for the
/// volume descriptors of a disc image (sectors 16 to 63 of 2 KiB).
const SNIFF_BYTES: usize = 64 * 2048 + 8;

/// What the profile lets the step open (`[conditions.archives]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The formats opened; a container of another format is left closed
    /// (its own name and type still count).
    pub formats: Vec<Format>,
    /// The caps.
    pub limits: Limits,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            formats: Format::ALL.to_vec(),
            limits: Limits::default(),
        }
    }
}

/// A member of an attachment, as the rules see it.
#[derive(Debug, Clone)]
pub struct Inner {
    /// The member as a part: id `2.a1` (`2.a1.a3` inside a nested
    /// container), its base name in [`Part::names`] (the UTF-8 reading,
    /// else Latin-1, and the name cut at a NUL when it holds one),
    /// declared type `application/octet-stream`, the type detected from
    /// its first bytes, its head (or whole content when read) as body,
    /// [`Origin::Member`].
    pub part: Part,
    /// The id of the MIME part that holds it (`2`).
    pub parent: String,
    /// Its path from the attachment's name, `/`-separated
    /// (`invoice.zip/docs/Rechnung.js`), lossily decoded.
    pub path: String,
    /// Its size as its container declares it (bytes).
    pub size: u64,
}

/// Something inside an attachment that could not be examined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unexamined {
    /// The id of the MIME part concerned.
    pub parent: String,
    /// `path: reason`, one line.
    pub detail: String,
}

/// An Office document with macros found inside an attachment, or an
/// attachment that is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MacroDocument {
    /// The id of the MIME part concerned.
    pub parent: String,
    /// The document's path (the attachment's name for the attachment
    /// itself).
    pub path: String,
    /// What kind of macros, one line.
    pub detail: String,
}

/// Everything found inside the attachments of one message.
#[derive(Debug, Clone, Default)]
pub struct Inside {
    /// Members in document order, each after its container.
    pub members: Vec<Inner>,
    /// What could not be examined, in the order met.
    pub unexamined: Vec<Unexamined>,
    /// Office documents with macros.
    pub macros: Vec<MacroDocument>,
}

/// Opens every part of `parts` that is a container of an allowed format
/// (recognised from its content, whatever its name or declared type) and
/// lists its members, nested containers included down to
/// [`Limits::max_depth`].
pub fn expand(parts: &[Part], settings: &Settings) -> Inside {
    let mut walk = Walk {
        settings,
        budget: Budget::new(&settings.limits),
        inside: Inside::default(),
        members_left: settings.limits.max_members.saturating_mul(10),
    };
    for part in parts {
        let head = part.body.head(SNIFF_BYTES);
        // MERGE(office): the Office and TNEF readers plug in here, before
        // the container test (a `.doc` is no container):
        //   if office::is_candidate(&head) { walk.office(&part.body.bytes(), &part.id, name) }
        //   if head.starts_with(&tnef::SIGNATURE) { walk.tnef(&part.body.bytes(), &Node {..}) }
        // `office` pushes a `MacroDocument` for `Ok(Some(m))` (detail: the
        // kind and `m.location`) and an `Unexamined` for `Err(e)`; `tnef`
        // turns each attachment into an `Inner` as `member` does (names
        // from `TnefAttachment::names`, data = its bytes, opened in turn
        // when `sniff` knows it) and a `TnefCut` into an `Unexamined`.
        let Some(format) = sniff(&head) else {
            continue;
        };
        drop(head);
        let content = part.body.bytes();
        let name = part
            .names
            .first()
            .cloned()
            .unwrap_or_else(|| format!("part {}", part.id));
        walk.open(
            format,
            &content,
            &Node {
                parent: &part.id,
                id: &part.id,
                path: &name,
                depth: 1,
            },
        );
    }
    walk.inside
}

/// Where a container sits.
struct Node<'a> {
    /// The MIME part.
    parent: &'a str,
    /// The container's own id (`2`, `2.a1`).
    id: &'a str,
    /// The container's path.
    path: &'a str,
    /// 1 for an attachment, 2 for a container inside it, ...
    depth: usize,
}

struct Walk<'s> {
    settings: &'s Settings,
    budget: Budget,
    inside: Inside,
    /// Members still allowed over the whole message.
    members_left: usize,
}

impl Walk<'_> {
    fn problem(&mut self, node: &Node<'_>, detail: String) {
        self.inside.unexamined.push(Unexamined {
            parent: node.parent.to_string(),
            detail: format!("{}: {detail}", node.path),
        });
    }

    fn open(&mut self, format: Format, content: &[u8], node: &Node<'_>) {
        if !self.settings.formats.contains(&format) {
            return;
        }
        if node.depth > self.settings.limits.max_depth {
            let detail = format!(
                "limit archives.max_depth exceeded: a {} container nested deeper than {}",
                format.name(),
                self.settings.limits.max_depth
            );
            self.problem(node, detail);
            return;
        }
        let Listing { members, problems } = read(format, content, &mut self.budget);
        for problem in problems {
            self.problem(node, problem.to_string());
        }
        for (index, member) in members.into_iter().enumerate() {
            if self.members_left == 0 {
                let detail = Problem::Limit {
                    limit: "max_members",
                    detail: format!(
                        "more than {} members in the whole message",
                        self.settings.limits.max_members.saturating_mul(10)
                    ),
                }
                .to_string();
                self.problem(node, detail);
                return;
            }
            self.members_left -= 1;
            self.member(format, member, index + 1, node);
        }
    }

    fn member(&mut self, format: Format, member: Member, index: usize, node: &Node<'_>) {
        let mut name = decode_name(&member.name);
        if name.is_empty() {
            name = stripped_name(node.path, format);
        }
        let id = format!("{}.a{index}", node.id);
        let path = format!("{}/{}", node.path, name.trim_start_matches('/'));
        let base = name.rsplit('/').next().unwrap_or_default().to_string();
        let mut names = vec![base.clone()];
        if let Some((cut, _)) = base.split_once('\0') {
            names.push(cut.to_string());
        }
        names.retain(|n| !n.is_empty());
        let content = member.data.as_deref().unwrap_or(&member.head);
        let detected_type = message::detect(content);
        if let Some(data) = &member.data {
            // MERGE(office): members that are Office documents, the same
            // call as for parts: `self.office(data, node.parent, &path)`.
            let nested = sniff(data);
            if let Some(format) = nested {
                self.open(
                    format,
                    data,
                    &Node {
                        parent: node.parent,
                        id: &id,
                        path: &path,
                        depth: node.depth + 1,
                    },
                );
            }
        }
        let body = match member.data {
            Some(data) => Bytes::from(data),
            None => Bytes::from(member.head),
        };
        self.inside.members.push(Inner {
            part: Part {
                id,
                depth: node.depth,
                declared_type: "application/octet-stream".into(),
                names,
                attachment: true,
                body: body.into(),
                charset: None,
                detected_type,
                origin: Origin::Member,
            },
            parent: node.parent.to_string(),
            path,
            size: member.size,
        });
    }
}

/// A member name as text: UTF-8 when it is, else Latin-1 (every byte a
/// character, so that no byte is lost to a replacement character).
pub fn decode_name(raw: &[u8]) -> String {
    match std::str::from_utf8(raw) {
        Ok(s) => s.to_string(),
        Err(_) => raw.iter().map(|&b| char::from(b)).collect(),
    }
}

/// The name gunzip, bunzip2 and unxz give a stream without a stored
/// name: the container's base name without its compression extension
/// (`.tgz` gives `.tar`).
fn stripped_name(container: &str, format: Format) -> String {
    let base = container.rsplit('/').next().unwrap_or(container);
    let lower = base.to_ascii_lowercase();
    let suffixes: &[(&str, &str)] = match format {
        Format::Gzip => &[(".tgz", ".tar"), (".gz", ""), (".z", "")],
        Format::Bzip2 => &[(".tbz2", ".tar"), (".tbz", ".tar"), (".bz2", "")],
        Format::Xz => &[(".txz", ".tar"), (".xz", ""), (".lzma", "")],
        _ => &[],
    };
    for (suffix, replacement) in suffixes {
        if lower.ends_with(suffix) && base.is_char_boundary(base.len() - suffix.len()) {
            return format!("{}{replacement}", &base[..base.len() - suffix.len()]);
        }
    }
    format!("{base}.out")
}
